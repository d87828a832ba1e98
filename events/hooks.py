"""What events add to lower layers: a panel on the project page and article usage on the protocol page.

Imported from EventsConfig.ready(), because projects and partnership may not import events.
"""

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partnership.usage import ArticleUse, register_article_usage
from projects.panels import Panel, register_project_panel


@register_project_panel
def related_events_panel(project) -> Panel:
    """The project's events, newest first, in one query."""
    events = Event.objects.filter(projects=project).order_by("-starts_at", "-pk")
    return Panel(title=_("Related events"), template_name="events/project_panel.html", items=list(events))


def count_article_usage() -> dict[int, ArticleUse]:
    """How many events serve each protocol article, and the Istanbul date of the latest one held; one query.

    An event still to come is no activity yet: it counts, but does not make an article look alive.
    """
    rows = (
        Event.articles.through.objects.values("protocolarticle_id")
        .annotate(
            count=Count("event_id"),
            latest_start=Max("event__starts_at", filter=Q(event__starts_at__lte=timezone.now())),
        )
        .order_by()
    )
    return {
        row["protocolarticle_id"]: ArticleUse(
            count=row["count"],
            last_activity=timezone.localdate(row["latest_start"]) if row["latest_start"] else None,
        )
        for row in rows
    }


def next_article_event_start():
    """When the next event serving an article starts, and so becomes activity; one query."""
    upcoming = Event.objects.filter(articles__isnull=False, starts_at__gt=timezone.now())
    return upcoming.aggregate(next_start=Min("starts_at"))["next_start"]


register_article_usage("events", _("Events"), count_article_usage, stale_at=next_article_event_start)
