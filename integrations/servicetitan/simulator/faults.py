"""Injectable faults: a small spec language and seeded, reproducible decisions.

Grammar (whitespace ignored; an empty spec means no faults)::

    spec   := item ("," item)*
    item   := kind ":" arg ["x" burst] ["@" scope]
    kind   := "429" | "500" | "502" | "503" | "409"      arg = probability
            | "html500" | "html502" | "html503"          arg = probability (HTML body)
            | "drop"          arg = probability  (connection closed, no response)
            | "token-expiry"  arg = probability  (valid token answered 401, then revoked)
            | "dup"           arg = probability  (export page starts a few rows early)
            | "malformed"     arg = probability  (per row of list/export pages)
            | "latency"       arg = duration     ("20ms", "1.5s", "5-50ms"; every request)
    probability := "0.05" | "5%"
    burst  := integer >= 1: once fired, this many consecutive matching requests suffer it
    scope  := substring of the request path the item applies to, e.g. "@/export/";
              faults never touch ``/_sim/`` and touch ``/connect/token`` only when the scope
              names it ("@/connect/token").

Example: ``429:0.05x3,500:0.02,html503:0.02,409:0.01,latency:20ms,drop:0.01,dup:0.05@/export/``.

Decisions hash ``(seed, request sequence number, item)`` (and the row index for
``malformed``), never global random state: the same seed and the same request order give the
same faults. Item order is evaluation order among the status faults.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Final

from integrations.servicetitan.simulator.rng import salt, unit

STATUS_KINDS: Final = frozenset(
    {"429", "500", "502", "503", "409", "html500", "html502", "html503"}
)
FLAG_KINDS: Final = frozenset({"drop", "token-expiry", "dup", "malformed"})
KINDS: Final = STATUS_KINDS | FLAG_KINDS | {"latency"}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?(ms|s)$")
MAINTENANCE_MESSAGE: Final = "The service is suspended for maintenance. Please try again later."


class FaultSpecError(ValueError):
    """The fault spec does not follow the grammar (message says where)."""


@dataclass(frozen=True, slots=True)
class FaultItem:
    kind: str
    probability: float = 0.0
    latency_ms: tuple[float, float] = (0.0, 0.0)
    burst: int = 1
    scope: str | None = None

    def applies_to(self, path: str) -> bool:
        if self.scope is None:
            return not path.startswith("/connect/")
        return self.scope in path

    def describe(self) -> str:
        if self.kind == "latency":
            low, high = self.latency_ms
            arg = f"{low:g}ms" if low == high else f"{low:g}-{high:g}ms"
        else:
            arg = f"{self.probability:g}"
        burst = f"x{self.burst}" if self.burst != 1 else ""
        scope = f"@{self.scope}" if self.scope else ""
        return f"{self.kind}:{arg}{burst}{scope}"


def _probability(text: str, item: str) -> float:
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise FaultSpecError(f"{item!r}: {text!r} is not a probability") from None
    if not 0.0 <= value <= 1.0:
        raise FaultSpecError(f"{item!r}: probability must be within [0, 1]")
    return value


def parse_faults(spec: str) -> tuple[FaultItem, ...]:
    items: list[FaultItem] = []
    for raw in (part.strip() for part in spec.replace(" ", "").split(",")):
        if not raw:
            continue
        body, _, scope = raw.partition("@")
        kind, sep, arg = body.partition(":")
        kind = kind.lower()
        if not sep or kind not in KINDS:
            raise FaultSpecError(f"{raw!r}: expected kind:arg with kind one of {sorted(KINDS)}")
        burst = 1
        burst_match = re.search(r"x(\d+)$", arg)
        if burst_match:
            burst = int(burst_match.group(1))
            arg = arg[: burst_match.start()]
            if burst < 1:
                raise FaultSpecError(f"{raw!r}: burst must be >= 1")
        if kind == "latency":
            match = _DURATION.match(arg.lower())
            if not match:
                raise FaultSpecError(f"{raw!r}: latency takes a duration like 20ms, 1s, 5-50ms")
            factor = 1000.0 if match.group(3) == "s" else 1.0
            low = float(match.group(1)) * factor
            high = float(match.group(2)) * factor if match.group(2) else low
            items.append(FaultItem("latency", 1.0, (low, max(low, high)), burst, scope or None))
        else:
            items.append(FaultItem(kind, _probability(arg, raw), burst=burst, scope=scope or None))
    return tuple(items)


@dataclass(slots=True)
class FaultDecision:
    """What to do to one request."""

    status: str | None = None
    latency_ms: float = 0.0
    drop: bool = False
    expire_token: bool = False
    duplicate: bool = False
    malformed: float = 0.0
    sequence: int = 0


class FaultInjector:
    """Holds the active spec and decides, per request, which faults fire."""

    def __init__(self, seed: int, spec: str = "") -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._items: tuple[FaultItem, ...] = parse_faults(spec)
        self._spec = spec
        self._sequence = 0
        self._bursts: dict[int, int] = {}
        self.fired: dict[str, int] = {}

    @property
    def spec(self) -> str:
        return ",".join(item.describe() for item in self._items)

    @property
    def items(self) -> tuple[FaultItem, ...]:
        return self._items

    def replace(self, spec: str) -> None:
        items = parse_faults(spec)
        with self._lock:
            self._items = items
            self._spec = spec
            self._bursts.clear()

    def reset(self, spec: str = "") -> None:
        self.replace(spec)
        with self._lock:
            self._sequence = 0
            self.fired.clear()

    def decide(self, path: str) -> FaultDecision:
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
            items = self._items
            decision = FaultDecision(sequence=sequence)
            for position, item in enumerate(items):
                if not item.applies_to(path):
                    continue
                if item.kind == "malformed":
                    decision.malformed = max(decision.malformed, item.probability)
                    continue
                fires = self._fires(position, item, sequence)
                if not fires:
                    continue
                self.fired[item.kind] = self.fired.get(item.kind, 0) + 1
                if item.kind == "latency":
                    low, high = item.latency_ms
                    share = unit(self._seed, salt("latency"), sequence, position)
                    decision.latency_ms += low + (high - low) * share
                elif item.kind == "drop":
                    decision.drop = True
                elif item.kind == "token-expiry":
                    decision.expire_token = True
                elif item.kind == "dup":
                    decision.duplicate = True
                elif decision.status is None:
                    decision.status = item.kind
            return decision

    def _fires(self, position: int, item: FaultItem, sequence: int) -> bool:
        remaining = self._bursts.get(position, 0)
        if remaining > 0:
            self._bursts[position] = remaining - 1
            return True
        if item.kind == "latency":
            return True
        if unit(self._seed, salt(item.kind), sequence, position) < item.probability:
            if item.burst > 1:
                self._bursts[position] = item.burst - 1
            return True
        return False

    def malformed_row(self, sequence: int, row: int, probability: float) -> bool:
        return unit(self._seed, salt("malformed"), sequence, row) < probability

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "spec": self.spec,
                "items": [item.describe() for item in self._items],
                "fired": dict(self.fired),
                "requests": self._sequence,
            }


HTML_ERROR_PAGE: Final = """<!DOCTYPE html>
<html><head><title>{status} {reason}</title></head>
<body><h1>{status} {reason}</h1><p>The server encountered a temporary error and could not
complete your request. Please try again in 30 seconds.</p><hr>
<address>Microsoft-Azure-Application-Gateway/v2</address></body></html>
"""


def break_row(row: dict[str, Any], sequence: int, index: int, seed: int) -> dict[str, Any]:
    """A row no mapper can accept: no id, a non-numeric id, or a garbage ``modifiedOn``."""
    broken = dict(row)
    variant = int(unit(seed, salt("malformed-variant"), sequence, index) * 3)
    if variant == 0:
        broken.pop("id", None)
    elif variant == 1:
        broken["id"] = f"ST-{broken.get('id')}"
    else:
        broken["modifiedOn"] = "0000-00-00T25:61:00"
    return broken
