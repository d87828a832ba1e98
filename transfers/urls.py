from django.urls import path

from transfers import import_views, views

app_name = "transfers"

urlpatterns = [
    path(
        "",
        views.KnowHowTransferListView.as_view(import_url_name="transfers:knowhowtransfer_import"),
        name="knowhowtransfer_list",
    ),
    path("new/", views.KnowHowTransferCreateView.as_view(), name="knowhowtransfer_create"),
    path("import/", import_views.KnowHowTransferImportView.as_view(), name="knowhowtransfer_import"),
    path(
        "import/template/",
        import_views.KnowHowTransferImportTemplateView.as_view(),
        name="knowhowtransfer_import_template",
    ),
    path("<int:pk>/", views.KnowHowTransferDetailView.as_view(), name="knowhowtransfer_detail"),
    path("<int:pk>/edit/", views.KnowHowTransferUpdateView.as_view(), name="knowhowtransfer_update"),
]
