"""The webhook endpoints pages: list, register, see the deliveries, edit, switch off. Managers only.

Each manager sees and changes their own endpoints (the secret is theirs to copy into the
receiving system); administrators see every endpoint. Another's endpoint is a 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.access import ManagerRequiredMixin
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookEndpoint
from webhooks.services import webhook_endpoint_deactivate, webhook_endpoint_save

DELIVERIES_SHOWN = 50


class EndpointQuerysetMixin(ManagerRequiredMixin):
    def get_queryset(self):
        return WebhookEndpoint.objects.visible_to(self.request.user).select_related("owner")


class WebhookEndpointListView(EndpointQuerysetMixin, ListView):
    model = WebhookEndpoint


class WebhookEndpointDetailView(EndpointQuerysetMixin, DetailView):
    model = WebhookEndpoint
    context_object_name = "endpoint"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deliveries"] = list(self.object.deliveries.all()[:DELIVERIES_SHOWN])
        context["shows_secret"] = self.object.owner_id == self.request.user.pk
        return context


class WebhookEndpointFormMixin(EndpointQuerysetMixin):
    model = WebhookEndpoint
    form_class = WebhookEndpointForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = webhook_endpoint_save(form=form, user=self.request.user)
        messages.success(self.request, _("The webhook endpoint was saved."))
        return redirect(self.object)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Please correct the errors below."))
        return super().form_invalid(form)


class WebhookEndpointCreateView(WebhookEndpointFormMixin, CreateView):
    pass


class WebhookEndpointUpdateView(WebhookEndpointFormMixin, UpdateView):
    pass


class WebhookEndpointDeactivateView(EndpointQuerysetMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = get_object_or_404(self.get_queryset(), pk=pk)
        if webhook_endpoint_deactivate(endpoint=endpoint):
            messages.success(request, _("The endpoint is switched off: nothing more is sent to it."))
        else:
            messages.info(request, _("The endpoint was switched off already."))
        return redirect(endpoint)
