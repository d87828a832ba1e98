"""Views of the partnership app: the protocol page and the operators' health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from partnership.access import EditAccessMixin, ReadAccessMixin, can_edit, role_of
from partnership.history import history_entries


@never_cache
@require_GET
@login_not_required
def health(request):
    """Liveness and database check for load balancers: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class ObjectListView(ReadAccessMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated list: the shape every Köprü list shares."""

    template_name = "generic/object_list.html"
    paginate_by = 25
    create_url_name: str | None = None

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.model._meta
        context["title"] = capfirst(opts.verbose_name_plural)
        if self.create_url_name and role_of(self.request.user).can_create:
            context["create_url"] = reverse(self.create_url_name)
        return context


class ObjectDetailView(ReadAccessMixin, DetailView):
    """A record's page, with whether the user may change it and its change history."""

    history_limit = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user, self.object)
        context["history"] = history_entries(self.object, limit=self.history_limit)
        return context


class ObjectFormMixin:
    """Create and update pages share one template and a success message."""

    template_name = "generic/object_form.html"
    success_message = _("“%(object)s” was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    list_url_name: str | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.model._meta
        context["form_title"] = _("New %(model)s") % {"model": opts.verbose_name}
        context["list_title"] = capfirst(opts.verbose_name_plural)
        context["cancel_url"] = reverse(self.list_url_name) if self.list_url_name else "/"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message % {"object": self.object})
        return response


class ObjectCreateView(ReadAccessMixin, ObjectFormMixin, CreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not role_of(request.user).can_create:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ObjectUpdateView(EditAccessMixin, ObjectFormMixin, UpdateView):
    pass
