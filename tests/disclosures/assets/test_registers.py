"""The registers are published like every disclosure: four eyes, permanence, the
village's fingerprint chain, and a change is a new published version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from disclosures.assets.models import Asset, AssetStatus, Contract, Resource
from disclosures.publishing import PublishedRecordError, Status, verify_chain
from tests import factories
from tests.disclosures.assets.register_helpers import make_asset, make_contract, make_resource


def chain_of(village):
    from disclosures.publishing import chain_members

    links = [
        link
        for model in chain_members()
        for link in model.objects.published().filter(**model.chain_filter(village))
    ]
    return sorted(links, key=lambda link: link.chain_position)


def test_a_published_record_joins_the_villages_fingerprint_chain(wumiao):
    month = factories.make_month(wumiao, 2026, 6)
    asset = make_asset(wumiao)
    contract = make_contract(wumiao)  # publishes its resource first

    assert [link.chain_position for link in chain_of(wumiao)] == [1, 2, 3, 4]
    assert asset.previous_fingerprint == month.fingerprint
    assert contract.previous_fingerprint == contract.resource.fingerprint
    assert list(verify_chain(chain_of(wumiao))) == []


def test_a_changed_row_no_longer_matches_its_fingerprint(wumiao):
    asset = make_asset(wumiao)
    # As if changed behind the portal's back (the model layer and PostgreSQL refuse).
    asset.original_value = 1
    problems = list(verify_chain([asset]))
    assert [link for link, _problem in problems] == [asset]


def test_the_person_who_entered_a_record_cannot_publish_it(wumiao, reviewer):
    resource = make_resource(wumiao, published=False)
    resource.created_by = reviewer
    resource.save()
    resource.submit(reviewer)
    with pytest.raises(PermissionDenied):
        resource.publish(reviewer)


def test_a_published_record_is_permanent(wumiao):
    asset = make_asset(wumiao)
    asset.name = "改过的名字"
    with pytest.raises(PublishedRecordError):
        asset.save()
    with pytest.raises(PublishedRecordError):
        asset.delete()
    with pytest.raises(PublishedRecordError):
        Asset.objects.filter(pk=asset.pk).update(name="x")
    with pytest.raises(PublishedRecordError):
        Asset.objects.filter(pk=asset.pk).delete()
    assert Asset.objects.get(pk=asset.pk).name == "村委会办公楼"


def test_a_change_is_a_new_version_and_every_version_stays(wumiao, accountant):
    first = make_asset(wumiao)

    draft = first.new_version(accountant)
    assert (draft.number, draft.version, draft.status) == ("ZC-001", 2, Status.DRAFT)
    assert draft.created_by == accountant and draft.fingerprint == ""
    assert list(Asset.objects.current()) == [first]  # a draft changes nothing public

    draft.state, draft.disposed_on = AssetStatus.IDLE, None
    draft.save()
    with pytest.raises(ValidationError, match="请说明本版改了什么"):
        draft.submit(accountant)
    draft.change_note = "办公室搬迁后闲置"
    draft.save()
    factories.publish(draft)

    assert list(Asset.objects.current()) == [draft]
    assert list(Asset.objects.published().order_by("version")) == [first, draft]
    assert Asset.objects.get(pk=first.pk).state == AssetStatus.IN_USE
    assert draft.previous_fingerprint == first.fingerprint


def test_only_the_current_version_starts_a_new_one_and_only_one_waits(wumiao, accountant):
    first = make_asset(wumiao)
    first.new_version(accountant)
    with pytest.raises(ValidationError, match="已有一个待处理的新版本"):
        first.new_version(accountant)
    draft = Asset.objects.get(version=2)
    with pytest.raises(ValidationError, match="当前已公开的版本"):
        draft.new_version(accountant)


def test_a_number_is_entered_once_per_village(wumiao, dongying):
    make_asset(wumiao)
    duplicate = Asset(village=wumiao, number="ZC-001", **_asset_fields())
    with pytest.raises(ValidationError, match="新建版本"):
        duplicate.full_clean()
    Asset(village=dongying, number="ZC-001", **_asset_fields()).full_clean()


def _asset_fields():
    return {
        "name": "机井",
        "kind": "infrastructure",
        "location": "村西",
        "acquired_on": datetime.date(2015, 1, 1),
        "original_value": 12000,
        "state": "in_use",
    }


def test_a_disposal_needs_its_date(wumiao):
    asset = Asset(village=wumiao, number="ZC-009", **{**_asset_fields(), "state": "disposed"})
    with pytest.raises(ValidationError, match="处置日期"):
        asset.full_clean()
    asset.disposed_on = datetime.date(2026, 5, 1)
    asset.full_clean()
    assert asset.disposed_without_decision


def test_a_contract_lets_exactly_one_thing_of_its_own_village(wumiao, dongying):
    resource = make_resource(wumiao)
    asset = make_asset(wumiao)
    contract = make_contract(wumiao, resource=resource, published=False)
    contract.asset = asset
    with pytest.raises(ValidationError, match="二者选一"):
        contract.full_clean()
    contract.asset, contract.resource = None, make_resource(dongying)
    with pytest.raises(ValidationError, match="属于其他村"):
        contract.full_clean()
    contract.resource = resource
    contract.end_date = contract.start_date
    with pytest.raises(ValidationError, match="必须晚于起始日期"):
        contract.full_clean()


def test_contract_content_names_the_subject_by_its_number(wumiao):
    contract = make_contract(wumiao)
    content = contract.canonical_content()
    assert content["subject"] == {"register": "resource", "number": "ZY-HT-001"}
    assert content["type"] == "contract" and content["counterparty"] == "李建国"


on_postgresql = connection.vendor == "postgresql"


@pytest.mark.skipif(not on_postgresql, reason="the permanence triggers exist on PostgreSQL only")
@pytest.mark.parametrize("model", [Asset, Resource, Contract])
def test_postgresql_refuses_raw_sql_on_a_published_record(wumiao, model):
    record = make_contract(wumiao)
    if model is Resource:
        record = record.resource
    elif model is Asset:
        record = make_asset(wumiao)
    table = model._meta.db_table
    for sql in [
        f"UPDATE {table} SET notes = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])
    assert model.objects.get(pk=record.pk).notes == ""


def test_a_contract_names_only_published_records_and_resolved_matters(wumiao, dongying):
    from tests.disclosures.matters.matter_data import make_matter, make_steps

    contract = make_contract(
        wumiao, resource=make_resource(wumiao, published=False), published=False
    )
    with pytest.raises(ValidationError, match="先在台账中公开"):
        contract.full_clean()
    contract.resource = make_resource(wumiao, "ZY-002")
    proposed = make_matter(wumiao, "村东耕地发包")
    make_steps(proposed, published=3)  # not yet resolved by the representatives
    contract.approving_matter = proposed
    with pytest.raises(ValidationError, match="决议已公开"):
        contract.full_clean()
    resolved = make_matter(wumiao, "村西耕地发包")
    make_steps(resolved, published=4)
    contract.approving_matter = resolved
    contract.full_clean()
    contract.approving_matter = make_matter(dongying, "东营村的事项")
    with pytest.raises(ValidationError, match="属于其他村"):
        contract.full_clean()
