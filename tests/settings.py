"""Test settings: the real settings, with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
# Production settings want a mail server; the tests' mail goes to Django's outbox (or tests/smtp.py).
# Set in the environment, so the settings tests' subprocesses start with it too.
os.environ.setdefault("EMAIL_URL", "consolemail://")

from partnership.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# The test client speaks plain HTTP; production's HTTPS redirect is tested on its own.
SECURE_SSL_REDIRECT = False
# The production task backend: tests run its worker in-process (`tests.tasks.run_tasks`), so a task
# runs as on a worker host, reading what was committed, and a deferred retry waits for its time.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
