"""The coverage gate finds the access code by itself and fails when any of it never ran."""

from scripts.coverage_gate import ACCESS_FILES, access_methods, uncovered


def covered(missing: list[int] | None = None) -> dict:
    return {"missing_lines": missing or []}


def report_for(methods: dict[str, list[str]], missing: list[int] | None = None) -> dict:
    files = {path: covered() for path in ACCESS_FILES}
    for path, names in methods.items():
        files[path] = {**covered(), "functions": {name: covered(missing) for name in names}}
    return {"files": files}


def test_it_finds_every_apps_access_methods_in_the_source():
    found = access_methods()
    assert "ProjectQuerySet.for_organization" in found["projects/models.py"]
    assert "TakesPartQuerySet.editable_by" in found["core/models.py"]
    assert sum(len(names) for names in found.values()) >= 7


def test_it_passes_when_every_access_line_ran():
    methods = {"newapp/models.py": ["DecisionQuerySet.editable_by"]}
    problems, checked = uncovered(report_for(methods), methods)
    assert problems == []
    assert "newapp/models.py::DecisionQuerySet.editable_by" in checked


def test_it_fails_for_a_method_with_lines_that_never_ran():
    methods = {"newapp/models.py": ["DecisionQuerySet.editable_by"]}
    problems, _ = uncovered(report_for(methods, missing=[12]), methods)
    assert problems == ["newapp/models.py::DecisionQuerySet.editable_by: lines 12 never ran"]


def test_it_fails_for_a_method_the_report_does_not_mention():
    methods = {"newapp/models.py": ["DecisionQuerySet.editable_by"]}
    report = report_for({"newapp/models.py": []})
    problems, _ = uncovered(report, methods)
    assert problems == ["newapp/models.py::DecisionQuerySet.editable_by: not in the coverage report"]
