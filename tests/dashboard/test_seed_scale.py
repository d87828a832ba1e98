import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.roles import MANAGERS_GROUP
from core.text import turkish_fold
from dashboard.management.commands.seed_scale import sizes_from
from events.models import Event
from projects.models import Milestone, ProgressUpdate, Project, ProjectPartner
from tests.factories import ProtocolArticleFactory, ProtocolFactory, TechnologyProductFactory
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

TINY = {"projects": 20, "milestones": 60, "updates": 150, "events": 10, "transfers": 30, "users": 6}


def seed_scale(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_scale", **{**TINY, "seed": 7, **options}, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def parties(izmir_teknoloji, isbak):
    """What seed_scale builds on, made directly: loading the whole demo data in every test is slow."""
    protocol = ProtocolFactory()
    for number in range(1, 8):
        ProtocolArticleFactory(protocol=protocol, number=number)
    for organization in (izmir_teknoloji, isbak):
        TechnologyProductFactory.create_batch(2, organization=organization)
    return izmir_teknoloji, isbak


@pytest.fixture
def scaled(settings, parties):
    settings.DEBUG = True
    return seed_scale()


def scale_projects():
    return Project.objects.filter(code__startswith="SC-")


def test_it_loads_the_demo_data_first_when_it_is_missing(settings):
    settings.DEBUG = True
    out, _err = seed_scale()
    assert "seed_demo" in out
    assert Project.objects.filter(code__startswith="KPR-").count() == 12
    assert scale_projects().count() == 20


def test_it_creates_the_requested_numbers(scaled):
    projects = scale_projects()
    assert projects.count() == 20
    assert Milestone.objects.filter(project__in=projects).count() == 60
    assert ProgressUpdate.objects.filter(project__in=projects).count() == 150
    assert Event.objects.filter(description__contains="[Scale]").count() == 10
    assert KnowHowTransfer.objects.filter(description__contains="[Scale]").count() == 30
    users = get_user_model().objects.filter(username__in=["bench.manager", *(f"scale.user000{n}" for n in range(1, 6))])
    assert users.count() == 6
    assert not users.filter(membership__isnull=True).exists()
    assert ProjectPartner.objects.filter(project__in=projects, role="lead").count() == 20
    assert ProjectPartner.objects.filter(project__in=projects, role="partner").count() == 20
    assert all("[Scale]" in description for description in projects.values_list("description", flat=True))


def test_it_reports_progress_on_stderr_and_the_timing_on_stdout(scaled):
    out, err = scaled
    assert "progress updates" in err and "150/150" in err
    assert "Scale data ready in" in out and "bench.manager" in out


def test_the_bench_manager_is_a_manager_with_a_known_password(scaled):
    user = get_user_model().objects.get(username="bench.manager")
    assert user.check_password("kopru-bench")
    assert user.groups.filter(name=MANAGERS_GROUP).exists()
    assert user.membership.organization.short_name in {"İzmir Teknoloji", "İSBAK"}
    assert not get_user_model().objects.get(username="scale.user0001").has_usable_password()


def test_no_milestone_is_completed_before_its_project_starts(scaled):
    milestones = Milestone.objects.filter(project__in=scale_projects(), completed_on__isnull=False)
    assert milestones.exists()
    start = Coalesce(F("project__actual_start"), F("project__planned_start"))
    assert not milestones.filter(completed_on__lt=start).exists()


def test_transfers_go_from_one_party_to_the_other(scaled):
    transfers = KnowHowTransfer.objects.filter(description__contains="[Scale]")
    assert not transfers.filter(provider=F("recipient")).exists()
    assert not Event.objects.filter(ends_at__lt=F("starts_at")).exists()


def test_search_text_is_filled(scaled):
    for model in (Project, Event, KnowHowTransfer):
        for record in model.objects.filter(description__contains="[Scale]"):
            text = " ".join(str(getattr(record, name) or "") for name in record.search_fields)
            assert record.search_text == turkish_fold(text) != ""
    assert scale_projects().search("ÖLÇEK").count() == 20


def test_each_project_shows_its_latest_update(scaled):
    latest = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-reported_on", "-pk")
    projects = scale_projects().annotate(
        latest_percent=Subquery(latest.values("percent_complete")[:1]),
        latest_health=Subquery(latest.values("health")[:1]),
        latest_on=Subquery(latest.values("reported_on")[:1]),
    )
    assert projects.filter(latest_percent__isnull=False).count() > 10
    for project in projects:
        if project.latest_percent is None:
            assert (project.percent_complete, project.last_update_on) == (0, None)
        else:
            assert project.percent_complete == project.latest_percent
            assert project.health == project.latest_health
            assert project.last_update_on == project.latest_on


def test_each_months_latest_update_is_flagged(scaled):
    updates = ProgressUpdate.objects.filter(project__in=scale_projects())
    flagged = set(updates.filter(latest_in_month=True).values_list("pk", flat=True))
    latest = {}
    for pk, project, day in updates.order_by("reported_on", "pk").values_list("pk", "project_id", "reported_on"):
        latest[project, day.year, day.month] = pk
    assert flagged == set(latest.values())
    assert len(flagged) > 10


def test_the_same_seed_gives_the_same_data(scaled):
    columns = ("code", "title", "status", "percent_complete", "owner__username")
    first = list(scale_projects().order_by("code").values_list(*columns))
    seed_scale(replace=True)
    assert list(scale_projects().order_by("code").values_list(*columns)) == first
    assert Milestone.objects.filter(project__in=scale_projects()).count() == 60
    assert Event.objects.filter(description__contains="[Scale]").count() == 10


def test_it_refuses_to_load_twice_without_replace(scaled):
    with pytest.raises(CommandError, match="--replace"):
        seed_scale()


def test_it_refuses_when_debug_is_off(settings, parties):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed_scale()
    assert not Project.objects.exists()
    seed_scale(force=True)
    assert scale_projects().count() == 20


def test_the_factor_multiplies_every_size_not_given():
    sizes = sizes_from({"factor": 10, "users": 3})
    assert sizes == {
        "projects": 100_000,
        "milestones": 400_000,
        "updates": 1_000_000,
        "events": 50_000,
        "transfers": 200_000,
        "users": 3,
    }


def test_a_factor_below_one_is_refused(settings, parties):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--factor"):
        seed_scale(factor=0)


def test_a_share_of_the_projects_and_events_is_published_with_both_consents(settings, parties, django_user_model):
    from core.roles import MANAGERS_GROUP as MANAGERS
    from partnership.models import Protocol
    from public.models import Publication
    from tests.factories import MembershipFactory, ProtocolPartyFactory

    settings.DEBUG = True
    for organization in parties:  # a manager of each party of the protocol agrees
        ProtocolPartyFactory(protocol=Protocol.objects.get(), organization=organization)
        manager = django_user_model.objects.create(username=f"manager.{organization.pk}")
        MembershipFactory(user=manager, organization=organization)
        manager.groups.add(Group.objects.get_or_create(name=MANAGERS)[0])
    seed_scale(published=0.5)
    published = Publication.objects.published()
    projects, events = published.filter(project__isnull=False), published.filter(event__isnull=False)
    assert 0 < projects.count() < 20 and 0 < events.count() < 10
    assert all(publication.consents.count() == 2 for publication in published)
    assert Publication.history.filter(history_type="+").count() == published.count()
    first = set(published.values_list("project__code", "event__starts_at"))
    seed_scale(replace=True, published=0.5)  # the same seed publishes the same records, once
    assert set(Publication.objects.published().values_list("project__code", "event__starts_at")) == first


def test_the_bench_login_has_notifications_to_page_through(scaled):
    from notifications.models import Notification

    bench = get_user_model().objects.get(username="bench.manager")
    notifications = Notification.objects.for_user(bench)
    assert notifications.count() > 0
    assert notifications.unread().count() < notifications.count()
    assert len(set(notifications.values_list("created_at", flat=True))) == notifications.count()
