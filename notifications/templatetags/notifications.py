"""`{% unread_notification_count as unread %}`: the navbar bell's number."""

from django import template

from notifications.backends import UNREAD_COUNT
from notifications.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The signed-in user's unread notifications: read with the user (NotificationBackend), else counted."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    count = getattr(user, UNREAD_COUNT, None)
    if count is None:  # a user loaded some other way (a test's own user object, another backend)
        count = Notification.objects.for_user(user).unread().count()
    return count
