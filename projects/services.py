"""Writes that span several project models, each one atomic function."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import OutboundEventKind
from core.outbox import webhook_event
from core.roles import role_of
from notifications.services import record_edited_notify
from projects.choices import ConfirmationState
from projects.models import Milestone, ProgressUpdate, Project
from projects.notify import milestone_confirmation_notify, milestone_dispute_notify, progress_update_notify

# What a completion writes besides its date (Milestone.record_completion).
COMPLETION_FIELDS = [
    "completed_by_organization",
    "confirmation_state",
    "confirmed_by",
    "confirmed_by_organization",
    "confirmed_at",
    "confirmation_comment",
]


@transaction.atomic
def progress_update_record(*, project: Project, author, **fields) -> ProgressUpdate:
    """Log a progress update and make the project's percent and health follow its latest update.

    "Latest" is by report date, so back-filling an older report does not overwrite
    the project's current figures.
    """
    update = ProgressUpdate(project=project, author=author, **fields)
    update.full_clean()
    update.save()
    project_refresh_progress(project=project)
    webhook_event(OutboundEventKind.PROGRESS_UPDATE_LOGGED, update, project=project.pk)
    progress_update_notify(update=update)
    return update


@transaction.atomic
def project_refresh_progress(*, project: Project) -> None:
    """Copy percent, health and date of the project's latest progress update onto the project,
    and flag the latest update of each month (what the dashboard's monthly trend reads).

    Every write of progress updates calls it: the service above, and the admin.
    """
    # Two updates recorded at once for the same project take turns here; without the lock,
    # neither would see the other's row and both could stay flagged as their month's latest.
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    project.updates.all().mark_latest_in_month()
    latest = project.updates.order_by("-reported_on", "-pk").first()
    figures = ["percent_complete", "health", "last_update_on"]
    before = [getattr(project, name) for name in figures]
    if latest is None:
        project.last_update_on = None
    else:
        project.percent_complete = latest.percent_complete
        project.health = latest.health
        project.last_update_on = latest.reported_on
    # Unchanged figures write nothing: no history row, and no new version for someone editing the project.
    if [getattr(project, name) for name in figures] != before:
        project.save(update_fields=[*figures, "updated_at"])


@transaction.atomic
def project_save(*, form, formsets, user) -> Project:
    """Save a project form together with its partner and milestone formsets, all or nothing.

    The caller has validated the form and every formset already.
    """
    project = form.save(commit=False)
    created = project.pk is None
    status_before = None if created else form.initial.get("status")  # what the form was opened with
    if project.pk is None and project.owner_id is None:
        project.owner = user
    project.save()
    form.save_m2m()
    milestones_done = []
    completed = []
    for formset in formsets:
        formset.instance = project
        if formset.model is Milestone:
            completed = milestones_record_completion(formset=formset, project=project, user=user)
        formset.save()
        milestones_done += milestones_completed_in(formset)
    for milestone in completed:
        milestone_confirmation_notify(milestone=milestone)
    project_events_record(
        project=project, created=created, status_before=status_before, milestones_done=milestones_done
    )
    if not created:  # the owner hears of someone else's edit, with what changed
        record_edited_notify(record=project, editor=user)
    return project


def milestones_record_completion(*, formset, project: Project, user) -> list[Milestone]:
    """Rows of the milestone formset whose completion date changed: note who completed them
    (saved with the row). Returns the rows now awaiting the other side's confirmation."""
    organization = role_of(user).organization
    awaiting = []
    for form in formset.forms:
        if form in formset.deleted_forms or "completed_on" not in form.changed_data:
            continue
        form.instance.project = project
        form.instance.record_completion(organization)
        if form.instance.confirmation_state == ConfirmationState.AWAITING:
            awaiting.append(form.instance)
    return awaiting


@transaction.atomic
def milestone_complete(*, milestone: Milestone, completed_on: date, by=None) -> Milestone:
    """Mark a milestone completed on `completed_on`, writing that field alone.

    Only the completion date is written (with the version, so an edit form opened before
    it is merged rather than overwriting it). The caller has validated the date
    (MilestoneCompleteForm: not before the project started, which the database checks too).
    On a joint project the other side is asked to confirm: `by`, the user completing it, names
    the completing organization.
    """
    milestone.completed_on = completed_on
    webhook_event(OutboundEventKind.MILESTONE_COMPLETED, milestone, project=milestone.project_id)
    # Who completed it, and the other side asked to confirm (on a joint project).
    milestone.record_completion(role_of(by).organization if by is not None else None)
    milestone.save(update_fields=["completed_on", *COMPLETION_FIELDS])
    milestone_confirmation_notify(milestone=milestone)
    return milestone


def _milestone_answer(*, milestone: Milestone, user, comment: str, state: str) -> Milestone:
    """The other side's answer to a completion, written on the row (and so in its history)."""
    # Two answers at once take turns; the second finds the question answered.
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.confirmation_state != ConfirmationState.AWAITING:
        raise ValidationError(_("This milestone does not await confirmation."), code="not_awaiting")
    milestone.confirmation_state = state
    milestone.confirmed_by = user
    milestone.confirmed_by_organization = role_of(user).organization
    milestone.confirmed_at = timezone.now()
    milestone.confirmation_comment = comment
    fields = ["confirmation_state", "confirmed_by", "confirmed_by_organization", "confirmed_at"]
    if state == ConfirmationState.DISPUTED:
        milestone.completed_on = None  # open again, until a later completion asks again
        fields.append("completed_on")
    milestone.save(update_fields=[*fields, "confirmation_comment"])
    return milestone


@transaction.atomic
def milestone_confirm(*, milestone: Milestone, user, comment: str = "") -> Milestone:
    """Confirm, as a member of another organization of the project, that the milestone was delivered.

    The caller has checked `core.access.can_confirm`; the database refuses a confirmation by the
    completing organization itself (`milestone_confirmation_not_own`).
    """
    return _milestone_answer(milestone=milestone, user=user, comment=comment, state=ConfirmationState.CONFIRMED)


@transaction.atomic
def milestone_dispute(*, milestone: Milestone, user, comment: str) -> Milestone:
    """Dispute a completion: the milestone is open again, with the comment shown to both sides.

    The completing side hears of it; a later completion asks for confirmation again.
    """
    milestone = _milestone_answer(milestone=milestone, user=user, comment=comment, state=ConfirmationState.DISPUTED)
    milestone_dispute_notify(milestone=milestone)
    return milestone


def milestones_completed_in(formset) -> list[Milestone]:
    """The milestone rows this save marked completed: a completion date where there was none."""
    if formset.model is not Milestone:
        return []
    return [
        form.instance
        for form in formset.forms
        if form not in formset.deleted_forms
        and "completed_on" in form.changed_data
        and form.instance.completed_on is not None
        and form.initial.get("completed_on") is None
    ]


def project_events_record(*, project: Project, created: bool, status_before, milestones_done) -> None:
    """Tell other systems (core.outbox, then webhooks) what a save of the project's form did."""
    if created:
        webhook_event(OutboundEventKind.PROJECT_CREATED, project)
    else:
        webhook_event(OutboundEventKind.PROJECT_UPDATED, project)
        if status_before != project.status:
            status = {"old": status_before, "new": project.status}
            webhook_event(OutboundEventKind.PROJECT_STATUS_CHANGED, project, status=status)
    for milestone in milestones_done:
        webhook_event(OutboundEventKind.MILESTONE_COMPLETED, milestone, project=project.pk)


@transaction.atomic
def milestones_overdue_announce(*, today=None) -> int:
    """Tell other systems of each milestone that is overdue, once per milestone and due date.

    Run by `manage.py send_reminders` (daily); a second run, or one on another host, adds nothing.
    Returns how many milestones were announced.
    """
    announced = 0
    overdue = Milestone.objects.overdue(today).exclude(project__status__in=["completed", "cancelled"])
    for milestone in overdue.only("pk", "due_on", "project_id").order_by("due_on", "pk").iterator():
        key = f"milestone.overdue:{milestone.pk}:{milestone.due_on.isoformat()}"
        due_on = milestone.due_on.isoformat()
        event = webhook_event(OutboundEventKind.MILESTONE_OVERDUE, milestone, key=key, due_on=due_on)
        announced += event is not None
    return announced
