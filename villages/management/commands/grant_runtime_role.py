"""Give the portal's runtime database role what it needs, and nothing more.

Run as the owner of the tables, after every `migrate`: the owner migrates; the portal
connects as the runtime role, which may SELECT, INSERT, UPDATE and DELETE rows (the
triggers still refuse changes to what is published) but cannot TRUNCATE, ALTER, DROP,
create tables or switch triggers off. PostgreSQL only.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

GRANTS = [
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    # Tables later migrations create get the same, without waiting for this command.
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
    " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
]


def grant_runtime_role(role):
    """Run the grants on the default connection (the owner's)."""
    if connection.vendor != "postgresql":
        raise CommandError("Database roles are a PostgreSQL matter.")
    quote = connection.ops.quote_name
    names = {"role": quote(role), "database": quote(connection.settings_dict["NAME"])}
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in GRANTS:
            cursor.execute(statement.format(**names))


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("role", help="The runtime role (it must exist, with LOGIN).")

    def handle(self, *args, role, **options):
        grant_runtime_role(role)
        self.stdout.write(f"{role} may read and write rows; nothing else.")
