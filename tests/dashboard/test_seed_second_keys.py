"""The demo data shows the second key and the baselines: make run has all of it to click through."""

import pytest
from django.core.management import call_command

from dashboard.models import PeriodBaseline
from projects.choices import ConfirmationState
from projects.models import Milestone
from transfers.models import KnowHowTransfer

pytestmark = pytest.mark.django_db


def test_the_demo_has_confirmed_disputed_and_waiting_work_and_two_closed_quarters(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    states = set(Milestone.objects.values_list("confirmation_state", flat=True))
    assert {ConfirmationState.AWAITING, ConfirmationState.CONFIRMED, ConfirmationState.DISPUTED} <= states
    assert KnowHowTransfer.objects.confirmed().exists()
    assert KnowHowTransfer.objects.unconfirmed().exists()
    closed = list(PeriodBaseline.objects.standing().order_by("year", "quarter"))
    assert len(closed) == 2
    assert all(baseline.quarter for baseline in closed)
    call_command("seed_demo", verbosity=0)  # again: nothing more
    assert PeriodBaseline.objects.count() == 2
