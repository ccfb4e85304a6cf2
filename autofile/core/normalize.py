"""How AutoFile compares what people and ServiceTitan write: one copy, used by every app.

Pure functions, no Django. Phone numbers become ten digits, e-mail addresses lower case.
Names, street addresses and model numbers (for the consistency checks) are reduced to the
form in which two ways of writing the same thing are equal: case, punctuation, spacing and
the usual abbreviations (St/Street, Ave/Avenue, Apt/#/Unit/Suite, N/North, TX/Texas) do not
count as differences. Where two values differ, `marks` says which characters do, for a
reviewer to see at a glance.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

_NOT_DIGITS = re.compile(r"\D")


def normalize_phone(value: str) -> str | None:
    """Ten digits for a North American number written any usual way, else None.

    "(214) 555-0100", "214.555.0100", "+1 214 555 0100" → "2145550100" (how ServiceTitan
    stores numbers). Area and exchange codes cannot start with 0 or 1.
    """
    digits = _NOT_DIGITS.sub("", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return digits


def normalize_email(value: str) -> str:
    """An e-mail address as compared and stored: trimmed, lower case."""
    return (value or "").strip().lower()


#: A run of text and whether it differs from the value it is compared with.
Mark = tuple[str, bool]

_STREET_WORDS = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "aven": "ave",
    "road": "rd",
    "drive": "dr",
    "drv": "dr",
    "lane": "ln",
    "boulevard": "blvd",
    "boul": "blvd",
    "court": "ct",
    "crt": "ct",
    "place": "pl",
    "circle": "cir",
    "parkway": "pkwy",
    "pky": "pkwy",
    "highway": "hwy",
    "terrace": "ter",
    "terr": "ter",
    "trail": "trl",
    "square": "sq",
    "expressway": "expy",
    "freeway": "fwy",
    "crossing": "xing",
    "point": "pt",
    "mount": "mt",
    "mountain": "mtn",
    "heights": "hts",
    "junction": "jct",
    "center": "ctr",
    "centre": "ctr",
    "loop": "loop",
    "alley": "aly",
    "cove": "cv",
    "creek": "crk",
    "estates": "est",
    "fort": "ft",
    "saint": "st",
    "hollow": "holw",
    "meadows": "mdws",
    "ridge": "rdg",
    "run": "run",
    "view": "vw",
    "village": "vlg",
    "way": "way",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    # unit designators all read as one word
    "apartment": "unit",
    "apt": "unit",
    "suite": "unit",
    "ste": "unit",
    "#": "unit",
    "no": "unit",
    "number": "unit",
    "room": "unit",
    "rm": "unit",
    "space": "unit",
    "spc": "unit",
    "lot": "unit",
    "bldg": "bldg",
    "building": "bldg",
    "floor": "fl",
    "flr": "fl",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
}

STATES = {
    "alabama": "al",
    "alaska": "ak",
    "arizona": "az",
    "arkansas": "ar",
    "california": "ca",
    "colorado": "co",
    "connecticut": "ct",
    "delaware": "de",
    "district of columbia": "dc",
    "florida": "fl",
    "georgia": "ga",
    "hawaii": "hi",
    "idaho": "id",
    "illinois": "il",
    "indiana": "in",
    "iowa": "ia",
    "kansas": "ks",
    "kentucky": "ky",
    "louisiana": "la",
    "maine": "me",
    "maryland": "md",
    "massachusetts": "ma",
    "michigan": "mi",
    "minnesota": "mn",
    "mississippi": "ms",
    "missouri": "mo",
    "montana": "mt",
    "nebraska": "ne",
    "nevada": "nv",
    "new hampshire": "nh",
    "new jersey": "nj",
    "new mexico": "nm",
    "new york": "ny",
    "north carolina": "nc",
    "north dakota": "nd",
    "ohio": "oh",
    "oklahoma": "ok",
    "oregon": "or",
    "pennsylvania": "pa",
    "rhode island": "ri",
    "south carolina": "sc",
    "south dakota": "sd",
    "tennessee": "tn",
    "texas": "tx",
    "utah": "ut",
    "vermont": "vt",
    "virginia": "va",
    "washington": "wa",
    "west virginia": "wv",
    "wisconsin": "wi",
    "wyoming": "wy",
    "puerto rico": "pr",
}

_NAME_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev"})
_NAME_SUFFIXES = {"junior": "jr", "senior": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
_COMPANY_WORDS = {
    "incorporated": "inc",
    "corporation": "corp",
    "company": "co",
    "limited": "ltd",
    "l.l.c.": "llc",
    "&": "and",
}


def _ascii_fold(value: str) -> str:
    """Lower case without accents: "José" and "Jose" are the same name on two forms."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(value: str) -> list[str]:
    """Words of a value: "#" stays a word of its own ("Apt #4" → apt, #, 4), other
    punctuation separates words, except inside numbers ("1/2", "12-B" stay whole)."""
    text = _ascii_fold(value).replace("#", " # ")
    text = re.sub(r"(?<=\d)[/-](?=\w)", "\x00", text)
    text = re.sub(r"[^\w#\x00]+", " ", text).replace("\x00", "")
    return text.split()


def normalize_name(value: str) -> str:
    """A person's or company's name as it compares: "Smith, John A." and "john a smith"
    are one name; titles (Mr, Dr) are dropped, Junior/Jr and Inc./Incorporated agree."""
    text = _ascii_fold(value).strip()
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and " " not in last and first not in _NAME_SUFFIXES.values():
            text = f"{first} {last}"
    words: list[str] = []
    for word in re.sub(r"[^\w&]+", " ", text.replace("l.l.c.", "llc")).split():
        if word in _NAME_TITLES and not words:
            continue
        words.append(_NAME_SUFFIXES.get(word, _COMPANY_WORDS.get(word, word)))
    return " ".join(words)


def normalize_street(street: str, unit: str = "") -> str:
    """A street line (and its unit) as it compares: "123 North Main Street, Apt. #4" and
    "123 n main st unit 4" agree."""
    words = [_STREET_WORDS.get(w, w) for w in _words(f"{street} {unit}")]
    # "unit unit 4" (from "Apt #4") and "unit # 4" read as one designator
    out: list[str] = []
    for word in words:
        if word == "unit" and out and out[-1] == "unit":
            continue
        out.append(word)
    return " ".join(out)


def normalize_state(value: str) -> str:
    text = " ".join(_words(value))
    return STATES.get(text, text)


def normalize_zip(value: str) -> str:
    """The five-digit ZIP code (a ZIP+4 agrees with its ZIP)."""
    digits = re.sub(r"\D", "", value or "")
    return digits[:5] if len(digits) in (5, 9) else digits


_CITY_WORDS = frozenset({"saint", "mount", "fort", "north", "south", "east", "west"})


def normalize_address(
    street: str, unit: str = "", city: str = "", state: str = "", zip: str = ""
) -> str:
    """An install address as it compares (street and unit, city, state, ZIP)."""
    city_words = " ".join(_STREET_WORDS.get(w, w) if w in _CITY_WORDS else w for w in _words(city))
    parts = (normalize_street(street, unit), city_words, normalize_state(state), normalize_zip(zip))
    return ", ".join(parts)


def normalize_model(value: str) -> str:
    """A model or serial number as it compares: upper case, letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", _ascii_fold(value).upper())


def marks(value: str, other: str) -> list[Mark]:
    """`value` cut into runs, each marked True where it differs from `other` (case and
    spacing aside): "25VNA036A008" against "25VNA036A003" marks the final "8"."""
    if not value:
        return []
    matcher = difflib.SequenceMatcher(None, value.casefold(), other.casefold(), autojunk=False)
    runs: list[Mark] = []
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if i1 == i2:
            continue
        text, differs = value[i1:i2], tag != "equal"
        if not differs or text.strip():
            if runs and runs[-1][1] == differs:
                runs[-1] = (runs[-1][0] + text, differs)
            else:
                runs.append((text, differs))
        else:  # a differing run of spaces only: not worth a mark
            runs.append((text, False))
    return runs


def compare_values(values: Sequence[tuple[str, str, str]]) -> list[dict[str, object]]:
    """A finding's `values`: each (source, value, normalised key) as {source, value,
    marks}, the characters marked against the most common key's value (the first
    source's on a tie); values of that key are marked against the first that differs."""
    keys = [key for _source, _value, key in values]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    reference_key = max(keys, key=lambda k: (counts[k], -keys.index(k))) if keys else ""
    reference = next((v for _s, v, k in values if k == reference_key), "")
    different = next((v for _s, v, k in values if k != reference_key), reference)
    result: list[dict[str, object]] = []
    for source, value, key in values:
        against = different if key == reference_key else reference
        run = marks(value, against) or [(value, False)]
        result.append(
            {"source": source, "value": value, "marks": [[text, flag] for text, flag in run]}
        )
    return result
