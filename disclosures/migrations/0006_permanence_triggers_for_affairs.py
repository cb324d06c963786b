"""The permanence triggers of migration 0004, extended to disclosures, the steps of major
matters, livelihood list rows and attachments (PostgreSQL only; the model layer refuses on
every database)."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION disclosures_refuse_published_child() RETURNS trigger AS $$
DECLARE
    parent_published boolean;
BEGIN
    -- TG_ARGV: the parent table and the row's column that points at it.
    FOR i IN 0 .. (TG_NARGS / 2 - 1) LOOP
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = ($1).%I AND status = ''published'')',
                           TG_ARGV[2 * i], TG_ARGV[2 * i + 1])
                INTO parent_published USING OLD;
            IF parent_published THEN
                RAISE EXCEPTION '% of a published % is permanent', TG_TABLE_NAME, TG_ARGV[2 * i]
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = ($1).%I AND status = ''published'')',
                           TG_ARGV[2 * i], TG_ARGV[2 * i + 1])
                INTO parent_published USING NEW;
            IF parent_published THEN
                RAISE EXCEPTION 'nothing can be added to a published %', TG_ARGV[2 * i]
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_permanent BEFORE UPDATE OR DELETE ON disclosures_disclosure
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_row();
CREATE TRIGGER matterstep_permanent BEFORE UPDATE OR DELETE ON disclosures_matterstep
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_row();
CREATE TRIGGER livelihoodrow_permanent BEFORE INSERT OR UPDATE OR DELETE ON disclosures_livelihoodrow
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_child('disclosures_disclosure', 'disclosure_id');
CREATE TRIGGER attachment_permanent BEFORE INSERT OR UPDATE OR DELETE ON disclosures_attachment
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_child(
        'disclosures_disclosure', 'disclosure_id', 'disclosures_matterstep', 'step_id');
"""

DROP = """
DROP TRIGGER IF EXISTS disclosure_permanent ON disclosures_disclosure;
DROP TRIGGER IF EXISTS matterstep_permanent ON disclosures_matterstep;
DROP TRIGGER IF EXISTS livelihoodrow_permanent ON disclosures_livelihoodrow;
DROP TRIGGER IF EXISTS attachment_permanent ON disclosures_attachment;
DROP FUNCTION IF EXISTS disclosures_refuse_published_child();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: schema_editor.execute() would read the % of RAISE messages
            # as query placeholders.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_affairs_matters_powers")]

    operations = [migrations.RunPython(on_postgresql(FUNCTIONS), on_postgresql(DROP))]
