"""What projects contribute to the lower layer: how many projects serve each protocol article.

Imported from `ProjectsConfig.ready()`; see `partnership.usage` for why counters are registered.
"""

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from partnership.usage import ArticleUse, register_article_usage
from projects.models import Project


def count_projects_by_article() -> dict[int, ArticleUse]:
    """Per article: the projects serving it, and the latest progress update among them (one query)."""
    rows = (
        Project.articles.through.objects.values("protocolarticle_id")
        .annotate(count=Count("project_id"), last_activity=Max("project__last_update_on"))
        .order_by()
    )
    return {
        row["protocolarticle_id"]: ArticleUse(count=row["count"], last_activity=row["last_activity"]) for row in rows
    }


register_article_usage("projects", _("Projects"), count_projects_by_article)
