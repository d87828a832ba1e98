from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification_list"),
    path("<int:pk>/read/", views.NotificationMarkReadView.as_view(), name="notification_read"),
    path("read/", views.NotificationMarkAllReadView.as_view(), name="notification_read_all"),
    path("preferences/", views.NotificationPreferenceUpdateView.as_view(), name="preference_update"),
]
