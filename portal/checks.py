"""System checks of the portal's own settings."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.checks import Error, Tags, register


def sqlite_file(database):
    """The file of an SQLite database opened with mode=rw (portal/settings.py), or None."""
    name = str(database["NAME"])
    if database["ENGINE"] != "django.db.backends.sqlite3" or not name.startswith("file:"):
        return None
    if "mode=rw" not in name:
        return None
    return Path(unquote(urlparse(name).path))


@register(Tags.database)
def check_sqlite_file_exists(app_configs, databases=None, **kwargs):
    """Run by `migrate` (and `check --database default`): name the missing file and the
    way to create it, instead of SQLite's bare "unable to open database file"."""
    errors = []
    for alias in databases or ():
        path = sqlite_file(settings.DATABASES[alias])
        if path is not None and not path.exists():
            errors.append(
                Error(
                    f"The SQLite database file {path} does not exist.",
                    hint=(
                        "With DEBUG off the portal never creates an empty database in place "
                        "of a missing one. Check DATABASE_URL and that its disk is mounted; "
                        f"for a new installation create the file once: touch {path}"
                    ),
                    id="portal.E001",
                )
            )
    return errors
