"""The managers' dashboard: who may see it, that its figures are right per filter, and how it is built."""

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from projects.choices import Health, ProjectStatus
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProductAdoptionFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    ProtocolPartyFactory,
    TechnologyProductFactory,
)
from transfers.choices import AdoptionStatus

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
ISTANBUL = ZoneInfo("Europe/Istanbul")

# What one dashboard page costs, whatever the data, when its figures must be computed: the
# session and the user with the data version (2), the organization and article choices of
# the filter form (2), the aggregates of five tables read together (1: projects, events,
# transfers, adoptions, monthly progress), the coverage per article (1), and the four lists:
# projects at risk, overdue milestones, projects due an update, next events (4).
# The budget is 10.
DASHBOARD_QUERIES = 10
# ... and when nothing was written since the same page was shown: its HTML is kept under the
# data version, which comes with the user.
CACHED_DASHBOARD_QUERIES = 2


# --- access ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("user", ["izmir_staff", "isbak_staff", "outsider"])
def test_staff_and_outsiders_may_not_see_the_dashboard(client_for, request, user):
    response = client_for(request.getfixturevalue(user)).get(URL)
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["manager", "administrator"])
def test_managers_and_administrators_see_the_dashboard(client_for, request, user):
    response = client_for(request.getfixturevalue(user)).get(URL)
    assert response.status_code == 200
    assert "dashboard/dashboard.html" in [template.name for template in response.templates]


def test_the_navigation_links_managers_to_the_dashboard(client_for, manager):
    html = client_for(manager).get(reverse("dashboard:home")).content.decode()
    assert f'href="{URL}"' in html


# --- the figures, against counts computed here from the data created here --------------------------


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ISTANBUL)


@dataclass
class World:
    """Random but seeded partnership data, with the facts each record was made from kept on the side."""

    today: date
    year: int
    parties: tuple
    organizations: list
    articles: list
    projects: list
    milestones: list
    events: list
    transfers: list
    adoptions: list


def build_world(size: int, izmir_teknoloji, isbak, *, seed: int = 4) -> World:
    """`size` projects with milestones, as many transfers, half as many events and adoptions, over two years."""
    rng = random.Random(seed)
    today = timezone.localdate()
    year = today.year - 1
    city = OrganizationFactory(name="İstanbul Büyükşehir Belediyesi", short_name="İBB")
    organizations = [izmir_teknoloji, isbak, city]
    protocol = ProtocolFactory()
    for party in (izmir_teknoloji, isbak):
        ProtocolPartyFactory(protocol=protocol, organization=party)
    articles = [ProtocolArticleFactory(protocol=protocol, number=number) for number in (1, 2, 3)]
    first_day = date(year - 1, 7, 1)

    def some_day(until=today):
        return first_day + timedelta(days=rng.randrange((until - first_day).days + 1))

    projects = []
    for _ in range(size):
        lead = rng.choice(organizations)
        partner = rng.choice([None, *[org for org in organizations if org != lead]])
        project = ProjectFactory(
            status=rng.choice(ProjectStatus.values),
            health=rng.choice(Health.values),
            lead_organization=lead,
            planned_start=first_day,
            last_update_on=rng.choice([None, today - timedelta(days=rng.randint(0, 60))]),
        )
        if partner is not None:
            ProjectPartnerFactory(project=project, organization=partner)
        project.organization_ids = {lead.pk} | ({partner.pk} if partner else set())
        project.article_ids = {article.pk for article in rng.sample(articles, rng.randint(0, 2))}
        project.articles.set(project.article_ids)
        projects.append(project)

    milestones = []
    for project in projects:
        for _ in range(rng.randint(0, 2)):
            done = rng.random() < 0.4
            milestones.append(
                MilestoneFactory(
                    project=project,
                    due_on=today + timedelta(days=rng.randint(-60, 60)),
                    completed_on=today - timedelta(days=rng.randint(0, 30)) if done else None,
                )
            )

    events = []
    for _ in range(max(4, size // 2)):
        organizers = rng.sample(organizations, rng.randint(1, 2))
        event = EventFactory(
            starts_at=at_noon(some_day(today + timedelta(days=60))),
            organizers=organizers,
            planned_participants=rng.choice([None, rng.randint(5, 80)]),
            actual_participants=rng.choice([None, rng.randint(5, 80)]),
        )
        event.organization_ids = {org.pk for org in organizers}
        event.article_ids = {article.pk for article in rng.sample(articles, rng.randint(0, 2))}
        event.articles.set(event.article_ids)
        events.append(event)

    transfers = []
    for _ in range(max(4, size)):
        provider, recipient = rng.sample(organizations, 2)
        transfer = KnowHowTransferFactory(
            provider=provider,
            recipient=recipient,
            started_on=some_day(),
            hours=Decimal(rng.randint(1, 80)) / 2,
            participants=rng.randint(0, 20),
        )
        transfer.article_ids = {article.pk for article in rng.sample(articles, rng.randint(0, 2))}
        transfer.articles.set(transfer.article_ids)
        transfers.append(transfer)

    adoptions = []
    for _ in range(max(2, size // 2)):
        maker = rng.choice(organizations)
        adoptions.append(
            ProductAdoptionFactory(
                product=TechnologyProductFactory(organization=maker),
                adopter=rng.choice([org for org in organizations if org != maker]),
                adopted_on=some_day(),
                status=rng.choice(AdoptionStatus.values),
                transfer=rng.choice([None, *transfers]),
                project=rng.choice([None, *projects]),
            )
        )

    return World(
        today=today,
        year=year,
        parties=(izmir_teknoloji, isbak),
        organizations=organizations,
        articles=articles,
        projects=projects,
        milestones=milestones,
        events=events,
        transfers=transfers,
        adoptions=adoptions,
    )


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    first_month = 3 * quarter - 2
    last_day = (date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)) - timedelta(days=1)
    return date(year, first_month, 1), last_day


def expected_figures(world: World, organization=None, article=None, year=None, quarter=None) -> dict:
    """The dashboard's figures, counted in Python from the records the test made."""
    start, end = period_bounds(year, quarter)

    def in_period(day):
        return start <= day <= end

    def project_in_scope(project, with_article=True):
        return (organization is None or organization.pk in project.organization_ids) and (
            not with_article or article is None or article.pk in project.article_ids
        )

    def event_in_scope(event, with_article=True):
        return (organization is None or organization.pk in event.organization_ids) and (
            not with_article or article is None or article.pk in event.article_ids
        )

    def transfer_in_scope(transfer, with_article=True):
        involved = {transfer.provider_id, transfer.recipient_id}
        return (organization is None or organization.pk in involved) and (
            not with_article or article is None or article.pk in transfer.article_ids
        )

    def adoption_in_scope(adoption):
        involved = {adoption.adopter_id, adoption.product.organization_id}
        serves = adoption.transfer is not None and article is not None and article.pk in adoption.transfer.article_ids
        serves |= adoption.project is not None and article is not None and article.pk in adoption.project.article_ids
        return (organization is None or organization.pk in involved) and (article is None or serves)

    projects = [project for project in world.projects if project_in_scope(project)]
    active = [project for project in projects if project.status == ProjectStatus.ACTIVE]
    on_track = [project for project in active if project.health == Health.ON_TRACK]
    closed = {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}
    cutoff = world.today - timedelta(days=settings.KOPRU_UPDATE_DUE_DAYS)
    events = [e for e in world.events if event_in_scope(e) and in_period(timezone.localtime(e.starts_at).date())]
    transfers = [t for t in world.transfers if transfer_in_scope(t) and in_period(t.started_on)]
    adoptions = [a for a in world.adoptions if adoption_in_scope(a) and in_period(a.adopted_on)]

    def flow(provider, recipient):
        chosen = [t for t in transfers if (t.provider_id, t.recipient_id) == (provider.pk, recipient.pk)]
        return len(chosen), sum((t.hours for t in chosen), Decimal(0)), sum(t.participants for t in chosen)

    def coverage(article_pk):
        return (
            sum(
                1
                for p in world.projects
                if project_in_scope(p, with_article=False)
                and article_pk in p.article_ids
                and p.status != ProjectStatus.CANCELLED
            ),
            sum(
                1
                for e in world.events
                if event_in_scope(e, with_article=False)
                and article_pk in e.article_ids
                and in_period(timezone.localtime(e.starts_at).date())
            ),
            sum(
                1
                for t in world.transfers
                if transfer_in_scope(t, with_article=False) and article_pk in t.article_ids and in_period(t.started_on)
            ),
        )

    izmir_teknoloji, isbak = world.parties
    return {
        "by_status": {status: sum(1 for p in projects if p.status == status) for status in ProjectStatus.values},
        "active_by_health": {health: sum(1 for p in active if p.health == health) for health in Health.values},
        "active": len(active),
        "on_track_share": round(100 * len(on_track) / len(active)) if active else None,
        "overdue": sum(
            1
            for m in world.milestones
            if m.completed_on is None
            and m.due_on < world.today
            and m.project in projects
            and m.project.status not in closed
        ),
        "at_risk": sum(1 for p in active if p.health in {Health.AT_RISK, Health.OFF_TRACK}),
        "update_due": sum(1 for p in active if p.last_update_on is None or p.last_update_on < cutoff),
        "events": len(events),
        "event_participants": sum(
            e.actual_participants if e.actual_participants is not None else (e.planned_participants or 0)
            for e in events
        ),
        "transfers": (
            len(transfers),
            sum((t.hours for t in transfers), Decimal(0)),
            sum(t.participants for t in transfers),
        ),
        "flows": {
            (izmir_teknoloji.pk, isbak.pk): flow(izmir_teknoloji, isbak),
            (isbak.pk, izmir_teknoloji.pk): flow(isbak, izmir_teknoloji),
        },
        "adoptions": (len(adoptions), sum(1 for a in adoptions if a.status == AdoptionStatus.IN_USE)),
        "coverage": {article.pk: coverage(article.pk) for article in world.articles},
    }


def shown_figures(figures) -> dict:
    """The same figures, as the dashboard's context has them."""
    return {
        "by_status": figures.projects.by_status,
        "active_by_health": figures.projects.active_by_health,
        "active": figures.projects.active,
        "on_track_share": figures.projects.on_track_share,
        "overdue": figures.overdue.total,
        "at_risk": figures.at_risk.total,
        "update_due": figures.update_due.total,
        "events": figures.events.count,
        "event_participants": figures.events.participants,
        "transfers": (figures.transfers.count, figures.transfers.hours, figures.transfers.participants),
        "flows": {
            (flow.provider.pk, flow.recipient.pk): (flow.count, flow.hours, flow.participants)
            for flow in figures.transfers.flows
        },
        "adoptions": (figures.adoptions.count, figures.adoptions.in_use),
        "coverage": {
            article.pk: (article.project_count, article.event_count, article.transfer_count)
            for article in figures.coverage
        },
    }


@pytest.fixture
def world(izmir_teknoloji, isbak):
    return build_world(40, izmir_teknoloji, isbak)


FILTERS = {
    "the whole year": {},
    "one quarter": {"quarter": 2},
    "izmir teknoloji": {"organization": "izmir"},
    "isbak in the fourth quarter": {"organization": "isbak", "quarter": 4},
    "one article": {"article": 0},
    "an article and a non-party in a quarter": {"organization": "city", "article": 1, "quarter": 3},
}


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
def test_the_figures_equal_counts_made_from_the_data(client_for, manager, world, filters):
    organization = {"izmir": world.organizations[0], "isbak": world.organizations[1], "city": world.organizations[2]}
    chosen_organization = organization.get(filters.get("organization"))
    chosen_article = world.articles[filters["article"]] if "article" in filters else None
    query = {"year": world.year, "quarter": filters.get("quarter", "")}
    if chosen_organization:
        query["organization"] = chosen_organization.pk
    if chosen_article:
        query["article"] = chosen_article.pk

    response = client_for(manager).get(URL, query)

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    expected = expected_figures(
        world, chosen_organization, chosen_article, year=world.year, quarter=filters.get("quarter")
    )
    assert shown_figures(response.context["figures"]) == expected


def test_the_test_data_is_rich_enough_to_mean_something(world):
    expected = expected_figures(world, year=world.year)
    assert expected["active"] > 0
    assert expected["overdue"] > 0
    assert expected["events"] > 0
    assert all(count for count, _hours, _participants in expected["flows"].values())
    assert all(expected["adoptions"])
    assert all(sum(counts) for counts in expected["coverage"].values())


def test_the_tiles_show_the_figures(client_for, manager, izmir_teknoloji, isbak):
    today = timezone.localdate()
    ProtocolPartyFactory(organization=izmir_teknoloji)
    ProtocolPartyFactory(organization=isbak)
    for health in ("on_track", "on_track", "on_track", "at_risk"):
        ProjectFactory(status="active", health=health, lead_organization=isbak)
    MilestoneFactory(project=ProjectFactory(status="planned"), due_on=today - timedelta(days=3))
    EventFactory(starts_at=at_noon(date(today.year, 1, 15)), actual_participants=40, organizers=[isbak])
    KnowHowTransferFactory(provider=isbak, recipient=izmir_teknoloji, started_on=date(today.year, 1, 2), hours=12)

    html = client_for(manager).get(URL).content.decode()

    assert re.search(r'id="tile-active">\s*4\s*<', html)
    assert re.search(r'id="tile-on-track">\s*%75\s*<', html)  # Turkish writes the percent sign first
    assert re.search(r'id="tile-overdue">\s*1\s*<', html)
    assert re.search(r'id="tile-events">\s*1\s*<', html)
    flow = re.search(rf'data-flow="{isbak.pk}-{izmir_teknoloji.pk}".*?</dl>', html, re.S).group(0)
    assert re.search(r'data-figure="count">1<', flow)
    assert re.search(r'data-figure="hours">12<', flow)


def test_the_default_period_is_this_year(client_for, manager):
    response = client_for(manager).get(URL)
    scope = response.context["scope"]
    assert (scope.period.year, scope.period.quarter) == (timezone.localdate().year, None)


def test_bad_filters_show_errors_and_fall_back_to_this_year(client_for, manager):
    response = client_for(manager).get(URL, {"year": "1999", "quarter": "7", "organization": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"year", "quarter", "organization"}
    assert response.context["scope"].period.year == timezone.localdate().year
    assert 'class="invalid-feedback"' in response.content.decode()


def test_every_list_entry_links_to_its_page(client_for, manager):
    today = timezone.localdate()
    risky = ProjectFactory(status="active", health="off_track", last_update_on=None)
    milestone = MilestoneFactory(project=risky, due_on=today - timedelta(days=1))
    event = EventFactory(starts_at=timezone.now() + timedelta(days=3))

    html = client_for(manager).get(URL).content.decode()

    for list_id, url in [
        ("list-at-risk", risky.get_absolute_url()),
        ("list-overdue", milestone.get_absolute_url()),
        ("list-update-due", risky.get_absolute_url()),
        ("list-next-events", event.get_absolute_url()),
    ]:
        block = re.search(rf'id="{list_id}".*?</ul>', html, re.S).group(0)
        assert f'href="{url}"' in block, list_id


# --- how the page is built ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 100])
def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    client_for, manager, izmir_teknoloji, isbak, size, django_assert_num_queries
):
    world = build_world(size, izmir_teknoloji, isbak)
    client = client_for(manager)
    client.get(URL)  # the first request records the session's last-seen time; measure a later one
    filtered = {"year": world.year, "quarter": 2, "organization": isbak.pk, "article": world.articles[0].pk}
    for query in ({}, filtered):
        cache.clear()
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(URL, query)
        assert response.status_code == 200
        with django_assert_num_queries(CACHED_DASHBOARD_QUERIES):
            cached = client.get(URL, query)
        assert "figures" not in cached.context  # the page's HTML came from the cache
        marker = '<div class="kopru-dashboard">'
        assert marker in cached.content.decode()
        assert cached.content.decode().partition(marker)[2] == response.content.decode().partition(marker)[2]


def test_chart_data_travels_through_json_script_and_a_static_file(client_for, manager):
    html = client_for(manager).get(URL).content.decode()

    assert '<script id="dashboard-data" type="application/json">' in html
    assert re.search(r'<script src="/static/js/dashboard\.js">\s*</script>', html)
    assert re.search(r'<script src="/static/vendor/chartjs/chart\.umd\.min\.js">\s*</script>', html)
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        if 'type="application/json"' in attributes:
            continue  # data, not code: the CSP does not apply to it
        assert "src=" in attributes and not body.strip(), f"inline script: {attributes!r}"
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "event-handler attributes break the CSP"


def test_each_chart_is_an_image_for_assistive_technology_with_a_table_of_the_same_figures(client_for, manager):
    response = client_for(manager).get(URL)
    html = response.content.decode()
    data = response.context["chart_data"]["charts"]

    assert set(data) == {"status", "health", "coverage", "progress", "balance", "events"}
    for key in data:
        canvas = re.search(rf'<canvas id="chart-{key}"[^>]*>', html).group(0)
        assert 'role="img"' in canvas
        assert re.search(r'aria-label="[^"]+"', canvas)
        assert f'<table class="table table-sm table-striped mt-2 mb-0" id="table-{key}">' in html
    assert '<th scope="col">' in html and '<th scope="row"' in html


def test_chart_labels_come_translated_from_the_server(client_for, manager, settings):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = client.get(URL).context["chart_data"]
    assert data["locale"] == "en"
    assert data["charts"]["status"]["labels"] == [
        "Proposed",
        "Planned",
        "Active",
        "On hold",
        "Completed",
        "Cancelled",
    ]
    assert data["charts"]["health"]["labels"] == ["On track", "At risk", "Off track"]
    assert len(data["charts"]["progress"]["labels"]) == 12


def test_the_monthly_trend_ends_with_the_chosen_past_period(client_for, manager):
    year = timezone.localdate().year - 1
    response = client_for(manager).get(URL, {"year": year, "quarter": 2})
    months = response.context["figures"].months
    assert (months[0], months[-1]) == (date(year - 1, 7, 1), date(year, 6, 1))


# --- issue 21 -------------------------------------------------------------------------------------


def test_events_of_the_period_not_ended_yet_are_shown_as_planned_not_held(client_for, manager):
    now = timezone.now()
    EventFactory(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1), actual_participants=12)
    EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), actual_participants=50)
    EventFactory(starts_at=now + timedelta(minutes=5), planned_participants=40)

    response = client_for(manager).get(URL)

    events = response.context["figures"].events
    assert (events.count, events.participants, events.planned) == (1, 12, 2)
    html = response.content.decode()
    assert re.search(r'id="tile-events">\s*1\s*<', html)
    assert re.search(r'id="tile-events-planned">[^<]*2', html)


def test_a_project_created_minutes_ago_is_not_listed_as_due_an_update(client_for, manager):
    fresh = ProjectFactory(status="active", planned_start=None, last_update_on=None)
    started_long_ago = ProjectFactory(status="active", planned_start=date(2020, 1, 1), last_update_on=None)

    figures = client_for(manager).get(URL).context["figures"]

    assert figures.update_due.items == [started_long_ago]
    assert figures.update_due.total == 1
    assert fresh not in figures.update_due.items
