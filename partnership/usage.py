"""How much each protocol article is in use, counted by the apps that serve articles.

The protocol page lives in the lowest layer but counts projects, events and
transfers, which live above it. So each of those apps registers a counter here
from its AppConfig.ready(); the protocol page asks every registered counter.

A counter is a values() queryset with one row per article it serves: `article`
(the article's id), `count`, `last_activity` (a date, or None) and `next_change` (when
the answer changes by the clock alone, as an event starting becomes activity; or None),
made by `usage_rows`. The page reads every counter in one query, their UNION
(`counted_uses`); `ArticleUse` is one row as the page reads it.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import CharField, DateTimeField, F, QuerySet, Value
from django.utils import timezone

from core.cache import cached


@dataclass(frozen=True)
class ArticleUse:
    count: int
    last_activity: date | None


@dataclass(frozen=True)
class UsageCounter:
    key: str  # the registering app's label: stable, used in templates
    label: str  # shown as a column heading
    count: object  # () -> {article_id: ArticleUse}: the counter on its own (one query)
    rows: object = None  # () -> its queryset (usage_rows), read in the page's UNION; None: `count` alone


_counters: dict[str, UsageCounter] = {}


def register_article_usage(key: str, label, count, rows) -> None:
    _counters[key] = UsageCounter(key=key, label=label, count=count, rows=rows)


def usage_counters() -> list[UsageCounter]:
    return list(_counters.values())


def usage_rows(links: QuerySet, article: str, count, last_activity, next_change=None) -> QuerySet:
    """A counter's queryset: `links` (an m2m table to articles) grouped by `article`, with the given
    aggregates; `next_change` None when nothing changes the answer but a write."""
    return (
        links.values(article=F(article))
        .annotate(
            count=count,
            last_activity=last_activity,
            next_change=next_change if next_change is not None else Value(None, output_field=DateTimeField()),
        )
        .order_by()
    )


def article_uses(rows) -> dict[int, ArticleUse]:
    """A counter's rows as the page reads them: {article_id: ArticleUse}."""
    return {row["article"]: ArticleUse(count=row["count"], last_activity=row["last_activity"]) for row in rows}


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


def counted_uses(counters: list[UsageCounter], version: int) -> tuple[list[dict[int, ArticleUse]], datetime | None]:
    """Every counter's answer, in one query (the UNION of their querysets), cached under the data
    version; and the first `next_change` moment (None: only a write changes the answer).

    The counters' GROUP BYs read whole tables (tens of milliseconds at ten years of data),
    and their answers change only when something is written, which bumps the version, or
    when the first `next_change` moment comes.
    """
    key = "article-usage:" + ",".join(counter.key for counter in counters)

    def count():
        uses = {counter.key: {} if counter.rows else counter.count() for counter in counters}
        parts = [
            counter.rows().annotate(counter=Value(counter.key, output_field=CharField()))
            for counter in counters
            if counter.rows
        ]
        moments = []
        if parts:
            first, *rest = parts
            for row in first.union(*rest, all=True) if rest else first:
                use = ArticleUse(count=row["count"], last_activity=_date(row["last_activity"]))
                uses[row["counter"]][row["article"]] = use
                if row["next_change"] is not None:
                    moments.append(row["next_change"])
        return [uses[counter.key] for counter in counters], min(moments, default=None)

    return cached(key, count, version=version, valid_until=lambda value: value[1])


def _date(value) -> date | None:
    """A UNION's date column: a date, or on some databases a datetime (the other counters' type)."""
    return value.date() if isinstance(value, datetime) else value


def article_usage_rows(
    articles, counted: list[dict[int, ArticleUse]], today: date | None = None
) -> list[ArticleUsageRow]:
    """Each article's use by every registered counter, from their answers (`counted_uses`).

    An article is dormant when nothing serves it, or when its latest activity across all
    counters is older than `KOPRU_DORMANT_MONTHS` months before `today`.
    """
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.KOPRU_DORMANT_MONTHS)
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
