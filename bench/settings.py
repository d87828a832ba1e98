"""Benchmark settings: the production settings (DEBUG off) on plain HTTP at 127.0.0.1, plus two bench-only pieces.

- the floor page (`bench.urls`), a bare view rendering a trivial template;
- `bench.middleware.QueryCountMiddleware`, which adds an X-Query-Count header.

The benchmark always runs on its own PostgreSQL database (BENCH_DATABASE_URL), never on
whatever DATABASE_URL a developer has set.
"""

import os

os.environ["DEBUG"] = "false"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kopru_bench")
os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-in-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
# Plain HTTP on the loopback: no redirect to HTTPS, cookies without the Secure flag, no HSTS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Production requires a mail server; the bench sends no mail (its digest run keeps mails in memory).
os.environ.setdefault("EMAIL_URL", "memorymail://")
# The load test sends thousands of API requests a minute from one address and one session: the
# throttles still run (their cache reads are part of each request's cost) but never answer 429.
os.environ.setdefault("KOPRU_API_RATE_TOKEN", "1000000/second")
os.environ.setdefault("KOPRU_API_RATE_IP", "1000000/second")
# The same for the public page's per-address throttle (requests a minute; 0 would switch it off).
os.environ.setdefault("KOPRU_PUBLIC_RATE", "100000000")

from partnership.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# Outermost, so that it counts the queries of every other middleware (session, user) too;
# only the bench's own stand-in for a write (`?bench-uncached`) runs before it, uncounted.
MIDDLEWARE = ["bench.middleware.UncachedMiddleware", "bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
