from django.urls import path

from partnership import views

app_name = "partnership"

urlpatterns = [
    path("", views.ProtocolDetailView.as_view(), name="protocol_detail"),
    path("documents/", views.ProtocolDocumentsView.as_view(), name="protocol_documents"),
]
