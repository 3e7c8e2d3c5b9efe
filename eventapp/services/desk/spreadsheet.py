"""Cells that are safe to open in a spreadsheet: shared by every CSV and Excel export."""
from __future__ import annotations

#: A spreadsheet reads a cell starting with one of these as a formula (CSV / formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text as a spreadsheet will show it, never run it: a leading ' stops a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
