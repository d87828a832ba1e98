"""Know-how transfer pages: list, detail, create and edit, for every role; and the project page panel."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core.forms import constraint_message
from tests.factories import (
    KnowHowTransferFactory,
    OrganizationFactory,
    ProductAdoptionFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    TechnologyProductFactory,
)
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

READERS = ["izmir_staff", "isbak_staff", "manager", "administrator"]
LIST_URL = reverse("transfers:knowhowtransfer_list")
CREATE_URL = reverse("transfers:knowhowtransfer_create")


def in_turkish(text) -> str:
    """`text` as the page shows it: translated to Turkish (the default language) and HTML-escaped."""
    with translation.override("tr"):
        return escape(translation.gettext(str(text)))


def edit_url(transfer) -> str:
    return reverse("transfers:knowhowtransfer_update", args=[transfer.pk])


def titles(response) -> list[str]:
    return [row.record.title for row in response.context["table"].page.object_list]


@pytest.fixture
def shared_transfer(izmir_teknoloji, isbak):
    """İSBAK trains İzmir Teknoloji: both parties' staff may change it."""
    return KnowHowTransferFactory(
        title="Adaptif sinyal eğitimi",
        provider=isbak,
        recipient=izmir_teknoloji,
        kind="training",
        started_on=date(2025, 3, 10),
        ended_on=date(2025, 3, 12),
        hours=Decimal("24"),
        participants=12,
        outcome="Sinyal ekibi sertifika aldı.",
        description="Üç günlük uygulamalı eğitim.",
        recipient_rating=5,
    )


@pytest.fixture
def foreign_transfer(isbak, ankara):
    """İSBAK consults for Ankara: İzmir Teknoloji staff may read it but not change it."""
    return KnowHowTransferFactory(
        title="Trafik yönetim merkezi danışmanlığı", provider=isbak, recipient=ankara, kind="consultancy"
    )


def transfer_post(provider, recipient, **overrides) -> dict:
    return {
        "title": "Veri mühendisliği atölyesi",
        "provider": str(provider.pk),
        "recipient": str(recipient.pk),
        "kind": "training",
        "started_on": "2025-05-05",
        "ended_on": "2025-05-06",
        "hours": "12",
        "participants": "8",
        "outcome": "",
        "recipient_rating": "4",
        "description": "",
        **overrides,
    }


# --- list -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, shared_transfer):
    for url in (LIST_URL, CREATE_URL, shared_transfer.get_absolute_url(), edit_url(shared_transfer)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_anonymous_posts_save_nothing(client, izmir_teknoloji, isbak, shared_transfer):
    response = client.post(CREATE_URL, transfer_post(izmir_teknoloji, isbak))
    assert response.status_code == 302
    response = client.post(edit_url(shared_transfer), transfer_post(izmir_teknoloji, isbak, title="Değişti"))
    assert response.status_code == 302
    assert list(KnowHowTransfer.objects.values_list("title", flat=True)) == ["Adaptif sinyal eğitimi"]


def test_outsiders_cannot_read_or_record_transfers(client, outsider, shared_transfer):
    client.force_login(outsider)
    for url in (LIST_URL, CREATE_URL, shared_transfer.get_absolute_url(), edit_url(shared_transfer)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Adaptif sinyal eğitimi" not in response.text


@pytest.mark.parametrize("reader", READERS)
def test_every_member_sees_every_transfer_in_the_list(client, request, reader, shared_transfer, foreign_transfer):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert "Adaptif sinyal eğitimi" in response.text
    assert "Trafik yönetim merkezi danışmanlığı" in response.text
    assert "İSBAK" in response.text
    assert "Ankara AŞ" in response.text
    assert shared_transfer.get_absolute_url() in response.text
    assert response.context["table"].paginator.count == 2
    assert CREATE_URL in response.text


def test_the_list_pages_by_25_and_shows_the_total(client, manager, izmir_teknoloji, isbak):
    KnowHowTransferFactory.create_batch(30, provider=izmir_teknoloji, recipient=isbak)
    client.force_login(manager)
    first = client.get(LIST_URL)
    assert len(first.context["table"].page.object_list) == 25
    assert first.context["table"].paginator.count == 30
    assert "30" in first.text
    second = client.get(LIST_URL + "?page=2")
    assert len(second.context["table"].page.object_list) == 5


def test_the_list_shows_newest_first_and_sorts_by_a_column(client, manager, izmir_teknoloji, isbak):
    KnowHowTransferFactory(title="Eski", provider=izmir_teknoloji, recipient=isbak, started_on=date(2024, 10, 1))
    KnowHowTransferFactory(title="Yeni", provider=isbak, recipient=izmir_teknoloji, started_on=date(2025, 10, 1))
    client.force_login(manager)
    assert titles(client.get(LIST_URL)) == ["Yeni", "Eski"]
    assert titles(client.get(LIST_URL + "?sort=started_on")) == ["Eski", "Yeni"]
    # Organizations sort by short name: "İSBAK" before "İzmir Teknoloji".
    assert titles(client.get(LIST_URL + "?sort=direction")) == ["Yeni", "Eski"]
    assert titles(client.get(LIST_URL + "?sort=-direction")) == ["Eski", "Yeni"]


def test_the_list_tells_when_nothing_matches(client, izmir_staff, shared_transfer):
    client.force_login(izmir_staff)
    response = client.get(LIST_URL + "?q=hiçbirşey")
    assert response.status_code == 200
    assert titles(response) == []
    assert in_turkish("No know-how transfers match these filters.") in response.text


@pytest.mark.parametrize(
    ("query", "stored"),
    [("istanbul", "İSTANBUL"), ("ışık", "IŞIK"), ("izmir", "İZMİR"), ("İSTANBUL", "istanbul")],
)
def test_search_ignores_case_the_turkish_way(client, izmir_staff, izmir_teknoloji, isbak, query, stored):
    KnowHowTransferFactory(title=f"{stored} deneyimi", provider=isbak, recipient=izmir_teknoloji)
    KnowHowTransferFactory(title="Başka bir aktarım", provider=isbak, recipient=izmir_teknoloji)
    client.force_login(izmir_staff)
    response = client.get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert titles(response) == [f"{stored} deneyimi"]


def test_search_covers_description_and_outcome(client, izmir_staff, izmir_teknoloji, isbak):
    KnowHowTransferFactory(title="A", description="Kavşak kontrol cihazı", provider=isbak, recipient=izmir_teknoloji)
    KnowHowTransferFactory(title="B", outcome="IŞIK kontrolü devreye alındı", provider=isbak, recipient=izmir_teknoloji)
    client.force_login(izmir_staff)
    assert titles(client.get(LIST_URL, {"q": "KAVŞAK"})) == ["A"]
    assert titles(client.get(LIST_URL, {"q": "ışık kontrolü"})) == ["B"]


def add_transfers(count, izmir_teknoloji, isbak):
    """`count` transfers in every direction between three organizations, half with a product, all with an article."""
    ankara = OrganizationFactory(short_name="Ankara AŞ")
    product = TechnologyProductFactory(organization=isbak)
    article = ProtocolArticleFactory()
    organizations = [izmir_teknoloji, isbak, ankara]
    for index in range(count):
        transfer = KnowHowTransferFactory(
            provider=organizations[index % 3],
            recipient=organizations[(index + 1) % 3],
            product=product if index % 2 else None,
            recipient_rating=index % 5 + 1,
        )
        transfer.articles.add(article)


def test_the_list_costs_the_same_queries_for_5_rows_as_for_50(
    client, django_assert_num_queries, manager, izmir_teknoloji, isbak
):
    client.force_login(manager)
    # session, user (with membership and role), organizations (one query for the direction,
    # provider and recipient menus), products (with their organizations), count, page of rows.
    add_transfers(5, izmir_teknoloji, isbak)
    with django_assert_num_queries(6) as five:
        response = client.get(LIST_URL + "?sort=direction")
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 5

    add_transfers(45, izmir_teknoloji, isbak)
    cache.clear()  # the cost of a view that the cache cannot answer (tests/partnership/test_fragment_cache.py)
    with django_assert_num_queries(6) as fifty:
        response = client.get(LIST_URL + "?sort=direction")
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 50
    assert len(five.captured_queries) == len(fifty.captured_queries)


# --- detail ---------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_every_member_reads_a_transfer_in_full(client, request, reader, shared_transfer, isbak):
    product = TechnologyProductFactory(name="Akıllı Kavşak", organization=isbak)
    project = ProjectFactory(code="ORT-7", title="Ortak sinyal projesi")
    article = ProtocolArticleFactory(number=3, title="Bilgi ve deneyim aktarımı")
    shared_transfer.product = product
    shared_transfer.project = project
    shared_transfer.save()
    shared_transfer.articles.add(article)
    ProductAdoptionFactory(product=product, adopter=shared_transfer.recipient, transfer=shared_transfer)
    ProductAdoptionFactory(product=TechnologyProductFactory(name="Başka ürün"), adopter_city="Bursa")

    client.force_login(request.getfixturevalue(reader))
    response = client.get(shared_transfer.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "<h1" in text and "Adaptif sinyal eğitimi" in text
    assert "İSBAK" in text and "İzmir Teknoloji" in text
    assert in_turkish(shared_transfer.get_kind_display()) in text
    assert "Sinyal ekibi sertifika aldı." in text
    assert "Üç günlük uygulamalı eğitim." in text
    assert "Akıllı Kavşak" in text
    assert project.get_absolute_url() in text
    assert "Bilgi ve deneyim aktarımı" in text
    assert "Başka ürün" not in text  # an adoption that names no transfer
    assert 'id="history"' in text


def test_both_parties_staff_and_managers_see_the_edit_button(client, request, shared_transfer):
    for reader in READERS:
        client.force_login(request.getfixturevalue(reader))
        response = client.get(shared_transfer.get_absolute_url())
        assert response.context["can_edit"] is True
        assert edit_url(shared_transfer) in response.text


def test_staff_see_no_edit_button_on_a_transfer_between_other_organizations(
    client, izmir_staff, isbak_staff, foreign_transfer
):
    client.force_login(izmir_staff)
    response = client.get(foreign_transfer.get_absolute_url())
    assert response.status_code == 200
    assert "Trafik yönetim merkezi danışmanlığı" in response.text
    assert edit_url(foreign_transfer) not in response.text
    client.force_login(isbak_staff)
    assert edit_url(foreign_transfer) in client.get(foreign_transfer.get_absolute_url()).text


def test_an_unknown_transfer_answers_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("transfers:knowhowtransfer_detail", args=[999999])).status_code == 404
    assert client.get(reverse("transfers:knowhowtransfer_update", args=[999999])).status_code == 404
    assert client.post(reverse("transfers:knowhowtransfer_update", args=[999999]), {}).status_code == 404
    assert client.get("/transfers/abc/").status_code == 404


def test_the_detail_page_shows_who_changed_what(client, izmir_staff, izmir_teknoloji, isbak, shared_transfer):
    client.force_login(izmir_staff)
    client.post(edit_url(shared_transfer), transfer_post(isbak, izmir_teknoloji, title="Adaptif sinyal kursu"))
    response = client.get(shared_transfer.get_absolute_url())
    history = response.context["history"]
    assert history[0].who == izmir_staff
    assert ("Adaptif sinyal eğitimi", "Adaptif sinyal kursu") in [
        (change.old, change.new) for change in history[0].changes
    ]
    assert "<del>Adaptif sinyal eğitimi</del>" in response.text


# --- create ---------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_every_member_gets_the_form(client, request, member):
    user = request.getfixturevalue(member)
    client.force_login(user)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert 'name="title"' in response.text
    assert 'name="recipient_rating"' in response.text
    assert reverse("transfers:knowhowtransfer_list") in response.text  # the cancel link


def test_the_form_starts_with_the_users_organization_as_provider(client, izmir_staff, izmir_teknoloji):
    client.force_login(izmir_staff)
    response = client.get(CREATE_URL)
    assert response.context["form"].initial["provider"] == izmir_teknoloji


def test_staff_record_a_transfer_their_organization_gives(client, izmir_staff, izmir_teknoloji, isbak):
    article = ProtocolArticleFactory()
    client.force_login(izmir_staff)
    response = client.post(CREATE_URL, transfer_post(izmir_teknoloji, isbak, articles=[str(article.pk)]), follow=True)
    transfer = KnowHowTransfer.objects.get()
    assert response.redirect_chain[-1][0] == transfer.get_absolute_url()
    assert transfer.provider == izmir_teknoloji
    assert transfer.recipient == isbak
    assert transfer.recipient_rating == 4
    assert list(transfer.articles.all()) == [article]
    assert "Veri mühendisliği atölyesi" in response.text
    assert transfer.history.get().history_user == izmir_staff


def test_staff_record_a_transfer_their_organization_receives(client, isbak_staff, izmir_teknoloji, isbak):
    client.force_login(isbak_staff)
    response = client.post(CREATE_URL, transfer_post(izmir_teknoloji, isbak))
    assert response.status_code == 302
    assert KnowHowTransfer.objects.get().recipient == isbak


def test_staff_cannot_record_a_transfer_between_other_organizations(client, izmir_staff, isbak, ankara):
    client.force_login(izmir_staff)
    response = client.post(CREATE_URL, transfer_post(isbak, ankara))
    assert response.status_code == 200
    assert "İzmir Teknoloji" in response.context["form"].errors["provider"][0]
    assert "is-invalid" in response.text
    assert KnowHowTransfer.objects.count() == 0


@pytest.mark.parametrize("member", ["manager", "administrator"])
def test_managers_record_a_transfer_between_any_organizations(client, request, member, isbak, ankara):
    client.force_login(request.getfixturevalue(member))
    response = client.post(CREATE_URL, transfer_post(isbak, ankara))
    assert response.status_code == 302
    assert KnowHowTransfer.objects.get().recipient == ankara


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", None),
        ({"started_on": "not-a-date"}, "started_on", None),
        ({"ended_on": "2025-05-01"}, "ended_on", constraint_message(KnowHowTransfer, "transfer_ends_after_start")),
        ({"recipient_rating": "0"}, "recipient_rating", "The rating must be between 1 and 5."),
        ({"recipient_rating": "6"}, "recipient_rating", "The rating must be between 1 and 5."),
        ({"hours": "-3"}, "hours", None),
        ({"kind": "telepathy"}, "kind", None),
    ],
)
def test_bad_input_is_shown_and_nothing_is_saved(
    client, izmir_staff, izmir_teknoloji, isbak, overrides, field, message
):
    client.force_login(izmir_staff)
    response = client.post(CREATE_URL, transfer_post(izmir_teknoloji, isbak, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    for error in errors[field]:
        assert escape(error) in response.text
    if message:
        assert in_turkish(message) in response.text
    assert KnowHowTransfer.objects.count() == 0


def test_a_transfer_from_an_organization_to_itself_is_refused_with_the_models_message(client, manager, izmir_teknoloji):
    client.force_login(manager)
    response = client.post(CREATE_URL, transfer_post(izmir_teknoloji, izmir_teknoloji))
    assert response.status_code == 200
    assert in_turkish(constraint_message(KnowHowTransfer, "transfer_provider_not_recipient")) in response.text
    assert KnowHowTransfer.objects.count() == 0


# --- edit -----------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_both_parties_and_managers_edit_a_shared_transfer(
    client, request, member, shared_transfer, izmir_teknoloji, isbak
):
    client.force_login(request.getfixturevalue(member))
    form_page = client.get(edit_url(shared_transfer))
    assert form_page.status_code == 200
    assert 'value="Adaptif sinyal eğitimi"' in form_page.text
    assert shared_transfer.get_absolute_url() in form_page.text  # the cancel link
    response = client.post(edit_url(shared_transfer), transfer_post(isbak, izmir_teknoloji, participants="20"))
    assert response.status_code == 302
    shared_transfer.refresh_from_db()
    assert shared_transfer.participants == 20


def test_staff_cannot_edit_a_transfer_between_other_organizations(client, izmir_staff, foreign_transfer):
    client.force_login(izmir_staff)
    response = client.get(edit_url(foreign_transfer))
    assert response.status_code == 403
    assert "Trafik yönetim merkezi danışmanlığı" not in response.text


def test_a_forged_post_to_a_forbidden_edit_url_changes_nothing(client, izmir_staff, izmir_teknoloji, foreign_transfer):
    before = KnowHowTransfer.objects.values().get(pk=foreign_transfer.pk)
    client.force_login(izmir_staff)
    response = client.post(
        edit_url(foreign_transfer), transfer_post(izmir_teknoloji, foreign_transfer.recipient, title="Ele geçirildi")
    )
    assert response.status_code == 403
    assert KnowHowTransfer.objects.values().get(pk=foreign_transfer.pk) == before
    assert foreign_transfer.history.count() == 1


@pytest.mark.parametrize("member", ["manager", "administrator"])
def test_managers_edit_a_transfer_between_other_organizations(client, request, member, foreign_transfer, isbak, ankara):
    client.force_login(request.getfixturevalue(member))
    assert client.get(edit_url(foreign_transfer)).status_code == 200
    response = client.post(edit_url(foreign_transfer), transfer_post(isbak, ankara, title="Danışmanlık, 2. dönem"))
    assert response.status_code == 302
    foreign_transfer.refresh_from_db()
    assert foreign_transfer.title == "Danışmanlık, 2. dönem"


def test_staff_cannot_hand_a_transfer_over_to_other_organizations(client, izmir_staff, isbak, ankara, shared_transfer):
    client.force_login(izmir_staff)
    response = client.post(edit_url(shared_transfer), transfer_post(isbak, ankara))
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    shared_transfer.refresh_from_db()
    assert shared_transfer.recipient.short_name == "İzmir Teknoloji"


def test_bad_input_on_edit_saves_nothing(client, isbak_staff, izmir_teknoloji, isbak, shared_transfer):
    client.force_login(isbak_staff)
    response = client.post(
        edit_url(shared_transfer), transfer_post(isbak, izmir_teknoloji, title="Yeni ad", recipient_rating="9")
    )
    assert response.status_code == 200
    assert "recipient_rating" in response.context["form"].errors
    shared_transfer.refresh_from_db()
    assert shared_transfer.title == "Adaptif sinyal eğitimi"
    assert shared_transfer.recipient_rating == 5


# --- the panel on the project page -------------------------------------------


def test_the_project_page_lists_its_transfers_newest_first(client, isbak_staff, izmir_teknoloji, isbak):
    project = ProjectFactory(lead_organization=isbak)
    KnowHowTransferFactory(
        title="İlk aktarım", project=project, provider=isbak, recipient=izmir_teknoloji, started_on=date(2025, 1, 5)
    )
    latest = KnowHowTransferFactory(
        title="Son aktarım", project=project, provider=izmir_teknoloji, recipient=isbak, started_on=date(2025, 6, 5)
    )
    KnowHowTransferFactory(title="Başka projenin aktarımı", project=ProjectFactory())
    client.force_login(isbak_staff)
    response = client.get(f"/projects/{project.pk}/related/")  # the part the project page loads
    assert response.status_code == 200
    text = response.text
    assert in_turkish("Related know-how transfers") in text
    assert latest.get_absolute_url() in text
    assert text.index("Son aktarım") < text.index("İlk aktarım")
    assert "Başka projenin aktarımı" not in text


def test_the_project_page_says_when_it_has_no_transfers(client, izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    client.force_login(izmir_staff)
    response = client.get(f"/projects/{project.pk}/related/")  # the part the project page loads
    assert response.status_code == 200
    assert in_turkish("No know-how transfers for this project yet.") in response.text
