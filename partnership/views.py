"""The protocol page."""

from django.conf import settings
from django.db.models import Case, Prefetch, When

from core.cache import request_data_version
from core.views import ObjectDetailView
from partnership.choices import ProtocolStatus
from partnership.models import Protocol, ProtocolParty
from partnership.usage import article_usage_rows, usage_counters


class ProtocolDetailView(ObjectDetailView):
    """The protocol in force: its parties, signatories, articles and how much each article is in use.

    The page has no id in its URL: it shows the protocol in force with the latest
    signing date, else the latest protocol, else a friendly empty state.
    """

    model = Protocol
    template_name = "partnership/protocol_detail.html"
    context_object_name = "protocol"
    queryset = Protocol.objects.prefetch_related(
        Prefetch("parties", queryset=ProtocolParty.objects.select_related("organization__parent")),
        "articles",
    ).order_by(
        Case(When(status=ProtocolStatus.IN_FORCE, then=0), default=1),
        "-signed_on",
        "-pk",
    )

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return queryset.first()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object is None:
            return self.render_to_response({"protocol": None, "dormant_months": settings.KOPRU_DORMANT_MONTHS})
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counters = usage_counters()
        rows = article_usage_rows(self.object.articles.all(), counters, version=request_data_version(self.request))
        context.update(
            counters=counters,
            article_rows=rows,
            counter_totals=[sum(row.uses[i].count for row in rows) for i in range(len(counters))],
            grand_total=sum(row.total for row in rows),
            dormant_count=sum(row.dormant for row in rows),
            dormant_months=settings.KOPRU_DORMANT_MONTHS,
        )
        return context
