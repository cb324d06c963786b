"""On PostgreSQL the database itself refuses to change or delete what is published.

The model layer refuses too (disclosures/publishing.py), on every database; these triggers
also stop raw SQL, a forgotten QuerySet.update(), or a script run by hand. SQLite relies on
the model layer. A deliberate correction of history would need a superuser to drop the
trigger, which leaves a trace in the database logs.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION disclosures_refuse_published_row() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'published % (id %) is public record and cannot be %',
            TG_TABLE_NAME, OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION disclosures_entry_parent_published(ledger bigint, correction bigint)
RETURNS boolean AS $$
    SELECT CASE WHEN correction IS NULL
        THEN EXISTS (SELECT 1 FROM disclosures_ledgermonth
                     WHERE id = ledger AND status = 'published')
        ELSE EXISTS (SELECT 1 FROM disclosures_ledgercorrection
                     WHERE id = correction AND status = 'published')
    END;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION disclosures_refuse_published_entry() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND disclosures_entry_parent_published(OLD.ledger_id, OLD.correction_id) THEN
        RAISE EXCEPTION 'ledger entry % is published and cannot be %', OLD.id, lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND disclosures_entry_parent_published(NEW.ledger_id, NEW.correction_id) THEN
        RAISE EXCEPTION 'entries cannot be added to a published list'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION disclosures_refuse_published_photo() RETURNS trigger AS $$
DECLARE
    row_entry bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN row_entry := OLD.entry_id; ELSE row_entry := NEW.entry_id; END IF;
    IF EXISTS (SELECT 1 FROM disclosures_ledgerentry e
               WHERE e.id = row_entry
                 AND disclosures_entry_parent_published(e.ledger_id, e.correction_id)) THEN
        RAISE EXCEPTION 'receipt photos of published entries are permanent'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledgermonth_permanent BEFORE UPDATE OR DELETE ON disclosures_ledgermonth
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_row();
CREATE TRIGGER ledgercorrection_permanent BEFORE UPDATE OR DELETE ON disclosures_ledgercorrection
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_row();
CREATE TRIGGER ledgerentry_permanent BEFORE INSERT OR UPDATE OR DELETE ON disclosures_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_entry();
CREATE TRIGGER receiptphoto_permanent BEFORE INSERT OR UPDATE OR DELETE ON disclosures_receiptphoto
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_published_photo();
"""

DROP = """
DROP TRIGGER IF EXISTS ledgermonth_permanent ON disclosures_ledgermonth;
DROP TRIGGER IF EXISTS ledgercorrection_permanent ON disclosures_ledgercorrection;
DROP TRIGGER IF EXISTS ledgerentry_permanent ON disclosures_ledgerentry;
DROP TRIGGER IF EXISTS receiptphoto_permanent ON disclosures_receiptphoto;
DROP FUNCTION IF EXISTS disclosures_refuse_published_row();
DROP FUNCTION IF EXISTS disclosures_refuse_published_entry();
DROP FUNCTION IF EXISTS disclosures_refuse_published_photo();
DROP FUNCTION IF EXISTS disclosures_entry_parent_published(bigint, bigint);
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
    dependencies = [("disclosures", "0003_review_corrections_receipts")]

    operations = [migrations.RunPython(on_postgresql(FUNCTIONS), on_postgresql(DROP))]
