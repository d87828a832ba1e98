"""Production settings refuse to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(*args, **env):
    """`python *args` from the project's folder, with only `env` for the key, DEBUG and settings module."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(  # noqa: S603 - a fixed command line, run from the tests
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def run_settings(**env):
    return run_python("-c", "import partnership.settings", **env)


def test_production_settings_refuse_to_start_without_secret_key():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = run_settings(DEBUG="false", SECRET_KEY="a-real-secret-from-the-environment")
    assert result.returncode == 0, result.stderr


def test_debug_settings_start_without_a_secret_key():
    result = run_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_istanbul_time_and_turkish_first(settings):
    assert settings.TIME_ZONE == "Europe/Istanbul"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "tr"
    assert [code for code, _ in settings.LANGUAGES] == ["tr", "en"]


def test_the_system_checks_with_the_database_find_nothing_to_warn_about():
    # `make run` runs them with the database: covering indexes must not warn on SQLite.
    from django.core.management import call_command

    call_command("check", "--database", "default", "--fail-level", "WARNING")  # raises on any warning


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


def test_checking_for_missing_migrations_needs_no_secret_key():
    # It used to fail with Django's misleading "AppRegistryNotReady: Models aren't loaded yet".
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_other_commands_without_a_secret_key_say_what_is_missing():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "AppRegistryNotReady" not in result.stderr
