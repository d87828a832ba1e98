#!/usr/bin/env python3
"""Fail unless the code that decides access is covered 100%, line by line.

    pytest --cov --cov-report=json:coverage.json ...   # the total is gated by fail_under (pyproject.toml)
    python scripts/coverage_gate.py coverage.json

The total's gate (95%) is coverage's own `fail_under`. This script adds the stricter one:
every line of `core/access.py`, `core/roles.py` and `partnership/backends.py`, and of every
QuerySet method that narrows records to a user or an organization (`editable_by`,
`for_organization`, wherever an app's models define one), must have run. The methods are found
in the source itself, so a new app's are gated without editing this file; a file or method
that the report does not mention counts as a failure, so renaming one cannot pass silently.
"""

import argparse
import ast
import json
import sys
from pathlib import Path

ACCESS_FILES = ["core/access.py", "core/roles.py", "partnership/backends.py"]
ACCESS_METHOD_NAMES = {"editable_by", "for_organization"}
ROOT = Path(__file__).resolve().parent.parent


def access_methods(root: Path = ROOT) -> dict[str, list[str]]:
    """{models file: ["SomeQuerySet.editable_by", …]} for every app's models in the repository."""
    found = {}
    for path in sorted([*root.glob("*/models.py"), *root.glob("*/models/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            f"{node.name}.{item.name}"
            for node in tree.body
            if isinstance(node, ast.ClassDef) and node.name.endswith("QuerySet")
            for item in node.body
            if isinstance(item, ast.FunctionDef) and item.name in ACCESS_METHOD_NAMES
        ]
        if names:
            found[path.relative_to(root).as_posix()] = names
    return found


def uncovered(report: dict, methods: dict[str, list[str]] | None = None) -> tuple[list[str], list[str]]:
    """(problems, checked) for a coverage JSON report: each problem names what is missing.

    `methods` is `access_methods()` unless given (tests give their own).
    """
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
    for path, names in (methods if methods is not None else access_methods()).items():
        data = files.get(path)
        if data is None or "functions" not in data:
            problems.append(f"{path}: not in the coverage report, or without per-function data (coverage >= 7.5)")
            continue
        for name in names:
            function = data["functions"].get(name)
            checked.append(f"{path}::{name}")
            if function is None:
                problems.append(f"{path}::{name}: not in the coverage report")
            elif function["missing_lines"]:
                problems.append(f"{path}::{name}: lines {format_lines(function['missing_lines'])} never ran")
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
