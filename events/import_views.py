"""Import page of the event list (see `partnership.import_views`)."""

from events.imports import EventImporter
from partnership.import_views import ImportTemplateView, ImportView


class EventImportView(ImportView):
    importer_class = EventImporter
    list_url_name = "events:event_list"
    template_url_name = "events:event_import_template"


class EventImportTemplateView(ImportTemplateView):
    importer_class = EventImporter
