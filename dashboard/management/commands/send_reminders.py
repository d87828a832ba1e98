"""`manage.py send_reminders`: the periodic reminders, for a cron job or systemd timer (daily is enough).

Safe to run more than once a day and on several hosts at once: every reminder has a unique key
(notifications.Notification.key), so a second run, or a run beside another, creates nothing new.
It also queues again the mail (notifications and digests) that a worker killed mid-task left unsent.
"""

from datetime import date

from django.core.management.base import BaseCommand

from dashboard.tasks import digest_emails_requeue
from events.notify import event_reminders_send
from notifications.services import notification_emails_requeue
from projects.notify import milestone_reminders_send, update_due_reminders_send
from projects.services import milestones_overdue_announce


class Command(BaseCommand):
    help = "Create today's reminders: milestones due soon or overdue, updates due, events tomorrow."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="Run as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        requeued = notification_emails_requeue() + digest_emails_requeue()
        milestones = milestone_reminders_send(today=date)
        updates = update_due_reminders_send(today=date)
        events = event_reminders_send(today=date)
        # Webhooks hear of overdue milestones from the same daily run (once per milestone and due date).
        milestones_overdue_announce(today=date)
        self.stdout.write(
            f"Reminders created: {milestones} for milestones, {updates} for progress updates, {events} for events."
        )
        if requeued:
            self.stdout.write(f"Mails queued again after a stopped worker: {requeued}.")
