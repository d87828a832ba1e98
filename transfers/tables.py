import django_tables2 as tables
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from core.tables import ShortDateColumn, Table
from transfers.models import KnowHowTransfer


class KnowHowTransferTable(Table):
    # Every sort ends on the primary key, so rows with equal values keep one order across pages.
    title = tables.Column(linkify=True, order_by=("title", "pk"))
    direction = tables.Column(
        accessor="pk",
        order_by=("provider__short_name", "recipient__short_name", "pk"),
        verbose_name=_("Provider → recipient"),
    )
    kind = tables.Column(order_by=("kind", "pk"))
    started_on = ShortDateColumn(order_by=("started_on", "pk"))
    hours = tables.Column(attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}}, order_by=("hours", "pk"))
    participants = tables.Column(
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}}, order_by=("participants", "pk")
    )
    product = tables.Column(order_by=("product__organization__name", "product__name", "pk"))
    recipient_rating = tables.Column(order_by=("recipient_rating", "pk"), verbose_name=_("Rating"))
    # Whether the recipient confirmed it took place: unconfirmed ones are marked.
    confirmed_at = tables.Column(
        accessor="pk", order_by=("confirmed_at", "pk"), verbose_name=_("Confirmed by the recipient")
    )

    # The same small templates as the transfer's page and the project panel: one wording. A
    # template per row (not per cell) is cheap, and the list's HTML is kept between writes.
    def render_direction(self, record):
        return get_template("transfers/columns/direction.html").render({"record": record})

    def render_recipient_rating(self, record):
        return get_template("transfers/columns/rating.html").render({"record": record})

    def render_confirmed_at(self, record):
        return get_template("transfers/columns/confirmation.html").render({"record": record})

    class Meta(Table.Meta):
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
            "confirmed_at",
        )
        order_by = ("-started_on",)
        empty_text = _("No know-how transfers match these filters.")
