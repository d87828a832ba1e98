"""Writes of the dashboard app: closing a period (its report frozen as a baseline) and reopening it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboard.baselines import report_snapshot
from dashboard.models import PeriodBaseline
from dashboard.queries import Period
from dashboard.reports import build_report


@transaction.atomic
def baseline_close(*, period: Period, user) -> PeriodBaseline:
    """Close an ended period: its report, as it stands now, becomes the period's baseline.

    The caller has checked that the user is a manager. A period still running, or closed already,
    is refused (the second also by `period_baseline_one_standing`).
    """
    if period.end >= timezone.localdate():
        raise ValidationError(_("A period can be closed once it has ended."), code="running")
    if PeriodBaseline.objects.standing().of(period).exists():
        raise ValidationError(_("This period is closed already."), code="closed")
    now = timezone.now()
    return PeriodBaseline.objects.create(
        year=period.year,
        quarter=period.quarter or 0,
        snapshot=report_snapshot(build_report(period)),
        closed_by=user,
        closed_at=now,
    )


@transaction.atomic
def baseline_reopen(*, period: Period, user, reason: str) -> PeriodBaseline:
    """Reopen a closed period with a reason: its report is live again; the baseline row stays, reopened."""
    baseline = PeriodBaseline.objects.standing().of(period).select_for_update().first()
    if baseline is None:
        raise ValidationError(_("This period is not closed."), code="open")
    if not reason.strip():
        raise ValidationError(_("Say why the period is reopened."), code="reason")
    baseline.reopened_by = user
    baseline.reopened_at = timezone.now()
    baseline.reopen_reason = reason.strip()
    baseline.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    return baseline
