"""What the public sees of a published record: an explicit allow-list of fields per record type.

Every public page, data file and feed is built from the rows these functions return, and a row
holds exactly the fields named in its allow-list (tests/public/test_personal_data.py asserts it).
Never a person's name or e-mail, internal notes, blockers, attachments, ratings or anyone's hours:
a field joins a list only by an edit here that a reviewer sees.

Rows are plain dicts of strings, numbers, dates and lists, so they can be kept in the cache and
written as CSV or JSON as they are.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partnership.models import Organization, Protocol, ProtocolArticle, ProtocolParty
from projects.models import Milestone, Project, ProjectPartner
from public.choices import PublicationStatus
from public.models import Publication
from transfers.models import KnowHowTransfer, ProductAdoption

PROJECT_FIELDS = (
    "id",
    "code",
    "title",
    "summary",
    "status",
    "status_label",
    "lead_organization",
    "organizations",
    "articles",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "percent_complete",
    "completed_milestones",
    "published_at",
    "url",
)
EVENT_FIELDS = (
    "id",
    "title",
    "kind",
    "kind_label",
    "starts_at",
    "ends_at",
    "city",
    "venue",
    "is_online",
    "organizers",
    "articles",
    "participants",
    "outcome",
    "published_at",
    "url",
)
ADOPTION_FIELDS = (
    "id",
    "product",
    "product_owner",
    "adopter",
    "adopter_city",
    "status",
    "status_label",
    "adopted_on",
    "published_at",
    "url",
)
PROTOCOL_FIELDS = (
    "title",
    "number",
    "status",
    "status_label",
    "signed_on",
    "signed_place",
    "effective_on",
    "expires_on",
    "summary",
    "parties",
)
ARTICLE_FIELDS = ("number", "title", "text")


def _grouped(pairs) -> dict[int, list]:
    """`(record id, value)` pairs as each record's list of values, in the order they came."""
    grouped = defaultdict(list)
    for pk, value in pairs:
        grouped[pk].append(value)
    return grouped


def _url_of(name: str):
    """`reverse(name, args=[pk])` for many records: reversed once, each id written into the result.

    reverse() per row was half the time of building 10,000 published projects.
    """
    marker = "987654321"
    before, _marker, after = reverse(name, args=[int(marker)]).rpartition(marker)
    return lambda pk: f"{before}{pk}{after}"


def _labels(model, name: str) -> dict:
    """A choice field's labels by value in the current language, as `get_<name>_display()` reads them."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _organizations_by(links, record: str) -> dict[int, list[str]]:
    """Each record's organizations as they are written (`Organization.written`), from a table of links
    (`record`: the name of the links' foreign key to the record)."""
    rows = links.values_list(f"{record}_id", "organization__short_name", "organization__name")
    return _grouped((pk, Organization.written(short_name, name)) for pk, short_name, name in rows)


def _articles_by(links, record: str) -> dict[int, list[int]]:
    """Each record's article numbers, from its m2m table to the articles."""
    return _grouped(links.values_list(f"{record}_id", "protocolarticle__number"))


# The orders of the published records: the most recently published project first, the latest event first.
PROJECT_ORDER = ("-publication__published_at", "-pk")
EVENT_ORDER = ("-starts_at", "-pk")


def published(model):
    """The published records of `model` (Project, Event or ProductAdoption)."""
    return model.objects.filter(publication__status=PublicationStatus.PUBLISHED)


def published_projects(pk: int | None = None, *, where: Q | None = None, milestones: bool = True) -> list[dict]:
    """Every published project (or the one with `pk`, or those `where` selects), the most recently
    published first; `milestones=False` leaves `completed_milestones` empty, for the page's cards.

    Built from `values()` rows, four queries however many there are: with thousands published,
    model instances and their prefetched relations took most of a second after every write.
    """
    projects = published(Project)
    if pk is not None:
        projects = projects.filter(pk=pk)
    if where is not None:
        projects = projects.filter(where)
    chosen = projects.values("pk")
    partners = _organizations_by(ProjectPartner.objects.filter(project__in=chosen), "project")
    articles = _articles_by(Project.articles.through.objects.filter(project__in=chosen), "project")
    # .none() runs no query: the page's cards leave the milestones out.
    reached = Milestone.objects.completed().filter(project__in=chosen) if milestones else Milestone.objects.none()
    completed = _grouped(
        (project, {"title": title, "completed_on": on})
        for project, title, on in reached.order_by("completed_on", "pk").values_list(
            "project_id", "title", "completed_on"
        )
    )
    statuses, url = _labels(Project, "status"), _url_of("public:project_detail")
    rows = projects.order_by(*PROJECT_ORDER).values(
        "pk",
        "code",
        "title",
        "description",
        "status",
        "lead_organization__short_name",
        "lead_organization__name",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "percent_complete",
        published_at=F("publication__published_at"),
    )

    def public_row(row: dict) -> dict:
        lead = Organization.written(row["lead_organization__short_name"], row["lead_organization__name"])
        return {
            "id": row["pk"],
            "code": row["code"],
            "title": row["title"],
            "summary": row["description"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
            "lead_organization": lead,
            "organizations": sorted({*partners[row["pk"]], lead}),
            "articles": sorted(articles[row["pk"]]),
            "planned_start": row["planned_start"],
            "planned_end": row["planned_end"],
            "actual_start": row["actual_start"],
            "actual_end": row["actual_end"],
            "percent_complete": row["percent_complete"],
            "completed_milestones": completed[row["pk"]],
            "published_at": row["published_at"],
            "url": url(row["pk"]),
        }

    return [public_row(row) for row in rows]


def published_events(pk: int | None = None, *, where: Q | None = None) -> list[dict]:
    """Every published event (or the one with `pk`, or those `where` selects), the latest first
    (`values()` rows, three queries)."""
    events = published(Event)
    if pk is not None:
        events = events.filter(pk=pk)
    if where is not None:
        events = events.filter(where)
    chosen = events.values("pk")
    organizers = _organizations_by(Event.organizers.through.objects.filter(event__in=chosen), "event")
    articles = _articles_by(Event.articles.through.objects.filter(event__in=chosen), "event")
    kinds, url = _labels(Event, "kind"), _url_of("public:event_detail")
    rows = events.order_by(*EVENT_ORDER).values(
        "pk",
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "city",
        "venue",
        "is_online",
        "actual_participants",
        "outcome",
        published_at=F("publication__published_at"),
    )
    return [
        {
            "id": row["pk"],
            "title": row["title"],
            "kind": row["kind"],
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "starts_at": timezone.localtime(row["starts_at"]),
            "ends_at": timezone.localtime(row["ends_at"]),
            "city": row["city"],
            "venue": row["venue"],
            "is_online": row["is_online"],
            "organizers": sorted(organizers[row["pk"]]),
            "articles": sorted(articles[row["pk"]]),
            "participants": row["actual_participants"],
            "outcome": row["outcome"],
            "published_at": row["published_at"],
            "url": url(row["pk"]),
        }
        for row in rows
    ]


def latest_projects(limit: int) -> list[dict]:
    """The `limit` most recently published projects, for the page's cards (three queries)."""
    latest = published(Project).order_by(*PROJECT_ORDER).values("pk")[:limit]
    return published_projects(where=Q(pk__in=latest), milestones=False)


def upcoming_and_past_events(limit: int, now: datetime) -> tuple[list[dict], list[dict]]:
    """The first `limit` published events that have not ended (soonest first) and of those that
    have (latest first), read together (three queries)."""
    events = published(Event)
    upcoming = events.filter(ends_at__gte=now).order_by("starts_at", "pk").values("pk")[:limit]
    past = events.filter(ends_at__lt=now).order_by(*EVENT_ORDER).values("pk")[:limit]
    rows = published_events(where=Q(pk__in=upcoming) | Q(pk__in=past))
    soonest_first = sorted((event for event in rows if event["ends_at"] >= now), key=lambda event: event["starts_at"])
    return soonest_first, [event for event in rows if event["ends_at"] < now]


def _first_by_article(model, newest_first: tuple[str, ...], limit: int, *fields: str) -> dict[int, dict]:
    """Per number of an article of the protocol in force (as `protocol()` picks it): how many
    published records of `model` serve it (`count`) and the first `limit` of them, newest first by
    `newest_first` (`first`: each with its `id`, `title`, `url` and `fields`). One query however many
    there are: a row number per article, kept up to `limit`."""
    record = model._meta.model_name
    links = model.articles.through.objects.filter(
        protocolarticle__protocol__in=Protocol.objects.in_force_first().values("pk")[:1],
        **{f"{record}__in": published(model).values("pk")},
    )
    by_article = F("protocolarticle")
    ranked = links.annotate(
        rank=Window(
            RowNumber(), partition_by=by_article, order_by=[F(f"{record}__{name}").desc() for name in newest_first]
        ),
        total=Window(Count("pk"), partition_by=by_article),
    )
    columns = [f"{record}_id", f"{record}__title", *(f"{record}__{name}" for name in fields)]
    rows = ranked.filter(rank__lte=limit).order_by("protocolarticle__number", "rank")
    url = _url_of(f"public:{record}_detail")
    found = {}
    for number, total, pk, title, *values in rows.values_list("protocolarticle__number", "total", *columns):
        serving = found.setdefault(number, {"count": total, "first": []})
        serving["first"].append({"id": pk, "title": title, "url": url(pk), **dict(zip(fields, values, strict=True))})
    return found


def first_by_article(limit: int, numbers: list[int]) -> dict[int, dict]:
    """For each of the article `numbers`, the published `projects` and `events` serving it (see
    `_first_by_article`; a count of 0 when none does), in the records' orders: the latest published
    project, the latest event first. Two queries."""
    projects = _first_by_article(Project, ("publication__published_at", "id"), limit)
    events = _first_by_article(Event, ("starts_at", "id"), limit, "starts_at")
    for serving in events.values():
        for event in serving["first"]:
            event["starts_at"] = timezone.localtime(event["starts_at"])
    return {
        number: {
            "projects": projects.get(number, {"count": 0, "first": []}),
            "events": events.get(number, {"count": 0, "first": []}),
        }
        for number in numbers
    }


def published_adoptions() -> list[dict]:
    adoptions = (
        published(ProductAdoption)
        .select_related("product__organization", "adopter", "publication")
        .order_by("-adopted_on", "-pk")
    )
    return [
        {
            "id": adoption.pk,
            "product": adoption.product.name,
            "product_owner": str(adoption.product.organization),
            "adopter": str(adoption.adopter) if adoption.adopter else "",
            "adopter_city": adoption.adopter_city,
            "status": adoption.status,
            "status_label": str(adoption.get_status_display()),
            "adopted_on": adoption.adopted_on,
            "published_at": adoption.publication.published_at,
            "url": reverse("public:index") + f"#adoption-{adoption.pk}",
        }
        for adoption in adoptions
    ]


def protocol() -> tuple[dict | None, list[dict]]:
    """The protocol in force (as on the protocol page) and its articles; never its signatories' names."""
    parties = Prefetch("parties", queryset=ProtocolParty.objects.select_related("organization"))
    found = Protocol.objects.prefetch_related(parties).in_force_first().first()
    if found is None:
        return None, []
    row = {
        "title": found.title,
        "number": found.number,
        "status": found.status,
        "status_label": str(found.get_status_display()),
        "signed_on": found.signed_on,
        "signed_place": found.signed_place,
        "effective_on": found.effective_on,
        "expires_on": found.expires_on,
        "summary": found.summary,
        "parties": [party.organization.name for party in found.parties.all()],
    }
    articles = [
        {"number": article.number, "title": article.title, "text": article.text}
        for article in ProtocolArticle.objects.filter(protocol=found).order_by("number")
    ]
    return row, articles


def key_figures() -> dict:
    """Counts over all records, published or not: no record is shown, only how many there are
    (and, per status, how many of them are published)."""
    counted = (
        Project.objects.order_by()
        .values_list("status")
        .annotate(count=Count("pk"), published=Count("pk", filter=Q(publication__status=PublicationStatus.PUBLISHED)))
    )
    by_status = {status: {"count": count, "published": published_count} for status, count, published_count in counted}
    directions = (
        KnowHowTransfer.objects.order_by()
        .values("provider__short_name", "recipient__short_name")
        .annotate(count=Count("pk"))
        .order_by("provider__short_name", "recipient__short_name")
    )
    return {
        "projects_by_status": [
            {"status": status, "label": str(label), **by_status.get(status, {"count": 0, "published": 0})}
            for status, label in Project._meta.get_field("status").choices
        ],
        "events_held": Event.objects.filter(ends_at__lt=timezone.now()).count(),
        "transfers_by_direction": [
            {"provider": row["provider__short_name"], "recipient": row["recipient__short_name"], "count": row["count"]}
            for row in directions
        ],
    }


def latest_publications(limit: int = 30):
    """The most recently published records, for the feed."""
    return (
        Publication.objects.published()
        .select_related("project", "event", "adoption__product")
        .order_by("-published_at", "-pk")[:limit]
    )


# The data dictionary: what each published field means. Its keys are the allow-lists above
# (tests/public/test_personal_data.py), so a field cannot be published without a description.
DICTIONARY = {
    "projects": {
        "id": _("Köprü's number for the project; part of its public address."),
        "code": _("The project's short code, e.g. KPR-2025-01."),
        "title": _("The project's title."),
        "summary": _("What the project is about."),
        "status": _("proposed, planned, active, on_hold, completed or cancelled."),
        "status_label": _("The status in the file's language."),
        "lead_organization": _("The organization that leads the project."),
        "organizations": _("Every organization taking part, the lead included."),
        "articles": _("The numbers of the protocol articles the project serves."),
        "planned_start": _("Planned start date (YYYY-MM-DD)."),
        "planned_end": _("Planned end date (YYYY-MM-DD)."),
        "actual_start": _("Actual start date, once started."),
        "actual_end": _("Actual end date, once finished."),
        "percent_complete": _("Progress, 0 to 100, from the latest progress report."),
        "completed_milestones": _("Milestones reached: title and date completed."),
        "published_at": _("When both parties agreed to publish the project."),
        "url": _("The project's public page."),
    },
    "events": {
        "id": _("Köprü's number for the event; part of its public address."),
        "title": _("The event's title."),
        "kind": _("workshop, conference, fair, training, hackathon, steering meeting, visit, signing…"),
        "kind_label": _("The kind in the file's language."),
        "starts_at": _("Start, Istanbul time (ISO 8601)."),
        "ends_at": _("End, Istanbul time (ISO 8601)."),
        "city": _("The city it was held in, if any."),
        "venue": _("The venue, if any."),
        "is_online": _("Whether it was held online."),
        "organizers": _("The organizations that organized it."),
        "articles": _("The numbers of the protocol articles the event serves."),
        "participants": _("How many took part, once counted (a number, never names)."),
        "outcome": _("What came of it."),
        "published_at": _("When both parties agreed to publish the event."),
        "url": _("The event's public page."),
    },
}
