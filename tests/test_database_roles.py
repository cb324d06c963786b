"""On PostgreSQL: TRUNCATE refused by trigger, even to the owner and through CASCADE;
the review, seal and account logs append-only; and the runtime role (README, "Database
roles") refused TRUNCATE, ALTER, trigger switches and DDL while it reads and writes rows.

The test user is the owner (a superuser, as in CI). Roles and grants made here are
rolled back with the test's transaction."""

import uuid
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from disclosures.models import ChainSeal, LedgerMonth, ReviewEvent
from tests.disclosures.review_helpers import published_month
from villages.management.commands.grant_runtime_role import grant_runtime_role
from villages.models import Village
from villages.security import SecurityEvent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and triggers: PostgreSQL only"
)


def refused(sql, params=(), match=None):
    with connection.cursor() as cursor:
        # Check the deferred foreign keys of the test's own inserts now: PostgreSQL will
        # not TRUNCATE a table with checks still pending, whatever the triggers say.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.fixture
def published(wumiao):
    return published_month(wumiao)


@pytest.mark.parametrize(
    "table",
    [
        "disclosures_ledgermonth",
        "disclosures_ledgerentry",
        "disclosures_reviewevent",
        "disclosures_chainseal",
        "disclosures_answer",
        "villages_securityevent",
    ],
)
def test_the_owner_cannot_truncate(published, table):
    refused(f"TRUNCATE {table} CASCADE", match="truncate")
    assert LedgerMonth.objects.filter(pk=published.pk).exists()


def test_a_cascade_from_the_villages_stops_at_the_published_rows(published):
    refused("TRUNCATE villages_village CASCADE", match="cannot be truncated")
    assert Village.objects.exists()


def test_the_review_log_and_the_seals_are_append_only(published):
    event = ReviewEvent.objects.filter(object_id=published.pk).first()
    refused("DELETE FROM disclosures_reviewevent WHERE id = %s", [event.pk], "append-only")
    refused("UPDATE disclosures_reviewevent SET comment = 'x' WHERE id = %s", [event.pk])
    seal = ChainSeal.objects.get(village=published.village)
    refused("DELETE FROM disclosures_chainseal WHERE id = %s", [seal.pk], "append-only")
    refused("DELETE FROM disclosures_chainhead", match="never deleted")


def test_the_account_log_is_append_only(accountant):
    event = SecurityEvent.objects.create(kind="login", user=accountant, username="accountant")
    refused("DELETE FROM villages_securityevent WHERE id = %s", [event.pk], "append-only")
    refused("UPDATE villages_securityevent SET client = '' WHERE id = %s", [event.pk])


@contextmanager
def as_role(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.fixture
def runtime_role(db):
    role = f"portal_runtime_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    grant_runtime_role(role)
    return role


def test_the_runtime_role_reads_and_writes_rows(runtime_role, published, accountant):
    with as_role(runtime_role):
        assert LedgerMonth.objects.published().count() == 1
        SecurityEvent.objects.create(kind="login", user=accountant, username="accountant")
        # The permanence triggers still hold for it.
        refused(
            "UPDATE disclosures_ledgermonth SET opening_balance = 0 WHERE id = %s",
            [published.pk],
            "public record",
        )


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE disclosures_ledgermonth CASCADE",
        "TRUNCATE disclosures_reviewevent",
        "ALTER TABLE disclosures_ledgermonth DISABLE TRIGGER ALL",
        "ALTER TABLE disclosures_reviewevent DISABLE TRIGGER reviewevent_append_only",
        "DROP TRIGGER ledgermonth_permanent ON disclosures_ledgermonth",
        "ALTER TABLE disclosures_ledgerentry ADD COLUMN x integer",
        "DROP TABLE villages_securityevent",
        "CREATE TABLE public.scratch (x integer)",
        "SET session_replication_role = replica",
    ],
)
def test_the_runtime_role_cannot_truncate_alter_or_switch_triggers_off(
    runtime_role, published, sql
):
    with as_role(runtime_role):
        refused(sql, match="permission denied|must be owner")
    assert LedgerMonth.objects.filter(pk=published.pk).exists()
