"""/accounts/tokens/: the signed-in user's personal API tokens."""

from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.ApiTokenListView.as_view(), name="apitoken_list"),
]
