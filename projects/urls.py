from django.urls import path

from core.import_views import ImportTemplateView, ImportView
from projects import views
from projects.imports import MilestoneImporter, ProjectImporter

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("import/", ImportView.as_view(importer_class=ProjectImporter), name="project_import"),
    path(
        "import/template/", ImportTemplateView.as_view(importer_class=ProjectImporter), name="project_import_template"
    ),
    path(
        "milestones/",
        views.MilestoneListView.as_view(),
        name="milestone_list",
    ),
    path("milestones/import/", ImportView.as_view(importer_class=MilestoneImporter), name="milestone_import"),
    path(
        "milestones/import/template/",
        ImportTemplateView.as_view(importer_class=MilestoneImporter),
        name="milestone_import_template",
    ),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/related/", views.ProjectRelatedView.as_view(), name="project_related"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("<int:pk>/updates/new/", views.ProgressUpdateCreateView.as_view(), name="progressupdate_create"),
]
