"""Documents on records: checked by content, size-capped, stored under generated names, served safely."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Attachment
from tests.factories import EventFactory, KnowHowTransferFactory, ProjectFactory, ProtocolFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def upload_url(record):
    from django.contrib.contenttypes.models import ContentType

    return reverse("attachments:attachment_create", args=[ContentType.objects.get_for_model(record).pk, record.pk])


def post_file(client, record, name, content, title="Rapor"):
    return client.post(upload_url(record), {"title": title, "file": SimpleUploadedFile(name, content)})


def stored_files(settings):
    folder = Path(settings.MEDIA_ROOT, "attachments")
    return set(folder.rglob("*.*")) if folder.exists() else set()


@pytest.fixture
def izmir_project(izmir_teknoloji):
    return ProjectFactory(lead_organization=izmir_teknoloji)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("rapor.pdf", PDF, "pdf"),
        ("rapor.txt", PDF, "pdf"),  # the name does not matter, the content does
        ("foto.png", PNG, "png"),
        ("foto.jpeg", JPEG, "jpeg"),
        ("rapor.docx", ooxml("word/document.xml"), "docx"),
        ("tablo.xlsx", ooxml("xl/workbook.xml"), "xlsx"),
        ("sunum.pptx", ooxml("ppt/presentation.xml"), "pptx"),
        ("eski.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "office"),
    ],
)
def test_accepted_kinds_are_stored_under_a_generated_name(
    client, izmir_staff, izmir_project, settings, name, content, kind
):
    client.force_login(izmir_staff)
    response = post_file(client, izmir_project, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == kind
    assert attachment.original_name == name
    assert Path(name).stem not in attachment.file.name
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapor.pdf", b"<html><script>alert(1)</script></html>"),
        ("resim.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("arsiv.docx", b"PK\x03\x04not really a zip"),
        ("liste.xlsx", ooxml("other/thing.xml")[:0] + b"PK\x03\x04"),
        ("bos.pdf", b""),
        ("program.exe", b"MZ\x90\x00"),
    ],
)
def test_other_content_is_refused_whatever_its_name(client, izmir_staff, izmir_project, settings, name, content):
    before = stored_files(settings)
    client.force_login(izmir_staff)
    response = post_file(client, izmir_project, name, content)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert stored_files(settings) == before
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages and messages[0].startswith(("Belge eklenemedi", "The document was not attached"))


def test_the_size_limit_is_20_mb_by_default(settings):
    assert settings.KOPRU_ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024


def test_a_file_at_the_limit_is_accepted_and_one_byte_over_is_refused(client, izmir_staff, izmir_project, settings):
    settings.KOPRU_ATTACHMENT_MAX_BYTES = 1000
    client.force_login(izmir_staff)
    at_limit = PDF + b"0" * (1000 - len(PDF))
    post_file(client, izmir_project, "sinir.pdf", at_limit)
    assert Attachment.objects.count() == 1
    post_file(client, izmir_project, "fazla.pdf", at_limit + b"0")
    assert Attachment.objects.count() == 1


def test_staff_cannot_attach_to_another_organizations_record(client, isbak_staff, izmir_project, settings):
    client.force_login(isbak_staff)
    assert post_file(client, izmir_project, "rapor.pdf", PDF).status_code == 403
    assert not Attachment.objects.exists()
    assert (
        not any(Path(settings.MEDIA_ROOT, "attachments").rglob("*.pdf"))
        if Path(settings.MEDIA_ROOT, "attachments").exists()
        else True
    )


@pytest.mark.parametrize("factory", [ProjectFactory, EventFactory, KnowHowTransferFactory, ProtocolFactory])
def test_managers_attach_to_every_kind_of_record(client, manager, factory):
    record = factory()
    client.force_login(manager)
    assert post_file(client, record, "rapor.pdf", PDF).status_code == 302
    assert Attachment.objects.get().record == record
    page = client.get(record.get_absolute_url())
    assert "Rapor" in page.text


def test_only_records_with_attachments_can_take_them(client, manager, izmir_teknoloji):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(manager)
    url = reverse(
        "attachments:attachment_create",
        args=[ContentType.objects.get_for_model(izmir_teknoloji).pk, izmir_teknoloji.pk],
    )
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404


def _attached(client, user, record):
    client.force_login(user)
    post_file(client, record, "rapor.pdf", PDF)
    return Attachment.objects.get()


def test_readers_download_it_as_an_attachment_never_inline(client, izmir_staff, isbak_staff, izmir_project):
    attachment = _attached(client, izmir_staff, izmir_project)
    client.force_login(isbak_staff)  # may read, though not edit
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_outsiders_and_visitors_cannot_download(client, izmir_staff, outsider, izmir_project):
    attachment = _attached(client, izmir_staff, izmir_project)
    client.logout()
    assert client.get(attachment.get_absolute_url()).status_code == 302
    client.force_login(outsider)
    assert client.get(attachment.get_absolute_url()).status_code == 403


def test_removing_an_attachment_leaves_no_orphan_file(
    client, izmir_staff, izmir_project, django_capture_on_commit_callbacks
):
    attachment = _attached(client, izmir_staff, izmir_project)
    path = Path(attachment.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attachments:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_other_organizations_cannot_remove_it(client, izmir_staff, isbak_staff, izmir_project):
    attachment = _attached(client, izmir_staff, izmir_project)
    client.force_login(isbak_staff)
    assert client.post(reverse("attachments:attachment_delete", args=[attachment.pk])).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_deleting_the_record_in_the_admin_removes_its_files(
    client, izmir_staff, administrator, izmir_project, django_capture_on_commit_callbacks
):
    attachment = _attached(client, izmir_staff, izmir_project)
    path = Path(attachment.file.path)
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_attachment_changelist"),
            {"action": "delete_selected", "_selected_action": [attachment.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not path.exists()


def test_a_cascade_from_a_deleted_project_removes_its_files(
    client, izmir_staff, izmir_project, django_capture_on_commit_callbacks
):
    attachment = _attached(client, izmir_staff, izmir_project)
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        izmir_project.delete()
    assert not Attachment.objects.exists()
    assert not path.exists()
