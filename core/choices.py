"""Choices shared machinery understands: a status whose values each carry a badge colour."""

from django.db import models


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
