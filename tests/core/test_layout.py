"""The shared layout: sign-in, navigation by role, language switch, error pages, no inline scripts."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_open_and_in_turkish_first(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="tr">' in response.text
    assert "Giriş yap" in response.text


def test_signing_in_leads_home(client, izmir_staff):
    response = client.post(reverse("login"), {"username": "izmir.staff", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_a_wrong_password_is_refused_with_a_message(client, izmir_staff):
    response = client.post(reverse("login"), {"username": "izmir.staff", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Lütfen doğru kullanıcı adı ve parola girin." in response.text


def test_signing_out_is_a_post(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_language_switch_turns_the_page_english(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    assert response.status_code == 302
    page = client.get("/projects/")
    assert '<html lang="en">' in page.text
    assert ">Projects<" in page.text


@pytest.mark.parametrize(
    ("user", "sees_admin"),
    [("izmir_staff", False), ("manager", False), ("administrator", True)],
)
def test_the_admin_link_is_for_administrators(client, request, user, sees_admin):
    client.force_login(request.getfixturevalue(user))
    page = client.get("/projects/")
    assert (reverse("admin:index") in page.text) is sees_admin


def test_the_navigation_names_every_section(client, izmir_staff):
    client.force_login(izmir_staff)
    page = client.get("/projects/").text
    for url in ("/", "/protocol/", "/projects/", "/events/", "/transfers/"):
        assert f'href="{url}"' in page


def test_the_404_page_uses_the_layout(client, izmir_staff, settings):
    settings.DEBUG = False
    client.force_login(izmir_staff)
    response = client.get("/projects/987654/")
    assert response.status_code == 404
    assert "Köprü" in response.text
    assert 'id="main"' in response.text


def test_the_403_page_uses_the_layout(client, outsider):
    client.force_login(outsider)
    response = client.get("/projects/")
    assert response.status_code == 403
    assert 'id="main"' in response.text


def test_the_password_change_page_is_in_the_layout(client, izmir_staff):
    client.force_login(izmir_staff)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert 'id="main"' in response.text


@pytest.mark.parametrize("path", ["/", "/projects/", "/projects/new/", "/protocol/", "/accounts/login/"])
def test_pages_carry_no_inline_script_or_style(client, manager, path):
    if path != "/accounts/login/":
        client.force_login(manager)
    html = client.get(path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "event-handler attribute found"


def test_pages_are_served_with_a_strict_content_security_policy(client, izmir_staff):
    client.force_login(izmir_staff)
    policy = client.get("/projects/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
