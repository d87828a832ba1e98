from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification_list"),
    path("<int:pk>/read/", views.NotificationMarkReadView.as_view(), name="notification_read"),
    path("read/", views.NotificationMarkAllReadView.as_view(), name="notification_read_all"),
    path("preferences/", views.NotificationPreferenceUpdateView.as_view(), name="preference_update"),
    path("defaults/<int:pk>/", views.OrganizationDefaultsUpdateView.as_view(), name="organization_defaults"),
    # Open to everyone, and to mail programs' one-click POST (RFC 8058): the signed token decides.
    path(
        "unsubscribe/<str:token>/",
        login_not_required(csrf_exempt(views.UnsubscribeView.as_view())),
        name="unsubscribe",
    ),
]
