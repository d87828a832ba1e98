"""What projects contribute to the lower layer: how many projects serve each protocol article.

Imported from `ProjectsConfig.ready()`; see `partnership.usage` for why counters are registered.
"""

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from partnership.usage import ArticleUse, article_uses, register_article_usage, usage_rows
from projects.models import Project


def project_article_rows():
    """Per article: the projects serving it, and the latest progress update among them."""
    return usage_rows(
        Project.articles.through.objects,
        "protocolarticle_id",
        count=Count("project_id"),
        last_activity=Max("project__last_update_on"),
    )


def count_projects_by_article() -> dict[int, ArticleUse]:
    """Per article: the projects serving it, and the latest progress update among them (one query)."""
    return article_uses(project_article_rows())


register_article_usage("projects", _("Projects"), count_projects_by_article, rows=project_article_rows)
