"""The JSON twin of the registers page (/v/<code>/registers.json): the current version
of every record with its fingerprint, and each contract's rent and flags
(docs/open-data.md, docs/open-data/registers.schema.json)."""

from common.qr import public_url
from disclosures.opendata import day, document, money, publication


def record_block(record, page):
    return {
        "number": record.number,
        "version": record.version,
        "url": public_url(page),
        "change_note": record.change_note,
        "notes": record.notes,
        **publication(record),
    }


def asset_block(asset, base):
    return {
        **record_block(asset, f"{base}assets/{asset.number}/"),
        "name": asset.name,
        "kind": asset.kind,
        "location": asset.location,
        "acquired_on": day(asset.acquired_on),
        "original_value": money(asset.original_value),
        "status": asset.state,
        "disposed_on": day(asset.disposed_on),
        "disposal_matter": asset.disposal_matter.title if asset.disposal_matter_id else None,
    }


def resource_block(resource, base):
    return {
        **record_block(resource, f"{base}resources/{resource.number}/"),
        "name": resource.name,
        "kind": resource.kind,
        "area_mu": f"{resource.area_mu:.2f}",
        "location": resource.location,
        "used_by": resource.occupant,
        "contracts": [contract.number for contract in resource.current_contracts],
    }


def contract_block(report, base):
    """The current version of a contract, with its rent account and flags."""
    account = report.account
    return {
        **contract_version_block(report.contract, base),
        "rent": {
            "due_so_far": money(account.due_so_far),
            "received": money(account.received),
            "overdue": money(account.overdue_amount),
            "years": [
                {"year": y.year, "due": money(y.due), "received": money(y.received)}
                for y in account.years
            ],
            "instalments": [
                {
                    "due": day(i.due),
                    "amount": money(i.amount),
                    "received": None if i.before_records else money(i.paid),
                    "overdue": i.overdue,
                }
                for i in account.instalments
            ],
        },
        "flags": {
            "rent_overdue": report.rent_overdue,
            "expired_in_use": report.expired_in_use,
            "term_too_long": report.term_too_long,
            "missing_decision": report.missing_decision,
            "rent_below_median": report.rent_below_median,
        },
    }


def registers_document(village, lists, today):
    """`lists`: what views.register_lists loaded for the page."""
    base = village.get_absolute_url()
    return document(
        "registers",
        village,
        f"{base}registers/",
        as_of=day(today),
        assets=[asset_block(asset, base) for asset in lists["assets"]],
        resources=[resource_block(resource, base) for resource in lists["resources"]],
        contracts=[contract_block(report, base) for report in lists["reports"]],
    )


def contract_version_block(contract, base):
    """One published version of a contract, without the rent account (the current
    version's is beside it)."""
    subject = contract.subject
    return {
        **record_block(contract, f"{base}contracts/{contract.number}/"),
        "counterparty": contract.counterparty,
        "subject": {"register": subject._meta.model_name, "number": subject.number},
        "purpose": contract.purpose,
        "start_date": day(contract.start_date),
        "end_date": day(contract.end_date),
        "returned_on": day(contract.returned_on),
        "annual_rent": money(contract.annual_rent),
        "payment": contract.payment,
        "selection": contract.selection,
        "approving_matter": (
            contract.approving_matter.title if contract.approving_matter_id else None
        ),
    }


def record_document(village, register, versions, *, contracts=(), report=None, today=None):
    """One record's page as JSON: every published version, newest first. A resource
    names its current `contracts`; a contract's current version carries its `rent` and
    `flags` (from `report`)."""
    base = village.get_absolute_url()
    record = versions[0]
    if register == "asset":
        blocks = [asset_block(version, base) for version in versions]
    elif register == "resource":
        for version in versions:
            version.current_contracts = contracts
        blocks = [resource_block(version, base) for version in versions]
    else:
        blocks = [contract_version_block(version, base) for version in versions]
    extra = {}
    if register == "contract":
        current = contract_block(report, base) if report else None
        extra = {
            "as_of": day(today),
            "rent": current["rent"] if current else None,
            "flags": current["flags"] if current else None,
        }
    return document(
        f"{register}_record",
        village,
        f"{base}{register}s/{record.number}/",
        number=record.number,
        versions=blocks,
        **extra,
    )
