"""Bulk upsert of mirror rows that only ever moves a row forward in time.

A page of rows is COPYed into a temporary staging table, then merged with one
`INSERT … SELECT … ON CONFLICT (connection_id, st_id) DO UPDATE … WHERE` the incoming
copy is newer (by modifiedOn) than the stored row, or as new and different: an older copy
(a late duplicate from an export page) never overwrites a newer one, and an identical one
writes nothing. The same statement resolves the row's foreign keys to
other mirrored rows by joining their tables, and RETURNING gives the ids of the rows
inserted or changed. COPY keeps large pages cheap: no statement with thousands of
parameters to build, parse and plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection as db
from psycopg.types.json import set_json_dumps

from autofile.mirror.models import MirrorRecord
from autofile.mirror.registry import Link


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stage(cursor: Any, table: str, columns: list[str], json_columns: set[str]) -> list[int]:
    """Make the session's (empty) staging table of `table` ready; the type oids of
    `columns`, for a binary COPY."""
    stage = f"stage_{table}"
    cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{_q(stage)}"])
    if cursor.fetchone()[0] is None:
        column_list = ", ".join(_q(c) for c in columns)
        cursor.execute(
            f"CREATE TEMP TABLE {_q(stage)} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {column_list} FROM {_q(table)} WITH NO DATA"
        )
        for column in json_columns & set(columns):
            # Staged JSON is read once: compressing it would cost more than parsing it.
            cursor.execute(
                f"ALTER TABLE {_q(stage)} ALTER COLUMN {_q(column)} SET STORAGE EXTERNAL"
            )
    else:
        # Empty unless an earlier upsert of this transaction used it (commit empties it).
        cursor.execute(f"DELETE FROM {_q(stage)}")  # noqa: S608
    types = _TYPES.get(table)
    if types is None:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [_q(table)],
        )
        types = _TYPES[table] = dict(cursor.fetchall())
    return [types[c] for c in columns]


_TYPES: dict[str, dict[str, int]] = {}  # per mirror table, its columns' type oids


def _json(value: Any) -> bytes:
    """JSON for a JSON column: bytes are JSON already (the raw row, as the sync keeps it)."""
    return value if isinstance(value, bytes) else orjson.dumps(value)


@dataclass(frozen=True)
class Upserted:
    changed: list[int]  # ids of the rows inserted or changed
    inserted: list[int]  # those of them that are new


def upsert(
    model: type[MirrorRecord], rows: Sequence[dict[str, Any]], links: Iterable[Link] = ()
) -> list[int]:
    """Merge `rows` into `model`; the ids of the rows inserted or changed."""
    return upsert_rows(model, rows, links).changed


def upsert_rows(
    model: type[MirrorRecord], rows: Sequence[dict[str, Any]], links: Iterable[Link] = ()
) -> Upserted:
    """Merge `rows` (one dict of column values each, all with the same keys) into `model`.

    Must run inside a transaction: the staging table empties itself on commit.
    """
    if not rows:
        return Upserted(changed=[], inserted=[])
    table = model._meta.db_table
    stage = f"stage_{table}"
    columns = list(rows[0])
    json_columns = {
        f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }
    links = [link for link in links if link.fk_column not in columns]
    column_list = ", ".join(_q(c) for c in columns)
    with db.cursor() as cursor:
        types = _stage(cursor, table, columns, json_columns)
        # Binary COPY: no text escaping of the raw JSON, numbers and times sent as they are.
        set_json_dumps(_json, cursor.cursor)
        copy_sql = f"COPY {_q(stage)} ({column_list}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(copy_sql) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row([row[c] for c in columns])
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
        compared = [t for t in targets if t not in ('"connection_id"', '"st_id"', '"synced_at"')]
        stored = _q(table)
        cursor.execute(
            f"INSERT INTO {stored} ({', '.join(targets)}) "  # noqa: S608
            f"SELECT {', '.join(selects)} FROM {_q(stage)} AS s {joins} "
            f'ON CONFLICT ("connection_id", "st_id") DO UPDATE SET {updates} '
            # Newer than what is stored; or as new, yet different (a stored row without a
            # modifiedOn, a link now resolved, a column a newer AutoFile maps): an identical
            # copy (an export's overlap, a watermark re-read) writes nothing.
            f"WHERE EXCLUDED.st_modified_on > {stored}.st_modified_on "
            f"OR ({stored}.st_modified_on IS NULL AND EXCLUDED.st_modified_on IS NOT NULL) "
            f"OR (EXCLUDED.st_modified_on IS NOT DISTINCT FROM {stored}.st_modified_on "
            f"AND ({', '.join(f'{stored}.{c}' for c in compared)}) "
            f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)})) "
            # xmax is 0 on a row version no transaction has replaced: a new row.
            f'RETURNING "id", (xmax = 0) AS inserted'
        )
        returned = cursor.fetchall()
    return Upserted(
        changed=[row[0] for row in returned], inserted=[row[0] for row in returned if row[1]]
    )
