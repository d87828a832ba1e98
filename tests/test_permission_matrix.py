"""Every URL, every role, GET and POST: the answer each one must get.

The URL list is collected from the URLconf, so a new URL without a row in
EXPECTED fails `test_every_url_has_an_expected_answer`. The Django admin is left
to Django's own staff check (tests/test_admin.py).
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from core.models import BackgroundJob
from core.services import attachment_add
from notifications.services import notification_create
from notifications.unsubscribe import unsubscribe_token
from partnership.models import Organization, Protocol
from projects.services import milestone_complete
from public.choices import PublicationStatus
from public.models import Publication
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolFactory,
    ProtocolPartyFactory,
)
from webhooks.models import WebhookEndpoint

ROLES = ["anonymous", "outsider", "izmir_staff", "isbak_staff", "manager", "administrator"]


def answers(anonymous, outsider, izmir, isbak, manager, admin):
    return dict(zip(ROLES, (anonymous, outsider, izmir, isbak, manager, admin), strict=True))


READ = answers(302, 403, 200, 200, 200, 200)
NOT_ALLOWED = answers(302, 403, 405, 405, 405, 405)  # a page that takes no POST
CREATE_POST = answers(302, 403, 200, 200, 200, 200)  # an empty form comes back with errors
# Records of İzmir Teknoloji alone: İSBAK staff may read them but not change them.
EDIT_IZMIR = answers(302, 403, 200, 403, 200, 200)
MANAGERS = answers(302, 403, 403, 403, 200, 200)
MANAGERS_NOT_ALLOWED = answers(302, 403, 403, 403, 405, 405)
PUBLIC = answers(200, 200, 200, 200, 200, 200)  # the public page and open data: everyone, signed in or not
PUBLIC_NOT_ALLOWED = answers(405, 405, 405, 405, 405, 405)

EXPECTED = {
    "dashboard:home": {"GET": READ, "POST": NOT_ALLOWED},
    "dashboard:dashboard": {"GET": MANAGERS, "POST": MANAGERS_NOT_ALLOWED},
    "dashboard:report": {"GET": MANAGERS, "POST": MANAGERS_NOT_ALLOWED},
    "dashboard:report_xlsx": {"GET": MANAGERS, "POST": MANAGERS_NOT_ALLOWED},
    # Closing and reopening a period: managers only; an empty POST is refused with a message on the report.
    "dashboard:baseline_close": {"GET": MANAGERS_NOT_ALLOWED, "POST": answers(302, 403, 403, 403, 302, 302)},
    "dashboard:baseline_reopen": {"GET": MANAGERS_NOT_ALLOWED, "POST": answers(302, 403, 403, 403, 302, 302)},
    # What changed since a period was closed: managers only; with no closed period named, nothing to show.
    "dashboard:baseline_changes": {"GET": answers(302, 403, 403, 403, 404, 404), "POST": MANAGERS_NOT_ALLOWED},
    "partnership:protocol_detail": {"GET": READ, "POST": NOT_ALLOWED},
    "partnership:protocol_documents": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:project_list": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:project_create": {"GET": READ, "POST": CREATE_POST},
    "projects:project_import": {"GET": READ, "POST": CREATE_POST},
    "projects:project_import_template": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:milestone_list": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:milestone_import": {"GET": READ, "POST": CREATE_POST},
    "projects:milestone_import_template": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:project_detail": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:project_related": {"GET": READ, "POST": NOT_ALLOWED},
    "projects:project_update": {"GET": EDIT_IZMIR, "POST": EDIT_IZMIR},
    "projects:progressupdate_create": {"GET": EDIT_IZMIR, "POST": EDIT_IZMIR},
    # An empty POST is bad input: the project's page again, with a message (İzmir's milestone).
    "projects:milestone_complete": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 302, 403, 302, 302)},
    # A joint milestone İzmir Teknoloji completed: only İSBAK (the other side) answers, not even
    # İzmir's manager; the administrator belongs to no organization. An empty dispute is refused
    # with a message on the project's page.
    "projects:milestone_confirm": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 403, 302, 403, 403)},
    "projects:milestone_dispute": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 403, 302, 403, 403)},
    "events:event_list": {"GET": READ, "POST": NOT_ALLOWED},
    "events:event_create": {"GET": READ, "POST": CREATE_POST},
    "events:event_import": {"GET": READ, "POST": CREATE_POST},
    "events:event_import_template": {"GET": READ, "POST": NOT_ALLOWED},
    "events:event_detail": {"GET": READ, "POST": NOT_ALLOWED},
    "events:event_update": {"GET": EDIT_IZMIR, "POST": EDIT_IZMIR},
    # The feed: a calendar app has no session, so without a token it is refused outright.
    "events:event_calendar": {
        "GET": answers(403, 403, 200, 200, 200, 200),
        "POST": answers(405, 405, 405, 405, 405, 405),
    },
    "events:calendar_subscription": {"GET": READ, "POST": answers(302, 403, 400, 400, 400, 400)},
    "transfers:knowhowtransfer_list": {"GET": READ, "POST": NOT_ALLOWED},
    "transfers:knowhowtransfer_create": {"GET": READ, "POST": CREATE_POST},
    "transfers:knowhowtransfer_import": {"GET": READ, "POST": CREATE_POST},
    "transfers:knowhowtransfer_import_template": {"GET": READ, "POST": NOT_ALLOWED},
    "transfers:knowhowtransfer_detail": {"GET": READ, "POST": NOT_ALLOWED},
    "transfers:knowhowtransfer_update": {"GET": EDIT_IZMIR, "POST": EDIT_IZMIR},
    # Only the recipient confirms; the fixture's (Üçüncü) has nobody here, and İzmir Teknoloji provided it.
    "transfers:knowhowtransfer_confirm": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 403, 403, 403, 403)},
    # Each person's own notifications: another's is a 404 (the fixture's belongs to İzmir staff).
    "notifications:notification_list": {"GET": READ, "POST": NOT_ALLOWED},
    "notifications:notification_read": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 302, 404, 404, 404)},
    "notifications:notification_read_all": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 302, 302, 302, 302)},
    "notifications:preference_update": {"GET": READ, "POST": CREATE_POST},
    # An organization's defaults: managers only (an empty form comes back with errors).
    "notifications:organization_defaults": {"GET": MANAGERS, "POST": MANAGERS},
    # A mail's unsubscribe link: its signed token is the authority, so it answers everyone.
    "notifications:unsubscribe": {"GET": PUBLIC, "POST": PUBLIC},
    # Background jobs: each is its owner's alone (the fixture's, a finished export, is İzmir staff's);
    # an empty POST names no list to export.
    "jobs:job_export": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 400, 400, 400, 400)},
    "jobs:job_detail": {"GET": answers(302, 403, 200, 404, 404, 404), "POST": NOT_ALLOWED},
    "jobs:job_status": {"GET": answers(302, 403, 200, 404, 404, 404), "POST": NOT_ALLOWED},
    "jobs:job_download": {"GET": answers(302, 403, 200, 404, 404, 404), "POST": NOT_ALLOWED},
    "attachments:attachment_create": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 302, 403, 302, 302)},
    "attachments:attachment_download": {"GET": READ, "POST": NOT_ALLOWED},
    "attachments:attachment_delete": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 302, 403, 302, 302)},
    # Signed-in users are sent on from the sign-in page.
    "login": {"GET": answers(200, 302, 302, 302, 302, 302), "POST": answers(200, 302, 302, 302, 302, 302)},
    "logout": {"GET": answers(302, 405, 405, 405, 405, 405), "POST": answers(302, 302, 302, 302, 302, 302)},
    "password_change": {"GET": answers(302, 200, 200, 200, 200, 200), "POST": answers(302, 200, 200, 200, 200, 200)},
    "password_change_done": {
        "GET": answers(302, 200, 200, 200, 200, 200),
        "POST": answers(302, 405, 405, 405, 405, 405),
    },
    "set_language": {"GET": answers(302, 302, 302, 302, 302, 302), "POST": answers(302, 302, 302, 302, 302, 302)},
    "health": {"GET": answers(200, 200, 200, 200, 200, 200), "POST": answers(405, 405, 405, 405, 405, 405)},
    # Personal API tokens: an empty POST is the new-token form, back with its errors.
    "api_tokens:apitoken_list": {"GET": READ, "POST": CREATE_POST},
    "public:index": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:project_detail": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:event_detail": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:data": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:dataset_csv": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:dataset_json": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:catalog": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:feed": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:robots_txt": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    "public:sitemap": {"GET": PUBLIC, "POST": PUBLIC_NOT_ALLOWED},
    # Staff of the parties propose; a manager of a party agrees (the administrator belongs to none);
    # any manager unpublishes (the administrator, after the manager, finds it already unpublished).
    "public:publication_manage": {"GET": READ, "POST": NOT_ALLOWED},
    "public:publication_propose": {"GET": NOT_ALLOWED, "POST": CREATE_POST},
    "public:publication_agree": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 403, 403, 302, 403)},
    "public:publication_unpublish": {"GET": NOT_ALLOWED, "POST": answers(302, 403, 403, 403, 302, 302)},
    # Webhook endpoints: managers only; the fixture's belongs to the manager (administrators see all).
    "webhooks:webhookendpoint_list": {"GET": MANAGERS, "POST": MANAGERS_NOT_ALLOWED},
    "webhooks:webhookendpoint_create": {"GET": MANAGERS, "POST": MANAGERS},
    "webhooks:webhookendpoint_detail": {"GET": MANAGERS, "POST": MANAGERS_NOT_ALLOWED},
    "webhooks:webhookendpoint_update": {"GET": MANAGERS, "POST": MANAGERS},
    "webhooks:webhookendpoint_deactivate": {
        "GET": MANAGERS_NOT_ALLOWED,
        "POST": answers(302, 403, 403, 403, 302, 302),
    },
}


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                if pattern.namespace == "api":
                    continue  # the API has its own matrix, with every method: tests/api/test_permission_matrix.py
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_an_expected_answer():
    assert set(url_names()) - set(EXPECTED) == set(), "add the new URL to EXPECTED"
    assert set(EXPECTED) - set(url_names()) == set(), "remove a URL that no longer exists"


@pytest.fixture
def world(request, izmir_teknoloji, isbak, izmir_staff, isbak_staff, manager, administrator, outsider):
    """Records of İzmir Teknoloji alone, plus everyone who might knock."""
    ProtocolFactory()
    third = OrganizationFactory(name="Üçüncü Kurum A.Ş.", short_name="Üçüncü")
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    event = EventFactory(organizers=[izmir_teknoloji])
    transfer = KnowHowTransferFactory(provider=izmir_teknoloji, recipient=third)
    users = {
        "anonymous": None,
        "outsider": outsider,
        "izmir_staff": izmir_staff,
        "isbak_staff": isbak_staff,
        "manager": manager,
        "administrator": administrator,
    }
    joint = ProjectFactory(lead_organization=izmir_teknoloji)
    ProjectPartnerFactory(project=joint, organization=isbak)
    milestone = milestone_complete(
        milestone=MilestoneFactory(project=joint), completed_on=timezone.localdate(), by=izmir_staff
    )
    notification = notification_create(
        recipient=izmir_staff, kind="partner_activity", key="matrix", url=project.get_absolute_url(), title="-"
    )
    job = BackgroundJob.objects.create(owner=izmir_staff, kind="export", state="finished", title="-")
    job.file.save("projeler.csv", ContentFile(b"Kod\r\n"))
    return {
        "project": project,
        "event": event,
        "job": job,
        "transfer": transfer,
        "milestone": milestone,
        "notification": notification,
        "users": users,
        "izmir": izmir_staff,
        "webhook": WebhookEndpoint.objects.create(
            owner=manager, url="https://hooks.example.org/kopru", events=["project.created"]
        ),
    }


def new_attachment(world):
    upload = SimpleUploadedFile("rapor.pdf", b"%PDF-1.7\n%%EOF\n")
    return attachment_add(record=world["project"], upload=upload, title="Rapor", user=world["izmir"])


def public_records(world):
    """For the public URLs: İzmir Teknoloji and İSBAK as parties, a published project and event, and a
    proposal awaiting consent (made once per world)."""
    if "publication" not in world:
        protocol = Protocol.objects.first()
        for organization in Organization.objects.filter(short_name__in=["İzmir Teknoloji", "İSBAK"]):
            ProtocolPartyFactory(protocol=protocol, organization=organization)
        now = timezone.now()
        Publication.objects.create(project=world["project"], status=PublicationStatus.PUBLISHED, published_at=now)
        Publication.objects.create(event=world["event"], status=PublicationStatus.PUBLISHED, published_at=now)
        world["publication"] = Publication.objects.create(project=ProjectFactory())
    return world


def url_for(name, world):
    if name.startswith("public:"):
        world = public_records(world)
        args = {
            "public:project_detail": [world["project"].pk],
            "public:event_detail": [world["event"].pk],
            "public:dataset_csv": ["projects"],
            "public:dataset_json": ["events"],
            "public:publication_agree": [world["publication"].pk],
            "public:publication_unpublish": [world["publication"].pk],
        }
        return reverse(name, args=args.get(name, []))
    if name in ("projects:milestone_confirm", "projects:milestone_dispute"):
        return reverse(name, args=[world["milestone"].pk])
    if name == "notifications:organization_defaults":
        return reverse(name, args=[world["project"].lead_organization_id])
    if name == "notifications:unsubscribe":
        return reverse(name, args=[unsubscribe_token(world["izmir"], "milestone_due")])
    if name == "projects:milestone_complete":
        milestone = world["project"].milestones.create(title="Pilot", due_on=world["project"].planned_end)
        return reverse(name, args=[milestone.pk])
    pk_of = {
        "projects": "project",
        "events": "event",
        "transfers": "transfer",
        "notifications": "notification",
        "jobs": "job",
        "webhooks": "webhook",
    }
    namespace = name.split(":")[0]
    for kwargs in ({}, {"pk": world[pk_of[namespace]].pk} if namespace in pk_of else None):
        if kwargs is None:
            continue
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 - try the next way of filling the route
            continue
    if name == "attachments:attachment_create":
        content_type = ContentType.objects.get_for_model(world["project"])
        return reverse(name, args=[content_type.pk, world["project"].pk])
    if name in ("attachments:attachment_download", "attachments:attachment_delete"):
        return reverse(name, args=[new_attachment(world).pk])
    raise AssertionError(f"no way to fill the URL {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_answer(world, name):
    surprises = []
    for method in ("GET", "POST"):
        for role in ROLES:
            client = Client()
            user = world["users"][role]
            if user is not None:
                client.force_login(user)
            url = url_for(name, world)
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = EXPECTED[name][method][role]
            if response.status_code != expected:
                surprises.append(f"{method} {url} as {role}: {response.status_code}, expected {expected}")
    assert surprises == []
