"""How each page's cost grows from one to ten times the data: the benchmark's growth table.

    python -m bench.growth --base postgres://…/kopru_bench --grown postgres://…/kopru_x10

Both databases hold `seed_demo` + `seed_scale` (the second with `--factor 10`). For each page
of `bench.analyse.page_list()` the bench manager requests it in-process with the test client,
each time right after the data version is bumped, so nothing comes from the kept HTML: the
median of `--repeat` requests is the page's uncached time. The query count and the slowest
query (as the database driver timed it) come from the last request. The table gives both runs
and their ratio, and the JSON lands in bench/results/growth-<UTC time>.json.

Timings are in-process (no HTTP server, no concurrency): they compare the two sizes, and are not
the floor ratios of `bench.run`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GROWTH_LIMIT = 1.5  # issue 20: every list, detail, form and the dashboard within 1.5x of its 1x time
SKIPPED = {"floor"}  # the bare view measures the server, not the data


def measure(repeat: int) -> list[dict]:
    """Run inside Django: every page's uncached median, query count and slowest query."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.analyse import page_list
    from core.cache import bump_data_version

    settings.ALLOWED_HOSTS = ["*"]
    client, anonymous = Client(), Client()
    client.force_login(get_user_model().objects.get(username="bench.manager"))
    rows = []
    for page in page_list():
        if page["key"] in SKIPPED or page["revalidate"]:  # a 304 has no uncached time to compare
            continue
        visitor = anonymous if page["anonymous"] else client
        times = []
        for _ in range(repeat):
            bump_data_version()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = visitor.get(page["path"])
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                times.append(time.perf_counter() - started)
        slowest = max((float(query["time"]) for query in queries.captured_queries), default=0.0)
        rows.append(
            {
                "key": page["key"],
                "label": page["label"],
                "kind": page["kind"],
                "status": response.status_code,
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "queries": len(queries.captured_queries),
                "slowest_query_ms": round(slowest * 1000, 1),
            }
        )
    return rows


def run_on(database_url: str, repeat: int) -> list[dict]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "DEBUG": "true",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-growth"),
    }
    command = [sys.executable, "-m", "bench.growth", "--measure", "--repeat", str(repeat)]
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own module
    return json.loads(output.strip().splitlines()[-1])


def growth_table(base: list[dict], grown: list[dict]) -> str:
    by_key = {row["key"]: row for row in grown}
    lines = [
        "| page | 1× p50 ms | 10× p50 ms | ratio | queries 1× / 10× | slowest query at 10× ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in base:
        other = by_key.get(row["key"])
        if other is None:
            continue
        ratio = other["p50_ms"] / row["p50_ms"] if row["p50_ms"] else 0.0
        mark = " ⚠" if ratio > GROWTH_LIMIT and row["kind"] not in ("other", "export") else ""
        lines.append(
            f"| {row['label']} | {row['p50_ms']} | {other['p50_ms']} | {ratio:.2f}{mark} | "
            f"{row['queries']} / {other['queries']} | {other['slowest_query_ms']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="database URL of the default scale")
    parser.add_argument("--grown", help="database URL of ten times the data")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return 0
    if not (args.base and args.grown):
        parser.error("--base and --grown are required")
    base, grown = run_on(args.base, args.repeat), run_on(args.grown, args.repeat)
    table = growth_table(base, grown)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"growth-{stamp}.json"
    path.write_text(json.dumps({"started_at": stamp, "base": base, "grown": grown, "table": table}, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
