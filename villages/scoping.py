"""Staff see and edit only their own villages: the one admin mixin that says so.

Every staff admin of something that belongs to a village uses it, so scoping is written
(and tested) once: the change list, the change page and every action start from
`get_queryset`, and the village a new row is put in can only be one of the user's."""

from common.paging import LongListAdminMixin
from villages.models import Village


class VillageScopedAdminMixin(LongListAdminMixin):
    """For a ModelAdmin whose rows belong to a village through `village_field` (a lookup
    path such as "ledger__village"): rows of the user's villages only, the village
    choices limited to those, and the village filled in when the user has just one.
    Their lists grow with every village's history: they page without counting every row
    (LongListAdminMixin)."""

    village_field = "village"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            # Every village: no `IN (every village)`, which would make the planner join
            # the villages to every row before it can read the first page.
            return rows
        return self.scope_to(rows, Village.objects.for_user(request.user))

    def scope_to(self, rows, villages):
        """The rows of these villages (a queryset of the user's)."""
        return rows.filter(**{f"{self.village_field}__in": villages})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.for_user(request.user).select_related("township")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        villages = Village.objects.for_user(request.user)
        if "village" not in initial and villages.count() == 1:
            initial["village"] = villages.get().pk
        return initial
