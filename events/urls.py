from django.urls import path

from core.import_views import ImportTemplateView, ImportView
from events import views
from events.resources import EventResource

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(resource_class=EventResource), name="event_list"),
    path("new/", views.EventCreateView.as_view(), name="event_create"),
    path("import/", ImportView.as_view(resource_class=EventResource), name="event_import"),
    path("import/template/", ImportTemplateView.as_view(resource_class=EventResource), name="event_import_template"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<int:pk>/edit/", views.EventUpdateView.as_view(), name="event_update"),
    path("calendar.ics", views.event_calendar, name="event_calendar"),
    path("calendar/", views.CalendarSubscriptionView.as_view(), name="calendar_subscription"),
]
