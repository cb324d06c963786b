import re
from dataclasses import dataclass

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from disclosures.publishing import ChainSeal

# Pages and posters print the first 10 hex characters; the full 64 work too.
PRINTED = re.compile(r"[0-9a-f]{10,64}")
MAX_RESULTS = 5


@dataclass
class Found:
    seal: ChainSeal
    item: object  # the published item, or None when it is gone

    @property
    def matches(self):
        return self.item is not None and not self.item.fingerprint_broken

    @property
    def url(self):
        if self.item is None or not hasattr(self.item, "get_absolute_url"):
            return ""
        return self.item.get_absolute_url()


def normalized(text):
    """What people type off paper: spaces, dashes, capitals."""
    return re.sub(r"[\s\-]", "", text).lower()[:64]


def find(query):
    """Sealed links whose fingerprint starts with `query`, with their published items.
    One query for the seals, then a few per match (at most MAX_RESULTS)."""
    seals = ChainSeal.objects.filter(fingerprint__startswith=query).select_related(
        "village__township", "content_type"
    )[:MAX_RESULTS]
    found = []
    for seal in seals:
        model = seal.content_type.model_class()
        item = model.objects.published().filter(pk=seal.object_id).first()
        found.append(Found(seal=seal, item=item))
    return found


@require_safe
def verify(request):
    query = normalized(request.GET.get("q", ""))
    context = {"query": query, "results": None, "error": ""}
    if query and not PRINTED.fullmatch(query):
        context["error"] = _(
            "Type the 10 characters printed after “Fingerprint”: digits 0–9 and letters a–f."
        )
    elif query:
        context["results"] = find(query)
    return render(request, "disclosures/verification/verify.html", context)
