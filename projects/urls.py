from django.urls import path

from core.import_views import ImportTemplateView, ImportView
from projects import views
from projects.resources import MilestoneResource, ProjectResource

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(resource_class=ProjectResource), name="project_list"),
    path("new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("import/", ImportView.as_view(resource_class=ProjectResource), name="project_import"),
    path(
        "import/template/", ImportTemplateView.as_view(resource_class=ProjectResource), name="project_import_template"
    ),
    path(
        "milestones/",
        views.MilestoneListView.as_view(resource_class=MilestoneResource),
        name="milestone_list",
    ),
    path("milestones/import/", ImportView.as_view(resource_class=MilestoneResource), name="milestone_import"),
    path(
        "milestones/import/template/",
        ImportTemplateView.as_view(resource_class=MilestoneResource),
        name="milestone_import_template",
    ),
    path("milestones/<int:pk>/complete/", views.MilestoneCompleteView.as_view(), name="milestone_complete"),
    path("milestones/<int:pk>/confirm/", views.MilestoneConfirmView.as_view(), name="milestone_confirm"),
    path("milestones/<int:pk>/dispute/", views.MilestoneDisputeView.as_view(), name="milestone_dispute"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/related/", views.ProjectRelatedView.as_view(), name="project_related"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("<int:pk>/updates/new/", views.ProgressUpdateCreateView.as_view(), name="progressupdate_create"),
]
