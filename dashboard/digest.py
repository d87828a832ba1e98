"""The weekly digest's contents and its mail: per person, what is overdue, due soon and waiting for an
update, and what the other organization did in the last seven days.

`digest_for` reads one person's digest in a fixed number of queries, however much they have;
`digest_email` writes it as a mail in their language. Sending, once per person and ISO week, is
dashboard/tasks.py. It lives here, at the top of the layers, because it reads every app's records.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Event
from notifications.models import NotificationPreference
from notifications.unsubscribe import DIGEST, unsubscribe_headers, unsubscribe_url
from projects.models import Milestone, ProgressUpdate, Project
from transfers.models import KnowHowTransfer

# Each list of a digest names at most this many records, then says how many more there are.
ITEMS_SHOWN = 10


@dataclass
class Section:
    """One list of a digest: the records shown and how many more there were."""

    records: list
    more: bool = False

    def __bool__(self):
        return bool(self.records)


def section(queryset) -> Section:
    rows = list(queryset[: ITEMS_SHOWN + 1])
    return Section(records=rows[:ITEMS_SHOWN], more=len(rows) > ITEMS_SHOWN)


@dataclass
class DigestContent:
    today: date
    overdue: Section = field(default_factory=lambda: Section([]))
    due_soon: Section = field(default_factory=lambda: Section([]))
    stale: Section = field(default_factory=lambda: Section([]))
    partner_updates: Section = field(default_factory=lambda: Section([]))
    partner_events: Section = field(default_factory=lambda: Section([]))
    partner_transfers: Section = field(default_factory=lambda: Section([]))

    def sections(self) -> list[Section]:
        return [
            self.overdue,
            self.due_soon,
            self.stale,
            self.partner_updates,
            self.partner_events,
            self.partner_transfers,
        ]

    @property
    def item_count(self) -> int:
        return sum(len(part.records) for part in self.sections())

    @property
    def other_side(self) -> bool:
        return bool(self.partner_updates or self.partner_events or self.partner_transfers)


def organization_of(user):
    """The user's organization from a `with_preferences()` load, without a query of its own."""
    membership = getattr(user, "membership", None)
    return membership.organization if membership is not None else None


def digest_for(user, preference: NotificationPreference, *, today: date | None = None) -> DigestContent:
    """What `user`'s digest says: six queries, whatever the number of their records.

    The work is that of the open projects they own or their organization takes part in (as for the
    reminders); the other side's is what people of another organization recorded in the last seven
    days on those projects, or with their organization.
    """
    today = today or timezone.localdate()
    organization = organization_of(user)
    theirs = Q(owner=user)
    if organization is not None:
        theirs |= Q(pk__in=Project.objects.for_organization(organization).values("pk"))
    projects = Project.objects.open().filter(theirs).values("pk")
    open_milestones = Milestone.objects.filter(completed_on__isnull=True, project__in=projects).select_related(
        "project"
    )
    content = DigestContent(
        today=today,
        overdue=section(open_milestones.filter(due_on__lt=today).order_by("due_on", "pk")),
        due_soon=section(
            open_milestones.filter(
                due_on__gte=today, due_on__lte=today + timedelta(days=preference.lead_days)
            ).order_by("due_on", "pk")
        ),
        stale=section(
            Project.objects.update_due(today).filter(pk__in=projects).order_by("last_update_on", "code", "pk")
        ),
    )
    if organization is None:  # an administrator of neither party has no other side
        return content
    since = timezone.now() - timedelta(days=7)
    content.partner_updates = section(
        ProgressUpdate.objects.filter(project__in=projects, created_at__gte=since, author__membership__isnull=False)
        .exclude(author__membership__organization=organization)
        .select_related("project", "author__membership__organization")
        .order_by("-created_at", "-pk")
    )
    ours = Q(organizers=organization) | Q(projects__in=projects)
    others = Event.organizers.through.objects.exclude(organization=organization).values("event")
    content.partner_events = section(
        Event.objects.filter(ours, created_at__gte=since, pk__in=others).distinct().order_by("starts_at", "pk")
    )
    content.partner_transfers = section(
        KnowHowTransfer.objects.filter(Q(recipient=organization) | Q(project__in=projects), created_at__gte=since)
        .exclude(provider=organization)
        .select_related("provider")
        .order_by("-created_at", "-pk")
    )
    return content


def digest_email(user, content: DigestContent, language: str) -> EmailMultiAlternatives:
    """The digest as a mail in `language`: plain text with an HTML twin, and a one-click unsubscribe."""
    with translation.override(language):
        site = settings.KOPRU_SITE_URL
        context = {
            "recipient": user,
            "digest": content,
            "site": site,
            "home_link": site + reverse("dashboard:home"),
            "notifications_link": site + reverse("notifications:notification_list"),
            "preferences_link": site + reverse("notifications:preference_update"),
            "unsubscribe_link": unsubscribe_url(user, DIGEST),
        }
        message = EmailMultiAlternatives(
            subject=gettext("Köprü: your week, %(count)d things to look at") % {"count": content.item_count},
            body=render_to_string("notifications/email/digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
        message.extra_headers["Content-Language"] = language
        message.extra_headers.update(unsubscribe_headers(user, DIGEST))
        return message
