"""Sections that higher layers add to a project's page.

Projects may not import events or transfers (the layers point upwards only), yet
a project's page shows its related events and transfers. So those apps register
a panel here from their AppConfig.ready(), and the project page renders whatever
is registered. Each panel costs its own single query.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template_name: str
    items: list = field(default_factory=list)


_panels: list[Callable] = []


def register_project_panel(build: Callable) -> Callable:
    """Register `build(project) -> Panel`; usable as a decorator."""
    if build not in _panels:
        _panels.append(build)
    return build


def panels_for(project) -> list[Panel]:
    return [build(project) for build in _panels]
