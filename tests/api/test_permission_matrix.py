"""Every API endpoint × every role × every method: the answer each must get, from the pages' rule.

The endpoints are collected from the URLconf, so a new one without a row in EXPECTED fails
`test_every_api_endpoint_has_an_expected_answer`. Records belong to İzmir Teknoloji alone:
İSBAK staff may read them but not change them, as on the pages (tests/test_permission_matrix.py).
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.api.conftest import token_for
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    TechnologyProductFactory,
)

ROLES = ["anonymous", "outsider", "izmir_staff", "isbak_staff", "manager", "administrator"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def answers(anonymous, outsider, izmir, isbak, manager, admin):
    return dict(zip(ROLES, (anonymous, outsider, izmir, isbak, manager, admin), strict=True))


READ = answers(401, 403, 200, 200, 200, 200)
NOT_ALLOWED = answers(401, 403, 405, 405, 405, 405)
INVALID = answers(401, 403, 400, 400, 400, 400)  # an empty body is refused with field errors
EDIT_IZMIR = answers(401, 403, 200, 403, 200, 200)  # PATCH {}: nothing to change, so it is valid
PUT_IZMIR = answers(401, 403, 400, 403, 400, 400)  # PUT {}: the required fields are missing
MANAGERS = answers(401, 403, 403, 403, 200, 200)
MANAGERS_NOT_ALLOWED = answers(401, 403, 403, 403, 405, 405)
PUBLIC = answers(200, 200, 200, 200, 200, 200)
PUBLIC_NOT_ALLOWED = answers(405, 405, 405, 405, 405, 405)

READ_ONLY_LIST = {"GET": READ, "POST": NOT_ALLOWED, "PUT": NOT_ALLOWED, "PATCH": NOT_ALLOWED, "DELETE": NOT_ALLOWED}
READ_ONLY_DETAIL = READ_ONLY_LIST
WRITE_LIST = {**READ_ONLY_LIST, "POST": INVALID}
WRITE_DETAIL = {**READ_ONLY_DETAIL, "PUT": PUT_IZMIR, "PATCH": EDIT_IZMIR}

EXPECTED = {
    "api:organization-list": READ_ONLY_LIST,
    "api:organization-detail": READ_ONLY_DETAIL,
    "api:protocol-list": READ_ONLY_LIST,
    "api:protocol-detail": READ_ONLY_DETAIL,
    "api:article-list": READ_ONLY_LIST,
    "api:article-detail": READ_ONLY_DETAIL,
    "api:product-list": READ_ONLY_LIST,
    "api:product-detail": READ_ONLY_DETAIL,
    "api:project-list": WRITE_LIST,
    "api:project-detail": WRITE_DETAIL,
    "api:milestone-list": READ_ONLY_LIST,
    "api:milestone-detail": READ_ONLY_DETAIL,
    "api:progressupdate-list": WRITE_LIST,  # logged, never edited
    "api:progressupdate-detail": READ_ONLY_DETAIL,
    "api:event-list": WRITE_LIST,
    "api:event-detail": WRITE_DETAIL,
    "api:knowhowtransfer-list": WRITE_LIST,
    "api:knowhowtransfer-detail": WRITE_DETAIL,
    "api:productadoption-list": WRITE_LIST,
    "api:productadoption-detail": WRITE_DETAIL,
    "api:dashboard": dict.fromkeys(METHODS, MANAGERS_NOT_ALLOWED) | {"GET": MANAGERS},
    "api:schema": dict.fromkeys(METHODS, PUBLIC_NOT_ALLOWED) | {"GET": PUBLIC},
    "api:docs": dict.fromkeys(METHODS, PUBLIC_NOT_ALLOWED) | {"GET": PUBLIC},
}


def api_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace == "api":
                yield f"api:{pattern.name}"

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_api_endpoint_has_an_expected_answer():
    assert set(api_url_names()) - set(EXPECTED) == set(), "add the new endpoint to EXPECTED"
    assert set(EXPECTED) - set(api_url_names()) == set(), "remove an endpoint that no longer exists"


@pytest.fixture
def world(izmir_teknoloji, isbak, izmir_staff, isbak_staff, manager, administrator, outsider):
    protocol = ProtocolFactory()
    third = OrganizationFactory(name="Üçüncü Kurum A.Ş.", short_name="Üçüncü")
    project = ProjectFactory(lead_organization=izmir_teknoloji)
    product = TechnologyProductFactory(organization=izmir_teknoloji)
    records = {
        "organization": izmir_teknoloji,
        "protocol": protocol,
        "article": ProtocolArticleFactory(protocol=protocol),
        "product": product,
        "project": project,
        "milestone": MilestoneFactory(project=project),
        "progressupdate": ProgressUpdateFactory(project=project),
        "event": EventFactory(organizers=[izmir_teknoloji]),
        "knowhowtransfer": KnowHowTransferFactory(provider=izmir_teknoloji, recipient=third),
        "productadoption": ProductAdoptionFactory(product=product, adopter=third),
    }
    users = {
        "anonymous": None,
        "outsider": outsider,
        "izmir_staff": izmir_staff,
        "isbak_staff": isbak_staff,
        "manager": manager,
        "administrator": administrator,
    }
    return {"records": records, "tokens": {role: user and token_for(user) for role, user in users.items()}}


def url_for(name, world):
    if name.endswith("-detail"):
        record = world["records"][name.removeprefix("api:").removesuffix("-detail")]
        return reverse(name, args=[record.pk])
    return reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_answer_from_the_api(world, name):
    surprises = []
    url = url_for(name, world)
    for method in METHODS:
        for role in ROLES:
            client = APIClient()
            if world["tokens"][role]:
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][role]}")
            response = getattr(client, method.lower())(url, {} if method != "GET" else None, format="json")
            expected = EXPECTED[name][method][role]
            if response.status_code != expected:
                surprises.append(f"{method} {url} as {role}: {response.status_code}, expected {expected}")
    assert surprises == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name, methods in EXPECTED.items() if methods["GET"] == READ))
def test_a_read_only_token_reads_but_changes_nothing(api_for, izmir_staff, world, name):
    api = api_for(izmir_staff, read_only=True)
    url = url_for(name, world)
    assert api.get(url).status_code == 200
    for method in ("post", "put", "patch"):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 403, f"{method} {url}: {response.status_code}"
