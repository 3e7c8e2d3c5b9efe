"""The organisers' registrations desk: one filter for the list, the bulk actions and the exports.

`DeskFilter` is read from the query string once; `query(event, desk_filter)` turns it into a
SELECT. The list page, a bulk action and an export all use that same SELECT, so they act on
exactly what the organiser sees. A page costs a constant number of queries (one count, one page
of rows) whatever the number of registrations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from math import ceil

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from ...collation import fold, sort_key_many
from ..numbers import parse_id
from ...extensions import db
from ...i18n import STAKEHOLDER_GROUP_LABELS
from ...models import BookingState, ParticipationMode, Registration, RegistrationState, SessionBooking
from ..registration.answer_display import answered_with

ANSWER_RE = re.compile(r"[0-9]{1,9}(:(yes|no))?")
PER_PAGE = 50
MAX_SEARCH = 200
MAX_TICKED = 500  #: rows ticked one by one; more than a few pages is a job for the filters

#: Sorts by text people read: ordered in Python by the reader's collation (accents with their letter).
TEXT_SORTS = {
    "name": ("last_name", "first_name"),
    "organisation": ("organisation",),
}

#: Sort keys the list accepts (a leading "-" for descending), and the columns they order by.
SORTS = {
    "name": (Registration.last_name, Registration.first_name),
    "email": (Registration.email_key,),
    "organisation": (Registration.organisation,),
    "reference": (Registration.reference,),
    "state": (Registration.state,),
    "country": (Registration.country_code,),
    "group": (Registration.stakeholder_group,),
    "mode": (Registration.mode,),
    "registered": (Registration.created_at,),
}
DEFAULT_SORT = "-registered"


@dataclass(frozen=True)
class DeskFilter:
    """What the organiser searched for and chose; every field empty means every registration."""

    q: str = ""
    state: str = ""
    group: str = ""
    country: str = ""
    mode: str = ""
    session: int | None = None
    delegation: int | None = None
    sort: str = DEFAULT_SORT
    answer: str = ""  #: "<choice id>" or "<question id>:yes|no": registrations that gave that answer
    show: tuple = ()  #: question ids shown as columns of the list (not a filter)
    ids: tuple = ()  #: rows ticked one by one; empty means every row the other filters match

    @classmethod
    def from_args(cls, args):
        """From request.args (or a form): unknown values are dropped rather than trusted."""
        def get(name):
            return (args.get(name) or "").strip()

        state = get("state") if get("state") in RegistrationState.ALL else ""
        group = get("group") if get("group") in STAKEHOLDER_GROUP_LABELS else ""
        mode = get("mode") if get("mode") in ParticipationMode.ALL else ""
        country = get("country").upper()
        country = country if len(country) == 2 and country.isalpha() else ""
        session = get("session")
        delegation = get("delegation")
        sort = get("sort")
        answer = get("answer")
        shown = args.getlist("show") if hasattr(args, "getlist") else []
        ticked = args.getlist("ids") if hasattr(args, "getlist") else []
        ids = tuple(sorted({n for n in map(parse_id, ticked) if n}))[:MAX_TICKED]
        return cls(
            q=" ".join(get("q").split())[:MAX_SEARCH],
            state=state,
            group=group,
            country=country,
            mode=mode,
            session=parse_id(session),
            delegation=parse_id(delegation),
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
            answer=answer if ANSWER_RE.fullmatch(answer) else "",
            show=tuple(sorted({n for n in map(parse_id, shown) if n}))[:50],
            ids=ids,
        )

    def to_args(self, **changes):
        """The filter as query-string values (empty ones left out), e.g. for url_for."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if values.get("sort") == DEFAULT_SORT:
            values.pop("sort")
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items() if v not in ("", None, ())}

    @property
    def is_empty(self):
        return not (self.q or self.state or self.group or self.country or self.mode or self.session
                    or self.delegation or self.answer or self.ids)

    def sorted_by(self, key):
        """The sort value a column heading links to: ascending first, then the other way round."""
        return f"-{key}" if self.sort == key else key


def booked_on(session_id):
    """The registration holds or waits for a place at the session."""
    return Registration.id.in_(
        sa.select(SessionBooking.registration_id).where(
            SessionBooking.session_id == session_id, SessionBooking.state != BookingState.CANCELLED
        )
    )


def search_condition(term):
    """Each word must appear in the name, e-mail, organisation or reference (any case, any accent)."""
    return sa.and_(*(Registration.search_text.contains(fold(word), autoescape=True) for word in term.split()))


def query(event, desk_filter, *, columns=(Registration,)):
    """The SELECT of the event's registrations matching the filter, in the chosen order."""
    f = desk_filter
    stmt = sa.select(*columns).where(Registration.event_id == event.id)
    if f.q:
        stmt = stmt.where(search_condition(f.q))
    if f.state:
        stmt = stmt.where(Registration.state == f.state)
    if f.group:
        stmt = stmt.where(Registration.stakeholder_group == f.group)
    if f.country:
        stmt = stmt.where(Registration.country_code == f.country)
    if f.mode:
        stmt = stmt.where(Registration.mode == f.mode)
    if f.session:
        stmt = stmt.where(booked_on(f.session))
    if f.answer:
        stmt = stmt.where(answered_with(f.answer))
    if f.delegation:
        stmt = stmt.where(Registration.delegation_id == f.delegation)
    if f.ids:
        stmt = stmt.where(Registration.id.in_(f.ids))
    key = f.sort.lstrip("-")
    descending = f.sort.startswith("-")
    order = [c.desc() if descending else c.asc() for c in SORTS[key]]
    return stmt.order_by(*order, Registration.id.desc() if descending else Registration.id.asc())


def countries(event):
    """The countries the event's registrations come from, for the filter."""
    return db.session.scalars(
        sa.select(Registration.country_code).where(Registration.event_id == event.id)
        .group_by(Registration.country_code).order_by(Registration.country_code)
    ).all()


def sample(event, desk_filter, ids, limit=20):
    """The first few of these registrations, in the list's order (what a bulk action will touch)."""
    if not ids:
        return []
    return db.session.scalars(
        query(event, desk_filter).where(Registration.id.in_(ids[:limit])).limit(limit)
    ).all()


def count(event, desk_filter):
    stmt = query(event, desk_filter, columns=(Registration.id,)).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def selected_ids(event, desk_filter):
    """The ids of every registration the filter selects (for a bulk action)."""
    return db.session.scalars(query(event, desk_filter, columns=(Registration.id,))).all()


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int

    @property
    def pages(self):
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def first_index(self):
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self):
        return min(self.number * self.per_page, self.total)


def collated_ids(event, desk_filter, language):
    """Every selected id in the order of a text sort, by the reader's collation (one light query)."""
    names = TEXT_SORTS[desk_filter.sort.lstrip("-")]
    columns = [getattr(Registration, name) for name in names]
    rows = db.session.execute(query(event, desk_filter, columns=(Registration.id, *columns)).order_by(None)).all()
    descending = desk_filter.sort.startswith("-")
    rows.sort(key=lambda row: (sort_key_many(row[1:], language), row.id), reverse=descending)
    return [row.id for row in rows]


def in_order(items, ids):
    """`items` (registrations or rows with an id) arranged as `ids` lists them."""
    position = {id_: index for index, id_ in enumerate(ids)}
    return sorted(items, key=lambda item: position.get(item.id, len(position)))


def is_collated(desk_filter):
    return desk_filter.sort.lstrip("-") in TEXT_SORTS


def page(event, desk_filter, number=1, per_page=PER_PAGE, language="en"):
    """One page of the list: two queries (the count, or the sorted names, and the rows), whatever the total."""
    if is_collated(desk_filter):
        # The database's collation differs between SQLite and PostgreSQL and ignores the reader's
        # language: sort the selection's names in Python, then load the page's rows only.
        ordered = collated_ids(event, desk_filter, language)
        total = len(ordered)
        number = min(max(int(number or 1), 1), max(ceil(total / per_page), 1))
        start = (number - 1) * per_page
        ids = ordered[start:start + per_page]
        # Run even for an empty page, so that the count of queries never depends on the data.
        rows = db.session.scalars(
            sa.select(Registration).where(Registration.id.in_(ids)).options(so.joinedload(Registration.delegation))
        ).all()
        return Page(items=in_order(rows, ids), total=total, number=number, per_page=per_page)
    total = count(event, desk_filter)
    pages = max(ceil(total / per_page), 1)
    number = min(max(parse_id(number) or 1, 1), pages)
    start = (number - 1) * per_page
    items = db.session.scalars(
        query(event, desk_filter).options(so.joinedload(Registration.delegation)).limit(per_page).offset(start)
    ).all()
    return Page(items=items, total=total, number=number, per_page=per_page)


def registration_or_404(event, registration_id):
    """A registration of this event; another event's is not found."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def people(ids, limit=200):
    """The registrations of `ids` in that order (those a bulk action will touch), at most `limit`."""
    ids = list(ids)[:limit]
    if not ids:
        return []
    return in_order(db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids))).all(), ids)
