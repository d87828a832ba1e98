"""How much each protocol article is in use, counted by the apps that serve articles.

The protocol page lives in the lowest layer but counts projects, events and
transfers, which live above it. So each of those apps registers a counter here
from its AppConfig.ready(); the protocol page asks every registered counter.
A counter answers with one aggregate query:
    {article_id: ArticleUse(count=…, last_activity=date or None)}
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from core.cache import cached, data_version


@dataclass(frozen=True)
class ArticleUse:
    count: int
    last_activity: date | None


@dataclass(frozen=True)
class UsageCounter:
    key: str  # the registering app's label: stable, used in templates
    label: str  # shown as a column heading
    count: Callable[[], dict[int, ArticleUse]]
    # When the answer changes by the clock alone (an event starting makes it activity), or None.
    stale_at: Callable[[], datetime | None] | None = None


_counters: dict[str, UsageCounter] = {}


def register_article_usage(
    key: str, label, count: Callable[[], dict[int, ArticleUse]], stale_at: Callable[[], datetime | None] | None = None
) -> None:
    _counters[key] = UsageCounter(key=key, label=label, count=count, stale_at=stale_at)


def usage_counters() -> list[UsageCounter]:
    return list(_counters.values())


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class ArticleUsageRow:
    """One protocol article with how much work serves it, counter by counter."""

    article: object  # a ProtocolArticle (this module imports no models)
    uses: list[ArticleUse]  # in the order of `usage_counters()`
    total: int
    last_activity: date | None
    dormant: bool


def counted_uses(counters: list[UsageCounter], version: int) -> list[dict[int, ArticleUse]]:
    """Every counter's answer, cached under the data version.

    The counters' GROUP BYs read whole tables (tens of milliseconds at ten years of data),
    and their answers change only when something is written, which bumps the version, or
    when a counter's `stale_at` moment comes.
    """
    key = "article-usage:" + ",".join(counter.key for counter in counters)

    def count():
        moments = [counter.stale_at() for counter in counters if counter.stale_at is not None]
        return [counter.count() for counter in counters], min(filter(None, moments), default=None)

    uses, _stale_at = cached(key, count, version=version, valid_until=lambda value: value[1])
    return uses


def article_usage_rows(
    articles, counters: list[UsageCounter], today: date | None = None, *, version: int | None = None
) -> list[ArticleUsageRow]:
    """Each article's use by every registered counter; however many articles, one query per
    counter, or none while the counts cached at the data `version` (read here if not given) hold.

    An article is dormant when nothing serves it, or when its latest activity across all
    counters is older than `KOPRU_DORMANT_MONTHS` months before `today`.
    """
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.KOPRU_DORMANT_MONTHS)
    counted = counted_uses(counters, data_version() if version is None else version)
    nothing = ArticleUse(count=0, last_activity=None)
    rows = []
    for article in articles:
        uses = [by_article.get(article.pk, nothing) for by_article in counted]
        dates = [use.last_activity for use in uses if use.last_activity is not None]
        last_activity = max(dates) if dates else None
        rows.append(
            ArticleUsageRow(
                article=article,
                uses=uses,
                total=sum(use.count for use in uses),
                last_activity=last_activity,
                dormant=last_activity is None or last_activity < cutoff,
            )
        )
    return rows
