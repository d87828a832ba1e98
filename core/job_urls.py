"""URLs of background jobs (core.jobs): start a long export, follow a job, download its file."""

from django.urls import path

from core import views

app_name = "jobs"

urlpatterns = [
    path("export/", views.BackgroundExportCreateView.as_view(), name="job_export"),
    path("<int:pk>/", views.BackgroundJobDetailView.as_view(), name="job_detail"),
    path("<int:pk>/status/", views.BackgroundJobStatusView.as_view(), name="job_status"),
    path("<int:pk>/download/", views.BackgroundJobDownloadView.as_view(), name="job_download"),
]
