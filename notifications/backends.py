"""The sign-in backend, with each person's unread notification count read in the user's own query.

Every page shows the count in the navbar bell; reading it with the user, as MembershipBackend reads
the organization and role, keeps it from adding a query to every page.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from notifications.models import Notification
from partnership.backends import MembershipBackend

UNREAD_COUNT = "unread_notification_count"


class NotificationBackend(MembershipBackend):
    def user_queryset(self):
        unread = (
            Notification.objects.for_user(OuterRef("pk"))
            .unread()
            .order_by()
            .values("recipient")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .user_queryset()
            .annotate(**{UNREAD_COUNT: Coalesce(Subquery(unread), 0, output_field=IntegerField())})
        )
