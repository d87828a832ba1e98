from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.pagination import DeferredJoinMixin
from core.roles import role_of
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from transfers.filters import KnowHowTransferFilterSet
from transfers.forms import KnowHowTransferForm
from transfers.models import KnowHowTransfer, ProductAdoption
from transfers.services import knowhowtransfer_partners_notify, knowhowtransfer_save
from transfers.tables import KnowHowTransferTable


class KnowHowTransferListView(DeferredJoinMixin, ObjectListView):
    model = KnowHowTransfer
    queryset = KnowHowTransfer.objects.select_related("provider", "recipient", "product")
    filterset_class = KnowHowTransferFilterSet
    table_class = KnowHowTransferTable
    create_url_name = "transfers:knowhowtransfer_create"
    create_label = _("New transfer")
    import_url_name = "transfers:knowhowtransfer_import"


class KnowHowTransferDetailView(ObjectDetailView):
    model = KnowHowTransfer
    context_object_name = "transfer"
    queryset = KnowHowTransfer.objects.select_related(
        "provider", "recipient", "product__organization", "project"
    ).prefetch_related(
        "articles",
        Prefetch("adoptions", queryset=ProductAdoption.objects.select_related("product", "adopter")),
    )


class KnowHowTransferFormMixin:
    model = KnowHowTransfer
    form_class = KnowHowTransferForm
    list_url_name = "transfers:knowhowtransfer_list"

    def save_form(self, form):
        return knowhowtransfer_save(form=form, user=self.request.user)


class KnowHowTransferCreateView(KnowHowTransferFormMixin, ObjectCreateView):
    def get_initial(self):
        initial = super().get_initial()
        organization = role_of(self.request.user).organization
        if organization is not None:
            initial["provider"] = organization
        return initial

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.object is not None and self.object.pk is not None:
            knowhowtransfer_partners_notify(transfer=self.object, author=self.request.user)
        return response


class KnowHowTransferUpdateView(KnowHowTransferFormMixin, ObjectUpdateView):
    pass
