"""Where a report is: département of a postcode, geohash cells, and the spot reports share.

Reports about the same place and of the same kind are grouped under one
*spot*: the geohash cell (precision 7, about 150 m × 150 m) when the citizen
gave coordinates, otherwise the postcode and the normalised address.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

GEOHASH_PRECISION = 7
_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"

# Street-type abbreviations citizens type, to their full word (after accents are removed).
_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "crs": "cours",
    "fbg": "faubourg",
    "fg": "faubourg",
    "imp": "impasse",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "all": "allee",
    "res": "residence",
    "resid": "residence",
    "qu": "quai",
}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Spot:
    """The place a report is grouped under."""

    spot_id: str
    # ``geohash`` or ``address``: how the spot was recognised.
    method: str
    geohash: str | None
    lat: float | None
    lon: float | None


def departement(postcode: str) -> str:
    """The département of a French postcode: ``75``, ``2A``/``2B`` (Corsica), ``974``…

    Corsican postcodes below 20200 are in Corse-du-Sud (2A), the others in
    Haute-Corse (2B); overseas postcodes (97x, 98x) give three digits.
    """
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    return postcode[:2]


def normalise_address(address: str) -> str:
    """An address reduced to what identifies the place: no case, accents, punctuation or
    abbreviations (``12, Bd. de l'Hôpital`` → ``12 boulevard de l hopital``)."""
    text = unicodedata.normalize("NFKD", address)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    words = [word for word in _NOT_WORD.split(text) if word]
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def geohash(lat: float, lon: float, precision: int = GEOHASH_PRECISION) -> str:
    """The standard geohash of a point (base 32, ``precision`` characters)."""
    lat_range = [-90.0, 90.0]
    lon_range = [-180.0, 180.0]
    chars: list[str] = []
    bits = 0
    value = 0
    even = True
    while len(chars) < precision:
        target, bounds = (lon, lon_range) if even else (lat, lat_range)
        middle = (bounds[0] + bounds[1]) / 2
        value <<= 1
        if target >= middle:
            value |= 1
            bounds[0] = middle
        else:
            bounds[1] = middle
        even = not even
        bits += 1
        if bits == 5:
            chars.append(_BASE32[value])
            bits = 0
            value = 0
    return "".join(chars)


def geohash_centre(code: str) -> tuple[float, float]:
    """The centre (lat, lon) of a geohash cell, rounded to 6 decimals."""
    lat_range = [-90.0, 90.0]
    lon_range = [-180.0, 180.0]
    even = True
    for char in code:
        value = _BASE32.index(char)
        for shift in range(4, -1, -1):
            bounds = lon_range if even else lat_range
            middle = (bounds[0] + bounds[1]) / 2
            if (value >> shift) & 1:
                bounds[0] = middle
            else:
                bounds[1] = middle
            even = not even
    return (
        round((lat_range[0] + lat_range[1]) / 2, 6),
        round((lon_range[0] + lon_range[1]) / 2, 6),
    )


def spot_for(kind: str, postcode: str, address: str, lat: float | None, lon: float | None) -> Spot:
    """The spot a report belongs to (same kind, same cell or same address).

    Spot ids are URL-safe: ``<kind>.g.<geohash>`` or ``<kind>.a.<digest>``, the
    digest being the first 16 hex characters of SHA-256 of
    ``postcode#normalised address``.
    """
    if lat is not None and lon is not None:
        cell = geohash(lat, lon)
        centre_lat, centre_lon = geohash_centre(cell)
        return Spot(f"{kind}.g.{cell}", "geohash", cell, centre_lat, centre_lon)
    key = f"{postcode}#{normalise_address(address)}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return Spot(f"{kind}.a.{digest}", "address", None, None, None)
