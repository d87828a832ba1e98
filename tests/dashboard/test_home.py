from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from core.roles import MANAGERS_GROUP
from tests.factories import EventFactory, MilestoneFactory, ProjectFactory, ProjectPartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/"


@pytest.fixture
def work(izmir_teknoloji, isbak):
    """İzmir Teknoloji leads one project and partners in another; İSBAK alone runs a third."""
    today = timezone.localdate()
    izmir_led = ProjectFactory(
        code="IZM-01", title="Akıllı kavşak pilotu", lead_organization=izmir_teknoloji, last_update_on=today
    )
    shared = ProjectFactory(
        code="ORT-01",
        title="Ortak veri platformu",
        lead_organization=isbak,
        last_update_on=today - timedelta(days=settings.KOPRU_UPDATE_DUE_DAYS + 1),
    )
    ProjectPartnerFactory(project=shared, organization=izmir_teknoloji)
    isbak_only = ProjectFactory(code="ISB-01", title="Sinyal optimizasyonu", lead_organization=isbak)
    planned = ProjectFactory(
        code="IZM-02", title="Planlanan proje", lead_organization=izmir_teknoloji, status="planned"
    )
    return {
        "izmir_led": izmir_led,
        "shared": shared,
        "isbak_only": isbak_only,
        "planned": planned,
        "izmir_overdue": MilestoneFactory(
            project=izmir_led, title="Saha kurulumu gecikti", due_on=today - timedelta(days=5)
        ),
        "isbak_overdue": MilestoneFactory(
            project=isbak_only, title="İSBAK raporu gecikti", due_on=today - timedelta(days=3)
        ),
        "izmir_done": MilestoneFactory(
            project=izmir_led,
            title="Tamamlanan adım",
            due_on=today - timedelta(days=10),
            completed_on=today - timedelta(days=12),
        ),
        "izmir_future": MilestoneFactory(project=izmir_led, title="Gelecek adım", due_on=today + timedelta(days=9)),
        "upcoming_event": EventFactory(title="Akıllı Şehir Çalıştayı", starts_at=timezone.now() + timedelta(days=4)),
        "past_event": EventFactory(
            title="Geçmiş Fuar",
            starts_at=timezone.now() - timedelta(days=40),
            ends_at=timezone.now() - timedelta(days=39),
        ),
    }


def _codes(queryset):
    return sorted(project.code for project in queryset)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_outsiders_are_refused(client_for, outsider):
    assert client_for(outsider).get(URL).status_code == 403


def test_staff_see_their_organizations_active_projects_only(client_for, izmir_staff, work):
    response = client_for(izmir_staff).get(URL)
    assert response.status_code == 200
    assert _codes(response.context["active_projects"]) == ["IZM-01", "ORT-01"]
    content = response.content.decode()
    assert "Akıllı kavşak pilotu" in content
    assert "Ortak veri platformu" in content
    assert "Sinyal optimizasyonu" not in content
    assert "Planlanan proje" not in content


def test_staff_see_the_overdue_milestones_of_their_organizations_projects(client_for, izmir_staff, work):
    response = client_for(izmir_staff).get(URL)
    assert list(response.context["overdue_milestones"]) == [work["izmir_overdue"]]
    content = response.content.decode()
    assert "Saha kurulumu gecikti" in content
    assert work["izmir_overdue"].get_absolute_url() in content
    assert "İSBAK raporu gecikti" not in content
    assert "Tamamlanan adım" not in content
    assert "Gelecek adım" not in content


def test_a_project_without_an_update_for_thirty_days_is_listed_as_update_due(client_for, izmir_staff, work):
    response = client_for(izmir_staff).get(URL)
    assert _codes(response.context["update_due"]) == ["ORT-01"]
    section = response.content.decode().split('id="due-heading"')[1].split("</section>")[0]
    assert "ORT-01 — Ortak veri platformu" in section
    assert "IZM-01" not in section


def test_the_next_upcoming_events_are_shown_and_past_ones_are_not(client_for, izmir_staff, work):
    response = client_for(izmir_staff).get(URL)
    assert list(response.context["events"]) == [work["upcoming_event"]]
    content = response.content.decode()
    assert "Akıllı Şehir Çalıştayı" in content
    assert "Geçmiş Fuar" not in content


def test_isbak_staff_see_isbaks_work(client_for, isbak_staff, work):
    response = client_for(isbak_staff).get(URL)
    assert response.status_code == 200
    assert _codes(response.context["active_projects"]) == ["ISB-01", "ORT-01"]
    assert list(response.context["overdue_milestones"]) == [work["isbak_overdue"]]
    assert _codes(response.context["update_due"]) == ["ISB-01", "ORT-01"]
    content = response.content.decode()
    assert "Sinyal optimizasyonu" in content
    assert "Akıllı kavşak pilotu" not in content


def test_a_manager_with_an_organization_sees_that_organizations_work(client_for, manager, work):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    assert _codes(response.context["active_projects"]) == ["IZM-01", "ORT-01"]
    assert "İzmir İnovasyon ve Teknoloji A.Ş." in response.content.decode()


def test_a_manager_without_an_organization_sees_all_work(client_for, work):
    manager = UserFactory(username="merkez.manager")
    manager.groups.add(Group.objects.get_or_create(name=MANAGERS_GROUP)[0])
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    assert _codes(response.context["active_projects"]) == ["ISB-01", "IZM-01", "ORT-01"]
    assert response.context["organization"] is None


def test_an_administrator_sees_all_work(client_for, administrator, work):
    client = client_for(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL)
    assert response.status_code == 200
    assert _codes(response.context["active_projects"]) == ["ISB-01", "IZM-01", "ORT-01"]
    assert {m.title for m in response.context["overdue_milestones"]} == {
        "Saha kurulumu gecikti",
        "İSBAK raporu gecikti",
    }
    content = response.content.decode()
    assert "All organizations" in content
    assert "Sinyal optimizasyonu" in content
    assert "Akıllı kavşak pilotu" in content
    assert "Akıllı Şehir Çalıştayı" in content


def test_the_page_says_so_when_there_is_nothing_to_show(client_for, izmir_staff):
    client = client_for(izmir_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(URL).content.decode()
    assert "No active projects." in content
    assert "Nothing overdue." in content
    assert "Every active project has a recent update." in content
    assert "No upcoming events." in content


@pytest.mark.parametrize("project_count", [5, 50])
def test_the_query_count_does_not_grow_with_the_number_of_projects(
    client_for, izmir_staff, izmir_teknoloji, project_count, django_assert_num_queries
):
    today = timezone.localdate()
    for _ in range(project_count):
        project = ProjectFactory(lead_organization=izmir_teknoloji)
        MilestoneFactory(project=project, due_on=today - timedelta(days=1))
    EventFactory.create_batch(3)
    client = client_for(izmir_staff)
    # session, user, active projects, overdue milestones, those awaiting confirmation, update due, events
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.context["active_projects"].total == project_count
    assert len(response.context["active_projects"]) == min(project_count, 12)
