#!/usr/bin/env python
import os
import sys

# Commands that only read and write the code (migrations, translations), never serve,
# sign or read a session: they run without the production SECRET_KEY, e.g. CI's or a
# developer's `makemigrations --check` (portal/settings.py gives them a throwaway key).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ["PORTAL_CODE_ONLY_COMMAND"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
