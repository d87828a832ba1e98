"""What events add to lower layers: a panel on the project page and article usage on the protocol page.

Imported from EventsConfig.ready(), because projects and partnership may not import events.
"""

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partnership.usage import ArticleUse, article_uses, register_article_usage, usage_rows
from projects.panels import Panel, register_project_panel


@register_project_panel
def related_events_panel(project) -> Panel:
    """The project's events, newest first, in one query."""
    events = Event.objects.filter(projects=project).order_by("-starts_at", "-pk")
    return Panel(title=_("Related events"), template_name="events/project_panel.html", items=list(events))


def event_article_rows():
    """Per article: the events serving it, the Istanbul date of the latest one started, and when the
    next one starts (and so becomes activity, with no write).

    An event still to come is no activity yet: it counts, but does not make an article look alive.
    """
    now = timezone.now()
    return usage_rows(
        Event.articles.through.objects,
        "protocolarticle_id",
        count=Count("event_id"),
        last_activity=Max(TruncDate("event__starts_at"), filter=Q(event__starts_at__lte=now)),
        next_change=Min("event__starts_at", filter=Q(event__starts_at__gt=now)),
    )


def count_article_usage() -> dict[int, ArticleUse]:
    """How many events serve each protocol article, and the Istanbul date of the latest one held; one query."""
    return article_uses(event_article_rows())


register_article_usage("events", _("Events"), count_article_usage, rows=event_article_rows)
