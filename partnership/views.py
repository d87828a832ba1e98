"""The protocol page, and its documents (loaded once the page is shown)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView

from core.access import ReadAccessMixin, with_edit_flag
from core.cache import fragment_key, request_data_version
from core.views import LoadedPartMixin, ObjectDetailView, attachment_context
from partnership.models import Protocol, ProtocolParty
from partnership.usage import article_usage_rows, counted_uses, usage_counters


class ProtocolDetailView(ObjectDetailView):
    """The protocol in force: its parties, signatories, articles and how much each article is in use.

    The page has no id in its URL: it shows the protocol in force with the latest
    signing date, else the latest protocol, else a friendly empty state.

    Its HTML is kept under the data version (core/cache.py) until a write, or until the article
    counters change by the clock alone (an event starting). Its documents load once it is shown
    (`ProtocolDocumentsView`): an editor's hold forms with their CSRF token, which is never kept.
    """

    model = Protocol
    template_name = "partnership/protocol_detail.html"
    context_object_name = "protocol"
    queryset = Protocol.objects.in_force_first()
    attachments_inline = False
    parties_prefetch = Prefetch("parties", queryset=ProtocolParty.objects.select_related("organization__parent"))

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return queryset.first()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object is None:
            return self.render_to_response({"protocol": None, "dormant_months": settings.KOPRU_DORMANT_MONTHS})
        # The page takes no query string: one kept copy per role, language and day, whatever is asked.
        self.fragment_key = fragment_key(request, request.path)
        if (html := cache.get(self.fragment_key)) is not None:
            # The kept HTML holds the rows; they stay in the context, read only by what asks for them.
            version = request_data_version(request)
            rows = SimpleLazyObject(lambda: self.article_rows(counted_uses(usage_counters(), version)[0]))
            return self.render_to_response(
                {"view": self, "protocol": self.object, "fragment_html": html, "article_rows": rows}
            )
        prefetch_related_objects([self.object], self.parties_prefetch)
        return self.render_to_response(self.get_context_data(object=self.object))

    def article_rows(self, uses):
        return article_usage_rows(self.object.articles.all(), uses)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counters = usage_counters()
        uses, next_change = counted_uses(counters, request_data_version(self.request))
        rows = self.article_rows(uses)
        context.update(
            counters=counters,
            article_rows=rows,
            counter_totals=[sum(row.uses[i].count for row in rows) for i in range(len(counters))],
            grand_total=sum(row.total for row in rows),
            dormant_count=sum(row.dormant for row in rows),
            dormant_months=settings.KOPRU_DORMANT_MONTHS,
            fragment_key=getattr(self, "fragment_key", None),
        )
        if next_change is not None:
            context["fragment_timeout"] = (next_change - timezone.now()).total_seconds()
        return context


class ProtocolDocumentsView(ReadAccessMixin, LoadedPartMixin, DetailView):
    """The protocol's documents, and for editors the form to add one: what its page loads once shown.
    Without JavaScript the page links here instead."""

    model = Protocol
    template_name = "partnership/protocol_documents.html"
    context_object_name = "protocol"

    def get_object(self, queryset=None):
        return with_edit_flag(Protocol.objects.in_force_first(), self.request.user).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object is not None:
            context.update(attachment_context(self.request.user, self.object))  # can_edit reads the edit flag
        return context
