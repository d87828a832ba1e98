"""Importing know-how transfers: provider and recipient by name, hours with a decimal comma, the staff rule."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.core.test_imports import confirm, csv_bytes, headers, preview, xlsx_bytes
from tests.factories import KnowHowTransferFactory, ProjectFactory, TechnologyProductFactory
from transfers.models import KnowHowTransfer
from transfers.resources import KnowHowTransferResource

pytestmark = pytest.mark.django_db

TRANSFER_IMPORT = reverse("transfers:knowhowtransfer_import")
COLUMNS = (
    "pk",
    "title",
    "provider.short_name",
    "recipient.short_name",
    "kind",
    "started_on",
    "hours",
    "product.name",
    "project.code",
    "recipient_rating",
)


def transfer_rows(*rows, language="tr"):
    return [headers(KnowHowTransferResource, *COLUMNS, language=language), *rows]


def test_transfers_are_created_from_a_turkish_excel_csv(client, izmir_staff, izmir_teknoloji, isbak):
    product = TechnologyProductFactory(name="Adaptif Trafik Sinyal Kontrol Sistemi", organization=isbak)
    project = ProjectFactory(code="KPR-01")
    client.force_login(izmir_staff)
    content = csv_bytes(
        transfer_rows(
            [
                "",
                "Sinyal eğitimi",
                "İstanbul Bilişim ve Akıllı Kent Teknolojileri A.Ş.",
                "İzmir Teknoloji",
                "Eğitim",
                "03.02.2026",
                "12,5",
                "adaptif trafik sinyal kontrol sistemi",
                "KPR-01",
                "5",
            ],
        ),
        encoding="cp1254",
        delimiter=";",
    )
    response = preview(client, TRANSFER_IMPORT, content)
    assert response.context["plan"].errors == []
    confirm(client, TRANSFER_IMPORT, response)

    transfer = KnowHowTransfer.objects.get()
    assert (transfer.provider, transfer.recipient) == (isbak, izmir_teknoloji)
    assert transfer.hours == Decimal("12.5")
    assert (transfer.product, transfer.project, transfer.recipient_rating) == (product, project, 5)
    assert transfer.history.get().history_user == izmir_staff


def test_xlsx_transfers_are_validated_like_the_form(client_in_english, manager, izmir_teknoloji):
    client_in_english.force_login(manager)
    content = xlsx_bytes(
        transfer_rows(
            ["", "Kendine", "İzmir Teknoloji", "İzmir Teknoloji", "Training", "2026-02-03", 8, "", "", 6],
            language="en",
        )
    )
    errors = preview(client_in_english, TRANSFER_IMPORT, content, "aktarimlar.xlsx").context["plan"].errors
    messages = {(error.column, error.message) for error in errors}
    assert ("Recipient's rating", "The rating must be between 1 and 5.") in messages
    assert ("", "The provider and the recipient must be different organizations.") in messages


def test_staff_importing_transfers_between_other_organizations_get_errors_not_writes(
    client_in_english, isbak_staff, izmir_teknoloji, isbak
):
    other = KnowHowTransferFactory(title="Başkalarının")  # between two other organizations
    client_in_english.force_login(isbak_staff)
    content = csv_bytes(
        transfer_rows(
            [
                other.pk,
                "Değişti",
                other.provider.short_name,
                other.recipient.short_name,
                "Training",
                other.started_on,
                "8",
                "",
                "",
                "",
            ],
            ["", "Yeni", "İzmir Teknoloji", other.recipient.short_name, "Training", "2026-02-03", "8", "", "", ""],
        )
    )
    response = preview(client_in_english, TRANSFER_IMPORT, content)
    errors = response.context["plan"].errors
    assert {(error.row, error.column) for error in errors} == {(2, "ID"), (2, "Provider"), (3, "Provider")}
    confirm(client_in_english, TRANSFER_IMPORT, response)
    other.refresh_from_db()
    assert other.title == "Başkalarının"
    assert KnowHowTransfer.objects.count() == 1
