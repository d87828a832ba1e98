"""Turkish-aware text folding for search.

Python's `str.lower()`, SQLite's `lower()` and PostgreSQL's `ILIKE` all get the
dotted and dotless i wrong ("İ".lower() is "i̇", "I" lowers to "i" instead of
"ı"). Köprü stores a folded copy of each searchable record and folds the query
the same way, so a plain `contains` lookup behaves identically on both
databases and can be indexed.
"""

_TURKISH_UPPER_TO_LOWER = str.maketrans({"İ": "i", "I": "ı"})
# After lowering, drop the Turkish diacritics so that a query typed on a
# keyboard without them ("isik", "Istanbul") still finds "Işık", "İstanbul".
_TURKISH_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def turkish_fold(value: str | None) -> str:
    """Return `value` lower-cased the Turkish way, without diacritics, whitespace squeezed."""
    if not value:
        return ""
    lowered = value.translate(_TURKISH_UPPER_TO_LOWER).lower()
    return " ".join(lowered.translate(_TURKISH_ASCII).split())
