import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from core.apps import kopru_apps
from events.models import Event
from partnership.models import Protocol
from projects.models import Milestone, Project

pytestmark = pytest.mark.django_db

KOPRU_APPS = tuple(config.label for config in kopru_apps() if config.label != "core")


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for app in KOPRU_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_seed_demo_twice_gives_the_same_counts(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert first["projects.Project"] >= 12
    assert first["events.Event"] >= 10
    assert first["transfers.KnowHowTransfer"] >= 15


def test_seed_demo_starts_from_the_real_protocol(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    protocol = Protocol.objects.get()
    assert protocol.signed_on.isoformat() == "2024-08-30"
    assert "Kültürpark" in protocol.signed_place
    assert set(protocol.parties.values_list("signatory_name", flat=True)) == {"Dr. Cemil Tugay", "Ekrem İmamoğlu"}
    assert Event.objects.filter(title="ITS European Congress 2026", starts_at__date="2026-04-27").exists()
    assert Milestone.objects.overdue().exists()
    assert set(Project.objects.values_list("status", flat=True)) == {
        "proposed",
        "planned",
        "active",
        "on_hold",
        "completed",
        "cancelled",
    }
    assert all("[Demo]" in p.description for p in Project.objects.all())


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert not Project.objects.exists()


def test_seed_demo_runs_with_force_and_prints_logins(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    for login in ("admin", "manager", "izmir.staff", "isbak.staff"):
        assert login in out
