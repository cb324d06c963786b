"""On PostgreSQL: no TRUNCATE of what is published or of its logs, and the review log and
the chain's seals append-only, like the published rows (0004, 0006, 0009, 0010, 0013).

Row triggers do not fire on TRUNCATE, which emptied a table (and, with CASCADE, every
table referring to it) in one statement. A statement-level BEFORE TRUNCATE trigger on
each table refuses it, cascades included. The runtime role has no TRUNCATE privilege
either (README, "Database roles"); these also stop the owner's slip of the hand.
"""

from django.db import migrations

# Every table holding published rows, their lines, evidence and logs.
PROTECTED = [
    "ledgermonth",
    "ledgercorrection",
    "ledgerentry",
    "receiptphoto",
    "disclosure",
    "livelihoodrow",
    "attachment",
    "majormatter",
    "matterstep",
    "sunshinereport",
    "cadreevaluation",
    "sunshinequestion",
    "sunshinetask",
    "taskfollowup",
    "question",
    "answer",
    "questionevent",
    "reviewevent",
    "chainseal",
    "chainhead",
    # The 三资 registers (0013).
    "asset",
    "resource",
    "contract",
]

FUNCTIONS = """
CREATE OR REPLACE FUNCTION disclosures_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% holds public record or its log and cannot be truncated', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION disclosures_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: row % cannot be %', TG_TABLE_NAME, OLD.id, lower(TG_OP)
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION disclosures_chain_head_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the chain head of village % is never deleted', OLD.village_id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = "\n".join(
    [
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON disclosures_{table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION disclosures_refuse_truncate();"
        for table in PROTECTED
    ]
    + [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON disclosures_{table}"
        " FOR EACH ROW EXECUTE FUNCTION disclosures_append_only();"
        for table in ("reviewevent", "chainseal")
    ]
    + [
        "CREATE TRIGGER chainhead_kept BEFORE DELETE ON disclosures_chainhead"
        " FOR EACH ROW EXECUTE FUNCTION disclosures_chain_head_kept();"
    ]
)

DROP = "\n".join(
    [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON disclosures_{table};" for table in PROTECTED]
    + [
        "DROP TRIGGER IF EXISTS reviewevent_append_only ON disclosures_reviewevent;",
        "DROP TRIGGER IF EXISTS chainseal_append_only ON disclosures_chainseal;",
        "DROP TRIGGER IF EXISTS chainhead_kept ON disclosures_chainhead;",
        "DROP FUNCTION IF EXISTS disclosures_refuse_truncate();",
        "DROP FUNCTION IF EXISTS disclosures_append_only();",
        "DROP FUNCTION IF EXISTS disclosures_chain_head_kept();",
    ]
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: schema_editor.execute() would read the % of RAISE messages
            # as query placeholders.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0016_chain_seals_and_heads")]

    operations = [
        migrations.RunPython(on_postgresql(FUNCTIONS + TRIGGERS), on_postgresql(DROP)),
    ]
