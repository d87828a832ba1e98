"""Personal API tokens: the page that makes and revokes them, and what a token may do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, hash_key
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
URL = "/accounts/tokens/"


def test_a_new_token_is_shown_once_and_stored_only_as_its_hash(client_for, izmir_staff):
    client = client_for(izmir_staff)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(URL, {"name": "BI panosu", "expires_on": expires})
    assert response.status_code == 302
    page = client.get(URL)
    key = page.context["new_key"]
    assert key.startswith("kopru_")
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.prefix == key[: len(token.prefix)]
    assert client.get(URL).context["new_key"] is None  # gone after it was shown


def test_the_token_works_until_it_is_revoked(client_for, izmir_staff):
    client = client_for(izmir_staff)
    client.post(URL, {"name": "Betik", "expires_on": (timezone.localdate() + timedelta(days=5)).isoformat()})
    key = client.get(URL).context["new_key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/projects/").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert client.post(URL, {"revoke": token.pk}).status_code == 302
    assert api.get("/api/v1/projects/").status_code == 401


def test_nobody_revokes_someone_elses_token(client_for, izmir_staff, isbak_staff):
    from api.services import api_token_create

    token, _key = api_token_create(user=izmir_staff, name="Benim")
    client_for(isbak_staff).post(URL, {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_bad_form_saves_nothing(client_for, izmir_staff):
    response = client_for(izmir_staff).post(URL, {"name": "", "expires_on": "2000-01-01"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "expires_on"}
    assert not ApiToken.objects.exists()


def test_a_token_may_not_live_longer_than_two_years(client_for, izmir_staff):
    expires = (timezone.localdate() + timedelta(days=800)).isoformat()
    response = client_for(izmir_staff).post(URL, {"name": "Uzun", "expires_on": expires})
    assert "expires_on" in response.context["form"].errors


def test_a_garbled_revoke_is_a_400(client_for, izmir_staff):
    assert client_for(izmir_staff).post(URL, {"revoke": "bir"}).status_code == 400


def test_the_page_lists_only_ones_own_tokens_and_their_last_use(client_for, izmir_staff, isbak_staff):
    from api.services import api_token_create

    api_token_create(user=izmir_staff, name="Benimki")
    api_token_create(user=isbak_staff, name="Onunki")
    response = client_for(izmir_staff).get(URL)
    assert [token.name for token in response.context["tokens"]] == ["Benimki"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_user_menu_links_to_the_page(client_for, izmir_staff):
    assert reverse("api_tokens:apitoken_list").encode() in client_for(izmir_staff).get("/").content


def test_the_session_works_for_the_api_with_csrf(izmir_staff, izmir_teknoloji):
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(izmir_staff)
    assert api.get("/api/v1/projects/").status_code == 200
    response = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "Sonra"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_tokens_last_use_does_not_empty_the_cache(api_for, izmir_staff):
    from core.cache import data_version

    api = api_for(izmir_staff)
    before = data_version()
    api.get("/api/v1/projects/")
    assert ApiToken.objects.get().last_used_at is not None
    assert data_version() == before
