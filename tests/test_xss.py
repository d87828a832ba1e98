"""What a user types is shown escaped on every page that shows it, and is never marked safe.

Each text field is filled with a payload followed by a short tag naming the field
(`<script>alert(1)</script>·pt` is the project's title), so a page that drops the
escaping shows the raw payload, and a page that should show a field but does not
is caught too. Chart data travels in `json_script` blocks, where JSON (with <, >
and & escaped) is the right encoding; those blocks are checked on their own.

A second test reads the source tree: nothing may switch escaping off except the
uses listed in SAFE_ALLOWLIST, each with the reason it is safe.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.apps import kopru_apps
from core.roles import MANAGERS_GROUP
from tests.factories import (
    EventFactory,
    KnowHowTransferFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProductAdoptionFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    ProtocolArticleFactory,
    ProtocolFactory,
    ProtocolPartyFactory,
    TechnologyProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
]
PAYLOAD_IDS = ["script-tag", "tag-breakout", "attribute-breakout"]
JSON_SCRIPT = re.compile(r'<script\b[^>]*type="application/json"[^>]*>(.*?)</script>', re.DOTALL)


class Typed:
    """The values of one payload, one per field tag, cut to fit each field."""

    def __init__(self, payload: str):
        self.payload = payload
        self.values: dict[str, str] = {}

    def __call__(self, tag: str, max_length: int = 1000) -> str:
        value = f"{self.payload}·{tag}"
        if len(value) > max_length:  # a short field (a project code) gets the bare payload
            value = self.payload[:max_length]
        self.values[tag] = value
        return value


def typed_records(payload: str):
    """Every record a page shows, each text field holding `payload` and its tag; returns (typed, records)."""
    typed = Typed(payload)
    org_a = OrganizationFactory(name=typed("oa-name"), short_name=typed("oa", 50))
    org_b = OrganizationFactory(name=typed("ob-name"), short_name=typed("ob", 50))
    manager = UserFactory(username="xss.manager", first_name=typed("user", 150), last_name="Test")
    MembershipFactory(user=manager, organization=org_a, job_title=typed("job", 150))
    manager.groups.add(Group.objects.get_or_create(name=MANAGERS_GROUP)[0])

    protocol = ProtocolFactory(
        title=typed("pr-title"), number=typed("pr-no", 50), signed_place=typed("pr-place"), summary=typed("pr-sum")
    )
    ProtocolPartyFactory(
        protocol=protocol, organization=org_a, signatory_name=typed("sig-a"), signatory_title=typed("sig-title")
    )
    ProtocolPartyFactory(protocol=protocol, organization=org_b, signatory_name=typed("sig-b"))
    article = ProtocolArticleFactory(protocol=protocol, number=1, title=typed("art"), text=typed("art-text"))
    product = TechnologyProductFactory(organization=org_a, name=typed("prod"), description=typed("prod-desc"))

    today = timezone.localdate()
    project = ProjectFactory(
        code=typed("c", 30),
        title=typed("pt-before"),
        description=typed("pd"),
        lead_organization=org_a,
        owner=manager,
        status="active",
    )
    project.title = typed("pt")  # an edit, so the change history shows a before and an after
    project.save()
    project.articles.set([article])
    project.products.set([product])
    ProjectPartnerFactory(project=project, organization=org_b, contribution=typed("contrib"))
    MilestoneFactory(
        project=project, title=typed("ms"), deliverable=typed("deliv", 250), due_on=today - timedelta(days=3)
    )
    ProgressUpdateFactory(
        project=project,
        author=manager,
        health="at_risk",
        done=typed("done"),
        next_steps=typed("next"),
        blockers=typed("block"),
        reported_on=today - timedelta(days=40),
    )
    project.health, project.last_update_on = "at_risk", today - timedelta(days=40)
    project.save()

    event = EventFactory(
        title=typed("ev"),
        description=typed("ev-desc"),
        city=typed("city", 100),
        venue=typed("venue"),
        outcome=typed("ev-out"),
        starts_at=timezone.now() + timedelta(days=5),
        organizers=[org_a],
    )
    event.projects.set([project])
    event.articles.set([article])
    transfer = KnowHowTransferFactory(
        title=typed("tr"),
        description=typed("tr-desc"),
        outcome=typed("tr-out"),
        provider=org_a,
        recipient=org_b,
        product=product,
        project=project,
        started_on=today - timedelta(days=10),
    )
    transfer.articles.set([article])
    ProductAdoptionFactory(
        product=product, adopter=org_b, adopter_city=typed("adopt-city", 100), notes=typed("notes"), transfer=transfer
    )
    return typed, {"manager": manager, "project": project, "event": event, "transfer": transfer}


def pages(records) -> tuple[list[tuple[str, str, set[str]]], set[str]]:
    """(name, URL, tags whose values the page must show) for every page that shows typed text."""
    project, event, transfer = records["project"], records["event"], records["transfer"]
    org_tags = {"oa", "ob"}
    everywhere = {"user", "oa"}  # the navigation bar names the signed-in user and their organization
    return [
        ("home", reverse("dashboard:home"), {"oa-name", "c", "pt", "ms", "ev", "city"}),
        (
            "protocol",
            reverse("partnership:protocol_detail"),
            {"pr-title", "pr-no", "pr-place", "pr-sum", "oa-name", "ob-name", "sig-a", "sig-b", "sig-title"}
            | {"art", "art-text"},
        ),
        ("project list", reverse("projects:project_list"), {"c", "pt"} | org_tags),
        ("milestone list", reverse("projects:milestone_list"), {"c", "ms", "deliv"}),
        (
            "project page",
            project.get_absolute_url(),
            {"c", "pt", "pd", "contrib", "ms", "deliv", "done", "next", "block", "art", "prod"} | org_tags,
        ),
        (
            "project page, the part it loads",
            reverse("projects:project_related", args=[project.pk]),
            {"c", "pt", "pt-before"} | {"ev", "tr"},  # the history, the events and transfers panels
        ),
        (
            "project edit",
            reverse("projects:project_update", args=[project.pk]),
            {"c", "pt", "pd", "contrib", "ms", "deliv", "art", "prod"} | org_tags,
        ),
        ("project create", reverse("projects:project_create"), {"art", "prod"} | org_tags),
        ("progress update", reverse("projects:progressupdate_create", args=[project.pk]), {"c", "pt"}),
        ("event list", reverse("events:event_list"), {"ev", "city", "venue", "oa"}),
        (
            "event page",
            event.get_absolute_url(),
            {"ev", "ev-desc", "city", "venue", "ev-out", "oa-name", "c", "pt", "art"},
        ),
        (
            "event edit",
            reverse("events:event_update", args=[event.pk]),
            {"ev", "ev-desc", "city", "venue", "ev-out", "c", "pt", "art"} | org_tags,
        ),
        ("event create", reverse("events:event_create"), {"c", "pt", "art"} | org_tags),
        ("transfer list", reverse("transfers:knowhowtransfer_list"), {"tr", "prod"} | org_tags),
        (
            "transfer page",
            transfer.get_absolute_url(),
            {"tr", "tr-desc", "tr-out", "prod", "c", "pt", "art", "adopt-city"} | org_tags,
        ),
        (
            "transfer edit",
            reverse("transfers:knowhowtransfer_update", args=[transfer.pk]),
            {"tr", "tr-desc", "tr-out", "prod", "c", "pt", "art"} | org_tags,
        ),
        ("transfer create", reverse("transfers:knowhowtransfer_create"), {"prod", "c", "pt", "art"} | org_tags),
        ("calendar subscription", reverse("events:calendar_subscription"), set()),
        ("dashboard", "/dashboard/", {"pt", "ms"}),
        ("report", "/reports/", set()),
    ], everywhere


def problems_on(name: str, html: str, typed: Typed, expected: set[str]) -> list[str]:
    """Everything wrong with one page: a raw payload, a missing escaped value, an unsafe JSON block."""
    problems = []
    for block in JSON_SCRIPT.findall(html):
        if "<" in block or ">" in block:
            problems.append(f"{name}: a json_script block holds a raw < or >")
        json.loads(block)
    html = JSON_SCRIPT.sub("", html)
    if typed.payload in html:
        at = html.index(typed.payload)
        problems.append(f"{name}: raw payload at …{html[max(0, at - 80) : at + 40]!r}")
    for tag in sorted(expected):
        if escape(typed.values[tag]) not in html:
            problems.append(f"{name}: {tag} is not shown escaped")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_typed_text_is_shown_escaped_on_every_page(client, payload):
    typed, records = typed_records(payload)
    client.force_login(records["manager"])
    page_list, everywhere = pages(records)
    problems, seen = [], 0
    for name, url, expected in page_list:
        response = client.get(url)
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        problems += problems_on(name, response.text, typed, expected | everywhere)
        seen += 1
    assert problems == []
    assert seen == len(page_list) >= 17


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_search_term_is_shown_escaped(client, manager, payload):
    client.force_login(manager)
    typed = Typed(payload)
    term = typed("q")
    for url in [
        reverse("projects:project_list"),
        reverse("projects:milestone_list"),
        reverse("events:event_list"),
        reverse("transfers:knowhowtransfer_list"),
    ]:
        response = client.get(url, {"q": term, "sort": term, "page": term})
        assert response.status_code in {200, 404}
        if response.status_code == 200:
            assert problems_on(url, response.text, typed, {"q"}) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_the_saved_message_shows_the_typed_title_escaped(client, manager, izmir_teknoloji, payload):
    client.force_login(manager)
    typed = Typed(payload)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        reverse("events:event_create"),
        {
            "kind": "workshop",
            "title": typed("ev"),
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "city": typed("city", 100),
            "organizers": [izmir_teknoloji.pk],
        },
        follow=True,
    )
    assert response.redirect_chain, "the event was not saved"
    assert problems_on("event saved", response.text, typed, {"ev", "city"}) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_an_invalid_form_shows_the_typed_values_escaped(client, manager, payload):
    client.force_login(manager)
    typed = Typed(payload)
    response = client.post(
        reverse("transfers:knowhowtransfer_create"),
        {"title": typed("tr"), "description": typed("tr-desc"), "hours": typed("hours"), "started_on": typed("d")},
    )
    assert response.status_code == 200
    assert problems_on("invalid transfer", response.text, typed, {"tr", "tr-desc", "hours", "d"}) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_failed_sign_in_shows_the_typed_username_escaped(client, payload):
    typed = Typed(payload)
    response = client.post(reverse("login"), {"username": typed("u", 150), "password": "wrong"})
    assert response.status_code == 200
    assert problems_on("login", response.text, typed, {"u"}) == []


def test_a_javascript_link_cannot_be_saved_as_an_events_online_link(client, manager, izmir_teknoloji):
    client.force_login(manager)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        reverse("events:event_create"),
        {
            "kind": "workshop",
            "title": "Çevrim içi",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "is_online": "on",
            "online_url": "javascript:alert(1)",
            "organizers": [izmir_teknoloji.pk],
        },
    )
    assert response.status_code == 200
    assert "online_url" in response.context["form"].errors


# --- nothing marks user data safe -----------------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
# Köprü's own code only: a virtualenv (under any name) holds other projects' templates.
SOURCE_DIRS = ["templates", "scripts", *(config.label for config in kopru_apps())]
SKIPPED_DIRS = {"migrations"}
UNSAFE = re.compile(
    r"\|\s*safe(seq)?\b"  # the safe / safeseq filters
    r"|\{%\s*autoescape\s+off"  # escaping switched off for a block
    r"|\{%\s*filter\s+[^%]*\bsafe"  # {% filter safe %}
    r"|\bmark_safe\b|\bSafeString\b|\bSafeText\b|\bSafeData\b"  # Python that declares a string safe
    r"|\bformat_html(_join)?\b"  # safe when the format is a constant; reviewed one by one below
    r"|\bhtml_safe\b|__html__"  # classes that render themselves as safe HTML
    r"|is_safe\s*=\s*True|needs_autoescape"  # filters that take over escaping
    r"|\ballow_tags\b"
)
# "path text" (no line number, so edits elsewhere in the file keep the entry) → why that use is safe.
# Only table cells use format_html: a constant format, and format_html escapes every argument.
_CELL = "a table cell: constant format, every argument escaped by format_html"
_IMPORT = "the import of format_html for the cells below"
_MAIL_TEXT = "the plain-text part of an e-mail: no browser renders it, and escaping would show &amp; to the reader"
SAFE_ALLOWLIST: dict[str, str] = {
    "events/tables.py from django.utils.html import format_html": _IMPORT,
    "events/tables.py venue = format_html('<span class=\"d-block small text-body-secondary\">{}</span>', "
    "record.venue)": _CELL,
    'events/tables.py online = format_html(\' <span class="badge text-bg-info">{}</span>\', _("Online")) '
    'if record.is_online else ""': _CELL,
    'events/tables.py return format_html("{}{}{}", record.city, venue, online)': _CELL,
    "core/tables.py page's time (bench/README.md). Here the cells are `format_html` calls, the `<td>` "
    "attributes": "the module's docstring",
    "core/tables.py from django.utils.html import format_html": _IMPORT,
    "core/tables.py return format_html('<span class=\"badge {}\">{}</span>', badge_class(stored), value)": _CELL,
    'core/tables.py return format_html(self.cell, value, _("Percent complete"), percent(value))': _CELL
    + " (the progress bar; `cell` is the class's constant)",
    "projects/tables.py from django.utils.html import format_html": _IMPORT,
    "projects/tables.py return format_html('<span class=\"badge text-bg-light border\">{}</span>', "
    '_("no report yet"))': _CELL,
    "projects/tables.py return format_html('{} <span class=\"badge text-bg-danger\">{}</span>', short_date(value), "
    '_("Overdue"))': _CELL,
    "templates/notifications/email/digest.txt {% load i18n %}{% autoescape off %}"
    "{% blocktranslate with name=recipient.get_full_name|default:recipient.get_username %}"
    "Hello {{ name }},{% endblocktranslate %}": _MAIL_TEXT,
    "templates/notifications/email/notification.txt {% load i18n %}{% autoescape off %}"
    "{% blocktranslate with name=recipient.get_full_name|default:recipient.get_username %}"
    "Hello {{ name }},{% endblocktranslate %}": _MAIL_TEXT,
    "templates/webhooks/email/disabled.txt {% load i18n %}{% autoescape off %}"
    "{% blocktranslate with url=endpoint.url %}"
    "Your webhook endpoint {{ url }} took no delivery for a day,"
    " so Köprü switched it off and stopped sending to it.{% endblocktranslate %}"
    "": _MAIL_TEXT,
}


def source_files():
    paths = sorted(path for folder in SOURCE_DIRS for path in (ROOT / folder).rglob("*"))
    for path in paths:
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIPPED_DIRS or path.suffix not in {".py", ".html", ".txt", ".xml"} or not path.is_file():
            continue
        yield path


def unsafe_uses() -> list[str]:
    found = []
    for path in source_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if UNSAFE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number} {line.strip()}")
    return found


def test_nothing_in_the_source_switches_escaping_off():
    unlisted = [use for use in unsafe_uses() if re.sub(r":\d+ ", " ", use, count=1) not in SAFE_ALLOWLIST]
    assert unlisted == []


def test_format_html_is_never_given_a_preformatted_string():
    # format_html escapes its arguments, not its format: an f-string or %-formatted format is raw HTML.
    misuse = re.compile(r"format_html\(\s*(f[\"']|[\"'][^\"']*[\"']\s*%|[\"'][^\"']*[\"']\s*\.format\()")
    found = [line for line in unsafe_uses() if misuse.search(line)]
    assert found == []


def test_the_source_scan_finds_what_it_looks_for(tmp_path):
    # The scan above passes on an empty tree too; prove its pattern catches each way of marking text safe.
    samples = [
        "{{ project.title|safe }}",
        "{{ items|safeseq }}",
        "{% autoescape off %}",
        "{% filter safe %}",
        "return mark_safe(value)",
        "SafeString(value)",
        "format_html(f'<b>{x}</b>')",
        "@register.filter(is_safe=True)",
    ]
    assert all(UNSAFE.search(sample) for sample in samples)
    assert not UNSAFE.search("{{ project.title }} {{ chart_data|json_script:'data' }}")
    assert len(list(source_files())) > 50
