#!/usr/bin/env python3
"""Fail unless the code that decides access is covered 100%, line by line.

    pytest --cov --cov-report=json:coverage.json ...   # the total is gated by fail_under (pyproject.toml)
    python scripts/coverage_gate.py coverage.json

The total's gate (95%) is coverage's own `fail_under`. This script adds the stricter one:
every line of `core/access.py`, `core/roles.py` and `partnership/backends.py`, and of every
QuerySet method that narrows records to a user or an organization (`editable_by`,
`for_organization`, wherever a model defines one), must have run. A file or method that
the report does not mention counts as a failure, so renaming one cannot pass silently.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ACCESS_FILES = ["core/access.py", "core/roles.py", "partnership/backends.py"]
ACCESS_METHODS = re.compile(r"QuerySet\.(editable_by|for_organization)$")
MODEL_FILES = re.compile(r"^(core|partnership|projects|events|transfers)/models(\.py|/.*\.py)$")
# editable_by of TakesPartQuerySet (projects, events, transfers), Protocol, Milestone and ProgressUpdate, and
# for_organization of Project, Event, KnowHowTransfer: fewer found means the report or the pattern lost some.
EXPECTED_METHODS = 7


def uncovered(report: dict) -> tuple[list[str], list[str]]:
    """(problems, checked) for a coverage JSON report: each problem names what is missing."""
    files = {path.replace("\\", "/"): data for path, data in report["files"].items()}
    problems, checked = [], []
    for path in ACCESS_FILES:
        data = files.get(path)
        if data is None:
            problems.append(f"{path}: not in the coverage report")
            continue
        checked.append(path)
        if data["missing_lines"]:
            problems.append(f"{path}: lines {format_lines(data['missing_lines'])} never ran")
    methods = 0
    for path, data in sorted(files.items()):
        if not MODEL_FILES.match(path):
            continue
        if "functions" not in data:
            problems.append(f"{path}: the report has no per-function data (coverage >= 7.5 writes it)")
            continue
        for name, function in sorted(data["functions"].items()):
            if not ACCESS_METHODS.search(name):
                continue
            methods += 1
            checked.append(f"{path}::{name}")
            if function["missing_lines"]:
                problems.append(f"{path}::{name}: lines {format_lines(function['missing_lines'])} never ran")
    if methods < EXPECTED_METHODS:
        problems.append(f"found {methods} editable_by/for_organization methods, expected at least {EXPECTED_METHODS}")
    return problems, checked


def format_lines(lines: list[int]) -> str:
    return ", ".join(str(line) for line in lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, nargs="?", default=Path("coverage.json"))
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print(f"coverage gate: no report at {args.report} (run pytest with --cov-report=json)", file=sys.stderr)
        return 2
    problems, checked = uncovered(json.loads(args.report.read_text()))
    if problems:
        print("coverage gate: the code that decides access is not fully covered:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"coverage gate: 100% of the access code is covered ({len(checked)} files and methods).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
