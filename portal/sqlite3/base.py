"""Django's SQLite backend, for DEBUG off: it opens the file only if it exists (SQLite's
mode=rw, set in portal/settings.py) and says so plainly when it does not, instead of
SQLite's bare "unable to open database file"."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError as error:
            path = Path(unquote(urlparse(str(conn_params["database"])).path))
            if not str(conn_params["database"]).startswith("file:/") or path.exists():
                raise
            raise base.Database.OperationalError(
                f"The SQLite database file {path} does not exist. With DEBUG off the portal "
                "never creates an empty database in place of a missing one: check "
                "DATABASE_URL and that its disk is mounted. For a new installation, create "
                f"the file once: touch {path}"
            ) from error
