"""Authentication backend that loads a user's organization and role in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from core.cache import data_version_subquery
from core.roles import MANAGERS_GROUP


class MembershipBackend(ModelBackend):
    """ModelBackend whose `get_user` also fetches the membership and the Managers flag.

    Every page needs both to decide access, so fetching them with the user keeps
    each request's query count flat. The same query reads the data version
    (core/cache.py), so pages that cache by it pay no query of their own.
    """

    def user_queryset(self):
        """The users with what every page needs; a backend of a higher layer may annotate more."""
        managers = Group.objects.filter(name=MANAGERS_GROUP, user=OuterRef("pk"))
        return (
            get_user_model()
            ._default_manager.select_related("membership__organization")
            .annotate(in_managers_group=Exists(managers), kopru_data_version=data_version_subquery())
        )

    def get_user(self, user_id):
        user = self.user_queryset().filter(pk=user_id).first()
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
