"""Import pages of the project and milestone lists (see `partnership.import_views`)."""

from partnership.import_views import ImportTemplateView, ImportView
from projects.imports import MilestoneImporter, ProjectImporter


class ProjectImportView(ImportView):
    importer_class = ProjectImporter
    list_url_name = "projects:project_list"
    template_url_name = "projects:project_import_template"


class ProjectImportTemplateView(ImportTemplateView):
    importer_class = ProjectImporter


class MilestoneImportView(ImportView):
    importer_class = MilestoneImporter
    list_url_name = "projects:milestone_list"
    template_url_name = "projects:milestone_import_template"


class MilestoneImportTemplateView(ImportTemplateView):
    importer_class = MilestoneImporter
