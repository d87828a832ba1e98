import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ShortDateColumn, Table
from events.models import Event


class EventTable(Table):
    # Every sort ends on the primary key, so rows with equal values keep one order across pages.
    title = tables.Column(linkify=True, order_by=("title", "pk"))
    kind = tables.Column(order_by=("kind", "pk"))
    starts_at = ShortDateColumn(verbose_name=_("Starts"), order_by=("starts_at", "pk"))
    place = tables.Column(accessor="pk", order_by=("city", "venue", "pk"), verbose_name=_("Place"))
    # The organizers' ids come with each row (EventListView); their names from the organizations
    # the page read for its filter menu. So the list reads no organizer rows of its own.
    organizers = tables.Column(accessor="organizer_ids", orderable=False, verbose_name=_("Organizers"))
    planned_participants = tables.Column(
        verbose_name=_("Planned participants"),
        attrs={"td": {"class": "text-end"}},
        order_by=("planned_participants", "pk"),
    )
    actual_participants = tables.Column(
        verbose_name=_("Actual participants"),
        attrs={"td": {"class": "text-end"}},
        order_by=("actual_participants", "pk"),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {organization.pk: organization for organization in organizations}

    def render_organizers(self, value, record):
        ids = {int(pk) for pk in value.split(",")}
        if not ids <= self.organizations.keys():  # a table made without the page's organizations
            return ", ".join(str(organization) for organization in record.organizers.all())
        return ", ".join(str(organization) for pk, organization in self.organizations.items() if pk in ids)

    def render_place(self, record):
        venue = ""
        if record.venue:
            venue = format_html('<span class="d-block small text-body-secondary">{}</span>', record.venue)
        online = format_html(' <span class="badge text-bg-info">{}</span>', _("Online")) if record.is_online else ""
        return format_html("{}{}{}", record.city, venue, online)

    class Meta(Table.Meta):
        model = Event
        fields = ("title", "kind", "starts_at", "place", "organizers", "planned_participants", "actual_participants")
        # No default order: each tab orders its own rows (upcoming soonest first, past newest first).
        empty_text = _("No events match these filters.")
