"""The weekly digest at scale: its run for 200 people of the scale data, timed and with its queries counted.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.digest [--people 200] [--out digest.json]

`bench.run` runs it after the pages; `bench.growth` does not (it times pages). Two steps, as a
Monday morning runs them:

1. `digests_create`: the schedule's run (`manage.py send_digests`), which writes one digest row per
   person whose day has come and queues its mail: time and queries for everyone it finds due.
2. `digest_email_send` for the first `--people` of them (by id), called in-process as a worker
   runs it: each person's digest is read and written as a mail in their language, with Django's
   in-memory mail backend instead of a server. Per person: the time, the queries, and the number
   of open projects the digest reads from. The queries must not grow with the projects.

Everything runs in one transaction that is rolled back, so the bench database is left as it was.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta


def next_monday_morning():
    """08:30 Istanbul time on the coming Monday: everyone's default digest day and hour have come."""
    from django.conf import settings
    from django.utils import timezone

    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime(monday.year, monday.month, monday.day, settings.KOPRU_DIGEST_HOUR, 30))


def run(people: int) -> dict:
    import django

    django.setup()
    from django.core import mail
    from django.db import connection, transaction
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext, override_settings

    from dashboard.tasks import digest_email_send, digests_create, week_of
    from notifications.models import Digest
    from projects.models import Project

    now = next_monday_morning()
    with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            created = digests_create(now=now)
            create_seconds = time.perf_counter() - started
        create_queries = len(queries)
        digests = list(Digest.objects.filter(week=week_of(now)).select_related("recipient").order_by("recipient_id"))
        rows = []
        for digest in digests[:people]:
            user = digest.recipient
            organization = getattr(getattr(user, "membership", None), "organization_id", None)
            theirs = Q(owner=user) | Q(lead_organization=organization) | Q(partners__organization=organization)
            open_projects = Project.objects.open().filter(theirs).distinct().count()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                outcome = digest_email_send.call(digest.pk)
                seconds = time.perf_counter() - started
            rows.append(
                {
                    "user": user.pk,
                    "open_projects": open_projects,
                    "queries": len(queries),
                    "ms": round(seconds * 1000, 2),
                    "outcome": outcome,
                }
            )
        sent = len(mail.outbox)
        transaction.set_rollback(True)
    times = [row["ms"] for row in rows]
    counts = sorted({row["queries"] for row in rows})
    return {
        "now": now.isoformat(),
        "due": created,
        "create_seconds": round(create_seconds, 3),
        "create_queries": create_queries,
        "create_queries_per_person": round(create_queries / created, 2) if created else None,
        "people": len(rows),
        "mails": sent,
        "send_seconds": round(sum(times) / 1000, 3),
        "ms_per_person": {
            "mean": round(statistics.fmean(times), 1) if times else None,
            "p50": round(statistics.median(times), 1) if times else None,
            "max": round(max(times), 1) if times else None,
        },
        "queries_per_person": counts,
        "open_projects": [min(row["open_projects"] for row in rows), max(row["open_projects"] for row in rows)]
        if rows
        else [],
        "outcomes": dict(Counter(row["outcome"] for row in rows)),
        "rows": rows,
    }


def describe(result: dict) -> str:
    """The digest's lines of the bench's report."""
    if not result.get("people"):
        return "Digest: nobody was due."
    low, high = result["open_projects"]
    return (
        f"Digest run ({result['now']}): `send_digests` found {result['due']:,} people due in "
        f"{result['create_seconds']} s with {result['create_queries']:,} queries "
        f"({result['create_queries_per_person']} per person); mailing {result['people']} digests took "
        f"{result['send_seconds']} s ({result['ms_per_person']['p50']} ms per person at the median, "
        f"{result['ms_per_person']['max']} ms at most), {result['mails']} mails, "
        f"queries per person {'/'.join(map(str, result['queries_per_person']))} "
        f"for people with {low} to {high} open projects."
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--out", help="Write the result as JSON here (else print it).")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    result = run(args.people)
    print(describe(result), file=sys.stderr)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
