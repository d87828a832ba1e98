"""`make bench`: Köprü's main pages at ten years of data, measured against the floor of this stack.

One run does everything, on a PostgreSQL database of its own:

1. drops and creates the database (BENCH_DATABASE_URL, default kopru_bench on 127.0.0.1:5432),
   migrates, loads seed_demo and seed_scale (timed), then VACUUM ANALYZE;
2. collects static files into a temporary folder;
3. records each page's SQL in-process with EXPLAIN ANALYZE plans (`bench.analyse`);
4. starts gunicorn (2 sync workers) on a free port of 127.0.0.1 with `bench.settings`, signs in
   as the bench manager (login page, CSRF token, POST) and loads every page and the floor,
   interleaved, for 3 rounds at 1 and at 4 concurrent users, with wrk (installed from Debian
   when missing; else a threaded Python client) for a fixed time; a page slower than 1.5 s
   (the CSV export, the calendar) is measured by a fixed number of whole requests
   instead, with the Python client; every run is bounded in time and in requests, and only
   ever targets 127.0.0.1;
5. stops gunicorn (always), then runs the weekly digest for 200 people (`bench.digest`);
6. prints the table and saves bench/results/<timestamp>.json and bench/results/latest.json with
   the machine's description.

The machine is shared and noisy: compare the ratios to the floor within one run, not
absolute figures across runs.

    python -m bench.run [--scale full|small|x10] [--duration S] [--rounds N] [--reuse-db]
    python -m bench.run --table bench/results/latest.json   # print a saved run's table
"""

# This script's job is to run commands (manage.py, gunicorn, wrk, pg_isready), all with fixed
# arguments built here; nothing comes from outside. So the subprocess rules do not apply.
# ruff: noqa: S603, S607

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.digest import describe as digest_lines

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kopru_bench"
SCALES = {
    "full": {"sizes": {}, "duration": 4.0},
    # Ten times the data (issue 20's growth table): 100,000 projects, a million progress updates.
    "x10": {"sizes": {"factor": 10}, "duration": 4.0},
    "small": {
        "sizes": {
            "projects": 1000,
            "milestones": 4000,
            "updates": 10_000,
            "events": 500,
            "transfers": 2000,
            "users": 50,
        },
        "duration": 2.0,
    },
}
MAX_REQUESTS_PER_RUN = 20_000  # the Python client's bound; wrk is bounded by time
# A page slower than this (the CSV export, the calendar) is measured by request count instead
# of by time: a few whole requests per user, within SLOW_PAGE_CAP_SECONDS.
SLOW_PAGE_SECONDS = 1.5
SLOW_PAGE_REQUESTS_PER_USER = 1
SLOW_PAGE_MIN_REQUESTS = 2
SLOW_PAGE_CAP_SECONDS = 60.0
# The targets: share of the floor's requests/s, per page kind, and query budgets.
FLOOR_SHARE = {"list": 0.25, "detail": 0.30, "dashboard": 0.20, "public": 0.50, "revalidation": 0.50}
# Each budget holds whether the page comes from the cache or not.
QUERY_BUDGET = {
    "list": 6,
    "list_uncached": 6,
    "detail": 8,
    "detail_uncached": 8,
    "detail_part": 8,
    "dashboard": 10,
    "dashboard_uncached": 10,
}
QUERY_BUDGET_PAGES = {
    "projects",
    "projects_deep",
    "projects_search",
    "projects_uncached",
    "projects_deep_uncached",
    "projects_search_uncached",
    "project_detail",
    "project_detail_uncached",
    "project_related",
    "dashboard",
    "dashboard_uncached",
}
# The weekly digest (bench.digest): at most this many queries per person, whatever they have.
DIGEST_QUERY_BUDGET = 10
# p95 at 4 users, in ms: the dashboard, and the dashboard as if someone had just written.
P95_LIMIT_MS = {"dashboard": 100, "dashboard_uncached": 100}

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- setting up --------------------------------------------------------------------------------


def django_env(database_url: str, static_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_DATABASE_URL=database_url,
        STATIC_ROOT=static_root,
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    command = [sys.executable, "manage.py", *args]
    if not capture:
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return ""
    # Progress goes to stderr, shown as it comes; stdout is echoed and returned.
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    for line in process.stdout:
        sys.stderr.write(line)
        lines.append(line)
    if process.wait() != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return "".join(lines)


def ensure_postgres(database_url: str) -> None:
    parts = urlsplit(database_url)
    host, port = parts.hostname or HOST, str(parts.port or 5432)
    if not shutil.which("pg_isready"):
        return  # nothing to check with; connecting will tell
    if subprocess.run(["pg_isready", "-q", "-h", host, "-p", port], check=False).returncode == 0:
        return
    clusters = sorted(Path("/etc/postgresql").glob("*"), key=lambda path: float(path.name))
    if not clusters or not shutil.which("pg_ctlcluster"):
        raise SystemExit(f"PostgreSQL is not answering on {host}:{port}; start it first.")
    log(f"starting PostgreSQL {clusters[-1].name}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1].name, "main", "start"], check=False)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", host, "-p", port], check=False).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit(f"PostgreSQL did not start on {host}:{port}.")


def database_connection(database_url: str, database: str | None = None):
    import psycopg2

    parts = urlsplit(database_url)
    if database is not None:
        parts = parts._replace(path=f"/{database}")
    connection = psycopg2.connect(urlunsplit(parts))
    connection.autocommit = True
    return connection


def recreate_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not name.startswith(("kopru_bench", "bench")):
        raise SystemExit(f"Refusing to drop {name!r}: the bench database's name must start with 'kopru_bench'.")
    connection = database_connection(database_url, "postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def vacuum_analyze(database_url: str) -> str:
    connection = database_connection(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "partnership.wsgi",
        f"--bind={HOST}:{port}",
        "--workers=2",
        "--worker-class=sync",
        "--timeout=120",
        f"--error-logfile={log_path}",
    ]
    # Its own process group, so that stopping it stops its workers too and nothing else.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- HTTP --------------------------------------------------------------------------------------


def fetch(port: int, path: str, method: str = "GET", headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def wait_until_serving(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up; see its log.")
        with contextlib.suppress(OSError):
            if fetch(port, "/health/")[0] == 200:
                return
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /health/ in time.")


def cookies_from(headers) -> dict:
    cookies = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the real login form; return the Cookie header of the signed-in session."""
    status, headers, body = fetch(port, "/accounts/login/")
    cookies = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise SystemExit(f"The login page did not offer a form (status {status}).")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
    status, headers, _body = fetch(
        port,
        "/accounts/login/",
        method="POST",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Signing in as {username} failed (status {status}); is the scale data loaded?")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# --- load --------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk's path; installed from Debian when missing and possible, else None (the Python client is used)."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get") or os.geteuid() != 0:
        return found
    log("installing wrk from Debian")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet)
    return shutil.which("wrk")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; fine for the few samples a slow page gives."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def request_headers(page: dict) -> dict:
    """What the bench sends with each request of `page`: the session, and the ETag it revalidates."""
    headers = {"Cookie": page["cookie"]} if page["cookie"] else {}
    if page.get("etag"):
        headers["If-None-Match"] = page["etag"]
    return headers


def read_etag(port: int, page: dict) -> None:
    """For a revalidated page, the ETag a client holds after reading it now, sent with each request."""
    if page.get("revalidate"):
        page.pop("etag", None)
        _status, headers, _body = fetch(port, page["path"], headers=request_headers(page))
        page["etag"] = headers.get("ETag")


def load_wrk(wrk: str, port: int, page: dict, users: int, seconds: float) -> dict:
    command = [
        wrk,
        f"--threads={min(users, 2)}",
        f"--connections={users}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=60s",
        f"--script={ROOT / 'bench' / 'wrk_report.lua'}",
        *(f"--header={name}: {value}" for name, value in request_headers(page).items()),
        f"http://{HOST}:{port}{page['path']}",
        "--",
        str(page["expect"]),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    match = re.search(r"^WRK_JSON (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    raw = json.loads(match.group(1))
    elapsed = raw["duration_us"] / 1e6
    errors = raw["not_ok"] + sum(raw[name] for name in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": raw["requests"],
        "seconds": round(elapsed, 3),
        "rps": raw["requests"] / elapsed if elapsed else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
    }


def load_python(port: int, page: dict, users: int, seconds: float, budget: int) -> dict:
    """`users` threads, each one request at a time, until the time or the request budget runs out."""
    latencies, failures, in_flight, lock = [], [0], [0], threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def user():
        connection = None
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) + failures[0] + in_flight[0] >= budget:
                    return
                in_flight[0] += 1
            begun = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(HOST, port, timeout=60)
                connection.request("GET", page["path"], headers=request_headers(page))
                response = connection.getresponse()
                response.read()
                ok = response.status == page["expect"]
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                ok = False
                connection = None
            with lock:
                in_flight[0] -= 1
                if ok:
                    latencies.append(time.perf_counter() - begun)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies) + failures[0],
        "seconds": round(elapsed, 3),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000 if latencies else None,
        "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "max_ms": max(latencies) * 1000 if latencies else None,
        "errors": failures[0],
    }


# --- results -----------------------------------------------------------------------------------


def machine(postgres_version: str, client: str) -> dict:
    def first(path: str, pattern: str) -> str | None:
        with contextlib.suppress(OSError):
            match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
            return match.group(1).strip() if match else None
        return None

    memory_kb = first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "memory_gib": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "postgresql": postgres_version,
        "load_client": client,
        "git_commit": commit.stdout.strip() or None,
        "git_dirty": bool(dirty.stdout.strip()),
    }


def summarise(pages: list[dict], runs: list[dict], concurrencies: list[int]) -> list[dict]:
    """Per page and concurrency: the median over rounds, and the median of the per-round ratios to the floor."""
    rows = []
    for users in concurrencies:
        floor_by_round = {run["round"]: run["rps"] for run in runs if run["key"] == "floor" and run["users"] == users}
        for page in pages:
            mine = [run for run in runs if run["key"] == page["key"] and run["users"] == users]
            if not mine:
                continue
            ratios = [run["rps"] / floor_by_round[run["round"]] for run in mine if floor_by_round.get(run["round"])]
            p50s = [run["p50_ms"] for run in mine if run["p50_ms"] is not None]
            p95s = [run["p95_ms"] for run in mine if run["p95_ms"] is not None]
            rows.append(
                {
                    "key": page["key"],
                    "label": page["label"],
                    "kind": page["kind"],
                    "users": users,
                    "status": page["status"],
                    "expect": page.get("expect", 200),
                    "rps": round(statistics.median(run["rps"] for run in mine), 1),
                    "p50_ms": round(statistics.median(p50s), 1) if p50s else None,
                    "p95_ms": round(statistics.median(p95s), 1) if p95s else None,
                    "ratio": round(statistics.median(ratios), 3) if ratios else None,
                    "queries": page["query_count"],
                    "header_queries": page["header_query_count"],
                    "slowest_query_ms": page["slowest_ms"],
                    "requests": sum(run["requests"] for run in mine),
                    "errors": sum(run["errors"] for run in mine),
                }
            )
    return rows


def check_targets(rows: list[dict], pages: list[dict], threshold_ms: float, digest: dict | None = None) -> list[dict]:
    """The issue's targets, each with the measured value and whether it is met."""
    checks = []

    def add(what, value, limit, ok):
        checks.append({"target": what, "value": value, "limit": limit, "ok": bool(ok)})

    by_key = {(row["key"], row["users"]): row for row in rows}
    for row in rows:
        share = FLOOR_SHARE.get(row["kind"])
        if share is not None and row["ratio"] is not None:
            add(
                f"{row['label']} at {row['users']} user(s): share of floor req/s",
                row["ratio"],
                share,
                row["ratio"] >= share,
            )
        if row["errors"] or row["status"] != row.get("expect", 200):
            add(f"{row['label']} at {row['users']} user(s): errors", row["errors"], 0, False)
    for key, limit in P95_LIMIT_MS.items():
        row = by_key.get((key, 4))
        if row is not None:
            name = "uncached dashboard" if key == "dashboard_uncached" else key
            add(f"{name} p95 at 4 users (ms)", row["p95_ms"], limit, (row["p95_ms"] or 1e9) <= limit)
    for users in sorted({row["users"] for row in rows}):
        first, deep = by_key.get(("projects", users)), by_key.get(("projects_deep", users))
        if first and deep and first["p95_ms"] and deep["p95_ms"]:
            add(
                f"deep page p95 / first page p95 at {users} user(s)",
                round(deep["p95_ms"] / first["p95_ms"], 2),
                2,
                deep["p95_ms"] <= 2 * first["p95_ms"],
            )
    if digest and digest.get("queries_per_person"):
        most = max(digest["queries_per_person"])
        add("digest: queries per person, at most", most, DIGEST_QUERY_BUDGET, most <= DIGEST_QUERY_BUDGET)
    for page in pages:
        budget = QUERY_BUDGET.get(page["kind"])
        if budget is not None and page["key"] in QUERY_BUDGET_PAGES:
            add(f"{page['label']}: SQL queries", page["query_count"], budget, page["query_count"] <= budget)
        if page["slowest_ms"] is not None and page["key"] != "floor":
            add(
                f"{page['label']}: slowest query (ms, EXPLAIN ANALYZE, TIMING OFF)",
                page["slowest_ms"],
                threshold_ms,
                page["slowest_ms"] <= threshold_ms,
            )
    return checks


def table(report: dict) -> str:
    def number(value, digits=1):
        return "—" if value is None else f"{value:,.{digits}f}"

    lines = [
        "| page | users | req/s | p50 ms | p95 ms | SQL/req | × floor | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    slow = {page["key"] for page in report["pages"] if page.get("slow")}
    for row in report["summary"]:
        label = row["label"] if row["status"] == row.get("expect", 200) else f"{row['label']} (HTTP {row['status']})"
        label += " †" if row["key"] in slow else ""
        lines.append(
            f"| {label} | {row['users']} | {number(row['rps'])} | {number(row['p50_ms'])} | {number(row['p95_ms'])} "
            f"| {row['queries']} | {number(row['ratio'], 2)} | {row['errors']} |"
        )
    return "\n".join(lines)


def fmt_load(values) -> str:
    return "?" if not values else " ".join(f"{value:.1f}" for value in values)


def describe(report: dict) -> str:
    info = report["machine"]
    missed = [check for check in report["targets"] if not check["ok"]]
    seeded = report["seed_scale_seconds"]
    text = [
        f"Run {report['started_at']} ({report['scale']} scale, "
        + (f"seed_scale {seeded} s), " if seeded else "database reused), ")
        + f"{info['nproc']} CPUs {info['cpu_model']}, {info['memory_gib']} GiB, Python {info['python']}, "
        f"Django {info['django']}, PostgreSQL {info['postgresql']}, gunicorn {info['gunicorn']} (2 sync workers), "
        f"{info['load_client']}; median of {report['rounds']} interleaved rounds, "
        f"{report['duration_s']} s per page and round; "
        f"load average {fmt_load(report.get('loadavg_before'))} before, {fmt_load(report.get('loadavg_after'))} after.",
        "",
        table(report),
        "",
        "† measured by request count (one whole request per user, at least 2) rather than for a fixed time.",
        "",
    ]
    if report.get("digest"):
        text += [digest_lines(report["digest"]), ""]
    text += [f"Targets missed: {len(missed)} of {len(report['targets'])}."]
    text += [f"- {check['target']}: {check['value']} (limit {check['limit']})" for check in missed]
    return "\n".join(text)


# --- the run -----------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Köprü's pages against the floor.")
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE") or "full")
    parser.add_argument("--duration", type=float, help="Seconds per measurement (default 4, or 2 when small).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", default="1,4", help="Concurrent users, comma-separated.")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--reuse-db", action="store_true", help="Keep the loaded bench database (skip loading).")
    parser.add_argument("--table", metavar="JSON", help="Only print the table of a saved result.")
    args = parser.parse_args(argv)
    if args.table:
        print(describe(json.loads(Path(args.table).read_text(encoding="utf-8"))))
        return 0

    scale = SCALES[args.scale]
    duration = args.duration or scale["duration"]
    concurrencies = [int(value) for value in args.users.split(",")]
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if urlsplit(database_url).hostname not in (HOST, "localhost"):
        raise SystemExit("The bench database must be on this machine (127.0.0.1).")
    started_at = datetime.now(timezone.utc)
    workdir = Path(tempfile.mkdtemp(prefix="kopru-bench-"))
    env = django_env(database_url, str(workdir / "static"))
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "scale": args.scale,
        "rounds": args.rounds,
        "duration_s": duration,
        "users": concurrencies,
        "seed_scale_seconds": None,
    }
    ensure_postgres(database_url)
    if not args.reuse_db:
        log(f"recreating {urlsplit(database_url).path.lstrip('/')}")
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v0")
        log("seed_demo")
        manage(env, "seed_demo", "--force", "-v0", capture=True)
        log("seed_scale")
        sizes = [f"--{name}={value}" for name, value in scale["sizes"].items()]
        output = manage(env, "seed_scale", "--force", *sizes, capture=True)
        timing = re.search(r"Scale data ready in ([\d.]+) s", output)
        report["seed_scale_seconds"] = float(timing.group(1)) if timing else None
        report["seed_scale_output"] = output.strip().splitlines()
    postgres_version = vacuum_analyze(database_url)
    manage(env, "collectstatic", "--noinput", "-v0")

    log("recording each page's SQL (EXPLAIN ANALYZE)")
    analysis_path = workdir / "analysis.json"
    subprocess.run([sys.executable, "-m", "bench.analyse", "--out", str(analysis_path)], cwd=ROOT, env=env, check=True)
    analysis = json.loads(analysis_path.read_text(encoding="utf-8"))
    pages = analysis["pages"]

    wrk = ensure_wrk() if args.client in ("auto", "wrk") else None
    if args.client == "wrk" and wrk is None:
        raise SystemExit("wrk is not installed and could not be installed.")
    client = "python threads"
    if wrk:
        wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        client = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip() or "wrk"
    report["machine"] = machine(postgres_version, client)

    port = free_port()
    gunicorn = start_gunicorn(env, port, workdir / "gunicorn.log")
    runs = []
    try:
        wait_until_serving(port, gunicorn)
        cookie = sign_in(port, "bench.manager", os.environ.get("BENCH_PASSWORD", "kopru-bench"))
        log(f"gunicorn on {HOST}:{port}, signed in; warming up")
        for page in pages:
            page["cookie"] = "" if page.get("anonymous") else cookie
            read_etag(port, page)
            timings = []
            for _ in range(3):
                begun = time.perf_counter()
                status, headers, _body = fetch(port, page["path"], headers=request_headers(page))
                timings.append(time.perf_counter() - begun)
                if timings[-1] > SLOW_PAGE_SECONDS:
                    break
            page["served_status"] = status
            page["served_header_query_count"] = int(headers.get("X-Query-Count", -1))
            page["served_ms"] = round(statistics.median(timings) * 1000, 1)
            page["slow"] = statistics.median(timings) > SLOW_PAGE_SECONDS
        report["loadavg_before"] = os.getloadavg()
        total = args.rounds * len(concurrencies) * len(pages)
        for round_number in range(1, args.rounds + 1):
            for users in concurrencies:
                for page in pages:
                    read_etag(port, page)  # the uncached pages before it have bumped the data version
                    if page["slow"]:
                        budget = max(SLOW_PAGE_MIN_REQUESTS, SLOW_PAGE_REQUESTS_PER_USER * users)
                        result = load_python(port, page, users, SLOW_PAGE_CAP_SECONDS, budget)
                        result["client"] = f"python, {budget} requests"
                    elif wrk:
                        result = load_wrk(wrk, port, page, users, duration)
                        result["client"] = "wrk"
                    else:
                        result = load_python(port, page, users, duration, MAX_REQUESTS_PER_RUN)
                        result["client"] = "python"
                    runs.append({"round": round_number, "users": users, "key": page["key"], **result})
                    log(
                        f"{len(runs):>3}/{total} round {round_number} users {users} {page['key']:<16} "
                        f"{result['rps']:8.1f} req/s  p95 {result['p95_ms'] or 0:8.1f} ms  errors {result['errors']}"
                    )
                    # Let requests still running (wrk stops mid-request) finish before the next measurement.
                    time.sleep(0.3 if page["slow"] else min(5.0, max(0.3, (result["max_ms"] or 0) / 1000)))
        report["loadavg_after"] = os.getloadavg()
    except BaseException:
        log(f"failed; gunicorn's log is kept in {workdir}")
        raise
    finally:
        stop_gunicorn(gunicorn)
        log("gunicorn stopped")

    log("the weekly digest for 200 people (bench.digest)")
    digest_path = workdir / "digest.json"
    subprocess.run([sys.executable, "-m", "bench.digest", "--out", str(digest_path)], cwd=ROOT, env=env, check=True)
    report["digest"] = json.loads(digest_path.read_text(encoding="utf-8"))

    report["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for page in pages:
        page.pop("cookie", None)  # the signed-in session: not for the results file
        page.pop("etag", None)
    report["pages"] = pages
    report["runs"] = runs
    report["summary"] = summarise(pages, runs, concurrencies)
    report["targets"] = check_targets(report["summary"], pages, analysis["threshold_ms"], report["digest"])
    report["table_markdown"] = table(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(workdir, ignore_errors=True)
    print(describe(report))
    log(f"saved bench/results/{stamp}.json and bench/results/latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
