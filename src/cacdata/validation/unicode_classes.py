"""Classes of code points, by Python's own Unicode predicates, for the DuckDB engine's suspect-row filter.

The filter must flag every cell the cell rules (``cells.py``) would flag, so its classes come from Python's
``unicodedata`` and ``str.isspace``: stored here for the Unicode versions of Python 3.11 to 3.13 (a test checks
them against the running Python), computed (about a second) on any other.

- ``space``: ``str.isspace``; ``Cc``, ``Cf``: the general categories, exactly;
- ``nfc``: a superset of the characters that can make a string not NFC: combining marks, characters that NFC
  changes, and those that can compose with the character before them. A string with none of them is NFC.
  Ranges less than 64 code points apart are merged; a larger class only costs a few more suspect rows.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from functools import cache

STORED = {
    "14.0.0": {
        "space": "9-d,1c-20,85,a0,1680,2000-200a,2028-2029,202f,205f,3000",
        "Cc": "0-1f,7f-9f",
        "Cf": (
            "ad,600-605,61c,6dd,70f,890-891,8e2,180e,200b-200f,202a-202e,2060-2064,2066-206f,feff,fff9-fffb,"
            "110bd,110cd,13430-13438,1bca0-1bca3,1d173-1d17a,e0001,e0020-e007f"
        ),
        "nfc": (
            "300-387,483-487,591-5c7,610-670,6d6-74a,7eb-95f,9bc-a5e,abc-acd,b3c-b5d,bbe-bd7,c3c-c56,cbc-cd6,"
            "d3b-d57,dca-ddf,e38-e4b,eb8-ecb,f18-fc6,102e-103a,108d,1161-11c2,135d-135f,1714-1734,17d2-17dd,18a9,"
            "1939-193b,1a17-1a18,1a60-1ace,1b34-1bf3,1c37,1cd0-1cf9,1dc0-1dff,1f71-2001,20d0-212b,2329-232a,2adc,"
            "2cef-2cf1,2d7f,2de0-2dff,302a-302f,3099-309a,a66f-a69f,a6f0-a6f1,a806-a82c,a8c4-a953,a9b3-a9c0,"
            "aab0-aaf6,abed,f900-fad9,fb1d-fb4e,fe20-fe2f,101fd,102e0,10376-1037a,10a0d-10a3f,10ae5-10ae6,"
            "10d24-10d27,10eab-10eac,10f46-10f85,11046-110ba,11100-11173,111c0-111ca,11235-11236,112e9-112ea,"
            "1133b-11374,11442-1145e,114b0-114c3,115af-115c0,1163f,116b6-116b7,1172b,11839-1183a,11930-11943,"
            "119e0,11a34-11a47,11a99,11c3f,11d42-11d45,11d97,16af0-16b36,16ff0-16ff1,1bc9e,1d15e-1d1c0,"
            "1d242-1d244,1e000-1e02a,1e130-1e136,1e2ae-1e2ef,1e8d0-1e8d6,1e944-1e94a,2f800-2fa1d"
        ),
    },
    "15.0.0": {
        "space": "9-d,1c-20,85,a0,1680,2000-200a,2028-2029,202f,205f,3000",
        "Cc": "0-1f,7f-9f",
        "Cf": (
            "ad,600-605,61c,6dd,70f,890-891,8e2,180e,200b-200f,202a-202e,2060-2064,2066-206f,feff,fff9-fffb,"
            "110bd,110cd,13430-1343f,1bca0-1bca3,1d173-1d17a,e0001,e0020-e007f"
        ),
        "nfc": (
            "300-387,483-487,591-5c7,610-670,6d6-74a,7eb-95f,9bc-a5e,abc-acd,b3c-b5d,bbe-bd7,c3c-c56,cbc-cd6,"
            "d3b-d57,dca-ddf,e38-e4b,eb8-ecb,f18-fc6,102e-103a,108d,1161-11c2,135d-135f,1714-1734,17d2-17dd,18a9,"
            "1939-193b,1a17-1a18,1a60-1ace,1b34-1bf3,1c37,1cd0-1cf9,1dc0-1dff,1f71-2001,20d0-212b,2329-232a,2adc,"
            "2cef-2cf1,2d7f,2de0-2dff,302a-302f,3099-309a,a66f-a69f,a6f0-a6f1,a806-a82c,a8c4-a953,a9b3-a9c0,"
            "aab0-aaf6,abed,f900-fad9,fb1d-fb4e,fe20-fe2f,101fd,102e0,10376-1037a,10a0d-10a3f,10ae5-10ae6,"
            "10d24-10d27,10eab-10eac,10efd-10eff,10f46-10f85,11046-110ba,11100-11173,111c0-111ca,11235-11236,"
            "112e9-112ea,1133b-11374,11442-1145e,114b0-114c3,115af-115c0,1163f,116b6-116b7,1172b,11839-1183a,"
            "11930-11943,119e0,11a34-11a47,11a99,11c3f,11d42-11d45,11d97,11f41-11f42,16af0-16b36,16ff0-16ff1,"
            "1bc9e,1d15e-1d1c0,1d242-1d244,1e000-1e02a,1e08f,1e130-1e136,1e2ae-1e2ef,1e4ec-1e4ef,1e8d0-1e8d6,"
            "1e944-1e94a,2f800-2fa1d"
        ),
    },
    "15.1.0": {
        "space": "9-d,1c-20,85,a0,1680,2000-200a,2028-2029,202f,205f,3000",
        "Cc": "0-1f,7f-9f",
        "Cf": (
            "ad,600-605,61c,6dd,70f,890-891,8e2,180e,200b-200f,202a-202e,2060-2064,2066-206f,feff,fff9-fffb,"
            "110bd,110cd,13430-1343f,1bca0-1bca3,1d173-1d17a,e0001,e0020-e007f"
        ),
        "nfc": (
            "300-387,483-487,591-5c7,610-670,6d6-74a,7eb-95f,9bc-a5e,abc-acd,b3c-b5d,bbe-bd7,c3c-c56,cbc-cd6,"
            "d3b-d57,dca-ddf,e38-e4b,eb8-ecb,f18-fc6,102e-103a,108d,1161-11c2,135d-135f,1714-1734,17d2-17dd,18a9,"
            "1939-193b,1a17-1a18,1a60-1ace,1b34-1bf3,1c37,1cd0-1cf9,1dc0-1dff,1f71-2001,20d0-212b,2329-232a,2adc,"
            "2cef-2cf1,2d7f,2de0-2dff,302a-302f,3099-309a,a66f-a69f,a6f0-a6f1,a806-a82c,a8c4-a953,a9b3-a9c0,"
            "aab0-aaf6,abed,f900-fad9,fb1d-fb4e,fe20-fe2f,101fd,102e0,10376-1037a,10a0d-10a3f,10ae5-10ae6,"
            "10d24-10d27,10eab-10eac,10efd-10eff,10f46-10f85,11046-110ba,11100-11173,111c0-111ca,11235-11236,"
            "112e9-112ea,1133b-11374,11442-1145e,114b0-114c3,115af-115c0,1163f,116b6-116b7,1172b,11839-1183a,"
            "11930-11943,119e0,11a34-11a47,11a99,11c3f,11d42-11d45,11d97,11f41-11f42,16af0-16b36,16ff0-16ff1,"
            "1bc9e,1d15e-1d1c0,1d242-1d244,1e000-1e02a,1e08f,1e130-1e136,1e2ae-1e2ef,1e4ec-1e4ef,1e8d0-1e8d6,"
            "1e944-1e94a,2f800-2fa1d"
        ),
    },
}


@cache
def code_points(name: str) -> list[tuple[int, int]]:
    """Ranges (first, last) of the class ``name``: "space", "Cc", "Cf" or "nfc"."""
    stored = STORED.get(unicodedata.unidata_version, {}).get(name)
    return parse(stored) if stored is not None else computed(name)


def parse(text: str) -> list[tuple[int, int]]:
    """Ranges from the stored form ``hex`` or ``hex-hex``, comma-separated, as ``STORED`` keeps them."""
    ranges = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return ranges


def computed(name: str) -> list[tuple[int, int]]:
    """The class as the running Python's ``unicodedata`` gives it."""
    points = [p for p in range(sys.maxunicode + 1) if not 0xD800 <= p <= 0xDFFF]
    if name == "space":
        return _ranges(p for p in points if chr(p).isspace())
    if name in ("Cc", "Cf"):
        return _ranges(p for p in points if unicodedata.category(chr(p)) == name)
    if name == "nfc":
        second = _second_of_pairs(points)
        return _ranges((p for p in points if _may_change_nfc(chr(p), second)), gap=64)
    raise KeyError(name)


def _second_of_pairs(points: list[int]) -> set[int]:
    """Characters that compose with the one before them: Hangul vowels and trailing consonants, and the second
    character of every two-character canonical decomposition."""
    second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for point in points:
        decomposition = unicodedata.decomposition(chr(point))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            second.add(int(decomposition.split()[1], 16))
    return second


def _may_change_nfc(char: str, second: set[int]) -> bool:
    return (
        bool(unicodedata.combining(char))
        or unicodedata.normalize("NFC", char) != char
        or ord(char) in second
        or ord(unicodedata.normalize("NFD", char)[0]) in second
    )


def _ranges(points: Iterable[int], gap: int = 1) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point - ranges[-1][1] <= gap:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


def re2_class(*names: str) -> str:
    """An RE2 character class of the code points in these classes."""
    ranges = [r for name in names for r in code_points(name)]
    return "[" + "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in ranges) + "]"
