"""Export rows rendered straight to JSON text from pre-rendered templates.

Building a record dict, projecting it onto the response schema and serialising it again costs
tens of microseconds per row in pure Python, and most of an invoice's or estimate's bytes (its
items, its business unit, tax code, terms, ...) are the same for thousands of rows. So the hot
export feeds render base rows from templates instead:

* A :class:`RowSpec` names the row's *holes* (values that vary per record, possibly nested:
  ``"customer.name"``) and a ``describe(index)`` returning ``(class key, hole values)``.
  Records with the same class key share every non-hole value.
* :class:`RowRenderer` (one per export operation) compiles a :class:`JsonTemplate` per class
  key from the *first* record of that class, rendered the slow way (generator → response
  shaper → orjson) with the holes cut out, so static values are never written twice. Later
  rows of the class only compute their hole values and fill the template.
* ``describe`` returns None for records it does not render (the imperfect share, whose
  blemishes are per record); those go the slow way.

Tests assert, for every record of a tenant, that the rendered row and the slow path produce
the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Final

import orjson

from integrations.servicetitan.simulator.data.collections import Record

#: Cannot occur in generated data (no catalog text contains "@@").
_MARK: Final = "@@hole:{}@@"

#: ``(class key, hole values in RowSpec.holes order)``; values are JSON text (or ints) for raw
#: holes and plain strings needing no escaping (timestamps, digits) for text holes.
Described = tuple[Hashable, tuple[Any, ...]]


class Hole:
    """A placeholder in a :class:`JsonTemplate` sample (see :class:`RowSpec` for ``text``)."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, *, text: bool = False) -> None:
        self.name = name
        self.text = text


class JsonTemplate:
    """A JSON value serialised once, with its :class:`Hole` markers cut out.

    ``fill(*values)`` renders it (values in document order, see ``holes``). ``fill`` is a
    function generated for this template: an f-string whose literal parts are the static JSON
    (written with ``repr``, so any text is safe), about three times faster than ``%``
    formatting, which rescans the whole static text on every call.
    """

    __slots__ = ("_fill", "holes", "segments")

    def __init__(self, sample: Any) -> None:
        holes: list[Hole] = []

        def mark(value: Any) -> Any:
            if isinstance(value, Hole):
                holes.append(value)
                return _MARK.format(len(holes) - 1)
            if isinstance(value, dict):
                return {key: mark(item) for key, item in value.items()}
            if isinstance(value, list | tuple):
                return [mark(item) for item in value]
            return value

        text = orjson.dumps(mark(sample)).decode("utf-8")
        segments: list[str] = []
        for position, hole in enumerate(holes):
            quoted = f'"{_MARK.format(position)}"'
            if text.count(quoted) != 1:
                raise ValueError(f"hole {hole.name!r} must occur exactly once")
            head, text = text.split(quoted)
            segments.append(head + '"' if hole.text else head)
            text = '"' + text if hole.text else text
        segments.append(text)
        self.segments = tuple(segments)
        self.holes = tuple(hole.name for hole in holes)
        self._fill: Callable[..., str] | None = None

    @property
    def fill(self) -> Callable[..., str]:
        """Compiled on first use (templates only rendered as array elements never need it)."""
        if self._fill is None:
            self._fill = _compile_fill(self.segments)
        return self._fill


class ArrayTemplate:
    """A JSON array of :class:`JsonTemplate` objects with the same holes, rendered by column.

    ``render(columns)``: ``columns[j]`` holds hole ``j``'s values (strings, one per element).
    The static text is a list with the holes at odd positions, so filling an array is a list
    copy, one extended-slice assignment per hole and one ``join``, all in C: no per-element
    Python work, which dominated the cost of an invoice's items.
    """

    __slots__ = ("_parts", "_step", "holes")

    def __init__(self, templates: Sequence[JsonTemplate]) -> None:
        self.holes = templates[0].holes if templates else ()
        if any(t.holes != self.holes for t in templates):
            raise ValueError("every element needs the same holes")
        # Per element: separator, then its segments with an empty slot before each but the
        # first. The list only refers to the templates' strings (arrays are built for many
        # combinations of the same few hundred element templates).
        parts: list[str] = []
        for n, template in enumerate(templates):
            first, *rest = template.segments
            parts.extend(("," if n else "[", first))
            for segment in rest:
                parts.extend(("", segment))
        parts.append("]" if templates else "[]")
        self._parts = parts
        self._step = 2 + 2 * len(self.holes)

    def render(self, columns: Sequence[Sequence[str]]) -> str:
        parts = self._parts.copy()
        step = self._step
        for position, column in enumerate(columns):
            parts[2 + 2 * position :: step] = column
        return "".join(parts)


def _compile_fill(segments: Sequence[str]) -> Callable[..., str]:
    """``fill(v0, v1, ...)``: the segments with each value between them, as one generated
    f-string. Only static text goes into the source, through ``repr``."""
    names = [f"v{n}" for n in range(len(segments) - 1)]
    pieces = [f"{segment!r} f'{{{name}}}'" for segment, name in zip(segments, names, strict=False)]
    pieces.append(repr(segments[-1]))
    source = f"def fill({', '.join(names)}):\n    return {' '.join(pieces)}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<json template>", "exec"), namespace)  # noqa: S102 - see docstring
    fill: Callable[..., str] = namespace["fill"]
    return fill


def json_text(value: Any) -> str:
    """Any JSON-serialisable value as JSON text (for raw holes)."""
    return orjson.dumps(value).decode("utf-8")


@dataclass(frozen=True, slots=True)
class RowSpec:
    """How one resource's base records render from templates.

    ``holes``: the varying values, as top-level keys or dotted paths into nested objects, in
    the order they occur in the response schema; ``text``: those inserted between quotes.
    """

    holes: tuple[str, ...]
    text: frozenset[str]
    describe: Callable[[int], Described | None]


class RowRenderer:
    """Renders base records of one resource for one response shape (an export operation).

    ``shaper`` projects a record onto the operation's item schema (``shaping.Shaper``) whose
    top-level ``keys`` are given; if they lack one of the spec's holes, :attr:`usable` is False
    and the caller renders the slow way.
    """

    def __init__(
        self,
        spec: RowSpec,
        record: Callable[[int], Record],
        shaper: Callable[[Record], dict[str, Any]],
        keys: AbstractSet[str],
    ) -> None:
        self._spec = spec
        self._record = record
        self._shaper = shaper
        self._templates: dict[Hashable, Callable[..., str]] = {}
        self.usable = all(path.split(".", 1)[0] in keys for path in spec.holes)

    def slow(self, index: int) -> str:
        return json_text(self._shaper(self._record(index)))

    def __call__(self, index: int) -> str:
        described = self._spec.describe(index)
        if described is None:
            return self.slow(index)
        key, values = described
        fill = self._templates.get(key)
        if fill is None:
            fill = self._compile(index, key)
        return fill(*values)

    def render(self, indices: Iterable[int]) -> list[str]:
        return [self(index) for index in indices]

    def _compile(self, index: int, key: Hashable) -> Callable[..., str]:
        sample = self._shaper(self._record(index))
        for path in self._spec.holes:
            *parents, leaf = path.split(".")
            target: Any = sample
            for name in parents:
                target = target.get(name) if isinstance(target, Mapping) else None
            if not isinstance(target, dict) or leaf not in target:
                raise ValueError(f"{path!r} is not in the rendered row")
            if parents:  # nested objects may be shared by records: copy before marking
                copied = sample
                for name in parents:
                    copied[name] = dict(copied[name])
                    copied = copied[name]
                target = copied
            target[leaf] = Hole(path, text=path in self._spec.text)
        template = JsonTemplate(sample)
        if template.holes != self._spec.holes:
            raise ValueError(
                f"holes must be listed in document order: {template.holes}, not {self._spec.holes}"
            )
        self._templates[key] = template.fill
        return template.fill
