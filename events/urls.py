from django.urls import path

from events import import_views, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(import_url_name="events:event_import"), name="event_list"),
    path("new/", views.EventCreateView.as_view(), name="event_create"),
    path("import/", import_views.EventImportView.as_view(), name="event_import"),
    path("import/template/", import_views.EventImportTemplateView.as_view(), name="event_import_template"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<int:pk>/edit/", views.EventUpdateView.as_view(), name="event_update"),
    path("calendar.ics", views.event_calendar, name="event_calendar"),
    path("calendar/", views.CalendarSubscriptionView.as_view(), name="calendar_subscription"),
]
