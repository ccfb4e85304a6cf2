"""Reading the certified products list: which listings a chunk's model numbers match.

Listings name base models ("25VNA036A**3") and installed units carry the full model
("25VNA036A003"), so a listing matches a model when the listing's key is a prefix of the
model's key. One query answers a whole chunk of packets: every prefix of every model key,
bound as one array, against the indexed outdoor key.
"""

from __future__ import annotations

from collections.abc import Iterable

from autofile.packets.models import CertifiedProduct, model_key

#: A listing key shorter than this is no model number ("25V" would match too much).
MIN_KEY = 5


def model_keys(model: str) -> list[str]:
    """The keys of a unit's model number: one per half where it names two
    ("MSZ-FS12NA / MUZ-FS12NAH", a mini-split's indoor and outdoor units)."""
    return [key for part in (model or "").split("/") if len(key := model_key(part)) >= MIN_KEY]


def _prefixes(key: str) -> Iterable[str]:
    return (key[:n] for n in range(MIN_KEY, len(key) + 1))


def certified_matches(keys: Iterable[str]) -> dict[str, list[CertifiedProduct]]:
    """For each model key, the listings whose outdoor (or single-product) model it is,
    longest listing key first: one query for all the keys."""
    wanted = sorted({key for key in keys if len(key) >= MIN_KEY})
    if not wanted:
        return {}
    prefixes = sorted({prefix for key in wanted for prefix in _prefixes(key)})
    listings = list(
        CertifiedProduct.objects.filter(outdoor_key__any=prefixes).order_by(
            "category", "outdoor_key", "indoor_key", "ahri_reference_number", "id"
        )
    )
    found: dict[str, list[CertifiedProduct]] = {}
    for key in wanted:
        rows = [p for p in listings if key.startswith(p.outdoor_key)]
        if rows:
            found[key] = sorted(rows, key=lambda p: -len(p.outdoor_key))
    return found
