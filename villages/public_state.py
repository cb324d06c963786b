"""What a public page must know of its village before anything else, kept in the cache.

A village's public pages change only when it publishes (its public_version goes up) or
is renamed. The cache holds, per village code, that version, when it last changed and
the names the pages show, so that a page served from the cache, or answered 304, needs no
database query (disclosures/caching.py).

It stays current on every server: a publication writes the new state through to the
cache after its transaction commits (`refresh_public_states`); a miss reads the village
from the database and only adds the state if none was written meanwhile, so an old read
never overwrites a newer write. The entries expire, which bounds how long a renamed
village or township shows its old name, and, with the per-process LocMem cache (no
REDIS_URL), how long another process of the same machine shows the page as it was
before a publication: there the write-through reaches only the publishing process.
"""

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

SHARED_SECONDS = 300
LOCAL_SECONDS = 10


def state_key(code):
    return f"village-public:{code}"


def _seconds():
    return LOCAL_SECONDS if isinstance(caches["default"], LocMemCache) else SHARED_SECONDS


def state_of(village):
    """The state of a village loaded with its township and district (with_places)."""
    township = village.township
    changed = village.public_changed_at
    return {
        "pk": village.pk,
        "version": village.public_version,
        "changed": int(changed.timestamp()) if changed else None,
        # What every page shows of its places besides what the village publishes: a
        # change makes the pages anew at once (the footer's telephone, the threshold
        # the finance pages flag expenses by).
        "names": ":".join(
            map(
                str,
                (
                    village.name,
                    township.name,
                    township.district.name,
                    township.supervision_phone,
                    township.major_matter_threshold,
                ),
            )
        ),
        # The village itself, for the page a view renders: no query to load it again.
        "village": village,
    }


def cached_public_state(code):
    """The village's state from the cache, or None: never a query."""
    return cache.get(state_key(code))


def remember_public_state(village):
    """The state of a village just read from the database (with_places), kept in the
    cache unless a newer one was written meanwhile."""
    state = state_of(village)
    cache.add(state_key(village.code), state, _seconds())
    return state


def refresh_public_states(villages):
    """Forget the villages' states (a queryset) now, and write the new ones through to
    the cache after the current transaction commits. Forgetting first: a request in
    between reads the database (and, within this transaction, the new state); written
    after the commit: a request that read the old state before it cannot keep it."""
    villages = villages.with_places()
    codes = list(villages.values_list("code", flat=True))
    cache.delete_many([state_key(code) for code in codes])

    def write():
        cache.set_many({state_key(v.code): state_of(v) for v in villages.all()}, _seconds())

    transaction.on_commit(write)


def refresh_renamed(sender, instance, created, **kwargs):
    """post_save of a village, township or district: their pages show the names."""
    if created:
        return
    District, Township, Village = (  # noqa: N806 (models)
        apps.get_model("villages", name) for name in ("District", "Township", "Village")
    )
    places = {Village: "pk", Township: "township", District: "township__district"}
    refresh_public_states(Village.objects.filter(**{places[sender]: instance.pk}))


def connect():
    from django.db.models.signals import post_save

    for name in ("Village", "Township", "District"):
        model = apps.get_model("villages", name)
        post_save.connect(refresh_renamed, sender=model, dispatch_uid=f"public-state-{model}")
