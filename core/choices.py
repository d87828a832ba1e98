"""Choices shared machinery understands: a status whose values each carry a badge colour, and the
kinds of happening the outbox records for other systems."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BadgeChoices(models.TextChoices):
    """TextChoices whose values each show as a Bootstrap badge of their own colour.

    A subclass lists its colours in `badges()`; the `badge_class` template filter and the lists'
    `BadgeColumn` find every subclass, so an app's new status needs no edit in shared code.
    The colours are contrast-checked pairs (`text-bg-*`, or `text-bg-light border`).
    """

    @classmethod
    def badges(cls) -> dict[str, str]:
        return {}


def badge_classes() -> dict[str, str]:
    """Every BadgeChoices subclass's value → badge classes."""
    found, pending = {}, list(BadgeChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        found.update({str(value): css for value, css in choices.badges().items()})
    return found


class OutboundEventKind(models.TextChoices):
    """What other systems can be told about (core.outbox): each a `<record>.<happening>` name.

    The names are part of the webhooks' contract with receivers: add new ones, never rename one.
    """

    PROJECT_CREATED = "project.created", _("Project created")
    PROJECT_UPDATED = "project.updated", _("Project updated")
    PROJECT_STATUS_CHANGED = "project.status_changed", _("Project status changed")
    PROGRESS_UPDATE_LOGGED = "progress_update.logged", _("Progress update logged")
    MILESTONE_COMPLETED = "milestone.completed", _("Milestone completed")
    MILESTONE_OVERDUE = "milestone.overdue", _("Milestone overdue")
    EVENT_CREATED = "event.created", _("Event created")
    EVENT_UPDATED = "event.updated", _("Event updated")
    TRANSFER_LOGGED = "transfer.logged", _("Know-how transfer logged")


class JobKind(models.TextChoices):
    """What a background job does (core.jobs)."""

    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class JobState(models.TextChoices):
    """Where a background job is: waiting for a worker, running, done with its file, or failed."""

    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")
