"""The spreadsheet columns of events: the event list's export, its import and the admin's."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.resources import (
    BooleanWidget,
    ChoiceWidget,
    Column,
    DateTimeWidget,
    IdWidget,
    IntegerWidget,
    KopruResource,
    LookupListWidget,
)
from events.choices import EventKind
from events.forms import MUST_ORGANIZE
from events.models import Event
from partnership.resources import ArticleLookup, OrganizationLookup
from projects.resources import ProjectLookup, example_articles, example_organization


class EventResource(KopruResource):
    """Events, keyed by their ID; organizers, related projects and articles are lists separated by “;”."""

    id = Column("id", "pk", _("ID"), IdWidget(), readonly=True)
    title = Column("title", "title", _("Title"), required=True)
    kind = Column("kind", "kind", _("Kind"), ChoiceWidget(EventKind))
    starts_at = Column("starts_at", "starts_at", _("Starts at"), DateTimeWidget(), required=True)
    ends_at = Column("ends_at", "ends_at", _("Ends at"), DateTimeWidget(), required=True)
    city = Column("city", "city", _("City"))
    venue = Column("venue", "venue", _("Venue"))
    is_online = Column("is_online", "is_online", _("Online"), BooleanWidget())
    online_url = Column("online_url", "online_url", _("Online link"))
    organizers = Column(
        "organizers", "organizers", _("Organizers"), LookupListWidget(OrganizationLookup), required=True
    )
    planned_participants = Column(
        "planned_participants", "planned_participants", _("Planned participants"), IntegerWidget()
    )
    actual_participants = Column(
        "actual_participants", "actual_participants", _("Actual participants"), IntegerWidget()
    )
    projects = Column("projects", "projects", _("Related projects"), LookupListWidget(ProjectLookup))
    articles = Column("articles", "articles", _("Protocol articles"), LookupListWidget(ArticleLookup))
    outcome = Column("outcome", "outcome", _("Outcome"))

    export_prefetch = ("organizers", "projects", "articles")

    class Meta(KopruResource.Meta):
        model = Event
        fields = (
            "id",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "city",
            "venue",
            "is_online",
            "online_url",
            "organizers",
            "planned_participants",
            "actual_participants",
            "projects",
            "articles",
            "outcome",
        )
        import_id_fields = ("id",)

    def get_queryset(self):
        return Event.objects.prefetch_related("organizers", "projects", "articles")

    def participation_errors(self, row):
        organization = self.role.organization
        if organization.pk in {organizer.pk for organizer in self.related(row, "organizers")}:
            return []
        return [("organizers", MUST_ORGANIZE % {"organization": organization})]

    def example_row(self):
        day = timezone.localdate() + timedelta(days=30)
        return {
            "title": _("Example event: smart-city workshop"),
            "kind": EventKind.WORKSHOP.label,
            "starts_at": datetime.combine(day, time(10, 0)),
            "ends_at": datetime.combine(day, time(16, 0)),
            "city": "İzmir",
            "venue": "Kültürpark",
            "is_online": False,
            "organizers": str(example_organization(self) or ""),
            "planned_participants": 40,
            "articles": example_articles(1),
        }
