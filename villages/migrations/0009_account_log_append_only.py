"""On PostgreSQL the account log (villages/security.py) is append-only: no UPDATE, DELETE
or TRUNCATE, whoever asks (the model refuses too, on every database)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION villages_account_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the account log is append-only: % refused', lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER securityevent_append_only BEFORE UPDATE OR DELETE ON villages_securityevent
    FOR EACH ROW EXECUTE FUNCTION villages_account_log_append_only();
CREATE TRIGGER securityevent_no_truncate BEFORE TRUNCATE ON villages_securityevent
    FOR EACH STATEMENT EXECUTE FUNCTION villages_account_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS securityevent_append_only ON villages_securityevent;
DROP TRIGGER IF EXISTS securityevent_no_truncate ON villages_securityevent;
DROP FUNCTION IF EXISTS villages_account_log_append_only();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("villages", "0008_account_log")]

    operations = [migrations.RunPython(on_postgresql(SQL), on_postgresql(DROP))]
