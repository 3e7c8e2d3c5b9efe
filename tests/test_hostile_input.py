"""Every route of app.url_map and every form its pages show, sent hostile values: never a 5xx.

The walk signs in as an admin (who may open every /manage page), opens each route with real
values found in the database, then sends hostile path arguments (by converter type), hostile
query strings, and each form's fields one by one set to hostile values (by field type).
"""
import itertools
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventapp.extensions import db

from . import hostile
from .conftest import PASSWORD

SKIP_ENDPOINTS = {"organiser.logout", "static"}  # signing out would end the walk


def _words(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _id_candidates(app):
    """arg name -> ids: `foo_id` takes the first ids of every table whose model name holds `foo`."""
    rows = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if "id" not in mapper.columns:
            continue
        ids = db.session.scalars(sa.select(mapper.columns["id"]).order_by(mapper.columns["id"]).limit(3)).all()
        rows[_words(cls.__name__)] = ids
    return rows


def _string_candidates(event, tokens):
    from eventapp.models import AwardCategory, Person

    values = [event.slug]
    values += db.session.scalars(sa.select(Person.slug).limit(2)).all()
    values += db.session.scalars(sa.select(AwardCategory.slug).limit(2)).all()
    return values + tokens + ["csv", "x"]


def _setup(app, client, make_user):
    from eventapp.services.calendars.registrant import calendar_token
    from eventapp.services.demo import load_demo
    from eventapp.services.registration import register as registering
    from eventapp.services.registration.tokens import issue_token

    event = load_demo(date.today() + timedelta(days=14))
    db.session.commit()
    outcome = registering.register(event, {
        "email": "walker@example.org", "first_name": "Ada", "last_name": "Walker", "country": "CH",
        "organisation": "IOM", "job_title": "Officer", "stakeholder_group": "member_state",
    })
    db.session.commit()
    tokens = [issue_token(outcome.registration), calendar_token(outcome.registration)]
    db.session.commit()
    make_user(email="other@example.org")  # first, so that the walk edits this account, not its own
    admin = make_user(role="admin", events=[event])
    # sign in, and open the sessions page once: the working copy exists from then on
    assert client.post("/manage/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    client.get(f"/manage/events/{event.id}/sessions/")
    return event, tokens, admin


class Walk:
    def __init__(self, client):
        self.client = client
        self.requests = 0
        self.failures = []

    def send(self, method, url, what, **kwargs):
        self.requests += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001 - an exception is what a 500 is made of
            db.session.rollback()
            self.failures.append(f"{method} {url[:120]} {what}: {type(exc).__name__}: {str(exc)[:160]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:120]} {what}: {response.status_code}")
        return response


def _valid_values(walk, rule, ids, strings):
    """Argument values with which a rule answers (not 404), found by trying candidates."""
    args = hostile.path_arguments(rule)
    pools = []
    for name, kind in args:
        if kind == "int":
            stem = name.removesuffix("_id")
            pool = [i for model, model_ids in ids.items() if stem in model.split("_") for i in model_ids]
            pools.append(pool + [1, 2] or [1])
        elif kind == "any":
            pools.append(list(rule._converters[name].items) if hasattr(rule._converters[name], "items") else ["csv"])
        elif kind == "path":
            pools.append(["sessions/"])
        else:
            pools.append(strings)
    first = None
    for combo in itertools.islice(itertools.product(*pools), 40):
        values = dict(zip([a for a, _ in args], combo))
        first = first or values
        if "GET" not in rule.methods:
            return values
        response = walk.send("GET", hostile.build_path(rule, values), "valid")
        if response is not None and response.status_code != 404:
            return values
    return first or {}


def _walk_routes(walk, rules, ids, strings, forms):
    """Each rule with real values, hostile query strings and hostile path arguments; collects forms."""
    for rule in rules:
        values = _valid_values(walk, rule, ids, strings)
        url = hostile.build_path(rule, values)
        method = "GET" if "GET" in rule.methods else "POST"
        if method == "GET":
            response = walk.send("GET", url, "valid")
            if response is not None and response.mimetype == "text/html":
                for form in hostile.forms_of(url, response.get_data(as_text=True)):
                    key = (form.method, hostile.same_site_path(form.action), tuple(f[0] for f in form.fields))
                    forms.setdefault(key, form)
            names = hostile.QUERY_NAMES | {f[0] for form in forms.values() if form.method == "get" for f in form.fields}
            for raw in hostile.QUERY_HOSTILE:  # every parameter at once
                query = "&".join(f"{name}={raw}" for name in sorted(names))
                walk.send("GET", f"{url}?{query}", f"query={raw[:20]!r}")
            for n, name in enumerate(sorted(names)):  # one parameter alone, the value rotating
                raw = hostile.QUERY_HOSTILE[(n + len(forms)) % len(hostile.QUERY_HOSTILE)]
                walk.send("GET", f"{url}?{name}={raw}", f"{name}={raw[:20]!r}")
        for name, kind in hostile.path_arguments(rule):
            for raw in hostile.PATH_HOSTILE["int" if kind == "int" else "default"]:
                walk.send(method, hostile.build_path(rule, dict(values, **{name: raw})), f"{name}={raw[:20]!r}")


def _walk_forms(walk, forms, before_each=lambda: None):
    """Every form, each field in turn set to each hostile value of its type."""
    # Forms that delete or cancel go last, so that the others find their objects.
    ordered = sorted(forms.values(), key=lambda f: ("delete" in f.action or "cancel" in f.action, f.action))
    for form in ordered:
        action = hostile.same_site_path(form.action)
        if action.endswith("/manage/logout"):
            continue
        before_each()
        for what, data in hostile.hostile_submissions(form):
            if form.method == "post":
                walk.send("POST", action, what, data=data)
            else:
                walk.send("GET", action, what, query_string=data)


def test_every_route_and_form_survives_hostile_values(app, client, make_user):
    app.config["RATELIMIT_ENABLED"] = False
    event, tokens, admin = _setup(app, client, make_user)
    ids = _id_candidates(app)
    strings = _string_candidates(event, tokens)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS]

    # Without signing in: the public pages and forms (and /manage answering with the login form).
    anonymous = Walk(app.test_client())
    public_forms = {}
    _walk_routes(anonymous, [r for r in rules if not r.rule.startswith("/manage/")], ids, strings, public_forms)
    _walk_forms(anonymous, public_forms)

    # Signed in as an admin, who may open every /manage page.
    walk = Walk(client)
    forms = {}
    _walk_routes(walk, rules, ids, strings, forms)

    def stay_signed_in():  # a form may sign out (a password change does)
        if client.get("/manage/").status_code != 200:
            client.post("/manage/login", data={"email": admin.email, "password": PASSWORD})

    _walk_forms(walk, forms, stay_signed_in)

    failures = anonymous.failures + walk.failures
    requests = anonymous.requests + walk.requests
    print(*failures[:40], sep="\n")
    print(f"\nhostile walk: {len(rules)} routes, {len(forms)} forms, {requests} requests "
          f"({anonymous.requests} without signing in), {len(failures)} answered 5xx")
    assert client.get("/manage/").status_code == 200, "the walk must stay signed in"
    assert len(public_forms) >= 5 and len(forms) > 20 and requests > 1000
    assert failures == []


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_generated_text_in_slugs_queries_and_registration_fields_is_never_a_5xx(app, client, open_event, value):
    """Hypothesis-generated text (any code point, controls included) where people type or link."""
    from urllib.parse import quote

    encoded = quote(value, safe="")
    for url in (f"/events/{encoded}/agenda", f"/events/{open_event.slug}/calendar.ics?type={encoded}",
                f"/events/{open_event.slug}/calendar.ics?sessions={encoded}", f"/registrations/{encoded}"):
        assert client.get(url).status_code < 500, url
    data = {"first_name": value, "last_name": value, "email": value, "organisation": value,
            "country": value, "stakeholder_group": value, "privacy_consent": "y"}
    assert client.post(f"/events/{open_event.slug}/register", data=data).status_code < 500
    db.session.rollback()
