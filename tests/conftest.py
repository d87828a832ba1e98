"""The named cast every test draws from, as in shared/CONVENTIONS.md, and shared test helpers.

Also the run-wide settings that must be in place before any test module is imported: the Hypothesis
profiles (how many inputs the form fuzzer sends) and the end-of-run note on skipped browser tests.
"""

import csv
import io
import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from core.roles import MANAGERS_GROUP, STAFF_GROUP
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# Hypothesis: CI sends every form 1,000 generated inputs (HYPOTHESIS_PROFILE=ci, set by .ci/run); an
# everyday `make test` sends DEV_EXAMPLES, which keeps the whole run under 10 minutes on two cores.
# The inputs are derandomized: a given count sends the same inputs on every run and every machine.
# tests/test_fuzz_forms.py reads its count from KOPRU_FUZZ_EXAMPLES, which still wins when set.
# 500, not fewer: each fuzz test also checks that every outcome it expects (a save, a refusal) is
# reached at least once per 50 inputs, and at 200 or 300 the password change never saves often enough.
DEV_EXAMPLES = 500
hypothesis_settings.register_profile("ci", max_examples=1000)
hypothesis_settings.register_profile("dev", max_examples=DEV_EXAMPLES)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
os.environ.setdefault("KOPRU_FUZZ_EXAMPLES", str(hypothesis_settings.default.max_examples))

# The start of the reason every browser test is skipped with when Chromium is missing.
BROWSER_SKIP_PREFIX = "browser tests skipped. "


@pytest.fixture
def izmir_teknoloji(db):
    return OrganizationFactory(name="İzmir İnovasyon ve Teknoloji A.Ş.", short_name="İzmir Teknoloji")


@pytest.fixture
def isbak(db):
    return OrganizationFactory(name="İstanbul Bilişim ve Akıllı Kent Teknolojileri A.Ş.", short_name="İSBAK")


def _member(username, organization, group_name):
    user = UserFactory(username=username)
    if organization is not None:
        MembershipFactory(user=user, organization=organization)
    if group_name:
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


@pytest.fixture
def izmir_staff(izmir_teknoloji):
    """Ayşe, staff at İzmir Teknoloji."""
    return _member("izmir.staff", izmir_teknoloji, STAFF_GROUP)


@pytest.fixture
def isbak_staff(isbak):
    """Mehmet, staff at İSBAK."""
    return _member("isbak.staff", isbak, STAFF_GROUP)


@pytest.fixture
def manager(izmir_teknoloji):
    """Merve, a manager at İzmir Teknoloji: may change everything and sees the dashboard."""
    return _member("manager", izmir_teknoloji, MANAGERS_GROUP)


@pytest.fixture
def administrator(db):
    """An administrator of neither company."""
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Signed in, but a member of no organization: reads nothing."""
    return UserFactory(username="outsider")


@pytest.fixture
def client_for(client):
    """`client_for(user)` signs the test client in as that user (None stays anonymous)."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache. Cached figures are keyed by the data version,
    and a rolled-back test leaves the version where the next test finds it again."""
    cache.clear()


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Each test stores uploads in its own folder, so no test sees another's files."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ankara(db):
    """A third organization, party to no protocol: staff of the two parties may not edit its records."""
    return OrganizationFactory(name="Ankara Akıllı Şehir A.Ş.", short_name="Ankara AŞ")


@pytest.fixture
def client_in_english(client):
    """The test client reading pages in English, so assertions do not depend on the Turkish catalogue."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield client


def read_csv(response) -> list[list[str]]:
    """The rows of a streamed CSV export, which must start with the UTF-8 byte-order mark."""
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def pytest_terminal_summary(terminalreporter):
    """Say once at the end of the run, besides each test's `-rs` line, why the browser tests did not run.

    It reads the skip reports rather than a list kept by tests/browser/conftest.py: under pytest-xdist
    the tests run in worker processes, and only their reports come back to the process that prints.
    """
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if BROWSER_SKIP_PREFIX in reason:
            terminalreporter.write_sep("-", "browser tests skipped", yellow=True)
            terminalreporter.write_line(reason.split(BROWSER_SKIP_PREFIX, 1)[1])
            return
