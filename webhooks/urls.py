"""/webhooks/: managers' webhook endpoints."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.WebhookEndpointListView.as_view(), name="webhookendpoint_list"),
    path("new/", views.WebhookEndpointCreateView.as_view(), name="webhookendpoint_create"),
    path("<int:pk>/", views.WebhookEndpointDetailView.as_view(), name="webhookendpoint_detail"),
    path("<int:pk>/edit/", views.WebhookEndpointUpdateView.as_view(), name="webhookendpoint_update"),
    path("<int:pk>/deactivate/", views.WebhookEndpointDeactivateView.as_view(), name="webhookendpoint_deactivate"),
]
