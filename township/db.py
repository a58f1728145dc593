"""Database helpers shared by the apps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, models

BATCH = 5000

# Values per `__in` filter or bulk write: one statement never needs more SQL variables than
# SQLite allows (999 in builds before 3.32), however many rows an import touches.
IN_BATCH = 500


def chunked(values: Sequence, size: int = IN_BATCH) -> Iterator[Sequence]:
    """`values` in slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def delete_pks(model: type[models.Model], pks: Sequence[int]) -> dict[str, int]:
    """Delete rows of `model` by primary key, `IN_BATCH` ids a statement (cascades included).

    Returns the per-model counts of `QuerySet.delete`, summed over the batches.
    """
    total: Counter = Counter()
    for part in chunked(list(pks)):
        _n, per_model = model.objects.filter(pk__in=part).delete()
        total.update(per_model)
    return dict(total)


def bulk_insert_values(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Insert plain value tuples into a model's table in batches, without building instances.

    For derived rows written by the thousand (stored scores), where `bulk_create`'s per-field
    preparation dominates. Values must already be of the column's Python type (int, Decimal,
    date, bool, None); both SQLite (through Django's adapters) and psycopg take them as they are.
    Model defaults, `save()` and signals are bypassed, so only use it for rows with none of those.
    """
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than batched INSERTs.
        with connection.cursor() as cursor:
            copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def fetch_raw(queryset: models.QuerySet) -> list[tuple]:
    """Run an ORM-built query and return its plain rows, skipping Django's per-value converters.

    For large aggregates of integers, where the converters cost more than the query; the SQL is
    still the ORM's, so it stays portable across SQLite and PostgreSQL.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `month__in=[]`: the ORM knows there is nothing to ask for
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
