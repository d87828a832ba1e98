"""Baselines: a period's report frozen when a manager closes the period.

The dashboard app had no models until now; this is its one table. A baseline is a plain row whose
`snapshot` is the report's figures and lists as JSON (dashboard/baselines.py writes and reads it),
readable without this code and included in backups like every table. Its size is bounded by the
report's own lists. Reopening a period keeps the row (`reopened_at`, `reopen_reason`); closing
again writes a new one, so every snapshot ever presented stays.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# What a baseline covers: the report has one scope today, the whole protocol.
SCOPE_PROTOCOL = "protocol"


class PeriodBaselineQuerySet(models.QuerySet):
    def standing(self):
        """Baselines not reopened: at most one per period and scope."""
        return self.filter(reopened_at__isnull=True)

    def of(self, period, scope: str = SCOPE_PROTOCOL):
        return self.filter(year=period.year, quarter=period.quarter or 0, scope=scope)


class PeriodBaseline(models.Model):
    """A closed period's report as it was presented: figures and lists, who closed it and when."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0 for the whole year."))
    scope = models.CharField(_("scope"), max_length=30, default=SCOPE_PROTOCOL)
    snapshot = models.JSONField(_("snapshot"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = PeriodBaselineQuerySet.as_manager()

    class Meta:
        verbose_name = _("period baseline")
        verbose_name_plural = _("period baselines")
        ordering = ["-year", "-quarter", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "scope"],
                condition=Q(reopened_at__isnull=True),
                name="period_baseline_one_standing",
                violation_error_message=_("This period is closed already."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0, quarter__lte=4),
                name="period_baseline_quarter_range",
                violation_error_message=_("The quarter must be 1 to 4, or 0 for the whole year."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopen_reason="")
                | (Q(reopened_at__isnull=False) & ~Q(reopen_reason="")),
                name="period_baseline_reopened_with_reason",
                violation_error_message=_("A period is reopened with a reason."),
            ),
        ]

    def __str__(self):
        label = str(self.year) if not self.quarter else f"{self.year} Q{self.quarter}"
        return f"{label} · {self.closed_at:%Y-%m-%d}"

    def get_absolute_url(self):
        query = f"?year={self.year}&quarter={self.quarter or ''}"
        return reverse("dashboard:report") + query
