"""How much each protocol article is in use, counted by the apps that serve articles.

The protocol page lives in the lowest layer but counts projects, events and
transfers, which live above it. So each of those apps registers a counter here
from its AppConfig.ready(); the protocol page asks every registered counter.
A counter answers with one aggregate query:
    {article_id: ArticleUse(count=…, last_activity=date or None)}
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ArticleUse:
    count: int
    last_activity: date | None


@dataclass(frozen=True)
class UsageCounter:
    key: str  # "projects", "events", "transfers": stable, used in templates
    label: str  # shown as a column heading
    count: Callable[[], dict[int, ArticleUse]]


_counters: dict[str, UsageCounter] = {}


def register_article_usage(key: str, label, count: Callable[[], dict[int, ArticleUse]]) -> None:
    _counters[key] = UsageCounter(key=key, label=label, count=count)


def usage_counters() -> list[UsageCounter]:
    return list(_counters.values())
