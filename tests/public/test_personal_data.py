"""The personal-field guard: every public row, file and page holds its allow-list and nothing else.

Each record type's public fields are listed here once more, by hand: a field added to
`public.data` without a change here fails, so no field reaches the public unreviewed. Then a
record full of personal and internal details is published and every public URL is searched for
them.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from public import data
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALLOWED = {
    "projects": {
        "id", "code", "title", "summary", "status", "status_label", "lead_organization", "organizations", "articles",
        "planned_start", "planned_end", "actual_start", "actual_end", "percent_complete", "completed_milestones",
        "published_at", "url",
    },
    "events": {
        "id", "title", "kind", "kind_label", "starts_at", "ends_at", "city", "venue", "is_online", "organizers",
        "articles", "participants", "outcome", "published_at", "url",
    },
    "adoptions": {
        "id", "product", "product_owner", "adopter", "adopter_city", "status", "status_label", "adopted_on",
        "published_at", "url",
    },
    "protocol": {
        "title", "number", "status", "status_label", "signed_on", "signed_place", "effective_on", "expires_on",
        "summary", "parties",
    },
    "article": {"number", "title", "text"},
    "milestone": {"title", "completed_on"},
}  # fmt: skip
# Never public, whatever the record: if one of these names turns up as a key, the guard fails loudly.
FORBIDDEN_KEYS = {
    "owner", "author", "email", "first_name", "last_name", "username", "notes", "blockers", "next_steps", "done",
    "description", "attachments", "recipient_rating", "rating", "hours", "effort_person_months", "contribution",
    "signatory_name", "signatory_title", "proposed_by", "manager", "online_url", "health",
}  # fmt: skip

SECRETS = [
    "Gizli Sahip",  # the project owner's name
    "gizli.sahip@example.org",
    "GİZLİ ENGEL",  # a progress update's blockers
    "GİZLİ YAPILAN",  # what was done, an internal report
    "GİZLİ KATKI",  # a partner's contribution
    "GİZLİ NOT",  # an adoption's notes
    "Gizli İmzacı",  # the protocol's signatories
    "GİZLİ AÇIKLAMA",  # an event's internal description
    "https://gizli.example.org/toplanti",  # an online meeting link
    "GİZLİ AKTARIM",  # a know-how transfer: counted, never shown
]


@pytest.fixture
def everything_published(publish, izmir_teknoloji, isbak):
    owner = UserFactory(username="gizli", first_name="Gizli", last_name="Sahip", email="gizli.sahip@example.org")
    project = ProjectFactory(lead_organization=izmir_teknoloji, owner=owner, description="Halka açık özet.")
    ProjectPartnerFactory(project=project, organization=isbak, contribution="GİZLİ KATKI", effort_person_months=3)
    MilestoneFactory(project=project, completed_on=project.planned_start, deliverable="Rapor")
    ProgressUpdateFactory(project=project, author=owner, blockers="GİZLİ ENGEL", done="GİZLİ YAPILAN")
    event = EventFactory(
        organizers=[isbak],
        description="GİZLİ AÇIKLAMA",
        is_online=True,
        online_url="https://gizli.example.org/toplanti",
        outcome="Sonuç açık.",
        actual_participants=40,
    )
    KnowHowTransferFactory(
        provider=izmir_teknoloji, recipient=isbak, title="GİZLİ AKTARIM", hours=Decimal("12.5"), recipient_rating=2
    )
    adoption = ProductAdoptionFactory(adopter=isbak, notes="GİZLİ NOT")
    for record in (project, event, adoption):
        publish(record)
    return project, event, adoption


def test_the_allow_lists_are_exactly_the_reviewed_ones():
    assert set(data.PROJECT_FIELDS) == ALLOWED["projects"]
    assert set(data.EVENT_FIELDS) == ALLOWED["events"]
    assert set(data.ADOPTION_FIELDS) == ALLOWED["adoptions"]
    assert set(data.PROTOCOL_FIELDS) == ALLOWED["protocol"]
    assert set(data.ARTICLE_FIELDS) == ALLOWED["article"]
    assert not FORBIDDEN_KEYS & set().union(*ALLOWED.values())


def test_the_data_dictionary_describes_exactly_the_published_fields():
    assert set(data.DICTIONARY["projects"]) == ALLOWED["projects"]
    assert set(data.DICTIONARY["events"]) == ALLOWED["events"]


def test_every_row_holds_its_allow_list_and_nothing_else(everything_published, parties):
    (project,) = data.published_projects()
    assert set(project) == ALLOWED["projects"]
    assert all(set(milestone) == ALLOWED["milestone"] for milestone in project["completed_milestones"])
    assert project["completed_milestones"]  # the milestone is there, so its keys were checked
    (event,) = data.published_events()
    assert set(event) == ALLOWED["events"]
    (adoption,) = data.published_adoptions()
    assert set(adoption) == ALLOWED["adoptions"]
    protocol, articles = data.protocol()
    assert set(protocol) == ALLOWED["protocol"]
    assert all(set(article) == ALLOWED["article"] for article in articles)


def test_the_page_context_holds_only_allow_listed_rows(client, everything_published):
    context = client.get(reverse("public:index")).context
    for name, kind in (("projects", "projects"), ("upcoming_events", "events"), ("adoptions", "adoptions")):
        assert context[name], name
        assert all(set(row) == ALLOWED[kind] for row in context[name]), name
    assert set(context["protocol"]) == ALLOWED["protocol"]
    assert all(set(article) == ALLOWED["article"] | {"projects", "events"} for article in context["articles"])
    assert set(context["figures"]) == {"projects_by_status", "events_held", "transfers_by_direction"}
    project, event, _adoption = everything_published
    detail = client.get(reverse("public:project_detail", args=[project.pk])).context["project"]
    assert set(detail) == ALLOWED["projects"]
    assert set(client.get(reverse("public:event_detail", args=[event.pk])).context["event"]) == ALLOWED["events"]


def test_the_open_data_files_hold_only_allow_listed_fields(client, everything_published):
    for name in ("projects", "events"):
        records = json.loads(client.get(reverse("public:dataset_json", args=[name])).content)["records"]
        assert records and all(set(record) == ALLOWED[name] for record in records)
        body = client.get(reverse("public:dataset_csv", args=[name])).content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(body)))
        assert set(header) == ALLOWED[name] and len(header) == len(ALLOWED[name])


def test_no_personal_or_internal_detail_reaches_any_public_url(client, everything_published):
    project, event, _adoption = everything_published
    urls = [
        reverse("public:index"),
        reverse("public:project_detail", args=[project.pk]),
        reverse("public:event_detail", args=[event.pk]),
        reverse("public:data"),
        reverse("public:catalog"),
        reverse("public:feed"),
        reverse("public:sitemap"),
        reverse("public:robots_txt"),
    ] + [reverse(f"public:dataset_{fmt}", args=[name]) for name in ("projects", "events") for fmt in ("csv", "json")]
    for language in ("tr", "en"):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode("utf-8")
            leaked = [secret for secret in SECRETS if secret.casefold() in body.casefold()]
            assert leaked == [], f"{url} ({language}) shows {leaked}"
    # …and what the public may see is really there, so the search above looked at real pages.
    assert "Halka açık özet." in client.get(reverse("public:project_detail", args=[project.pk])).content.decode()
