from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("reports/", views.ReportView.as_view(), name="report"),
    path("reports/report.xlsx", views.ReportXlsxView.as_view(), name="report_xlsx"),
    path("reports/close/", views.BaselineCloseView.as_view(), name="baseline_close"),
    path("reports/reopen/", views.BaselineReopenView.as_view(), name="baseline_reopen"),
    path("reports/changes/", views.BaselineChangesView.as_view(), name="baseline_changes"),
]
