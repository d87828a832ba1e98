"""Importing events from the spreadsheet the event list exports (see `core.imports`)."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.imports import (
    ArticleLookup,
    BooleanCell,
    ChoiceCell,
    DateTimeCell,
    IdCell,
    Importer,
    IntegerCell,
    OrganizationLookup,
    RefListCell,
    TextCell,
)
from events.choices import EventKind
from events.forms import MUST_ORGANIZE
from events.models import Event
from events.tables import EventTable
from projects.imports import ProjectLookup, example_articles, example_organization


class EventImporter(Importer):
    """Events, keyed by their ID; organizers, related projects and articles are lists separated by “;”."""

    model = Event
    table_class = EventTable
    cells = {
        "pk": IdCell("id"),
        "title": TextCell("title"),
        "kind": ChoiceCell("kind"),
        "starts_at": DateTimeCell("starts_at"),
        "ends_at": DateTimeCell("ends_at"),
        "city": TextCell("city"),
        "venue": TextCell("venue"),
        "is_online": BooleanCell("is_online"),
        "online_url": TextCell("online_url"),
        "organizers": RefListCell("organizers", OrganizationLookup),
        "planned_participants": IntegerCell("planned_participants"),
        "actual_participants": IntegerCell("actual_participants"),
        "projects": RefListCell("projects", ProjectLookup),
        "articles": RefListCell("articles", ArticleLookup),
        "outcome": TextCell("outcome"),
    }
    required = ("title", "starts_at", "ends_at", "organizers")

    def queryset(self):
        return Event.objects.prefetch_related("organizers", "projects", "articles")

    def participation_errors(self, row, context):
        organization = context.role.organization
        if organization.pk in {organizer.pk for organizer in self.related(row, "organizers")}:
            return []
        return [("organizers", MUST_ORGANIZE % {"organization": organization})]

    def example_row(self, context):
        day = timezone.localdate() + timedelta(days=30)
        organization = example_organization(context)
        return {
            "title": _("Example event: smart-city workshop"),
            "kind": EventKind.WORKSHOP.label,
            "starts_at": datetime.combine(day, time(10, 0)),
            "ends_at": datetime.combine(day, time(16, 0)),
            "city": "İzmir",
            "venue": "Kültürpark",
            "is_online": False,
            "organizers": str(organization or ""),
            "planned_participants": 40,
            "articles": example_articles(1),
        }
