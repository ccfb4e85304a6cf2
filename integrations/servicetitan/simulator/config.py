"""Simulator configuration: one frozen dataclass, plus the size presets behind ``--scale``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal

Scale = Literal["small", "medium", "large"]

DEFAULT_TENANT: Final = 1000
DEFAULT_CLIENT_ID: Final = "sim-client-id"
DEFAULT_CLIENT_SECRET: Final = "sim-client-secret"  # noqa: S105 - a well-known test credential
DEFAULT_APP_KEY: Final = "sim-app-key"


@dataclass(frozen=True, slots=True)
class ScalePreset:
    """How big the seeded tenant is. Every other count derives from ``jobs``."""

    jobs: int
    technicians: int
    employees: int


SCALES: Final[dict[str, ScalePreset]] = {
    "small": ScalePreset(jobs=200, technicians=8, employees=10),
    "medium": ScalePreset(jobs=5_000, technicians=24, employees=20),
    "large": ScalePreset(jobs=100_000, technicians=150, employees=60),
}


def default_anchor() -> datetime:
    """Midnight UTC today: the seeded history ends here, so the same seed gives the same data
    all day long while jobs still look recent (18 months back, a few weeks ahead)."""
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Everything that shapes one simulated ServiceTitan tenant.

    ``imperfect_share`` is the fraction of records that carry the blemishes real tenants have
    (missing emails, blank serials, nulls the schema forbids, enums as integers, invoice totals
    that disagree with their items); 0 makes every response validate against the documents.
    ``recent_changes_window`` is how far back (seconds) ``includeRecentChanges=true`` re-sends
    rows on export feeds. ``anchor`` is "now" for the seeded history (default: today 00:00 UTC).
    ``scopes`` are the OAuth scopes the app was granted (``tn.jpm.jobs:r``...); ``None`` grants
    every scope the documents name. Calling an operation outside them answers 403.
    """

    seed: int = 1
    scale: Scale = "small"
    tenant: int = DEFAULT_TENANT
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    app_key: str = DEFAULT_APP_KEY
    token_ttl: int = 900
    rate_limit: int = 60
    faults: str = ""
    export_batch_size: int = 5000
    imperfect_share: float = 0.03
    recent_changes_window: float = 60.0
    max_page_size: int = 5000
    max_ids: int = 50
    request_log_size: int = 10_000
    scopes: frozenset[str] | None = None
    anchor: datetime = field(default_factory=default_anchor)

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {sorted(SCALES)}, not {self.scale!r}")
        if self.token_ttl < 1:
            raise ValueError("token_ttl must be at least 1 second")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be >= 0 (0 disables it)")
        if self.export_batch_size < 1:
            raise ValueError("export_batch_size must be at least 1")
        if not 0.0 <= self.imperfect_share <= 1.0:
            raise ValueError("imperfect_share must be within [0, 1]")
        if self.scopes is not None and not isinstance(self.scopes, frozenset):
            object.__setattr__(self, "scopes", frozenset(self.scopes))
        if self.anchor.tzinfo is None:
            object.__setattr__(self, "anchor", self.anchor.replace(tzinfo=UTC))

    @property
    def preset(self) -> ScalePreset:
        return SCALES[self.scale]

    def replace(self, **changes: object) -> SimulatorConfig:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
