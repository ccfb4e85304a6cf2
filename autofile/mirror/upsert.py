"""Bulk upsert of mirror rows that only ever moves a row forward in time.

A page of rows is COPYed into a temporary staging table, then merged with one
`INSERT … SELECT … ON CONFLICT (connection_id, st_id) DO UPDATE … WHERE incoming
modifiedOn >= stored modifiedOn`: an older copy (a late duplicate from an export page)
never overwrites a newer one. The same statement resolves the row's foreign keys to
other mirrored rows by joining their tables, and RETURNING gives the ids of the rows
inserted or changed. COPY keeps large pages cheap: no statement with thousands of
parameters to build, parse and plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from django.db import connection as db
from psycopg.types.json import Jsonb

from autofile.mirror.models import MirrorRecord
from autofile.mirror.registry import Link


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upsert(
    model: type[MirrorRecord], rows: Sequence[dict[str, Any]], links: Iterable[Link] = ()
) -> list[int]:
    """Merge `rows` (one dict of column values each, all with the same keys) into `model`.

    Must run inside a transaction: the staging table empties itself on commit.
    """
    if not rows:
        return []
    table = model._meta.db_table
    stage = f"stage_{table}"
    columns = list(rows[0])
    json_columns = {
        f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }
    is_json = [c in json_columns for c in columns]
    links = [link for link in links if link.fk_column not in columns]
    column_list = ", ".join(_q(c) for c in columns)
    with db.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_q(stage)} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {column_list} FROM {_q(table)} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_q(stage)}")
        with cursor.cursor.copy(f"COPY {_q(stage)} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        Jsonb(row[c], dumps=orjson.dumps) if json else row[c]
                        for c, json in zip(columns, is_json, strict=True)
                    ]
                )
        targets = [f"{_q(c)}" for c in columns] + [_q(link.fk_column) for link in links]
        selects = [f"s.{_q(c)}" for c in columns] + [f"t{i}.id" for i in range(len(links))]
        joins = " ".join(
            f"LEFT JOIN {_q(link.target._meta.db_table)} AS t{i} "
            f"ON t{i}.connection_id = s.connection_id AND t{i}.st_id = s.{_q(link.st_column)}"
            for i, link in enumerate(links)
        )
        updates = ", ".join(
            f"{t} = EXCLUDED.{t}" for t in targets if t not in ('"connection_id"', '"st_id"')
        )
        cursor.execute(
            f"INSERT INTO {_q(table)} ({', '.join(targets)}) "  # noqa: S608
            f"SELECT {', '.join(selects)} FROM {_q(stage)} AS s {joins} "
            f'ON CONFLICT ("connection_id", "st_id") DO UPDATE SET {updates} '
            f'WHERE {_q(table)}."st_modified_on" IS NULL '
            f'OR EXCLUDED."st_modified_on" >= {_q(table)}."st_modified_on" '
            f'RETURNING "id"'
        )
        return [row[0] for row in cursor.fetchall()]
