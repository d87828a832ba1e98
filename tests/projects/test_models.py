from datetime import timedelta

import pytest
from django.utils import timezone

from projects.choices import ProjectStatus
from projects.models import Milestone, Project
from tests.factories import MilestoneFactory, ProjectFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


def test_a_milestone_is_overdue_when_due_and_not_completed():
    today = timezone.localdate()
    late = MilestoneFactory(due_on=today - timedelta(days=1))
    MilestoneFactory(due_on=today - timedelta(days=1), completed_on=today - timedelta(days=1))
    MilestoneFactory(due_on=today)
    assert list(Milestone.objects.overdue()) == [late]
    assert late.is_overdue


def test_projects_for_an_organization_include_led_and_partnered(izmir_teknoloji, isbak):
    led = ProjectFactory(lead_organization=izmir_teknoloji)
    partnered = ProjectPartnerFactory(organization=izmir_teknoloji).project
    ProjectFactory(lead_organization=isbak)
    assert set(Project.objects.for_organization(izmir_teknoloji)) == {led, partnered}


def test_staff_may_edit_only_their_organizations_projects(izmir_staff, manager, izmir_teknoloji, isbak):
    mine = ProjectFactory(lead_organization=izmir_teknoloji)
    theirs = ProjectFactory(lead_organization=isbak)
    assert list(Project.objects.editable_by(izmir_staff)) == [mine]
    assert set(Project.objects.editable_by(manager)) == {mine, theirs}


def test_outsiders_may_edit_nothing(outsider):
    ProjectFactory()
    assert not Project.objects.editable_by(outsider).exists()


def test_update_due_lists_active_projects_quiet_for_30_days():
    today = timezone.localdate()
    quiet = ProjectFactory(last_update_on=today - timedelta(days=31))
    never = ProjectFactory(last_update_on=None)
    ProjectFactory(last_update_on=today - timedelta(days=5))
    ProjectFactory(status="completed", last_update_on=today - timedelta(days=90))
    assert set(Project.objects.update_due()) == {quiet, never}


def test_with_overdue_milestones_finds_projects_with_late_work():
    late = MilestoneFactory(due_on=timezone.localdate() - timedelta(days=2)).project
    MilestoneFactory(due_on=timezone.localdate() + timedelta(days=2))
    assert list(Project.objects.with_overdue_milestones()) == [late]


def test_open_projects_are_all_but_the_completed_and_cancelled():
    for status in ProjectStatus.values:
        ProjectFactory(status=status)
    assert {project.status for project in Project.objects.open()} == set(ProjectStatus.values) - {
        ProjectStatus.COMPLETED,
        ProjectStatus.CANCELLED,
    }
