"""The dashboard's query functions, on small hand-made data whose figures are known."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.models import DataVersion
from dashboard.queries import (
    Period,
    Scope,
    add_months,
    aggregate_tables,
    article_coverage,
    event_figures,
    events_held,
    listing,
    monthly_progress,
    months_ending,
    next_events,
    overdue_milestones,
    project_figures,
    projects_at_risk,
    projects_update_due,
    transfer_figures,
)
from events.models import Event
from projects.models import Project
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProtocolArticleFactory,
)
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

ISTANBUL = ZoneInfo("Europe/Istanbul")


def istanbul(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ISTANBUL)


# --- periods (no database) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(2026), date(2026, 1, 1), date(2026, 12, 31)),
        (Period(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (Period(2024, 1), date(2024, 1, 1), date(2024, 3, 31)),
        (Period(2026, 3), date(2026, 7, 1), date(2026, 9, 30)),
        (Period(2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_runs_from_its_first_to_its_last_day(period, start, end):
    assert (period.start, period.end) == (start, end)
    assert period.after == end + timedelta(days=1)


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (Period(2026, 3), Period(2026, 2)),
        (Period(2026, 1), Period(2025, 4)),
        (Period(2026), Period(2025)),
    ],
)
def test_the_previous_period_is_the_quarter_or_year_before(period, previous):
    assert period.previous() == previous


def test_a_period_is_named_for_files_with_its_quarter():
    assert Period(2026, 3).slug == "2026-Q3"
    assert Period(2026).slug == "2026"


def test_the_quarter_of_a_day():
    assert Period.quarter_of(date(2026, 11, 28)) == Period(2026, 4)
    assert Period.quarter_of(date(2026, 1, 1)) == Period(2026, 1)


def test_the_trend_covers_twelve_months_ending_with_the_given_one():
    months = months_ending(date(2026, 2, 17))
    assert len(months) == 12
    assert months[0] == date(2025, 3, 1)
    assert months[-1] == date(2026, 2, 1)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


# --- reading aggregates ---------------------------------------------------------------------------


def test_aggregates_of_several_tables_read_in_one_query_what_aggregate_reads(
    izmir_teknoloji, isbak, django_assert_num_queries
):
    KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak, hours=Decimal("7.5"), participants=4)
    KnowHowTransferFactory(provider=isbak, recipient=izmir_teknoloji, hours=Decimal("2"), participants=1)
    ProjectFactory(status="active")
    transfers = {
        "count": Count("pk"),
        "trainees": Sum("participants"),
        "from_izmir": Count("pk", filter=Q(provider=izmir_teknoloji)),
    }
    projects = {"active": Count("pk", filter=Q(status="active"))}

    with django_assert_num_queries(1):
        values = aggregate_tables(
            transfers=(KnowHowTransfer.objects.all(), transfers),
            projects=(Project.objects.all(), projects),
            nothing=(KnowHowTransfer.objects.filter(hours__gt=100), transfers),
        )

    assert values["transfers"] == KnowHowTransfer.objects.aggregate(**transfers)
    assert values["transfers"] == {"count": 2, "trainees": 5, "from_izmir": 1}
    assert values["projects"] == {"active": 1}
    assert values["nothing"] == KnowHowTransfer.objects.filter(hours__gt=100).aggregate(**transfers)


def test_aggregates_are_read_even_when_the_data_version_row_was_flushed(izmir_teknoloji, isbak):
    KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak)
    DataVersion.objects.all().delete()

    values = aggregate_tables(all=(KnowHowTransfer.objects.all(), {"count": Count("pk")}))

    assert values == {"all": {"count": 1}}
    assert DataVersion.objects.count() == 1


# --- project figures ------------------------------------------------------------------------------


def test_project_figures_count_statuses_and_the_health_of_active_projects():
    ProjectFactory(status="active", health="on_track")
    ProjectFactory(status="active", health="on_track")
    ProjectFactory(status="active", health="at_risk")
    ProjectFactory(status="active", health="off_track")
    ProjectFactory(status="on_hold", health="off_track")  # not active: its health does not count
    ProjectFactory(status="completed", health="on_track")

    figures = project_figures(Project.objects.all())

    assert figures.total == 6
    assert figures.by_status == {
        "proposed": 0,
        "planned": 0,
        "active": 4,
        "on_hold": 1,
        "completed": 1,
        "cancelled": 0,
    }
    assert figures.active_by_health == {"on_track": 2, "at_risk": 1, "off_track": 1}
    assert figures.on_track_share == 50


def test_the_on_track_share_is_empty_without_active_projects():
    ProjectFactory(status="planned")
    assert project_figures(Project.objects.all()).on_track_share is None


# --- monthly progress -----------------------------------------------------------------------------


def test_monthly_progress_averages_each_projects_latest_update_of_the_month():
    weekly, monthly = ProjectFactory(), ProjectFactory()
    ProgressUpdateFactory(project=weekly, reported_on=date(2026, 3, 2), percent_complete=10)
    ProgressUpdateFactory(project=weekly, reported_on=date(2026, 3, 9), percent_complete=12)
    ProgressUpdateFactory(project=weekly, reported_on=date(2026, 3, 30), percent_complete=30)
    ProgressUpdateFactory(project=monthly, reported_on=date(2026, 3, 15), percent_complete=40)
    ProgressUpdateFactory(project=monthly, reported_on=date(2026, 5, 31), percent_complete=50)
    # Two updates on the same day: the later one (higher id) is the latest.
    ProgressUpdateFactory(project=weekly, reported_on=date(2026, 5, 4), percent_complete=20)
    ProgressUpdateFactory(project=weekly, reported_on=date(2026, 5, 4), percent_complete=22)
    ProgressUpdateFactory(project=monthly, reported_on=date(2025, 12, 31), percent_complete=99)  # before the window

    months = [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    averages = monthly_progress(Project.objects.all(), months)

    assert averages == [35, None, 36]  # (30 + 40) / 2; nothing in April; (22 + 50) / 2


def test_monthly_progress_follows_the_scope_of_projects(izmir_teknoloji, isbak):
    ours = ProjectFactory(lead_organization=izmir_teknoloji)
    theirs = ProjectFactory(lead_organization=isbak)
    ProgressUpdateFactory(project=ours, reported_on=date(2026, 4, 10), percent_complete=20)
    ProgressUpdateFactory(project=theirs, reported_on=date(2026, 4, 10), percent_complete=80)

    scope = Scope(period=Period(2026), organization=isbak)
    assert monthly_progress(scope.projects(), [date(2026, 4, 1)]) == [80]


# --- events ---------------------------------------------------------------------------------------


def test_event_figures_count_the_period_in_istanbul_time_and_fall_back_to_planned_participants():
    # 01:30 on 1 April in İstanbul is still 31 March in UTC: it belongs to the second quarter.
    EventFactory(starts_at=istanbul(date(2026, 4, 1), 1, 30), actual_participants=30, planned_participants=50)
    EventFactory(starts_at=istanbul(date(2026, 5, 20)), actual_participants=None, planned_participants=25)
    EventFactory(starts_at=istanbul(date(2026, 6, 30), 23, 30), actual_participants=None, planned_participants=None)
    EventFactory(starts_at=istanbul(date(2026, 3, 31), 23, 59), actual_participants=100)  # first quarter
    EventFactory(starts_at=istanbul(date(2026, 7, 1), 0, 0), actual_participants=100)  # third quarter

    months = months_ending(date(2026, 7, 15))
    figures = event_figures(Scope(Period(2026, 2)).events(), Period(2026, 2), months)

    assert figures.count == 3
    assert figures.participants == 30 + 25
    by_month = dict(zip(months, figures.per_month, strict=True))
    assert by_month[date(2026, 3, 1)] == 1
    assert by_month[date(2026, 4, 1)] == 1
    assert by_month[date(2026, 6, 1)] == 1
    assert by_month[date(2026, 7, 1)] == 1
    assert sum(figures.per_month) == 5


# --- transfers ------------------------------------------------------------------------------------


def test_transfer_figures_keep_each_direction_apart(izmir_teknoloji, isbak):
    city = OrganizationFactory(short_name="İBB")
    to_isbak = {"provider": izmir_teknoloji, "recipient": isbak}
    to_izmir = {"provider": isbak, "recipient": izmir_teknoloji}
    KnowHowTransferFactory(**to_isbak, hours=Decimal("7.5"), participants=4, started_on=date(2026, 2, 1))
    KnowHowTransferFactory(**to_isbak, hours=10, participants=6, started_on=date(2026, 3, 31))
    KnowHowTransferFactory(**to_izmir, hours=40, participants=12, started_on=date(2026, 1, 1))
    KnowHowTransferFactory(provider=isbak, recipient=city, hours=3, participants=1, started_on=date(2026, 1, 5))
    KnowHowTransferFactory(**to_izmir, hours=99, started_on=date(2026, 4, 1))  # the next quarter

    figures = transfer_figures(Scope(Period(2026, 1)).transfers(), Period(2026, 1), [izmir_teknoloji, isbak])

    flows = {(flow.provider, flow.recipient): (flow.count, flow.hours, flow.participants) for flow in figures.flows}
    assert flows == {
        (izmir_teknoloji, isbak): (2, Decimal("17.5"), 10),
        (isbak, izmir_teknoloji): (1, Decimal("40"), 12),
    }
    # The transfer to a non-party counts in the total, in no direction between the parties.
    assert (figures.count, figures.hours, figures.participants) == (4, Decimal("60.5"), 23)
    assert [flow.label for flow in figures.flows] == ["İzmir Teknoloji → İSBAK", "İSBAK → İzmir Teknoloji"]


# --- coverage -------------------------------------------------------------------------------------


def test_coverage_counts_projects_and_the_periods_events_and_transfers_per_article(izmir_teknoloji, isbak):
    first, second = ProtocolArticleFactory(number=1), ProtocolArticleFactory(number=2)
    for status in ("active", "completed", "cancelled"):
        ProjectFactory(status=status, lead_organization=izmir_teknoloji).articles.set([first])
    ProjectFactory(lead_organization=isbak).articles.set([first, second])
    EventFactory(starts_at=istanbul(date(2026, 5, 1))).articles.set([second])
    EventFactory(starts_at=istanbul(date(2025, 5, 1))).articles.set([second])  # another period
    KnowHowTransferFactory(provider=izmir_teknoloji, recipient=isbak, started_on=date(2026, 8, 1)).articles.set(
        [first, second]
    )

    counts = {
        article.number: (article.project_count, article.event_count, article.transfer_count)
        for article in article_coverage(Scope(Period(2026)))
    }
    assert counts == {1: (3, 0, 1), 2: (1, 1, 1)}

    for_izmir = {
        article.number: (article.project_count, article.event_count, article.transfer_count)
        for article in article_coverage(Scope(Period(2026), organization=izmir_teknoloji, article=second))
    }
    # The article filter leaves coverage alone; the organization filter applies.
    assert for_izmir == {1: (2, 0, 1), 2: (0, 0, 1)}


# --- lists ----------------------------------------------------------------------------------------


def test_a_listing_gives_the_first_rows_and_the_full_count_in_one_query(django_assert_num_queries):
    for number in range(7):
        ProjectFactory(code=f"L-{number}")
    with django_assert_num_queries(1):
        result = listing(Project.objects.order_by("code"), 3)
    assert [project.code for project in result.items] == ["L-0", "L-1", "L-2"]
    assert (result.total, result.more) == (7, 4)


def test_an_empty_listing_has_no_rows_and_a_zero_total():
    result = listing(Project.objects.all(), 3)
    assert (result.items, result.total, result.more) == ([], 0, 0)


def test_overdue_milestones_leave_out_closed_projects_and_come_oldest_first():
    today = timezone.localdate()
    open_project = ProjectFactory(status="on_hold")
    late = MilestoneFactory(project=open_project, due_on=today - timedelta(days=20))
    later = MilestoneFactory(project=open_project, due_on=today - timedelta(days=2))
    MilestoneFactory(project=open_project, due_on=today)  # due today: not overdue yet
    MilestoneFactory(project=ProjectFactory(status="cancelled"), due_on=today - timedelta(days=5))

    result = overdue_milestones(Project.objects.all(), today, 10)

    assert result.items == [late, later]


def test_update_due_lists_never_updated_projects_first(settings):
    today = timezone.localdate()
    stale = ProjectFactory(code="B", last_update_on=today - timedelta(days=settings.KOPRU_UPDATE_DUE_DAYS + 1))
    never = ProjectFactory(code="A", last_update_on=None)  # started 100 days ago (the factory's default)
    ProjectFactory(code="C", last_update_on=today)

    assert projects_update_due(Project.objects.all(), today, 10).items == [never, stale]


def test_a_project_without_updates_is_due_one_only_once_its_start_or_creation_is_old_enough(settings):
    settings.KOPRU_UPDATE_DUE_DAYS = 30
    today = timezone.localdate()
    long_ago = today - timedelta(days=31)
    started_long_ago = ProjectFactory(code="A", planned_start=None, actual_start=long_ago)
    planned_long_ago = ProjectFactory(code="B", planned_start=long_ago)
    ProjectFactory(code="C", planned_start=None)  # created a minute ago, no start date
    ProjectFactory(code="D", planned_start=today - timedelta(days=5))  # started five days ago
    ProjectFactory(code="E", planned_start=today + timedelta(days=60))  # not started yet
    recorded_long_ago = ProjectFactory(code="F", planned_start=None)
    Project.objects.filter(pk=recorded_long_ago.pk).update(created_at=timezone.now() - timedelta(days=31))

    due = projects_update_due(Project.objects.all(), today, 10)

    assert due.items == [started_long_ago, planned_long_ago, recorded_long_ago]
    assert due.total == Project.objects.update_due(today).count() == 3


def test_events_still_to_come_in_the_period_are_not_held():
    now = timezone.now()
    held = EventFactory(starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=1))
    EventFactory(starts_at=now + timedelta(minutes=1))  # same quarter, not begun yet
    EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))  # under way: not held yet
    period = Period.quarter_of(timezone.localdate())
    assert [event.pk for event in events_held(period)] == [held.pk]


def test_next_events_are_those_not_ended_soonest_first_up_to_the_limit(izmir_teknoloji, django_assert_num_queries):
    now = timezone.now()
    for days in range(1, 6):  # ended
        EventFactory(starts_at=now - timedelta(days=days), ends_at=now - timedelta(days=days, hours=-2))
    in_progress = EventFactory(starts_at=now - timedelta(days=2), ends_at=now + timedelta(hours=1))
    later, soon, soonest = (EventFactory(starts_at=now + timedelta(days=days)) for days in (9, 5, 3))
    EventFactory(starts_at=now + timedelta(days=30))
    ours = EventFactory(starts_at=now + timedelta(days=4))
    ours.organizers.set([izmir_teknoloji])

    with django_assert_num_queries(1):
        first = next_events(Event.objects.all(), now, 4)
    assert first == [in_progress, soonest, ours, soon]
    assert next_events(Event.objects.for_organization(izmir_teknoloji), now, 4) == [ours]
    assert later not in first


def test_the_dashboards_lists_are_limited_and_ordered(settings, django_assert_num_queries):
    settings.KOPRU_UPDATE_DUE_DAYS = 30
    today = timezone.localdate()
    long_ago, lately = today - timedelta(days=90), today - timedelta(days=45)

    def project(code, health="on_track", last_update_on=today, status="active"):
        return ProjectFactory(code=code, health=health, last_update_on=last_update_on, status=status)

    silent_and_off = project("P-05", "off_track", last_update_on=None)  # in both lists
    at_risk_b = project("P-02", "at_risk")
    at_risk_a = project("P-01", "at_risk", last_update_on=lately)  # in both lists
    project("P-09", "at_risk")  # at risk, past the limit of three
    off_track = project("P-07", "off_track")
    project("P-03", "off_track", status="on_hold")  # not active: in neither list
    silent_a = project("P-04", last_update_on=long_ago)
    project("P-06", last_update_on=lately)  # due, past the limit of three

    late = MilestoneFactory(project=silent_a, due_on=today - timedelta(days=3), title="Late")
    later = MilestoneFactory(project=off_track, due_on=today - timedelta(days=9), title="Later")
    MilestoneFactory(project=off_track, due_on=today - timedelta(days=9), completed_on=today)  # done

    projects = Project.objects.all()
    with django_assert_num_queries(3):
        at_risk = projects_at_risk(projects, 3)
        update_due = projects_update_due(projects, today, 3).items
        overdue = overdue_milestones(projects, today, 3).items

    assert at_risk == [silent_and_off, off_track, at_risk_a]  # off track first, then by code
    assert update_due == [silent_and_off, silent_a, at_risk_a]  # never updated first, then the longest silent
    assert at_risk_b not in at_risk
    assert overdue == [later, late]  # the longest overdue first
    # The rows carry what the lists show with no further query.
    with django_assert_num_queries(0):
        assert str(at_risk[0].lead_organization) == str(silent_and_off.lead_organization)
        assert overdue[0].project.code == "P-07"
