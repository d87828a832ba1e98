"""What transfers add to lower layers: a panel on the project page and article usage on the protocol page.

Imported from TransfersConfig.ready(), because projects and partnership may not import transfers.
"""

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from partnership.usage import ArticleUse, register_article_usage
from projects.panels import Panel, register_project_panel
from transfers.models import KnowHowTransfer


@register_project_panel
def related_transfers_panel(project) -> Panel:
    """The project's know-how transfers, newest first; one query."""
    items = list(
        KnowHowTransfer.objects.filter(project=project)
        .select_related("provider", "recipient")
        .order_by("-started_on", "-pk")
    )
    return Panel(title=_("Related know-how transfers"), template_name="transfers/project_panel.html", items=items)


def count_article_usage() -> dict[int, ArticleUse]:
    """How many transfers serve each protocol article, and when the latest began; one aggregate query."""
    rows = (
        KnowHowTransfer.articles.through.objects.values("protocolarticle_id")
        .annotate(count=Count("knowhowtransfer_id"), last_activity=Max("knowhowtransfer__started_on"))
        .order_by()
    )
    return {
        row["protocolarticle_id"]: ArticleUse(count=row["count"], last_activity=row["last_activity"]) for row in rows
    }


register_article_usage("transfers", _("Transfers"), count_article_usage)
