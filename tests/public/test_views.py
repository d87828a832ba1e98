"""The public pages for everyone, with HTTP caching; the managers' page, with who may not."""

import pytest
from django.urls import reverse

from public.choices import PublicationStatus
from public.models import Publication
from public.services import publication_propose
from tests.factories import EventFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_project(publish, izmir_teknoloji, isbak):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title="Akıllı Kavşak Yayında", percent_complete=45)
    MilestoneFactory(project=project, title="Pilot kuruldu", completed_on=project.planned_start)
    publish(project)
    return project


def test_the_public_page_opens_without_signing_in(client, parties, published_project):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "Akıllı Kavşak Yayında" in response.content.decode()
    assert 'value="45"' in response.content.decode()  # its progress bar


def test_an_unpublished_or_awaiting_record_is_not_shown(client, parties, izmir_staff, izmir_teknoloji):
    ProjectFactory(lead_organization=izmir_teknoloji, title="Taslak Proje Gizli")
    awaiting = ProjectFactory(lead_organization=izmir_teknoloji, title="Onay Bekleyen Proje")
    publication_propose(record=awaiting, user=izmir_staff)
    body = client.get(reverse("public:index")).content.decode()
    assert "Taslak Proje Gizli" not in body and "Onay Bekleyen Proje" not in body
    assert client.get(reverse("public:project_detail", args=[awaiting.pk])).status_code == 404


def test_a_published_project_and_event_have_pages_of_their_own(client, publish, published_project, isbak):
    event = EventFactory(organizers=[isbak], title="Halka Açık Çalıştay", outcome="Yol haritası çıktı.")
    publish(event)
    project_page = client.get(reverse("public:project_detail", args=[published_project.pk])).content.decode()
    assert "Pilot kuruldu" in project_page
    event_page = client.get(reverse("public:event_detail", args=[event.pk])).content.decode()
    assert "Yol haritası çıktı." in event_page


def test_the_page_speaks_english_after_the_switch_without_an_account(client, parties):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/public/"})
    assert response.status_code == 302
    body = client.get(reverse("public:index")).content.decode()
    assert '<html lang="en">' in body
    assert "Key figures" in body


def test_public_pages_carry_cache_headers_and_answer_304_while_nothing_changes(client, parties, published_project):
    first = client.get(reverse("public:index"))  # a first visit: the language switch's CSRF cookie comes with it
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(reverse("public:index"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_a_304_is_never_a_page_made_for_another_visitors_csrf_cookie(client, parties):
    first = client.get(reverse("public:index"))
    client.cookies.clear()
    assert client.get(reverse("public:index"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_data_files_set_no_cookie_and_answer_304(client, parties):
    first = client.get(reverse("public:dataset_csv", args=["projects"]))
    assert not first.cookies  # the same file for everyone (Vary: Cookie stays: the language cookie picks it)
    again = client.get(reverse("public:dataset_csv", args=["projects"]), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_a_new_publication_changes_the_etag_and_the_page(client, publish, izmir_teknoloji, parties):
    first = client.get(reverse("public:index"))
    publish(ProjectFactory(lead_organization=izmir_teknoloji, title="Yeni Yayımlanan"))
    again = client.get(reverse("public:index"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Yeni Yayımlanan" in again.content.decode()


def test_the_page_has_a_canonical_url_and_open_graph_tags(client, parties):
    body = client.get(reverse("public:index")).content.decode()
    assert '<link rel="canonical" href="http://testserver/public/">' in body
    assert (
        '<meta property="og:title"' in body and '<meta property="og:url" content="http://testserver/public/">' in body
    )


def test_key_figures_count_every_record_but_show_none(client, parties, izmir_teknoloji):
    ProjectFactory(lead_organization=izmir_teknoloji, status="completed", title="Sayılan Ama Gizli")
    response = client.get(reverse("public:index"))
    figures = {row["status"]: row["count"] for row in response.context["figures"]["projects_by_status"]}
    assert figures["completed"] == 1
    assert "Sayılan Ama Gizli" not in response.content.decode()


def test_the_throttle_answers_429_past_the_rate(client, parties, settings):
    settings.KOPRU_PUBLIC_RATE = 3
    answers = [client.get(reverse("public:robots_txt")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


# --- the managers' page ---------------------------------------------------------------------------


def test_staff_see_the_manage_page_with_the_proposal_form_but_no_agree_button(client_for, izmir_staff, parties):
    EventFactory(title="Önerilecek Etkinlik")
    response = client_for(izmir_staff).get(reverse("public:publication_manage"))
    assert response.status_code == 200
    assert "Önerilecek Etkinlik" in response.content.decode()
    assert response.context["may_agree"] is False


def test_staff_propose_from_the_manage_page(client_for, izmir_staff, parties, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    response = client_for(izmir_staff).post(reverse("public:publication_propose"), {"record": f"project:{project.pk}"})
    assert response.status_code == 302
    assert Publication.objects.get().project == project


def test_a_bad_proposal_is_a_form_error_and_saves_nothing(client_for, izmir_staff, parties):
    for value in ("", "project:999999", "nope:1", "project:abc"):
        response = client_for(izmir_staff).post(reverse("public:publication_propose"), {"record": value})
        assert response.status_code == 200
        assert "record" in response.context["form"].errors
    assert not Publication.objects.exists()


def test_outsiders_cannot_propose(client_for, outsider, parties, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    response = client_for(outsider).post(reverse("public:publication_propose"), {"record": f"project:{project.pk}"})
    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_managers_of_both_parties_agree_through_the_page(client, manager, isbak_manager, izmir_staff, parties):
    publication = publication_propose(record=ProjectFactory(), user=izmir_staff)
    url = reverse("public:publication_agree", args=[publication.pk])
    for user in (manager, isbak_manager):
        client.force_login(user)
        assert client.post(url).status_code == 302
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


def test_staff_cannot_agree_or_unpublish(client_for, izmir_staff, isbak_staff, parties):
    publication = publication_propose(record=ProjectFactory(), user=izmir_staff)
    for user in (izmir_staff, isbak_staff):
        client = client_for(user)
        assert client.post(reverse("public:publication_agree", args=[publication.pk])).status_code == 403
        assert client.post(reverse("public:publication_unpublish", args=[publication.pk])).status_code == 403
    assert not publication.consents.exists()
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PROPOSED


def test_a_manager_unpublishes_through_the_page(client_for, publish, manager, izmir_teknoloji):
    publication = publish(ProjectFactory(lead_organization=izmir_teknoloji, title="Geri Alınan"))
    client = client_for(manager)
    assert client.post(reverse("public:publication_unpublish", args=[publication.pk])).status_code == 302
    client.logout()
    assert "Geri Alınan" not in client.get(reverse("public:index")).content.decode()


def test_the_agree_and_unpublish_buttons_take_no_get(client_for, manager, izmir_staff, parties):
    publication = publication_propose(record=ProjectFactory(), user=izmir_staff)
    assert client_for(manager).get(reverse("public:publication_agree", args=[publication.pk])).status_code == 405


def test_the_manage_page_asks_anonymous_visitors_to_sign_in(client, parties):
    response = client.get(reverse("public:publication_manage"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
