"""docs/adding-a-record-type.md names every file a new record type needs, and no other shared file names one.

The guide's own checklists are read here: each record app (one whose records follow the
"organizations take part" access rule, so its QuerySet has `for_organization`) must have every
file of the first list, and outside the four shared edits of the second list no shared module
or template may name a record app, because a new app would then have to edit it too.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core.apps import kopru_apps

ROOT = Path(settings.BASE_DIR)
GUIDE = (ROOT / "docs" / "adding-a-record-type.md").read_text(encoding="utf-8")


def checklist(name: str) -> list[str]:
    """The leading `path` of each bullet in the guide's checklist `name` (bullets marked "(when needed)" left out)."""
    block = re.search(rf"<!-- checklist: {name} -->(.*?)<!-- end checklist -->", GUIDE, re.S).group(1)
    bullets = re.findall(r"^- (.*)$", block, re.M)
    return [
        path
        for bullet in bullets
        if "(when needed)" not in bullet
        for path in re.findall(r"`([^`]+)`", bullet.split(":")[0])
    ]


RECORD_APPS = [
    config
    for config in kopru_apps()
    if any(hasattr(model._default_manager, "for_organization") for model in config.get_models())
]


def test_the_record_apps_are_found():
    assert {config.label for config in RECORD_APPS} >= {"projects", "events", "transfers"}


@pytest.mark.parametrize("config", RECORD_APPS, ids=lambda config: config.label)
def test_each_record_app_has_every_file_the_guide_names(config):
    models = [model._meta.model_name for model in config.get_models() if not model.__name__.startswith("Historical")]
    missing = []
    for pattern in checklist("own files"):
        candidates = [pattern.replace("<app>", config.label).replace("<model>", model) for model in models]
        if not any((ROOT / candidate).exists() for candidate in candidates):
            missing.append(pattern)
    assert missing == []


# The shared machinery and the layout, below every record app: what a new app must not have to edit.
# Apps above the record apps (dashboard, api, public) read them by design and are not scanned.
SHARED = [
    "core/**/*.py",
    "partnership/**/*.py",
    "templates/*.html",
    "templates/generic/*.html",
    "templates/includes/*.html",
    "templates/partnership/*.html",
    "templates/registration/*.html",
]


def shared_sources():
    """The shared code and templates, less the files the guide's shared edits name."""
    edits = set(checklist("shared edits"))
    for pattern in SHARED:
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative.as_posix() in edits:
                continue
            yield relative, path.read_text(encoding="utf-8")


def test_no_shared_module_or_template_names_a_record_app():
    labels = "|".join(config.label for config in RECORD_APPS)
    naming = re.compile(rf"""["'](?:{labels})["':.]|\b(?:from|import) (?:{labels})\b""")
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in shared_sources()
        for number, line in enumerate(text.splitlines(), 1)
        if naming.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == [], "\n".join(found)


def test_the_shared_edits_are_the_four_the_guide_promises():
    assert checklist("shared edits") == [
        "partnership/settings.py",
        "partnership/urls.py",
        "templates/base.html",
        "pyproject.toml",
    ]
