from django.urls import path

from projects import import_views, views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(import_url_name="projects:project_import"), name="project_list"),
    path("new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("import/", import_views.ProjectImportView.as_view(), name="project_import"),
    path("import/template/", import_views.ProjectImportTemplateView.as_view(), name="project_import_template"),
    path(
        "milestones/",
        views.MilestoneListView.as_view(import_url_name="projects:milestone_import"),
        name="milestone_list",
    ),
    path("milestones/import/", import_views.MilestoneImportView.as_view(), name="milestone_import"),
    path(
        "milestones/import/template/",
        import_views.MilestoneImportTemplateView.as_view(),
        name="milestone_import_template",
    ),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("<int:pk>/updates/new/", views.ProgressUpdateCreateView.as_view(), name="progressupdate_create"),
]
