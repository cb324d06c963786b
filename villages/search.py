"""Finding a village from the landing page's box: by part of its name or its township's,
by the first digits of its code (a township's code finds its villages), or by pinyin
initials, as villagers type on a phone without a Chinese keyboard (wmc: 五庙村, lgx: 利国乡)."""

import re

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from villages.models import Village

SEARCH_LIMIT = 50
LETTERS = re.compile(r"[a-z]+")


def initials(name):
    """五庙村 -> 'wmc'."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def search_villages(query):
    """The villages `query` finds, at most SEARCH_LIMIT, in code order. One query.

    Pinyin initials are matched in Python over the villages with their townships: a
    district's few hundred villages, which the page loads in one query anyway."""
    villages = Village.objects.with_places().order_by("code")
    text = query.strip().lower()
    if LETTERS.fullmatch(text):
        found = [
            village
            for village in villages
            if text in initials(village.name) or text in initials(village.township.name)
        ]
        return found[:SEARCH_LIMIT]
    return list(
        villages.filter(
            Q(name__icontains=text) | Q(code__startswith=text) | Q(township__name__icontains=text)
        )[:SEARCH_LIMIT]
    )
