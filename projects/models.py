"""The work: joint projects, who takes part, their milestones and progress reports."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import Attachment, SearchableModel, SearchableQuerySet, TakesPartQuerySet, VersionedModel
from core.roles import role_of
from partnership.models import Organization, ProtocolArticle, TechnologyProduct
from projects.choices import ConfirmationState, Health, PartnerRole, ProjectStatus

# Every status but completed and cancelled (ProjectQuerySet.open).
OPEN_STATUSES = [status for status in ProjectStatus if status not in {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}]

PERCENT_MESSAGE = _("A percentage must be between 0 and 100.")
PERCENT_VALIDATORS = [MinValueValidator(0, message=PERCENT_MESSAGE), MaxValueValidator(100, message=PERCENT_MESSAGE)]


def percent_constraint(name: str, field: str = "percent_complete") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=name,
        violation_error_message=PERCENT_MESSAGE,
    )


class ProjectQuerySet(SearchableQuerySet, TakesPartQuerySet):
    def active(self):
        return self.filter(status=ProjectStatus.ACTIVE)

    def open(self):
        """Projects that still carry work: neither completed nor cancelled.

        Asked as the statuses that are open, not as those that are not: an index on the
        status then reads the open projects alone (2,570 of 10,000 in the scale data) rather
        than all of them. The same thing, since `project_status_valid` allows no other status.
        """
        return self.filter(status__in=OPEN_STATUSES)

    def for_organization(self, organization):
        """Projects the organization leads or is a partner in."""
        partners = ProjectPartner.objects.filter(project=OuterRef("pk"), organization=organization)
        return self.filter(Q(lead_organization=organization) | Exists(partners))

    def at_risk(self):
        """Active projects at risk or off track."""
        return self.active().filter(health__in=[Health.AT_RISK, Health.OFF_TRACK])

    def update_due(self, today=None):
        """Active projects with no progress update within the configured number of days.

        A project without any update yet counts from its start (actual, else planned), or
        from when it was recorded: one created a minute ago is not overdue for its first.
        """
        today = today or timezone.localdate()
        cutoff = today - timedelta(days=settings.KOPRU_UPDATE_DUE_DAYS)
        return (
            self.active()
            .alias(quiet_since=Coalesce("last_update_on", "actual_start", "planned_start", TruncDate("created_at")))
            .filter(quiet_since__lt=cutoff)
        )

    def with_overdue_milestones(self, today=None):
        overdue = Milestone.objects.overdue(today).filter(project=OuterRef("pk"))
        return self.filter(Exists(overdue))


class Project(VersionedModel, SearchableModel):
    """A joint project carried out under the protocol."""

    search_fields = ("code", "title", "description")

    code = models.CharField(_("code"), max_length=30, help_text=_("A short unique code, e.g. KPR-2025-01."))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    articles = models.ManyToManyField(
        ProtocolArticle, verbose_name=_("protocol articles"), related_name="projects", blank=True
    )
    lead_organization = models.ForeignKey(
        Organization, verbose_name=_("lead organization"), on_delete=models.PROTECT, related_name="led_projects"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.PROPOSED)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=PERCENT_VALIDATORS, editable=False
    )
    health = models.CharField(_("health"), max_length=20, choices=Health, default=Health.ON_TRACK, editable=False)
    last_update_on = models.DateField(_("last progress update"), null=True, blank=True, editable=False)
    products = models.ManyToManyField(
        TechnologyProduct, verbose_name=_("technology products"), related_name="projects", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    attachments = GenericRelation(Attachment)
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=["articles", "products"])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "code"]
        # The list's sorts, each ending on the unique code as its tie-breaker (projects/tables.py), and
        # the id included so a deep page's subquery is an index-only scan (partnership/pagination.py).
        # Plans and times: migrations/0006_list_sort_indexes.py.
        indexes = [
            # The dashboard's counts per status and health, and its at-risk list (migrations/0010).
            models.Index(fields=["status", "health"], include=["code", "id"], name="project_status_health_idx"),
            models.Index(fields=["code"], include=["id"], name="project_code_id_idx"),
            models.Index(fields=["last_update_on", "code"], include=["id"], name="project_last_update_idx"),
            models.Index(fields=["planned_end", "code"], include=["id"], name="project_planned_end_idx"),
            # `last_update_on` too: the dashboard counts active projects due an update from this
            # index alone (migrations/0009).
            models.Index(fields=["status", "code"], include=["id", "last_update_on"], name="project_status_code_idx"),
            models.Index(fields=["health", "code"], include=["id"], name="project_health_code_idx"),
            # The API's cursor pages, newest first (migrations/0015).
            models.Index(fields=["created_at", "id"], name="project_created_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="project_code_unique",
                violation_error_code="unique",
                violation_error_message=_("A project with this code already exists."),
            ),
            percent_constraint("project_percent_complete_range"),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="project_status_valid",
                violation_error_message=_("The status must be one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=Q(health__in=Health.values),
                name="project_health_valid",
                violation_error_message=_("The health must be on track, at risk or off track."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="project_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def start_date(self):
        """When the project started, or is planned to start."""
        return self.actual_start or self.planned_start

    def organization_ids(self) -> set[int]:
        """The lead organization and the partners (one query, none when the partners are prefetched)."""
        return {self.lead_organization_id, *(partner.organization_id for partner in self.partners.all())}


class ProjectPartner(models.Model):
    """An organization's part in a project: its role and what it contributes."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="project_partnerships"
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole, default=PartnerRole.PARTNER)
    contribution = models.TextField(_("contribution"), blank=True)
    effort_person_months = models.DecimalField(
        _("effort (person-months)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["project", "role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"],
                name="project_partner_unique",
                violation_error_message=_("This organization is already a partner in the project."),
            ),
            models.CheckConstraint(
                condition=Q(effort_person_months__isnull=True) | Q(effort_person_months__gte=0),
                name="project_partner_effort_not_negative",
                violation_error_message=_("Effort cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_role_display()}"


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Milestones past their due date and not completed."""
        today = today or timezone.localdate()
        return self.filter(completed_on__isnull=True, due_on__lt=today)

    def completed(self):
        return self.filter(completed_on__isnull=False)

    def delivered(self):
        """Completed, and confirmed by the other side when the project has one: what counts as done."""
        return self.completed().exclude(confirmation_state=ConfirmationState.AWAITING)

    def awaiting_confirmation(self):
        """Completed by one side of a joint project, not yet confirmed by the other; the longest waiting first."""
        return self.filter(confirmation_state=ConfirmationState.AWAITING).order_by("completed_on", "pk")

    def editable_by(self, user):
        return self.filter(project__in=Project.objects.editable_by(user))

    def confirmable_by(self, user):
        """Milestones awaiting the confirmation of the user's organization (core.access.can_confirm).

        Staff or a manager of an organization taking part confirm what another organization completed;
        nobody confirms their own organization's work, and somebody of no organization confirms nothing.
        """
        organization = role_of(user).organization
        if organization is None:
            return self.none()
        return (
            self.filter(confirmation_state=ConfirmationState.AWAITING)
            .exclude(completed_by_organization=organization)
            .filter(project__in=Project.objects.for_organization(organization))
        )


class Milestone(VersionedModel):
    """A dated step of a project with its deliverable.

    A milestone cannot be completed before its project started; the database
    enforces that with a trigger (see migration 0002), since a CHECK constraint
    cannot look at another table.
    """

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=250)
    due_on = models.DateField(_("due date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    deliverable = models.CharField(_("deliverable"), max_length=250, blank=True)
    # The second key (projects.services.milestone_confirm / milestone_dispute): on a joint project
    # one side completes, another confirms or disputes. Blank state: nobody is asked.
    completed_by_organization = models.ForeignKey(
        Organization,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmation_state = models.CharField(
        _("confirmation"), max_length=20, choices=ConfirmationState, blank=True, default="", editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or disputed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_by_organization = models.ForeignKey(
        Organization,
        verbose_name=_("confirming organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed or disputed at"), null=True, blank=True, editable=False)
    confirmation_comment = models.TextField(_("confirmation comment"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        # Plans and times: migrations/0006_list_sort_indexes.py.
        indexes = [
            models.Index(fields=["completed_on", "due_on"], name="milestone_open_due_idx"),
            # The list's default sort (Meta.ordering), and its deep pages' index-only subquery.
            models.Index(fields=["due_on", "id"], name="milestone_due_id_idx"),
            # Open milestones only: the dashboard's overdue list, and projects with overdue milestones.
            models.Index(
                fields=["due_on", "id"], condition=Q(completed_on__isnull=True), name="milestone_open_due_id_idx"
            ),
            models.Index(
                fields=["project", "due_on"], condition=Q(completed_on__isnull=True), name="milestone_open_project_idx"
            ),
            # What awaits the other side's confirmation, in the lists' order (the dashboard, the home
            # page): a few rows among all milestones, which a scan of the table would read through.
            models.Index(
                fields=["completed_on", "id"],
                condition=Q(confirmation_state=ConfirmationState.AWAITING),
                name="milestone_awaiting_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmation_state="") | Q(confirmation_state__in=ConfirmationState.values),
                name="milestone_confirmation_state_valid",
                violation_error_message=_("The confirmation must be awaited, confirmed or disputed."),
            ),
            # Awaited or confirmed, a milestone is completed; a dispute reopens it (completed_on cleared).
            models.CheckConstraint(
                condition=Q(completed_on__isnull=False)
                | ~Q(confirmation_state__in=[ConfirmationState.AWAITING, ConfirmationState.CONFIRMED]),
                name="milestone_confirmation_of_a_completion",
                violation_error_message=_("Only a completed milestone awaits confirmation or is confirmed."),
            ),
            models.CheckConstraint(
                condition=~Q(confirmation_state__in=[ConfirmationState.CONFIRMED, ConfirmationState.DISPUTED])
                | Q(
                    confirmed_by_organization__isnull=False,
                    completed_by_organization__isnull=False,
                    confirmed_at__isnull=False,
                ),
                name="milestone_confirmation_names_organization",
                violation_error_message=_("A confirmation or dispute names the confirming organization and when."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by_organization__isnull=True)
                | ~Q(confirmed_by_organization=F("completed_by_organization")),
                name="milestone_confirmation_not_own",
                violation_error_message=_("Nobody confirms their own organization's completion."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + f"#milestone-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.completed_on is None and self.due_on < timezone.localdate()

    @property
    def days_awaiting(self) -> int | None:
        """Days since the completion the other side has not confirmed yet; None when nothing is awaited."""
        if self.confirmation_state != ConfirmationState.AWAITING or self.completed_on is None:
            return None
        return (timezone.localdate() - self.completed_on).days

    @property
    def awaiting_from(self) -> list[Organization]:
        """The organizations whose confirmation is awaited: the project's others (its partners prefetched)."""
        project = self.project
        organizations = [project.lead_organization, *(partner.organization for partner in project.partners.all())]
        seen, others = set(), []
        for organization in organizations:
            if organization.pk != self.completed_by_organization_id and organization.pk not in seen:
                seen.add(organization.pk)
                others.append(organization)
        return others

    @property
    def awaiting_from_names(self) -> str:
        return ", ".join(organization.short_name for organization in self.awaiting_from)

    def record_completion(self, organization: Organization | None) -> None:
        """Note who completed the milestone (set `completed_on` first), and ask the other side to confirm.

        Not saved here: the caller saves it with the date. The completing side is the user's
        organization when it takes part, else the project's lead (an administrator, an import).
        A project with one organization only asks nobody. A cleared date asks nobody either,
        but a dispute stays on record until the milestone is completed again.
        """
        if self.completed_on is None:
            if self.confirmation_state != ConfirmationState.DISPUTED:
                self.confirmation_state = ""
            return
        taking_part = self.project.organization_ids()
        organization_id = organization.pk if organization is not None else None
        if organization_id not in taking_part:
            organization_id = self.project.lead_organization_id
        self.completed_by_organization_id = organization_id
        self.confirmation_state = ConfirmationState.AWAITING if taking_part - {organization_id} else ""
        self.confirmed_by = self.confirmed_by_organization = self.confirmed_at = None
        self.confirmation_comment = ""

    def clean(self):
        super().clean()
        try:
            project = self.project
        except Project.DoesNotExist:  # a form still being filled in has no project yet
            project = None
        start = project.start_date if project is not None else None
        if self.completed_on and start and self.completed_on < start:
            raise ValidationError(
                {
                    "completed_on": _("A milestone cannot be completed before its project starts (%(start)s).")
                    % {"start": start.isoformat()}
                }
            )


class ProgressUpdateQuerySet(models.QuerySet):
    def editable_by(self, user):
        return self.filter(project__in=Project.objects.editable_by(user))

    def mark_latest_in_month(self) -> int:
        """Set `latest_in_month` on these updates (one UPDATE): true for each project's latest
        update of each calendar month, by date and then id, false for the others. Only rows
        whose flag is wrong are written (usually one or two), however many updates a project has.

        Call it on every update of the projects concerned (`project.updates.all()`, or all
        updates): each update is compared with the others of its project in this queryset.
        """
        latest = (
            self.order_by()
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("project_id"), TruncMonth("reported_on")],
                    order_by=[F("reported_on").desc(), F("pk").desc()],
                )
            )
            .filter(rank=1)
            .values("pk")
        )
        wrong = Q(latest_in_month=False, pk__in=latest) | (Q(latest_in_month=True) & ~Q(pk__in=latest))
        return (
            self.order_by()
            .filter(wrong)
            .update(latest_in_month=ExpressionWrapper(Q(pk__in=latest), output_field=BooleanField()))
        )


class ProgressUpdate(models.Model):
    """A dated status report on a project; the project's history of these is its timeline."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), validators=PERCENT_VALIDATORS)
    health = models.CharField(_("health"), max_length=20, choices=Health, default=Health.ON_TRACK)
    done = models.TextField(_("what was done"))
    next_steps = models.TextField(_("what is next"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Whether no later update of the same project falls in the same calendar month. The
    # dashboard's monthly trend averages only these, without sorting a year of updates per
    # request. `project_refresh_progress` keeps it true (ProgressUpdateQuerySet.mark_latest_in_month).
    latest_in_month = models.BooleanField(_("latest of its month"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["latest_in_month"])

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-pk"]
        get_latest_by = ["reported_on", "pk"]
        constraints = [percent_constraint("progress_update_percent_complete_range")]
        # The dashboard's latest update per project and month reads only these columns (an index-only
        # scan on PostgreSQL; SQLite ignores INCLUDE). Plan and times: migrations/0006_list_sort_indexes.py.
        indexes = [
            models.Index(
                fields=["reported_on"],
                include=["project", "id", "percent_complete"],
                name="progress_reported_cover_idx",
            ),
            # The monthly trend: a range of months of flagged updates. Plan: migrations/0008.
            models.Index(
                fields=["reported_on"],
                include=["project", "percent_complete"],
                condition=Q(latest_in_month=True),
                name="progress_month_latest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} · {self.reported_on:%Y-%m-%d} · %{self.percent_complete}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + f"#update-{self.pk}"
