#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only read the code (models, migrations, message catalogues): they never sign
# anything, so they run without a SECRET_KEY in the environment, as they would on a fresh clone.
CODE_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "makemessages", "compilemessages"}
CODE_ONLY_KEY = "code-only-command-placeholder-that-signs-nothing"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", CODE_ONLY_KEY)
        os.environ.setdefault("EMAIL_URL", "consolemail://")  # nor send any mail
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
