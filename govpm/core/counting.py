"""A count that rides in another statement: an uncorrelated subquery the database computes once."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def count_of(rows: QuerySet) -> Subquery:
    """`COUNT` of `rows` as an expression to annotate another query of the same statement with (a page of
    the same rows, say), so a page and its count are one round trip instead of two."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())
