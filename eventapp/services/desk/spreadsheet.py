"""Cells that are safe to open in a spreadsheet: shared by every CSV and Excel export."""
from __future__ import annotations

#: A spreadsheet reads a cell starting with one of these as a formula (CSV / formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text as a spreadsheet will show it, never run it: a leading ' stops a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


#: How a date and time cell shows in the spreadsheet (Excel translates the pattern's letters).
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def typed_cell(sheet, value, *, heading=False):
    """A write-only Excel cell of the value's own type.

    Dates and numbers keep their type. Text is always a text cell: a value that starts like a
    formula ("=HYPERLINK(...)") is stored as a string, marked quote-prefixed as Excel does when
    someone types a leading ', so it shows as written and never runs, with no visible quote.
    """
    from datetime import date, datetime

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    if isinstance(value, bool) or value is None:
        value = "" if value is None else str(value)
    if isinstance(value, (int, float)) and not heading:
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, (datetime, date)) and not heading:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else "yyyy-mm-dd"
        return cell
    # Control characters have no place in a worksheet: Excel refuses the file.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would make "=..." a formula; a string cell is only ever text
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    if heading:
        cell.font = Font(bold=True)
    return cell
