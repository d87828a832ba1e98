import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from partnership.exports import ExportColumn
from transfers.models import KnowHowTransfer


class KnowHowTransferTable(tables.Table):
    export_columns = [
        ExportColumn("pk", _("ID")),
        ExportColumn("title", _("Title")),
        ExportColumn("provider.short_name", _("Provider")),
        ExportColumn("recipient.short_name", _("Recipient")),
        ExportColumn("kind", _("Kind")),
        ExportColumn("started_on", _("Start date")),
        ExportColumn("ended_on", _("End date")),
        ExportColumn("hours", _("Hours")),
        ExportColumn("participants", _("Participants")),
        ExportColumn("product.name", _("Technology product")),
        ExportColumn("project.code", _("Project code")),
        ExportColumn("articles", _("Protocol articles")),
        ExportColumn("recipient_rating", _("Recipient's rating")),
        ExportColumn("outcome", _("Outcome")),
        ExportColumn("description", _("Description")),
    ]
    export_prefetch = ["articles", "project"]
    title = tables.Column(linkify=True)
    direction = tables.TemplateColumn(
        template_name="transfers/columns/direction.html",
        order_by=("provider__short_name", "recipient__short_name"),
        verbose_name=_("Provider → recipient"),
    )
    started_on = tables.DateColumn(short=True)
    hours = tables.Column(attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}})
    participants = tables.Column(attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}})
    recipient_rating = tables.TemplateColumn(
        template_name="transfers/columns/rating.html", order_by=("recipient_rating",), verbose_name=_("Rating")
    )

    class Meta:
        model = KnowHowTransfer
        fields = (
            "title",
            "direction",
            "kind",
            "started_on",
            "hours",
            "participants",
            "product",
            "recipient_rating",
        )
        order_by = ("-started_on",)
        attrs = {"class": "table table-hover table-sm align-middle"}
        empty_text = _("No know-how transfers match these filters.")
