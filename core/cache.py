"""Cached figures that no write can leave stale: everything is keyed by a data version.

The version is one row in the database (`DataVersion`), so every process sees the same
number whatever the cache backend: with locmem, each gunicorn worker keeps its own
copies, but all of them are keyed by the shared version. Reading it is one cheap query.

Every write to a table of the partnership's data bumps the version when its transaction
commits. Writes are noticed where they all pass: an execute wrapper on each database
connection sees every INSERT, UPDATE and DELETE the ORM sends, so `save()`, `delete()`,
`QuerySet.update()`, `bulk_create()`, m2m changes, the admin, the import and raw SQL
all count, and no app has to remember to invalidate anything. A rolled-back transaction
bumps nothing. A transaction bumps once however many rows it writes; outside a transaction
each statement bumps. Any write makes every cached value unreachable, everywhere.

The version is a random number, not a counter: a restored backup or a flushed database
brings back an earlier number together with the data that number was cached from, never
a number a different state was cached under. `auth_user` is watched too, because pages
show people's names. Not seen: SQL sent by other programs (psql, other services) and
TRUNCATE; after such a change, `manage.py shell -c "from core.cache import
bump_data_version; bump_data_version()"`. `migrate` bumps, and KOPRU_RELEASE (the
deployed version, in every key) keeps one release's HTML from being served by the next.
"""

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import Subquery
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language

from core.apps import kopru_apps
from core.roles import role_of

# Besides every table of Köprü's own apps (`core.apps.kopru_apps`): people's names. A model that
# no cached page reads says so with `affects_cached_pages = False` (the version row, tokens…).
OTHER_DATA_TABLES = {"auth_user"}

CACHE_PREFIX = "kopru-data"
# A cached value lives until the version changes; this only frees memory from old versions.
TIMEOUT_SECONDS = 6 * 60 * 60

# Django's writes: INSERT (SQLite's m2m add says INSERT OR IGNORE), UPDATE and DELETE.
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+|IGNORE\s+)?INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)
_data_tables: frozenset[str] | None = None


def data_tables() -> frozenset[str]:
    """The tables (m2m links and history included) whose writes change cached figures."""
    global _data_tables
    if _data_tables is None:
        _data_tables = (
            frozenset(
                model._meta.db_table
                for config in kopru_apps()
                for model in config.get_models(include_auto_created=True)
                if getattr(model, "affects_cached_pages", True)
            )
            | OTHER_DATA_TABLES
        )
    return _data_tables


def data_version() -> int:
    """The current data version (one query)."""
    from core.models import DataVersion

    number = DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    if number is None:  # a freshly flushed database: the migration's row is gone
        number = DataVersion.objects.get_or_create(pk=1, defaults={"number": new_number()})[0].number
    return number


def data_version_subquery() -> Subquery:
    """The data version as a subquery, for a view's own first query to read it without one of its own."""
    from core.models import DataVersion

    return Subquery(DataVersion.objects.filter(pk=1).values("number")[:1])


def new_number() -> int:
    return secrets.randbits(62)


def bump_data_version() -> None:
    """Make every cached figure unreachable (one UPDATE)."""
    from core.models import DataVersion

    try:
        updated = DataVersion.objects.filter(pk=1).update(number=new_number())
    except DatabaseError:
        # A data migration that runs before the version's own table exists: nothing is cached yet.
        if DataVersion._meta.db_table in connection.introspection.table_names():
            raise
        return
    if not updated:
        DataVersion.objects.get_or_create(pk=1, defaults={"number": new_number()})


def bump_on_commit(using: str | None = None) -> None:
    """Bump the version once the current transaction commits (at once outside a transaction).

    A transaction that writes many rows schedules one bump: the pending one is found in
    Django's list of on-commit callbacks, which a rollback empties.
    """
    connection = transaction.get_connection(using)
    if not connection.get_autocommit() and not connection.in_atomic_block:
        bump_data_version()  # manual transaction management, where on_commit is refused
        return
    if any(callback is bump_data_version for _sids, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(bump_data_version, using=using)


def _notice_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match and match.group(1) in data_tables():
        bump_on_commit(context["connection"].alias)
    return result


@receiver(connection_created, dispatch_uid="core.cache.notice_writes")
def _watch_connection(sender, connection, **kwargs):
    # First in the list: `connection.execute_wrapper()` pops the last wrapper when it exits,
    # and a connection may be opened inside one (the bench's query counter does that).
    if _notice_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _notice_writes)


def cached(key: str, compute: Callable[[], Any], *, version: int, valid_until: Callable[[Any], datetime] | None = None):
    """`compute()`, cached under `key` at `version`.

    `valid_until(value)`, when given, says when the value goes stale by the clock alone
    (a list of what comes next, a figure that depends on today's date); after that
    moment it is computed again.
    """
    full_key = versioned_key(key, version)
    entry = cache.get(full_key)
    now = timezone.now()
    if entry is not None and (entry[1] is None or now < entry[1]):
        return entry[0]
    value = compute()
    expires = valid_until(value) if valid_until is not None else None
    timeout = TIMEOUT_SECONDS if expires is None else min(TIMEOUT_SECONDS, (expires - now).total_seconds())
    if timeout > 0:
        cache.set(full_key, (value, expires), timeout)
    return value


def kept_stream(key: str, chunks: Iterable[bytes], *, version: int, seconds: float) -> Iterator[bytes]:
    """Stream `chunks` (a response's body as it is made), keeping the whole body under `key` at
    `version` for `seconds` once it has all gone out; while it is kept, stream that instead.

    For a long body many readers ask for unchanged (the calendar feed): the first reader after a
    write pays for it, as it streams; the others get the bytes.
    """
    full_key = versioned_key(key, version)
    body = cache.get(full_key)
    if body is not None:
        yield body
        return
    made = []
    for chunk in chunks:
        made.append(chunk)
        yield chunk
    if seconds > 0:
        cache.set(full_key, b"".join(made), min(seconds, TIMEOUT_SECONDS))


def versioned_key(key: str, version: int) -> str:
    """The cache key of `key` at data version `version`, in this release."""
    return f"{CACHE_PREFIX}:{settings.KOPRU_RELEASE}:{version}:{key}"


def request_data_version(request) -> int:
    """The data version as the request found it: read with the signed-in user, else one query.

    `MembershipBackend.get_user` reads the version in the user's own query, so a page that
    caches by version pays no query for it.
    """
    version = getattr(request.user, "kopru_data_version", None)
    return data_version() if version is None else version


def fragment_key(request, *parts) -> str:
    """The cache key of a page's HTML fragment that depends on the data and on `parts` (path, query…).

    The key also holds the reader's language; today's date (overdue marks and the year menus
    change with the day, not with a write); and the reader's role (organization, manager,
    administrator), so a part that one day shows something by role is never served to
    another role. Nothing else about the user may appear in a kept part.
    """
    role = role_of(request.user)
    organization = getattr(role.organization, "pk", None)
    digest = hashlib.sha256(repr((parts, organization, role.is_manager, role.is_admin)).encode()).hexdigest()
    day = timezone.localdate().isoformat()
    return versioned_key(f"html:{digest}:{get_language()}:{day}", request_data_version(request))


def page_fragment_key(request, *parts) -> str:
    """fragment_key() of a part that depends on the page's path and query string (filters, sort, page)."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    return fragment_key(request, request.path, query, *parts)


@receiver(post_migrate, dispatch_uid="core.cache.bump_after_migrate")
def _bump_after_migrate(sender, **kwargs):
    # A migration may change what pages show without a watched write (a new column's default).
    if sender.label == "partnership":
        bump_data_version()
