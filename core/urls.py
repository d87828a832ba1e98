from django.urls import path

from core import views

app_name = "attachments"

urlpatterns = [
    path("new/<int:content_type_id>/<int:object_id>/", views.AttachmentCreateView.as_view(), name="attachment_create"),
    path("<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("<int:pk>/delete/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
]
