"""The notification centre: a person's own notifications, marking them read, and their preferences."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, UpdateView

from core.access import ReadAccessMixin
from notifications.forms import NotificationPreferenceForm
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_mark_read, notifications_mark_all_read


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

    def form_valid(self, form):
        form.instance.user = self.request.user
        form.save()
        messages.success(self.request, _("Your notification preferences are saved."))
        return redirect("notifications:preference_update")

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Please correct the errors below."))
        return super().form_invalid(form)
