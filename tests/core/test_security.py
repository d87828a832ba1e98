"""Sign-in lockout, sessions, CSRF, audit log, error pages and deployment checks."""

import logging
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.middleware import LAST_SEEN, SIGNED_IN_AT
from projects.models import Project

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, password="pw-for-tests", username="izmir.staff"):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- lockout ------------------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(client, izmir_staff):
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    assert sign_in(client, password="wrong").status_code == 429
    locked = sign_in(client)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, izmir_staff):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302


def test_the_lock_lifts_after_15_minutes(client, izmir_staff):
    for _ in range(5):
        sign_in(client, password="wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client).status_code == 302


def test_the_lock_is_per_username_and_ip(client, izmir_staff, isbak_staff):
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client, username="isbak.staff").status_code == 302


# --- sessions -----------------------------------------------------------------


def test_the_session_id_rotates_at_sign_in(client, izmir_staff):
    client.get(reverse("login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    sign_in(client)
    assert client.session.session_key != before


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_idle_for_30_minutes_ends(client, izmir_staff):
    sign_in(client)
    _age_session(client, kopru_last_seen=31 * 60)
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_30_minutes_goes_on(client, izmir_staff):
    sign_in(client)
    _age_session(client, kopru_last_seen=29 * 60)
    assert client.get("/projects/").status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


def test_a_session_ends_after_12_hours_in_all(client, izmir_staff):
    sign_in(client)
    _age_session(client, kopru_signed_in_at=12 * 3600 + 60, kopru_last_seen=10)
    assert client.get("/projects/").status_code == 302
    assert SIGNED_IN_AT not in client.session


def test_cookies_are_secure_httponly_and_samesite_in_production(client, izmir_staff, settings):
    assert settings.DEBUG is False
    response = sign_in(client)
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_SECURE is True


# --- CSRF -----------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(izmir_staff, izmir_teknoloji):
    client = Client(enforce_csrf_checks=True)
    client.force_login(izmir_staff)
    data = {"code": "X-1", "title": "Sahte", "lead_organization": izmir_teknoloji.pk, "status": "planned"}
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 403
    assert not Project.objects.exists()


# --- audit log ------------------------------------------------------------------


def test_sign_ins_failures_and_denials_are_logged_without_secrets(client, izmir_staff, outsider, caplog):
    caplog.set_level(logging.INFO, logger="kopru.audit")
    sign_in(client, password="s3cret-wrong")
    sign_in(client)
    client.force_login(outsider)
    client.get("/projects/")
    text = caplog.text
    assert "failed sign-in username='izmir.staff'" in text
    assert f"sign-in user={izmir_staff.pk}" in text
    assert f"access denied user={outsider.pk} path=/projects/" in text
    assert "s3cret-wrong" not in text
    assert "pw-for-tests" not in text


# --- error pages ----------------------------------------------------------------


def test_the_500_page_shows_an_error_id_that_the_log_holds(izmir_staff, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(izmir_staff)
    with mock.patch("projects.views.ProjectListView.get", side_effect=RuntimeError("boom")):
        response = client.get("/projects/")
    assert response.status_code == 500
    error_id = re.search(r"<code>([0-9a-f]{12})</code>", response.content.decode()).group(1)
    assert f"error id={error_id}" in caplog.text
    assert "Traceback" not in response.content.decode()
    assert "boom" not in response.content.decode()


def test_the_403_and_404_pages_show_no_traceback(client, outsider):
    client.force_login(outsider)
    for path in ("/projects/", "/no-such-page/"):
        body = client.get(path).content.decode()
        assert "Traceback" not in body


# --- deployment -----------------------------------------------------------------


def test_check_deploy_passes_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}},
        "DEBUG": "false",
        "SECRET_KEY": "x7#Kq9!vLm2@pR4$tW6^yZ8&bN1*cD3(eF5)gH7_jJ9+kL0-mM2=nP4?qS6",
        "ALLOWED_HOSTS": "kopru.example.org",
    }
    result = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_redirects_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/projects/").status_code == 301
    assert client.get("/health/").status_code == 200
