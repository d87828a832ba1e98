"""Pick the benchmark's pages on the scale database, and record the SQL each one runs.

Run inside Django (bench settings) by `bench.run`, before gunicorn starts:

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.analyse --out pages.json

For each page it signs in the bench manager with the test client, requests the page once to
warm up, then again under CaptureQueriesContext (a streamed body is read to the end, so the
CSV export's queries count too). Every SELECT is then run again, three times under
EXPLAIN (ANALYZE, TIMING OFF): the fastest execution time is the server-side figure that
the "no query over 10 ms" target is about. One more run under EXPLAIN (ANALYZE, BUFFERS)
gives the plan text, kept for the slow ones (see `explain`).
"""

import argparse
import json
import math
import os
import re
import sys
import time

PAGE_SIZE = 25
DEEP_PAGE = 300
SLOW_PAGE_SECONDS = 1.0  # a page this slow is not requested twice
MAX_SQL_CHARS = 3000
MAX_PLAN_CHARS = 8000


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]} … [{len(text) - limit} more characters]"


def api_cursor(project) -> str:
    """DRF's cursor for the page of /api/v1/projects/ (newest first) that starts after `project`.

    A cursor is opaque to clients, but its format is DRF's (base64 of `p=<position>`), so the
    bench can name a deep page without walking three hundred pages to reach it.
    """
    from base64 import b64encode
    from urllib.parse import quote, urlencode

    return quote(b64encode(urlencode({"p": str(project.created_at)}).encode()).decode())


def page_list():
    """The pages to measure, with ids picked from the data: (key, label, path, kind)."""
    from django.db.models import Count

    from bench.middleware import UNCACHED_PARAMETER
    from projects.models import Project

    scale = Project.objects.filter(code__startswith="SC-")
    busiest = (
        (scale if scale.exists() else Project.objects.all())
        .filter(status="active")
        .annotate(update_count=Count("updates"))
        .order_by("-update_count", "pk")
        .first()
    ) or Project.objects.order_by("pk").first()
    deep = max(1, min(DEEP_PAGE, math.ceil(Project.objects.count() / PAGE_SIZE)))
    pages = [
        ("floor", "floor (bare view)", "/bench/floor/", "floor"),
        ("projects", "/projects/ page 1", "/projects/", "list"),
        ("projects_deep", f"/projects/ page {deep}", f"/projects/?page={deep}", "list"),
        ("projects_search", "/projects/ filters + search", "/projects/?status=active&health=at_risk&q=sinyal", "list"),
        # Lists, the project page and edit forms keep their HTML under the data version: these
        # pages are measured as if someone had just written, so nothing comes from the cache.
        ("projects_uncached", "/projects/ page 1 (uncached)", f"/projects/?{UNCACHED_PARAMETER}=1", "list_uncached"),
        (
            "projects_deep_uncached",
            f"/projects/ page {deep} (uncached)",
            f"/projects/?page={deep}&{UNCACHED_PARAMETER}=1",
            "list_uncached",
        ),
        (
            "projects_search_uncached",
            "/projects/ filters + search (uncached)",
            f"/projects/?status=active&health=at_risk&q=sinyal&{UNCACHED_PARAMETER}=1",
            "list_uncached",
        ),
    ]
    if busiest is not None:
        pages += [
            ("project_detail", f"project detail ({busiest.code})", f"/projects/{busiest.pk}/", "detail"),
            ("project_edit", f"project edit form ({busiest.code})", f"/projects/{busiest.pk}/edit/", "detail"),
            (
                "project_edit_uncached",
                f"project edit form ({busiest.code}, uncached)",
                f"/projects/{busiest.pk}/edit/?{UNCACHED_PARAMETER}=1",
                "detail_uncached",
            ),
            (
                "project_detail_uncached",
                f"project detail ({busiest.code}, uncached)",
                f"/projects/{busiest.pk}/?{UNCACHED_PARAMETER}=1",
                "detail_uncached",
            ),
            # What the project page loads once it is shown: related records, documents, history.
            (
                "project_related",
                f"project page's related part ({busiest.code})",
                f"/projects/{busiest.pk}/related/",
                "detail_part",
            ),
        ]
    # The API: the session cookie the bench signs in with opens it too (SessionAuthentication).
    # Its lists are cursor pages; the deep one starts where the /projects/ deep page does.
    pages.append(("api_projects", "/api/v1/projects/ first page", "/api/v1/projects/", "list"))
    last_before = (deep - 1) * PAGE_SIZE - 1  # the last row of the page before the deep one
    after = Project.objects.order_by("-created_at", "-pk")[last_before : last_before + 1].first() if deep > 1 else None
    if after is not None:
        label = f"/api/v1/projects/ cursor at row {last_before + 2}"
        pages.append(("api_projects_deep", label, f"/api/v1/projects/?cursor={api_cursor(after)}", "list"))
    if busiest is not None:
        pages.append(
            (
                "api_project_detail",
                f"/api/v1/projects/ detail ({busiest.code})",
                f"/api/v1/projects/{busiest.pk}/",
                "detail",
            )
        )
    pages += [
        ("notifications", "/notifications/", "/notifications/", "list"),
        ("dashboard", "/dashboard/", "/dashboard/", "dashboard"),
        # As if someone had written just before each request: the figures computed, not cached.
        ("dashboard_uncached", "/dashboard/ (uncached)", f"/dashboard/?{UNCACHED_PARAMETER}=1", "dashboard_uncached"),
        ("protocol", "/protocol/", "/protocol/", "other"),
        ("protocol_uncached", "/protocol/ (uncached)", f"/protocol/?{UNCACHED_PARAMETER}=1", "other"),
        ("calendar", "/events/calendar.ics", "/events/calendar.ics", "other"),
        # A calendar application polling an unchanged feed: it sends the ETag it holds (REVALIDATED).
        ("calendar_304", "/events/calendar.ics, unchanged (304)", "/events/calendar.ics", "revalidation"),
        # The feed as the first reader after a write gets it: made afresh, as it streams.
        (
            "calendar_uncached",
            "/events/calendar.ics (uncached)",
            f"/events/calendar.ics?{UNCACHED_PARAMETER}=1",
            "other",
        ),
        ("export_csv", "/projects/?export=csv", "/projects/?export=csv", "export"),
        # Without a session, as a citizen sees them (ANONYMOUS); the page also as if just written.
        ("public", "/public/ (anonymous)", "/public/", "public"),
        ("public_uncached", "/public/ (anonymous, uncached)", f"/public/?{UNCACHED_PARAMETER}=1", "other"),
        ("public_csv", "/public/data/projects.csv (anonymous)", "/public/data/projects.csv", "export"),
    ]
    return [
        {
            "key": key,
            "label": label,
            "path": path,
            "kind": kind,
            "anonymous": key in ANONYMOUS,
            "revalidate": key in REVALIDATED,
            "expect": 304 if key in REVALIDATED else 200,
        }
        for key, label, path, kind in pages
    ]


# The pages requested with no session at all: the public page and its open data.
ANONYMOUS = {"public", "public_uncached", "public_csv"}
# The pages requested with `If-None-Match: <the ETag of a first answer>`, as a client holding it would.
REVALIDATED = {"calendar_304"}


# `?bench-uncached` stands for someone else's write: its UPDATE is not the page's work.
BENCH_BUMP = re.compile(r'^\s*UPDATE\s+"partnership_dataversion"', re.I)
DECLARE_CURSOR = re.compile(r"^\s*DECLARE\s+\S+\s+.*?\bCURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S)


def explainable(sql: str) -> str | None:
    """The SELECT to explain: the query itself, or the one behind a server-side cursor (`.iterator()`)."""
    sql = DECLARE_CURSOR.sub("", sql, count=1).lstrip()
    # A UNION of querysets starts with its first part's parenthesis: "(SELECT …) UNION ALL (SELECT …)".
    return sql if sql.lstrip("( ").upper().startswith(("SELECT", "WITH")) else None


def explain(connection, sql: str, repeat: int = 3) -> dict:
    """Time a captured SELECT `repeat` times and keep the fastest run; keep one plan to read.

    The timed runs are `EXPLAIN (ANALYZE, TIMING OFF)`: the query runs to the end, but
    PostgreSQL reads no clock per row and per plan node. With per-node timing, a query
    that scans 15,000 index entries took 30–40 % longer on this machine than without it,
    and that overhead is the measurement's, not the query's (PostgreSQL's documentation of
    EXPLAIN says the same). The plan kept comes from one more run with `(ANALYZE, BUFFERS)`:
    its node times are right relative to each other, not in sum (`instrumented_ms`).

    The machine is shared: the fastest of a few runs is the query's own cost, the rest is
    waiting for a CPU. Each run is inside a transaction that is rolled back.
    """
    from django.db import transaction

    def run(options: str) -> tuple[str, float | None, float | None]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
        planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
        return plan, float(execution.group(1)) if execution else None, float(planning.group(1)) if planning else None

    best = None
    for _ in range(repeat):
        _plan, execution_ms, planning_ms = run("ANALYZE, TIMING OFF")
        if best is None or (execution_ms or 0) < (best["execution_ms"] or 0):
            best = {"execution_ms": execution_ms, "planning_ms": planning_ms}
    plan, instrumented_ms, _planning_ms = run("ANALYZE, BUFFERS")
    return {**best, "instrumented_ms": instrumented_ms, "plan": plan}


def capture(client, connection, path: str, profile: bool = False, revalidate: bool = False) -> dict:
    """Request `path` twice (the first one warms up) and record the second; a slow page only once.

    With `revalidate`, both requests send the ETag of an answer read before them.
    """
    from django.test.utils import CaptureQueriesContext

    headers = {}
    if revalidate:
        first = client.get(path)
        if first.streaming:
            b"".join(first.streaming_content)
        headers["If-None-Match"] = first.get("ETag", "")

    def timed():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers=headers)
            size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
        return response, size, time.perf_counter() - started, list(captured)

    response, size, elapsed, queries = timed()
    if elapsed < SLOW_PAGE_SECONDS:
        response, size, elapsed, queries = timed()
    record = {
        "status": response.status_code,
        "streamed": response.streaming,
        "bytes": size,
        "wall_ms": round(elapsed * 1000, 1),
        "header_query_count": int(response.get("X-Query-Count", -1)),
        "queries": [
            {"sql": query["sql"], "django_ms": float(query["time"]) * 1000}
            for query in queries
            if not BENCH_BUMP.match(query["sql"])
        ],
    }
    if profile:
        record["profile"] = profiled(client, path)
    return record


def profiled(client, path: str, top: int = 25) -> str:
    """cProfile of one request: where the time goes beyond SQL (templates, forms, tables)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)  # where the CPU goes
    stats.sort_stats("cumulative").print_stats(2 * top)  # which calls lead there
    return out.getvalue()


def analyse(threshold_ms: float, keep_plans: int, profile: bool = False, only: list[str] | None = None) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.get(username=os.environ.get("BENCH_USERNAME", "bench.manager"))
    # A page that fails is recorded with its status, not raised: the run goes on.
    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    client.force_login(user, backend="notifications.backends.NotificationBackend")
    anonymous = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    results = []
    for page in page_list():
        if only and page["key"] not in only:
            continue
        visitor = anonymous if page["anonymous"] else client
        record = {**page, **capture(visitor, connection, page["path"], profile=profile, revalidate=page["revalidate"])}
        for query in record["queries"]:
            select = explainable(query["sql"])
            if select is not None:
                query.update(explain(connection, select))
        timed = [q for q in record["queries"] if q.get("execution_ms") is not None]
        timed.sort(key=lambda q: q["execution_ms"], reverse=True)
        for rank, query in enumerate(timed):
            if rank >= keep_plans and query["execution_ms"] <= threshold_ms:
                query.pop("plan", None)
        for query in record["queries"]:  # prefetches list thousands of ids: keep the files readable
            query["sql"] = shorten(query["sql"], MAX_SQL_CHARS)
            if "plan" in query:
                query["plan"] = shorten(query["plan"], MAX_PLAN_CHARS)
        record["query_count"] = len(record["queries"])
        record["sql_ms"] = round(sum(q["django_ms"] for q in record["queries"]), 1)
        record["slow_queries"] = sum(1 for q in timed if q["execution_ms"] > threshold_ms)
        record["slowest_ms"] = timed[0]["execution_ms"] if timed else None
        results.append(record)
        print(
            f"  {page['key']:<16} {record['status']} {record['query_count']:>3} queries"
            f"  slowest {record['slowest_ms'] or 0:7.1f} ms  {record['wall_ms']:8.1f} ms in-process"
            f" ({record['sql_ms']:.1f} ms of it in SQL)",
            file=sys.stderr,
        )
    return {"threshold_ms": threshold_ms, "pages": results}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--threshold-ms", type=float, default=10.0)
    parser.add_argument("--keep-plans", type=int, default=3, help="Plans kept per page besides the slow ones.")
    parser.add_argument("--profile", action="store_true", help="Add a cProfile of one request per page.")
    parser.add_argument("--only", help="Comma-separated page keys (default: every page).")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    only = args.only.split(",") if args.only else None
    report = analyse(args.threshold_ms, args.keep_plans, profile=args.profile, only=only)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
