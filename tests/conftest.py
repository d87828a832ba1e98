"""The named cast every test draws from, as in shared/CONVENTIONS.md, and shared test helpers."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from core.roles import MANAGERS_GROUP, STAFF_GROUP
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


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
