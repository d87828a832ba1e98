from django.urls import path

from core.import_views import ImportTemplateView, ImportView
from transfers import views
from transfers.resources import KnowHowTransferResource

app_name = "transfers"

urlpatterns = [
    path(
        "",
        views.KnowHowTransferListView.as_view(resource_class=KnowHowTransferResource),
        name="knowhowtransfer_list",
    ),
    path("new/", views.KnowHowTransferCreateView.as_view(), name="knowhowtransfer_create"),
    path("import/", ImportView.as_view(resource_class=KnowHowTransferResource), name="knowhowtransfer_import"),
    path(
        "import/template/",
        ImportTemplateView.as_view(resource_class=KnowHowTransferResource),
        name="knowhowtransfer_import_template",
    ),
    path("<int:pk>/", views.KnowHowTransferDetailView.as_view(), name="knowhowtransfer_detail"),
    path("<int:pk>/edit/", views.KnowHowTransferUpdateView.as_view(), name="knowhowtransfer_update"),
    path("<int:pk>/confirm/", views.KnowHowTransferConfirmView.as_view(), name="knowhowtransfer_confirm"),
]
