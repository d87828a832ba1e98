from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.KnowHowTransferListView.as_view(), name="knowhowtransfer_list"),
    path("new/", views.KnowHowTransferCreateView.as_view(), name="knowhowtransfer_create"),
    path("<int:pk>/", views.KnowHowTransferDetailView.as_view(), name="knowhowtransfer_detail"),
    path("<int:pk>/edit/", views.KnowHowTransferUpdateView.as_view(), name="knowhowtransfer_update"),
]
