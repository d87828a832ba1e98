"""Import page of the know-how transfer list (see `partnership.import_views`)."""

from partnership.import_views import ImportTemplateView, ImportView
from transfers.imports import KnowHowTransferImporter


class KnowHowTransferImportView(ImportView):
    importer_class = KnowHowTransferImporter
    list_url_name = "transfers:knowhowtransfer_list"
    template_url_name = "transfers:knowhowtransfer_import_template"


class KnowHowTransferImportTemplateView(ImportTemplateView):
    importer_class = KnowHowTransferImporter
