"""Alphabetical order and accent-blind matching as a reader of English, French or Spanish expects.

Python compares strings by code point, which puts "Pérez" after "Petrov" (é comes after every
ASCII letter). `sort_key` follows the Unicode Collation Algorithm's levels for our three languages
without a C library (PyICU needs ICU built from source; the database's collations differ between
SQLite and PostgreSQL): letters first, with accents and case ignored; then accents; then case.
Spanish keeps ñ as its own letter after n, as the Real Academia's alphabet does; French and
English treat it as n with a tilde.

`fold` is the first level alone, for searching: "perez" finds "Pérez", "MULLER" finds "Müller".
"""
from __future__ import annotations

import unicodedata

#: Letters that are letters of their own in a language, and where they sort: after this base letter.
_OWN_LETTERS = {"es": {"ñ": "n"}}
#: Sorts after every ordinary letter that follows the same base (n < nz < ñ < o).
_AFTER = "\U0010ffff"


#: Letters Unicode does not decompose into a base letter and an accent, read as their base letters.
_BASE_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
                               "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"})


def _strip(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text):
    """Lower case without accents: the level at which "Pérez", "perez" and "PEREZ" are equal."""
    return _strip(text or "").casefold()


def _primary(text, language):
    own = _OWN_LETTERS.get(language)
    text = (text or "").casefold()
    if own:
        text = "".join(own[c] + _AFTER if c in own else c for c in unicodedata.normalize("NFC", text))
    return _strip(text)


def sort_key(text, language="en"):
    """A key that sorts `text` as a reader of `language` expects (ties: accents, then case, then as is)."""
    language = (str(language or "en").split("_")[0].split("-")[0]).lower()
    text = text or ""
    return (_primary(text, language), unicodedata.normalize("NFD", text.casefold()), text.swapcase())


def sort_key_many(values, language="en"):
    """The key of several texts compared in turn (e.g. last name, then first name)."""
    return tuple(sort_key(value, language) for value in values)
