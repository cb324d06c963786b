"""Paging long admin lists without counting them.

An admin change list asks its paginator for the number of rows before it shows a page:
a COUNT(*) that reads every row it counts, a second or more over the millions of ledger
lines of a province. Above a few thousand rows nobody needs the exact number to turn a
page, so on PostgreSQL the planner's estimate is used instead (EXPLAIN, no rows read);
small lists, and SQLite, are counted exactly.
"""

import json

from django.contrib import admin
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Lookup, Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

# Up to this many rows (as estimated) the count is exact.
EXACT_UP_TO = 5000


def estimated_count(queryset):
    """The planner's estimate of the rows of `queryset` (PostgreSQL), or None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # e.g. filtered by the villages of someone who has none
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class InIds(Lookup):
    """`field__in_ids=[ids]`: on PostgreSQL `field = ANY(%s::bigint[])`, the ids sent as
    one array parameter, elsewhere a plain IN. A list of thousands of ids (the months of a
    township's ten years) as an IN of as many parameters cost some 5 ms a query to adapt,
    send and parse, twice a page (the paginator's estimate and the page); as one array,
    well under one. Register it on the field that needs it (`field.register_lookup`)."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        objects = self.object_list
        if hasattr(objects, "query"):
            estimate = estimated_count(objects)
            if estimate is not None and estimate > EXACT_UP_TO:
                return estimate
        return super().count


class LongListAdminMixin:
    """For the change lists that grow with a province's history: page without COUNT(*)
    over every row (neither of the filtered list nor of the whole table)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


def year_filter(field, title):
    """A list filter by the year of a date or date-time field: in place of a date
    hierarchy, whose first level reads every row for its distinct years. The years
    offered run from the earliest to the latest, two index lookups (MIN and MAX)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__year"

        def lookups(self, request, model_admin):
            span = model_admin.get_queryset(request).aggregate(first=Min(field), last=Max(field))
            if span["first"] is None:
                return []
            first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
            return [(str(year), str(year)) for year in range(last, first - 1, -1)]

        def queryset(self, request, queryset):
            if self.value() and self.value().isdigit():
                return queryset.filter(**{f"{field}__year": int(self.value())})
            return queryset

    YearFilter.title = title
    return YearFilter
