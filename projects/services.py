"""Writes that span several project models, each one atomic function."""

from datetime import date

from django.db import transaction

from projects.models import Milestone, ProgressUpdate, Project
from projects.notify import progress_update_notify


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
    if project.pk is None and project.owner_id is None:
        project.owner = user
    project.save()
    form.save_m2m()
    for formset in formsets:
        formset.instance = project
        formset.save()
    return project


@transaction.atomic
def milestone_complete(*, milestone: Milestone, completed_on: date) -> Milestone:
    """Mark a milestone completed on `completed_on`, writing that field alone.

    Only the completion date is written (with the version, so an edit form opened before
    it is merged rather than overwriting it). The caller has validated the date
    (MilestoneCompleteForm: not before the project started, which the database checks too).
    """
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])
    return milestone
