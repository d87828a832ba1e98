"""Köprü's URLs plus the benchmark's floor page."""

from django.urls import path

from bench.views import floor
from partnership.urls import urlpatterns as kopru_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *kopru_urlpatterns]
