"""`manage.py send_digests`: the weekly digests, for a cron job or systemd timer (hourly, or daily after 08:00).

Each person's digest goes at the first run from KOPRU_DIGEST_HOUR (08:00 Istanbul time) of their
chosen day on, once per ISO week: a row per person and week is written before the mail is queued,
so a second run, or one beside it on another host, sends nothing again. It also queues again the
mail (digests and notifications) that a worker killed mid-task left unsent.
"""

from datetime import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboard.tasks import digest_emails_requeue, digests_create
from notifications.services import notification_emails_requeue


def aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Queue this week's digests of everyone whose day has come; queue again mail a dead worker left."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=aware, help="Run as if it were this moment (YYYY-MM-DDTHH:MM, Istanbul).")

    def handle(self, *args, now=None, **options):
        now = now or timezone.now()
        requeued = digest_emails_requeue(now=now) + notification_emails_requeue(now=now)
        created = digests_create(now=now)
        self.stdout.write(f"Digests queued: {created}; mails queued again after a stopped worker: {requeued}.")
