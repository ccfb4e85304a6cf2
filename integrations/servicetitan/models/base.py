"""Lenient pydantic models for what ServiceTitan actually sends, strict ones for what we send.

Real tenants break the documented schemas (CLIENTS.md pitfall 1): enums arrive as integers or
unknown names, non-null fields arrive ``null``, accounting money arrives as strings, ``date``
fields carry ``T00:00:00``. Response models therefore:

- keep unknown fields (``extra="allow"``) and the untouched input (:attr:`STModel.raw`), since
  the mirror stores raw JSON and must not lose what the model does not know;
- type every field but the id as optional, enums as plain ``str`` (numbers coerced);
- parse money to :class:`~decimal.Decimal` from strings or numbers;
- when a field still cannot be parsed, set *that field* to ``None`` instead of failing the
  record (the raw value stays in :attr:`STModel.raw`). Only a missing or non-numeric id fails.

Request models are the opposite: ``extra="forbid"`` so a misspelled field name raises here
instead of being silently ignored by ServiceTitan (pitfall 2), and ``exclude_unset`` on dump
so a PATCH carries only the fields the caller set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "IdResponse",
    "LenientDate",
    "LooseStr",
    "Money",
    "STModel",
    "STRequest",
    "UTCDateTime",
    "to_decimal",
]


def to_decimal(value: Any) -> Decimal | None:
    """``"125.00"``, ``125``, ``125.5``, ``"$1,250.00"`` → Decimal; junk → ``None``."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
        return value[:10]  # "2024-05-01T00:00:00" (declared `date`, observed with a time)
    return value


def _as_utc(value: datetime | None) -> datetime | None:
    # ServiceTitan timestamps are UTC; some arrive without an offset.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Money = Annotated[Decimal | None, BeforeValidator(to_decimal)]
LooseStr = Annotated[str | None, BeforeValidator(_to_str)]
LenientDate = Annotated[date | None, BeforeValidator(_to_date)]
UTCDateTime = Annotated[datetime | None, AfterValidator(_as_utc)]


class STModel(BaseModel):
    """Base of every response model (see the module docstring for the leniency rules)."""

    model_config = ConfigDict(
        extra="allow",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
        coerce_numbers_to_str=False,
        # Build validators on first use: importing the client stays fast (CLI, workers).
        defer_build=True,
    )

    _raw: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _tolerate_bad_fields(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            model = handler(data)
        except ValidationError as exc:
            if not isinstance(data, dict):
                raise
            cleaned = dict(data)
            for error in exc.errors():
                location = error["loc"]
                if location and isinstance(location[0], str) and location[0] in cleaned:
                    if location[0] == "id":
                        raise
                    cleaned[location[0]] = None
            model = handler(cleaned)
        if isinstance(data, dict) and isinstance(model, STModel):
            model._raw = data
        return model

    @classmethod
    def from_raw(cls, data: Any) -> Self:
        """Parse a row as ServiceTitan sent it (``pydantic.ValidationError`` only when even
        the id is unusable)."""
        return cls.model_validate(data)

    @property
    def raw(self) -> dict[str, Any]:
        """The JSON object this model was parsed from, untouched (or a dump if built in code)."""
        if isinstance(self._raw, dict):
            return self._raw
        return self.model_dump(by_alias=True, mode="json")


class STRequest(BaseModel):
    """Base of request bodies: unknown fields rejected, only set fields sent."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
        defer_build=True,
    )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True)


class IdResponse(STModel):
    """Writes that answer only ``{"id": …}`` (settings creates/updates, tag types)."""

    id: int
