"""Change history keeps many-to-many links: an edit that only changes them shows on the page.

One write still makes one history record (tests/test_audit_trail.py counts them): the links
a form saves after its record belong to that record.
"""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import translation

from core.history import changes_since, history_entries, link_existing_history
from projects.models import Project
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    OrganizationFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    TechnologyProductFactory,
)
from tests.test_audit_trail import page_form, post_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def articles():
    protocol = ProtocolFactory()
    return [ProtocolArticleFactory(protocol=protocol, number=number, title=f"Madde {number}") for number in (1, 3, 4)]


def history_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.text.partition('id="history"')[2]


def test_an_edit_that_only_changes_a_projects_articles_shows_them_in_its_history(
    client_in_english, izmir_staff, izmir_teknoloji, articles
):
    first, third, fourth = articles
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    project.articles.set([first, third])
    client_in_english.force_login(izmir_staff)
    url = reverse("projects:project_update", args=[project.pk])
    data = page_form(client_in_english, url)
    data["articles"] = [str(first.pk), str(fourth.pk)]

    post_page(client_in_english, url, data)

    history = history_text(client_in_english, reverse("projects:project_related", args=[project.pk]))
    assert f"Protocol articles: <del>{first}, {third}</del> → <ins>{first}, {fourth}</ins>" in history
    assert project.history.count() == 2  # created, then this edit


def test_a_projects_products_and_the_removal_of_every_article_show_too(client_in_english, manager, articles):
    project = ProjectFactory()
    project.articles.set(articles[:1])
    product = TechnologyProductFactory(name="Adaptif sinyal")
    client_in_english.force_login(manager)
    url = reverse("projects:project_update", args=[project.pk])
    data = page_form(client_in_english, url)
    data.pop("articles")
    data["products"] = str(product.pk)

    post_page(client_in_english, url, data)

    (latest, *_rest) = history_entries(project)
    assert [(change.label, change.old, change.new) for change in latest.changes] == [
        ("protocol articles", str(articles[0]), "—"),
        ("technology products", "—", "Adaptif sinyal"),
    ]


def test_an_edit_that_only_changes_an_events_organizers_and_projects_shows_them(
    client_in_english, izmir_staff, izmir_teknoloji, isbak
):
    event = EventFactory(organizers=[izmir_teknoloji])
    project = ProjectFactory(code="KPR-H-1", title="Kavşak")
    client_in_english.force_login(izmir_staff)
    url = reverse("events:event_update", args=[event.pk])
    data = page_form(client_in_english, url)
    data["organizers"] = [str(izmir_teknoloji.pk), str(isbak.pk)]
    data["projects"] = str(project.pk)

    post_page(client_in_english, url, data)

    history = history_text(client_in_english, event.get_absolute_url())
    assert f"Organizers: <del>{izmir_teknoloji}</del> → <ins>{isbak}, {izmir_teknoloji}</ins>" in history
    assert "Related projects: <del>—</del> → <ins>KPR-H-1" in history
    assert event.history.count() == 2


def test_an_edit_that_only_changes_a_transfers_articles_shows_them(
    client_in_english, izmir_staff, izmir_teknoloji, isbak, articles
):
    transfer = KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak)
    client_in_english.force_login(izmir_staff)
    url = reverse("transfers:knowhowtransfer_update", args=[transfer.pk])
    data = page_form(client_in_english, url)
    data["articles"] = [str(articles[2].pk)]

    post_page(client_in_english, url, data)

    (latest, _created) = history_entries(transfer)
    assert [(change.label, change.old, change.new) for change in latest.changes] == [
        ("protocol articles", "—", str(articles[2]))
    ]


def test_links_changed_on_their_own_write_one_record_each(articles):
    project = ProjectFactory()
    project = Project.objects.get(pk=project.pk)  # not the instance that was saved
    project.articles.add(articles[0])
    articles[1].projects.add(project)  # from the other side

    newest, linked_here, created = history_entries(project)
    assert [(c.old, c.new) for c in newest.changes] == [(str(articles[0]), f"{articles[0]}, {articles[1]}")]
    assert [(c.old, c.new) for c in linked_here.changes] == [("—", str(articles[0]))]
    assert created.changes == []


def test_a_record_saved_with_its_links_writes_one_record_holding_them(articles):
    organization = OrganizationFactory()
    event = EventFactory(organizers=[organization])

    (created,) = event.history.all()
    assert list(created.organizers.values_list("organization_id", flat=True)) == [organization.pk]


def test_the_stale_edit_notice_names_the_links_changed_meanwhile(articles):
    project = ProjectFactory()
    opened = project.version
    project.save()
    project.articles.add(articles[1])

    assert [(c.label, c.old, c.new) for c in changes_since(project, opened)] == [
        ("protocol articles", "—", str(articles[1]))
    ]


def test_the_history_shows_a_deleted_article_by_its_id(articles):
    project = ProjectFactory()
    project.articles.add(articles[0])
    project.save()
    project.articles.remove(articles[0])
    gone = articles[0].pk
    articles[0].delete()

    newest = history_entries(project)[0]
    assert [(c.old, c.new) for c in newest.changes] == [(f"#{gone}", "—")]


def test_the_migration_gives_history_written_before_it_the_links_of_today(articles):
    project = ProjectFactory()
    project.save()
    Project.articles.through.objects.create(project=project, protocolarticle=articles[0])  # no signal, no history
    links = Project.history.model.articles.model.objects
    assert not links.exists()

    # The step needs only these two of a schema editor (SQLite's own cannot open inside a test's transaction).
    schema_editor = SimpleNamespace(execute=connection.cursor().execute, quote_name=connection.ops.quote_name)
    link_existing_history("projects", "Project")(apps, schema_editor)

    assert sorted(links.values_list("history_id", "protocolarticle_id")) == sorted(
        (record.history_id, articles[0].pk) for record in project.history.all()
    )
    assert [entry.changes for entry in history_entries(project)] == [[], []]  # no change that was never made
