"""The one access rule, line by line: roles, can_edit, the mixins' answers and each editable_by."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from core.access import ReadAccessMixin, can_edit, role_of, with_edit_flag
from core.cache import data_version
from events.models import Event
from partnership.backends import MembershipBackend
from projects.models import Milestone, ProgressUpdate, Project
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProgressUpdateFactory,
    ProjectFactory,
)
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db


def test_a_visitor_has_no_role():
    role = role_of(AnonymousUser())
    assert (role.organization, role.is_manager, role.is_admin, role.can_read) == (None, False, False, False)


def test_roles_come_from_membership_and_groups(izmir_staff, manager, administrator, outsider, izmir_teknoloji):
    assert role_of(izmir_staff).organization == izmir_teknoloji
    assert not role_of(izmir_staff).is_manager
    assert role_of(manager).is_manager
    assert role_of(administrator).is_admin and role_of(administrator).is_manager
    assert not role_of(outsider).can_read


def test_anyone_who_may_read_may_start_a_new_record(izmir_staff, outsider):
    assert can_edit(izmir_staff, Project()) is True
    assert can_edit(outsider, Project()) is False


def test_the_backend_returns_no_user_for_an_unknown_id():
    assert MembershipBackend().get_user(987654321) is None


def test_the_backend_loads_membership_manager_flag_and_data_version_in_one_query(manager, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = MembershipBackend().get_user(manager.pk)
        assert role_of(user).is_manager
        assert role_of(user).organization.short_name == "İzmir Teknoloji"
    assert user.kopru_data_version == data_version()


def test_the_read_mixin_sends_visitors_to_sign_in_and_refuses_outsiders(outsider):
    class Page(ReadAccessMixin, View):
        def get(self, request):
            return HttpResponse("ok")

    request = RequestFactory().get("/projects/")
    request.user = AnonymousUser()
    assert Page.as_view()(request).status_code == 302
    request.user = outsider
    with pytest.raises(PermissionDenied):
        Page.as_view()(request)


@pytest.mark.parametrize(
    ("make", "model"),
    [
        (lambda org, other: EventFactory(organizers=[org]), Event),
        (lambda org, other: KnowHowTransferFactory(provider=org, recipient=other), KnowHowTransfer),
        (lambda org, other: ProgressUpdateFactory(project=ProjectFactory(lead_organization=org)), ProgressUpdate),
        (lambda org, other: MilestoneFactory(project=ProjectFactory(lead_organization=org)), Milestone),
    ],
    ids=["event", "transfer", "progress update", "milestone"],
)
def test_editable_by_follows_the_organization(
    make, model, izmir_staff, isbak_staff, manager, outsider, izmir_teknoloji
):
    other = OrganizationFactory()
    mine = make(izmir_teknoloji, other)
    theirs = make(other, OrganizationFactory())
    assert list(model.objects.editable_by(izmir_staff)) == [mine]
    assert not model.objects.editable_by(isbak_staff).exists()
    assert set(model.objects.editable_by(manager)) == {mine, theirs}
    assert not model.objects.editable_by(outsider).exists()


def test_an_edit_flag_read_for_one_user_is_never_used_for_another(izmir_staff, isbak_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    loaded = with_edit_flag(Project.objects.all(), izmir_staff).get(pk=project.pk)
    assert can_edit(izmir_staff, loaded) is True
    assert can_edit(isbak_staff, loaded) is False  # İSBAK takes no part: asked again, not taken from the flag
