"""The village's registers of assets, resources and contracts (三资), as villagers see them.

/v/<code>/registers/ lists the current published version of every record, with each
contract's rent (due and received) and flags; /v/<code>/assets/<number>/,
/v/<code>/resources/<number>/ and /v/<code>/contracts/<number>/ show one record with
every published version. Only published records and published finance lines are read,
in a fixed number of queries however many records, versions and years.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from disclosures.assets import models as registers
from disclosures.assets import opendata
from disclosures.assets.models import Asset, Contract, Resource
from disclosures.caching import public_village, public_village_page
from disclosures.finance.models import Kind, LedgerEntry
from disclosures.opendata import json_response


def register_lists(village, day):
    """The three registers' current records and the contracts' reports. Six queries."""
    contracts = list(registers.current_contracts([village]))
    reports = registers.contract_reports(village, day, contracts)
    resources = list(Resource.objects.current().filter(village=village).order_by("number"))
    contracts_by_resource = {}
    for contract in contracts:
        if contract.resource_id:
            contracts_by_resource.setdefault(contract.resource.number, []).append(contract)
    for resource in resources:
        resource.current_contracts = contracts_by_resource.get(resource.number, [])
    return {
        "assets": list(
            Asset.objects.current()
            .filter(village=village)
            .select_related("disposal_matter")
            .order_by("number")
        ),
        "resources": resources,
        "reports": reports,
        "flags": registers.RegisterFlags.of(reports),
    }


@public_village_page
def register_index(request, village):
    """Seven queries: the village, assets, resources, contracts, the rent lines, where the
    village's finance lists begin, the visit."""
    context = {"village": village, "today": registers.today()}
    context.update(register_lists(village, context["today"]))
    return render(request, "disclosures/assets/registers.html", context)


@require_safe
def register_json(request, code):
    """The registers' JSON twin: the page's seven queries less the visit's count."""
    village = public_village(code)
    day = registers.today()
    return json_response(opendata.registers_document(village, register_lists(village, day), day))


def versions_or_404(model, village, number, *related):
    """Every published version of one record, newest first (one query)."""
    versions = list(
        model.objects.published()
        .filter(village=village, number=number)
        .select_related(*related)
        .order_by("-version")
    )
    if not versions:
        raise Http404
    return versions


def record_context(village, versions):
    return {"village": village, "record": versions[0], "versions": versions}


def asset_context(village, number):
    """The versions and the contracts letting it: two queries."""
    versions = versions_or_404(Asset, village, number, "disposal_matter")
    context = record_context(village, versions)
    context["contracts"] = list(
        Contract.objects.current().filter(village=village, asset__number=number)
    )
    return context


def resource_context(village, number):
    """The versions and the contracts letting it: two queries."""
    versions = versions_or_404(Resource, village, number)
    context = record_context(village, versions)
    context["contracts"] = list(
        Contract.objects.current().filter(village=village, resource__number=number)
    )
    return context


def contract_context(village, number):
    """Five queries: the versions, the village's current contracts (for the median rent
    per mu), the rent lines, where the finance lists begin, the lines that collected it."""
    versions = versions_or_404(
        Contract, village, number, "asset", "resource", "approving_matter", "village__township"
    )
    day = registers.today()
    contracts = list(registers.current_contracts([village]))
    reports = {
        report.contract.number: report
        for report in registers.contract_reports(village, day, contracts)
    }
    context = record_context(village, versions)
    context.update(
        today=day,
        overdue_days=registers.OVERDUE_DAYS,
        report=reports.get(number),
        lines=list(
            LedgerEntry.objects.published()
            .filter(contract__village=village, contract__number=number, kind=Kind.INCOME)
            .select_related("ledger")
            .order_by("date", "pk")
        ),
    )
    return context


@public_village_page
def asset_record(request, village, number):
    """Four queries: the village, the versions, the contracts letting it, the visit."""
    return render(request, "disclosures/assets/asset.html", asset_context(village, number))


@public_village_page
def resource_record(request, village, number):
    """Four queries: the village, the versions, the contracts letting it, the visit."""
    return render(request, "disclosures/assets/resource.html", resource_context(village, number))


@public_village_page
def contract_record(request, village, number):
    """Seven queries: the village, contract_context's five, the visit."""
    return render(request, "disclosures/assets/contract.html", contract_context(village, number))


# The JSON twins of the three record pages: the same queries less the visit's count.


@require_safe
def asset_json(request, code, number):
    village = public_village(code)
    context = asset_context(village, number)
    return json_response(opendata.record_document(village, "asset", context["versions"]))


@require_safe
def resource_json(request, code, number):
    village = public_village(code)
    context = resource_context(village, number)
    return json_response(
        opendata.record_document(
            village, "resource", context["versions"], contracts=context["contracts"]
        )
    )


@require_safe
def contract_json(request, code, number):
    village = public_village(code)
    context = contract_context(village, number)
    return json_response(
        opendata.record_document(
            village,
            "contract",
            context["versions"],
            report=context["report"],
            today=context["today"],
        )
    )
