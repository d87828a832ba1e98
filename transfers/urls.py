from django.urls import path

from core.import_views import ImportTemplateView, ImportView
from transfers import views
from transfers.imports import KnowHowTransferImporter

app_name = "transfers"

urlpatterns = [
    path(
        "",
        views.KnowHowTransferListView.as_view(),
        name="knowhowtransfer_list",
    ),
    path("new/", views.KnowHowTransferCreateView.as_view(), name="knowhowtransfer_create"),
    path("import/", ImportView.as_view(importer_class=KnowHowTransferImporter), name="knowhowtransfer_import"),
    path(
        "import/template/",
        ImportTemplateView.as_view(importer_class=KnowHowTransferImporter),
        name="knowhowtransfer_import_template",
    ),
    path("<int:pk>/", views.KnowHowTransferDetailView.as_view(), name="knowhowtransfer_detail"),
    path("<int:pk>/edit/", views.KnowHowTransferUpdateView.as_view(), name="knowhowtransfer_update"),
]
