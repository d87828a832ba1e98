"""What the tests of closed periods share: last year's first two quarters, with milestones reached in them."""

from datetime import date

import pytest
from django.utils import timezone

from dashboard.queries import Period
from tests.factories import MilestoneFactory, ProjectFactory

YEAR = timezone.localdate().year - 1
Q1, Q2 = Period(YEAR, 1), Period(YEAR, 2)


@pytest.fixture
def quarters(db):
    """One milestone reached in Q1 of last year, two in Q2, and the projects that started then."""
    project = ProjectFactory(code="B1", actual_start=date(YEAR, 1, 5))
    MilestoneFactory(project=project, title="Birinci", due_on=date(YEAR, 2, 1), completed_on=date(YEAR, 2, 1))
    for day in (3, 4):
        MilestoneFactory(
            project=project, title=f"Nisan {day}", due_on=date(YEAR, 4, day), completed_on=date(YEAR, 4, day)
        )
    return project
