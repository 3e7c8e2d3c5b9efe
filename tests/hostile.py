"""Hostile values and a generic walker over app.url_map and the forms its pages show.

Nothing here names a route or a form: routes come from `app.url_map`, argument values from
their converter type, forms from the HTML of every page the walk opens, and hostile values from
each field's type (the WTForms field types render as input types: IntegerField as `number`,
DateTimeLocalField as `datetime-local`, SelectField as `select`, ...). Routes and forms added
later are covered without touching this file.
"""
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter

HUGE = "9" * 40
NUL = "a\x00b"
LONG = "x" * 100_000

#: hostile values per kind of input; every kind also gets the "any" values
HOSTILE = {
    "any": [NUL, LONG, "<script>x</script>'\"\u202e"],
    "number": ["2147483648", "-2147483649", HUGE, "²", "-1"],
    "datetime-local": ["9999-12-31T23:59", "0001-01-01T00:00", "2027-02-30T25:61"],
    "date": ["9999-12-31", "0001-01-01", "2027-02-30"],
    "select": ["not-a-choice", "2147483648", "²"],
    "checkbox": ["not-a-choice", "2147483648"],
    "radio": ["not-a-choice"],
    "email": ["a@" + "b" * 300 + ".org", "nul\x00@example.org"],
    "file": [],
}

#: hostile values for URL path arguments, by converter type
PATH_HOSTILE = {
    "int": ["2147483648", HUGE, "²", "٣", "-1", "0"],
    "default": ["a%00b", "%ff%fe", "x" * 5000, "²", "%E2%80%AE", ".."],
}

#: hostile query strings sent to every GET route (raw, already percent-encoded where needed)
QUERY_HOSTILE = ["%00", "%ff%fe", "2147483648", HUGE, "%C2%B2", "x" * 20_000, "9999-12-31T23:59", "a%0D%0Ab", ","]
#: query parameters the feeds and pages read; GET forms found on pages add theirs
QUERY_NAMES = {"lang", "type", "tag", "sessions", "alarm", "page", "sort", "q", "next", "day", "state"}


@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  #: (name, kind, value, options)


class FormParser(HTMLParser):
    """Every <form> of a page with its fields' names, kinds, current values and choices."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.fields.append((a["name"], kind, None, [a.get("value", "on")]))
            else:
                self._form.fields.append((a["name"], kind, a.get("value", ""), [a.get("value", "on")]))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], "select", None, [], "multiple" in a]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[3].append(value)
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "textarea", ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, kind, value, options, multiple = self._select
            if value is None and options and not multiple:
                value = options[0]
            self._form.fields.append((name, kind, value, options))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, kind, value = self._textarea
            self._form.fields.append((name, kind, value, []))
            self._textarea = None


def forms_of(page_url, html):
    parser = FormParser(page_url)
    parser.feed(html)
    return parser.forms


def baseline(form):
    """What the form posts as rendered: edit forms post their current values."""
    data = {}
    for name, kind, value, _options in form.fields:
        if value is None:
            continue
        data.setdefault(name, []).append(value)
    return data


def hostile_submissions(form):
    """(description, data) pairs: the baseline with one field at a time set to a hostile value."""
    base = baseline(form)
    seen = set()
    for name, kind, _value, _options in form.fields:
        if name == "csrf_token" or (name, kind) in seen:
            continue
        seen.add((name, kind))
        kind = "text" if kind in ("text", "textarea", "search", "hidden", "password", "url", "tel") else kind
        for value in HOSTILE.get(kind, []) + HOSTILE["any"]:
            data = {k: list(v) for k, v in base.items()}
            data[name] = [value]
            yield f"{name}({kind})={value[:20]!r}", data


ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def path_arguments(rule):
    """(name, converter kind) for each argument in a rule's path (not its defaults)."""
    out = []
    for match in ARGUMENT.finditer(rule.rule):
        name = match.group(2)
        conv = rule._converters[name]
        if isinstance(conv, IntegerConverter):
            out.append((name, "int"))
        elif isinstance(conv, AnyConverter):
            out.append((name, "any"))
        elif isinstance(conv, PathConverter):
            out.append((name, "path"))
        else:
            out.append((name, "default"))
    return out


def build_path(rule, values):
    """The URL of a rule with raw (already percent-encoded where wanted) argument values."""
    return ARGUMENT.sub(lambda m: str(values[m.group(2)]), rule.rule)


def same_site_path(action):
    parts = urlsplit(action)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def encode(value):
    return quote(value, safe="%")
