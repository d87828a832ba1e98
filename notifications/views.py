"""The notification centre: a person's own notifications, marking them read, their preferences, the
organizations' defaults (managers), and the unsubscribe page that mail links to."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, UpdateView

from core.access import ManagerRequiredMixin, ReadAccessMixin, role_of
from notifications.choices import NotificationKind
from notifications.forms import NotificationPreferenceForm
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_mark_read, notification_unsubscribe, notifications_mark_all_read
from notifications.unsubscribe import DIGEST, read_unsubscribe_token
from partnership.models import Organization


class NotificationListView(ReadAccessMixin, ListView):
    """The signed-in user's notifications, newest first; nobody else's."""

    model = Notification
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)


class NotificationMarkReadView(ReadAccessMixin, View):
    """POST: mark one of the user's notifications read, then go on (to the record, or back to the list).

    Another person's notification is a 404, as if it did not exist.
    """

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        notification_mark_read(notification=notification)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "notifications:notification_list"
        return redirect(target)


class NotificationMarkAllReadView(ReadAccessMixin, View):
    """POST: mark all of the user's notifications read."""

    def post(self, request):
        count = notifications_mark_all_read(user=request.user)
        messages.success(request, _("All notifications are marked read.") if count else _("Nothing was unread."))
        return redirect("notifications:notification_list")


class NotificationPreferenceUpdateView(ReadAccessMixin, UpdateView):
    """The signed-in user's own preferences; saved the first time they are changed."""

    form_class = NotificationPreferenceForm
    template_name = "notifications/notificationpreference_form.html"

    def get_object(self, queryset=None):
        return NotificationPreference.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if role_of(self.request.user).is_manager:  # defaults matter only where someone belongs
            context["organizations"] = Organization.objects.filter(memberships__isnull=False).distinct()
        return context

    def form_valid(self, form):
        form.instance.user = self.request.user
        form.save()
        messages.success(self.request, _("Your notification preferences are saved."))
        return redirect("notifications:preference_update")

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Please correct the errors below."))
        return super().form_invalid(form)


class OrganizationDefaultsUpdateView(ManagerRequiredMixin, UpdateView):
    """Managers: the preferences an organization's members get until they choose their own."""

    form_class = NotificationPreferenceForm
    template_name = "notifications/organization_defaults_form.html"

    def get_object(self, queryset=None):
        self.organization = get_object_or_404(Organization, pk=self.kwargs["pk"])
        return NotificationPreference.objects.filter(organization=self.organization).first() or NotificationPreference(
            organization=self.organization
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)

    def form_valid(self, form):
        form.instance.organization = self.organization
        form.save()
        messages.success(
            self.request,
            _("The defaults of %(organization)s are saved.") % {"organization": self.organization.short_name},
        )
        return redirect("notifications:organization_defaults", pk=self.organization.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Please correct the errors below."))
        return super().form_invalid(form)


class UnsubscribeView(View):
    """A mail's one-click unsubscribe link, open without signing in: the signed token is the authority.

    GET shows what the link stops and a button; POST stops it (RFC 8058: mail programs POST
    `List-Unsubscribe=One-Click` to the link themselves, without a CSRF token, hence csrf_exempt
    in urls.py). A forged or damaged link is a 404.
    """

    template_name = "notifications/unsubscribe.html"

    def dispatch(self, request, token):
        found = read_unsubscribe_token(token)
        if found is None:
            raise Http404(_("This unsubscribe link is not valid."))
        self.recipient, self.what = found
        return super().dispatch(request, token)

    def context(self, **extra) -> dict:
        label = _("the weekly digest") if self.what == DIGEST else NotificationKind(self.what).label
        return {"what_label": label, "is_digest": self.what == DIGEST, **extra}

    def get(self, request, token):
        return render(request, self.template_name, self.context(done=False))

    def post(self, request, token):
        changed = notification_unsubscribe(user=self.recipient, what=self.what)
        return render(request, self.template_name, self.context(done=True, changed=changed))
