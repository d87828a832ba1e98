import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partnership.exports import ExportColumn


class EventTable(tables.Table):
    export_columns = [
        ExportColumn("pk", _("ID")),
        ExportColumn("title", _("Title")),
        ExportColumn("kind", _("Kind")),
        ExportColumn("starts_at", _("Starts at")),
        ExportColumn("ends_at", _("Ends at")),
        ExportColumn("city", _("City")),
        ExportColumn("venue", _("Venue")),
        ExportColumn("is_online", _("Online")),
        ExportColumn("online_url", _("Online link")),
        ExportColumn("organizers", _("Organizers")),
        ExportColumn("planned_participants", _("Planned participants")),
        ExportColumn("actual_participants", _("Actual participants")),
        ExportColumn("projects", _("Related projects")),
        ExportColumn("articles", _("Protocol articles")),
        ExportColumn("outcome", _("Outcome")),
    ]
    export_prefetch = ["organizers", "projects", "articles"]
    # Every sort ends on the primary key, so rows with equal values keep one order across pages.
    title = tables.Column(linkify=True, order_by=("title", "pk"))
    kind = tables.Column(order_by=("kind", "pk"))
    starts_at = tables.DateTimeColumn(short=True, verbose_name=_("Starts"), order_by=("starts_at", "pk"))
    place = tables.TemplateColumn(
        template_name="events/columns/place.html", order_by=("city", "venue", "pk"), verbose_name=_("Place")
    )
    # Reads the prefetched organizers: no query per row.
    organizers = tables.ManyToManyColumn(verbose_name=_("Organizers"))
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

    class Meta:
        model = Event
        fields = ("title", "kind", "starts_at", "place", "organizers", "planned_participants", "actual_participants")
        # No default order: each tab orders its own rows (upcoming soonest first, past newest first).
        attrs = {"class": "table table-hover table-sm align-middle"}
        empty_text = _("No events match these filters.")
