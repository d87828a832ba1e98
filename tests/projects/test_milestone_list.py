from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def titles(client, query=""):
    response = client.get(reverse("projects:milestone_list") + query)
    assert response.status_code == 200
    return sorted(row.record.title for row in response.context["table"].page.object_list)


@pytest.mark.parametrize("reader", ["izmir_staff", "isbak_staff", "manager", "administrator"])
def test_members_see_every_milestone(client, request, reader):
    MilestoneFactory(title="Pilot kurulum")
    client.force_login(request.getfixturevalue(reader))
    assert titles(client) == ["Pilot kurulum"]


def test_outsiders_and_visitors_do_not(client, outsider):
    assert client.get(reverse("projects:milestone_list")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("projects:milestone_list")).status_code == 403


def test_state_and_organization_filters(client, manager, izmir_teknoloji, isbak):
    today = timezone.localdate()
    MilestoneFactory(
        title="Geç", project=ProjectFactory(lead_organization=izmir_teknoloji), due_on=today - timedelta(1)
    )
    MilestoneFactory(title="Bitti", due_on=today - timedelta(days=1), completed_on=today - timedelta(days=2))
    MilestoneFactory(title="Açık", project=ProjectFactory(lead_organization=isbak), due_on=today + timedelta(days=1))
    client.force_login(manager)
    assert titles(client, "?state=overdue") == ["Geç"]
    assert titles(client, "?state=completed") == ["Bitti"]
    assert titles(client, "?state=open") == ["Açık", "Geç"]
    assert titles(client, f"?organization={isbak.pk}") == ["Açık"]


def test_search_finds_milestones_by_project_the_turkish_way(client, manager):
    MilestoneFactory(title="Kurulum", project=ProjectFactory(title="İZMİR sinyal"))
    MilestoneFactory(title="Başka")
    client.force_login(manager)
    assert titles(client, "?q=izmir") == ["Kurulum"]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_fixed_number_of_queries(client, manager, django_assert_num_queries, rows):
    MilestoneFactory.create_batch(rows)
    client.force_login(manager)
    with django_assert_num_queries(5):  # session, user, organizations (filter), count, page
        client.get(reverse("projects:milestone_list"))


def test_each_row_links_to_its_project_and_to_the_milestone(client, manager):
    milestone = MilestoneFactory(title="Kurulum")
    client.force_login(manager)
    html = client.get(reverse("projects:milestone_list")).content.decode()
    assert f'href="{milestone.project.get_absolute_url()}"' in html
    assert f'href="{milestone.get_absolute_url()}"' in html


def test_open_and_upcoming_milestones_come_first_and_completed_ones_last(client, manager):
    today = timezone.localdate()
    MilestoneFactory(title="Bitti önce", due_on=today - timedelta(days=30), completed_on=today - timedelta(days=20))
    MilestoneFactory(title="Bitti sonra", due_on=today - timedelta(days=40), completed_on=today - timedelta(days=2))
    MilestoneFactory(title="Yaklaşan", due_on=today + timedelta(days=5))
    MilestoneFactory(title="Gecikmiş", due_on=today - timedelta(days=3))
    MilestoneFactory(title="Sonra", due_on=today + timedelta(days=50))
    client.force_login(manager)
    response = client.get(reverse("projects:milestone_list"))
    shown = [row.record.title for row in response.context["table"].page.object_list]
    assert shown == ["Gecikmiş", "Yaklaşan", "Sonra", "Bitti sonra", "Bitti önce"]
    # A column sort still sorts by that column alone.
    response = client.get(reverse("projects:milestone_list") + "?sort=due_on")
    assert [row.record.title for row in response.context["table"].page.object_list][0] == "Bitti sonra"
