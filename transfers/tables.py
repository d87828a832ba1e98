import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from transfers.models import KnowHowTransfer


class KnowHowTransferTable(tables.Table):
    title = tables.Column(linkify=True)
    direction = tables.TemplateColumn(
        template_name="transfers/columns/direction.html",
        order_by=("provider__short_name", "recipient__short_name"),
        verbose_name=_("Provider → recipient"),
    )
    kind = tables.Column()
    started_on = tables.DateColumn(short=True)
    hours = tables.Column(attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}})
    participants = tables.Column(attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}})
    product = tables.Column()
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
