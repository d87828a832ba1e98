"""Outside /public/, an anonymous visitor reaches nothing: every other URL of the URLconf is refused.

The URLs are collected as tests/test_permission_matrix.py collects them (and filled in with its
world), so a new URL is tried here without a change. Also: the public pages link to nothing else.
"""

import re

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.test_permission_matrix import url_for, url_names
from tests.test_permission_matrix import world as world  # noqa: PLC0414 - the matrix's fixture, reused

# Open to everyone on purpose, outside /public/: the sign-in page, the language switch, the load
# balancers' health check, and a mail's one-click unsubscribe link (its signed token is the key).
OPEN_ELSEWHERE = {"login", "set_language", "health", "notifications:unsubscribe"}


def public_names():
    return [name for name in url_names() if name.startswith("public:") and "publication_" not in name]


@pytest.mark.django_db
def test_every_non_public_url_is_refused_to_anonymous_visitors(world):
    login = reverse("login")
    let_in = []
    for name in url_names():
        if name in public_names() or name in OPEN_ELSEWHERE:
            continue
        url = url_for(name, world)
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            signed_in_first = response.status_code == 302 and response["Location"].startswith(login)
            if not (signed_in_first or response.status_code in (401, 403, 405)):
                let_in.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    assert let_in == []


@pytest.mark.django_db
def test_every_public_url_opens_to_anonymous_visitors(world):
    for name in public_names():
        url = url_for(name, world)
        assert Client().get(url).status_code == 200, name


@pytest.mark.django_db
def test_the_public_pages_link_only_to_public_pages_and_the_sign_in(world):
    allowed = set(public_names()) | {"login", "set_language"}
    found = set()
    for name in ("public:index", "public:project_detail", "public:event_detail", "public:data"):
        body = Client().get(url_for(name, world)).content.decode()
        for target in re.findall(r'(?:href|action)="(/[^"#]*)', body):
            if target.startswith("/static/"):
                continue
            try:
                match = resolve(target.split("?")[0])
            except Resolver404:
                pytest.fail(f"{name} links to {target}, which is no page")
            found.add(match.view_name)
    assert found <= allowed, found - allowed
    assert "public:project_detail" in found  # the published project is linked, so links were read
