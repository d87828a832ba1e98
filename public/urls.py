"""The public URLs (open to everyone) and the managers' publication page; robots.txt and the sitemap."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from public import views
from public.feeds import PublishedFeed
from public.http import public_file
from public.sitemaps import SITEMAPS

app_name = "public"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("public/events/<int:pk>/", views.event_detail, name="event_detail"),
    path("public/data/", views.data_page, name="data"),
    path("public/data/catalog.json", views.catalog, name="catalog"),  # before <name>.json, which would take it
    path("public/data/<slug:name>.csv", views.dataset_csv, name="dataset_csv"),
    path("public/data/<slug:name>.json", views.dataset_json, name="dataset_json"),
    path("public/feed.atom", public_file(PublishedFeed()), name="feed"),
    path("public/manage/", views.PublicationManageView.as_view(), name="publication_manage"),
    path("public/manage/propose/", views.PublicationProposeView.as_view(), name="publication_propose"),
    path("public/manage/<int:pk>/agree/", views.PublicationAgreeView.as_view(), name="publication_agree"),
    path("public/manage/<int:pk>/unpublish/", views.PublicationUnpublishView.as_view(), name="publication_unpublish"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", public_file(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
