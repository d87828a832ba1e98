"""What transfers add to lower layers: a panel on the project page and article usage on the protocol page.

Imported from TransfersConfig.ready(), because projects and partnership may not import transfers.
"""

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from partnership.usage import ArticleUse, article_uses, register_article_usage, usage_rows
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


def transfer_article_rows():
    """Per article: the transfers serving it, and when the latest began."""
    return usage_rows(
        KnowHowTransfer.articles.through.objects,
        "protocolarticle_id",
        count=Count("knowhowtransfer_id"),
        last_activity=Max("knowhowtransfer__started_on"),
    )


def count_article_usage() -> dict[int, ArticleUse]:
    """How many transfers serve each protocol article, and when the latest began; one aggregate query."""
    return article_uses(transfer_article_rows())


register_article_usage("transfers", _("Transfers"), count_article_usage, rows=transfer_article_rows)
