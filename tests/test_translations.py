"""Every string the interface shows is translated, placeholders survive translation, and the .mo files are current.

No app and no database: the messages are read from the source the way `pybabel extract` reads them
(babel.cfg's method map), and the catalogues are read with Babel.
"""
import functools
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import Config

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "eventapp" / "translations"
LOCALES = [lang for lang in Config.LANGUAGES if lang != Config.BABEL_DEFAULT_LOCALE]

#: `_`, `gettext` and `ngettext` (templates and Python) come with Babel's defaults; the Python code also
#: marks strings with the lazy forms, as README's extract command says (-k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}

#: A %-format conversion as Python and Jinja's newstyle gettext apply it: %(name)s, %d, %s, %%;
#: a lone "%" (e.g. "50 %") counts too, since formatting would choke on it.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+)?(?:\.\d+)?[a-zA-Z%]?")


@functools.cache
def source_messages():
    """{msgid or (singular, plural): first "file:line"} for every message marked in the source."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        assert context is None, f"{filename}:{lineno}: message contexts are not used by the catalogues"
        if isinstance(message, (list, tuple)):
            message = tuple(message)
            if not all(message):
                continue  # ngettext() called with something other than literal strings
        elif not message:
            continue
        found.setdefault(message, f"{filename}:{lineno}")
    return found


@functools.cache
def catalogue(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def forms(string):
    return tuple(string) if isinstance(string, (list, tuple)) else (string,)


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def test_the_source_marks_messages_in_python_and_in_templates():
    where = source_messages().values()
    assert len(source_messages()) > 500
    assert any(w.startswith("eventapp/") for w in where) and any(w.startswith("templates/") for w in where)
    assert any(isinstance(m, tuple) for m in source_messages()), "ngettext() in templates is extracted"


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_has_a_translation(lang):
    cat = catalogue(lang)
    missing = []
    for message, where in sorted(source_messages().items(), key=lambda item: item[1]):
        entry = cat.get(message)
        strings = forms(entry.string) if entry else ()
        expected_forms = cat.num_plurals if isinstance(message, tuple) else 1
        if entry is None or entry.fuzzy or len(strings) != expected_forms or not all(s.strip() for s in strings):
            state = "missing" if entry is None else "fuzzy" if entry.fuzzy else "untranslated"
            missing.append(f"  {where} ({state}): {message!r}")
    assert not missing, f"{len(missing)} message(s) without a {lang} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_the_placeholders_of_their_msgid(lang):
    wrong = []
    for entry in catalogue(lang):
        if not entry.id:
            continue
        ids = forms(entry.id)
        expected = placeholders(ids[-1])  # the plural's, which holds the number
        for i, string in enumerate(forms(entry.string)):
            if not string:
                continue
            if isinstance(entry.id, tuple):
                ok = placeholders(string) == expected or placeholders(string) == placeholders(ids[0])
            else:
                ok = placeholders(string) == expected
            if not ok:
                wrong.append(f"  {ids[0]!r} [{i}]: {sorted(placeholders(string))} instead of {sorted(expected)}")
    assert not wrong, f"{lang} translations that change the placeholders:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LOCALES)
def test_compiled_catalogue_matches_the_po_file(lang):
    """The .mo is committed: after editing the .po, `pybabel compile -d eventapp/translations`."""
    expected = {
        forms(entry.id): forms(entry.string)
        for entry in catalogue(lang)
        if entry.id and not entry.fuzzy and all(forms(entry.string))
    }
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = {forms(entry.id): forms(entry.string) for entry in read_mo(mo) if entry.id}
    stale = sorted(
        (repr(key[0]) for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key)),
    )
    assert not stale, (
        f"eventapp/translations/{lang}/LC_MESSAGES/messages.mo is out of date for {len(stale)} message(s); "
        "run `pybabel compile -d eventapp/translations`:\n  " + "\n  ".join(stale[:20])
    )
