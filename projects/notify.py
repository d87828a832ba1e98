"""Who hears about the projects' work, and when: milestone and update reminders, the other side's work,
and the second key (a joint milestone awaiting confirmation, a disputed one).

Each function decides the recipients and the words; `notifications.services.notification_create`
does the rest (preferences, once per key, e-mail). The reminders run from `manage.py send_reminders`.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.roles import role_of
from notifications.choices import NotificationKind
from notifications.models import NotificationPreference
from notifications.services import notification_create
from projects.choices import ConfirmationState
from projects.models import Milestone, ProgressUpdate, Project

lazy_date = lazy(lambda day: date_format(day, "SHORT_DATE_FORMAT"), str)


def active_people():
    """Everyone who can be told anything, with organization, preferences and its defaults (one query)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("membership__organization__notification_defaults", "notification_preference")
        .order_by("pk")
    )


def people_of_project(project: Project, by_organization: dict, by_pk: dict) -> list:
    """The project's owner and everyone whose organization leads it or is a partner in it."""
    organization_ids = {project.lead_organization_id, *(partner.organization_id for partner in project.partners.all())}
    people = {person.pk: person for org_id in organization_ids for person in by_organization.get(org_id, [])}
    if project.owner_id in by_pk:
        people[project.owner_id] = by_pk[project.owner_id]
    return [people[pk] for pk in sorted(people)]


def milestone_reminders_send(*, today=None) -> int:
    """Remind the people of each open project of milestones due within their lead time, and of overdue ones.

    One reminder per person, milestone and due date: run again (or on two hosts at once), it adds nothing;
    a milestone moved to a new date is reminded of again. Returns how many notifications were created.
    """
    today = today or timezone.localdate()
    people = active_people()
    by_pk = {person.pk: person for person in people}
    by_organization: dict[int, list] = {}
    for person in people:
        membership = getattr(person, "membership", None)
        if membership is not None:
            by_organization.setdefault(membership.organization_id, []).append(person)
    horizon = today + timedelta(days=NotificationPreference.LEAD_DAYS_MAX)
    milestones = (
        Milestone.objects.filter(completed_on__isnull=True, due_on__lte=horizon, project__in=Project.objects.open())
        .select_related("project")
        .prefetch_related("project__partners")
        .order_by("due_on", "pk")
    )
    created = 0
    for milestone in milestones:
        project = milestone.project
        overdue = milestone.due_on < today
        for person in people_of_project(project, by_organization, by_pk):
            preference = NotificationPreference.objects.for_user(person)
            if overdue:
                kind, title = (
                    NotificationKind.MILESTONE_OVERDUE,
                    format_lazy(
                        _("Overdue: “{milestone}” of {project} was due on {date}"),
                        milestone=milestone.title,
                        project=project.code,
                        date=lazy_date(milestone.due_on),
                    ),
                )
            elif (milestone.due_on - today).days <= preference.lead_days:
                kind, title = (
                    NotificationKind.MILESTONE_DUE,
                    format_lazy(
                        _("“{milestone}” of {project} is due on {date}"),
                        milestone=milestone.title,
                        project=project.code,
                        date=lazy_date(milestone.due_on),
                    ),
                )
            else:
                continue
            notification = notification_create(
                recipient=person,
                kind=kind,
                key=f"{kind}:{milestone.pk}:{milestone.due_on.isoformat()}",
                url=milestone.get_absolute_url(),
                title=title,
                preference=preference,
            )
            created += notification is not None
    return created


def update_due_reminders_send(*, today=None) -> int:
    """Tell each active project's owner that its progress update is due (KOPRU_UPDATE_DUE_DAYS without one).

    Once per project and latest update: a new update ends the stretch, and the next stale stretch is told again.
    """
    today = today or timezone.localdate()
    created = 0
    projects = (
        Project.objects.update_due(today)
        .filter(owner__is_active=True)
        .select_related("owner__notification_preference", "owner__membership__organization__notification_defaults")
        .order_by("pk")
    )
    for project in projects:
        if project.last_update_on is None:
            title = format_lazy(_("{project} has no progress update yet"), project=project.code)
        else:
            title = format_lazy(
                _("{project} has had no progress update since {date}"),
                project=project.code,
                date=lazy_date(project.last_update_on),
            )
        notification = notification_create(
            recipient=project.owner,
            kind=NotificationKind.UPDATE_DUE,
            key=f"update_due:{project.pk}:{project.last_update_on or 'never'}",
            url=project.get_absolute_url(),
            title=title,
        )
        created += notification is not None
    return created


def partner_activity_notify(*, project: Project, actor, record, title) -> bool:
    """Tell the project's owner that someone of the other organization logged `record` on it.

    `title` is a translatable text with `{organization}` and `{project}` in it. Nobody is told of
    their own organization's work, nor of their own.
    """
    owner = project.owner
    if owner is None or actor is None or owner.pk == actor.pk:
        return False
    actor_organization, owner_organization = role_of(actor).organization, role_of(owner).organization
    if actor_organization is None or actor_organization == owner_organization:
        return False
    notification = notification_create(
        recipient=owner,
        kind=NotificationKind.PARTNER_ACTIVITY,
        key=f"partner_activity:{record._meta.label_lower}:{record.pk}:{project.pk}",
        url=record.get_absolute_url(),
        title=format_lazy(title, organization=actor_organization.short_name, project=project.code),
    )
    return notification is not None


def progress_update_notify(*, update: ProgressUpdate) -> bool:
    """Tell the project's owner of a progress update logged by someone of the other organization."""
    title = _("{organization} logged a progress update on {project}")
    return partner_activity_notify(project=update.project, actor=update.author, record=update, title=title)


def members_of(organization_ids: set[int]) -> list:
    """Active people of these organizations, with their preferences (one query)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, membership__organization_id__in=organization_ids)
        .select_related("notification_preference", "membership__organization__notification_defaults")
        .order_by("pk")
    )


def _tell(people, *, kind: str, key: str, url: str, title) -> int:
    created = 0
    for person in people:
        created += notification_create(recipient=person, kind=kind, key=key, url=url, title=title) is not None
    return created


def milestone_confirmation_notify(*, milestone: Milestone) -> int:
    """Ask the people of the project's other organizations to confirm a joint milestone just completed.

    Once per completion (the key holds the milestone's version): a completion after a dispute asks again.
    The kind is the other organization's work, which is what it is to them.
    """
    if milestone.confirmation_state != ConfirmationState.AWAITING:
        return 0
    project = milestone.project
    others = project.organization_ids() - {milestone.completed_by_organization_id}
    title = format_lazy(
        _("{organization} completed “{milestone}” of {project}: awaiting your confirmation"),
        organization=milestone.completed_by_organization.short_name,
        milestone=milestone.title,
        project=project.code,
    )
    return _tell(
        members_of(others),
        kind=NotificationKind.PARTNER_ACTIVITY,
        key=f"milestone_confirm:{milestone.pk}:{milestone.version}",
        url=milestone.get_absolute_url(),
        title=title,
    )


def milestone_dispute_notify(*, milestone: Milestone) -> int:
    """Tell the people of the completing organization that the other side disputed the completion."""
    title = format_lazy(
        _("{organization} disputed the completion of “{milestone}” of {project}"),
        organization=milestone.confirmed_by_organization.short_name,
        milestone=milestone.title,
        project=milestone.project.code,
    )
    return _tell(
        members_of({milestone.completed_by_organization_id}),
        kind=NotificationKind.PARTNER_ACTIVITY,
        key=f"milestone_dispute:{milestone.pk}:{milestone.version}",
        url=milestone.get_absolute_url(),
        title=title,
    )
