"""Whole numbers read from people's input: ASCII digits only, within what a database column holds."""

#: the largest value of a 32-bit signed INTEGER column (PostgreSQL's `integer`)
MAX_INT = 2**31 - 1


def parse_id(value):
    """A positive id from text such as a query-string value, or None.

    `str.isdigit()` accepts `²` and other digits that `int()` refuses, and `int()` accepts sizes no
    column holds: only ASCII digits up to MAX_INT count.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= MAX_INT else None
    text = str(value or "").strip()
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_INT else None
