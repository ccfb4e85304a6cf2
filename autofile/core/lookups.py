"""`field__any=[...]`: membership in a list passed as one PostgreSQL array.

`__in` binds one placeholder per value, so the 5,000 ids of a synced page cost Django
5,000 parameters to compile and PostgreSQL 5,000 to parse and plan. `field = ANY(%s)`
finds the same rows with the list bound once, as an array.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False  # the whole list is one value, not one value per item

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations look up only their own registrations
