"""The Turkish catalogue is exactly what `make messages` makes of the code: every string the code
marks is in it and translated, and it holds no stale one, so running `make messages` loses nothing.

Strings only another package shows, or that Köprü keeps over another package's wording, are
marked in `core/i18n.py`; that is how they stay in the catalogue.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = Path("locale/tr/LC_MESSAGES/django.po")

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("git") is None, reason="needs GNU gettext and git"
)


def entries(po: Path) -> dict[tuple[str | None, str], str]:
    """{(context, msgid): translation (the singular one for a plural)} of a .po file."""
    found = {}
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        parts, current = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if keyword := re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\]) "(.*)"$', line):
                current = keyword.group(1)
                parts[current] = keyword.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid"):
            found[parts.get("msgctxt"), parts["msgid"]] = parts.get("msgstr", parts.get("msgstr[0]", ""))
    return found


def makemessages_arguments() -> list[str]:
    """The arguments `make messages` gives makemessages, read from the Makefile (one definition)."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "makemessages" in line)
    return shlex.split(line.split("manage.py", 1)[1])


def test_make_messages_would_change_no_entry_of_the_catalogue(tmp_path):
    git = shutil.which("git")
    files = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout  # noqa: S603
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / name)
    subprocess.run(  # noqa: S603 - this Python, manage.py and the Makefile's own arguments
        [sys.executable, "manage.py", *makemessages_arguments()],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": "messages"},  # where shutil.which found gettext
        capture_output=True,
        check=True,
    )
    committed, made = entries(ROOT / CATALOGUE), entries(tmp_path / CATALOGUE)
    assert sorted(set(made) - set(committed), key=str) == [], "marked in the code, missing from the catalogue"
    assert sorted(set(committed) - set(made), key=str) == [], "in the catalogue, no longer in the code"
    assert [key for key, translation in committed.items() if not translation] == []
