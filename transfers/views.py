"""The know-how transfer pages: list, detail, create and edit, and the recipient's confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.access import ReadAccessMixin, can_confirm
from core.pagination import DeferredJoinMixin
from core.roles import role_of
from core.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from transfers.filters import KnowHowTransferFilterSet
from transfers.forms import KnowHowTransferConfirmForm, KnowHowTransferForm
from transfers.models import KnowHowTransfer, ProductAdoption
from transfers.services import knowhowtransfer_confirm, knowhowtransfer_partners_notify, knowhowtransfer_save
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_confirm"] = can_confirm(self.request.user, self.object)
        if context["can_confirm"]:
            initial = {"confirmed_hours": self.object.hours, "confirmed_participants": self.object.participants}
            context["confirm_form"] = KnowHowTransferConfirmForm(initial=initial)
        return context


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


class KnowHowTransferConfirmView(ReadAccessMixin, View):
    """The recipient confirms that the transfer took place (core.access.can_confirm; 403 otherwise).

    The answer is the transfer's page with a message; bad input saves nothing.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        transfer = get_object_or_404(KnowHowTransfer, pk=pk)
        if not can_confirm(request.user, transfer):
            raise PermissionDenied
        form = KnowHowTransferConfirmForm(request.POST, instance=KnowHowTransfer(pk=transfer.pk))
        errors = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                knowhowtransfer_confirm(
                    transfer=transfer,
                    user=request.user,
                    hours=data["confirmed_hours"],
                    participants=data["confirmed_participants"],
                    rating=data["recipient_rating"],
                )
            except ValidationError as error:
                errors = "; ".join(error.messages)
        else:
            errors = "; ".join(f"{form[name].label}: {' '.join(messages_)}" for name, messages_ in form.errors.items())
        if errors:
            messages.error(
                request, _("“%(transfer)s” was not confirmed: %(errors)s") % {"transfer": transfer, "errors": errors}
            )
        else:
            messages.success(request, _("“%(transfer)s” is confirmed.") % {"transfer": transfer})
        return redirect(transfer)
