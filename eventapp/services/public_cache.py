"""Which public pages a database change can alter: per-event version counters bumped at flush.

Every flush that inserts, changes or deletes a row of a table the public pages read bumps the
version of the event the row belongs to, in the same transaction (so a rollback bumps nothing and
a commit makes the new version visible together with the change). The page cache keys its entries
by these versions, so the next request after a change builds the page again, on every server.

Tables are public unless listed in PRIVATE_TABLES: a table added later (documents, say) bumps
its event through its `event_id`, `session_id`, `programme_id` or `category_id` column, and the
whole site when none of them leads to an event. Registrations and the other private tables do
not bump anything: places left are kept out of the cached pages (see eventapp/caching.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ..extensions import db
from ..models import AwardCategory, AwardsProgramme, Event, EventSession, PublicVersion
from ..models.cache import SITE
from .version_listener import CHANNEL, version_listener

#: Tables whose rows no cached public page shows. Registration counts are served live.
PRIVATE_TABLES = frozenset({
    "public_versions",
    "registrations", "registration_tokens", "session_bookings", "registration_changes",
    "email_changes", "outbox_messages", "outbox_attachments",
    "audit_log", "users", "event_organisers", "draft_sessions", "draft_session_speakers",
    "messages", "message_recipients",
})
#: Columns that change without changing what a page shows.
QUIET_COLUMNS = frozenset({"updated_at"})


@dataclass(frozen=True)
class PageVersion:
    """What a cached page of one event depends on, read in one statement."""

    event_id: int | None
    is_published: bool
    version: int
    site_version: int

    @property
    def token(self):
        return f"{self.event_id}.{self.version}.{self.site_version}"


def _table(obj):
    mapper = sa.inspect(obj).mapper
    return mapper.local_table.name if mapper.local_table is not None else None


def _is_public(obj):
    return _table(obj) not in PRIVATE_TABLES


def _has_public_changes(obj):
    """True when a column or a collection of public rows changed (not just `updated_at`)."""
    state = sa.inspect(obj)
    mapper = state.mapper
    for attr in state.attrs:
        if attr.key in QUIET_COLUMNS or not attr.history.has_changes():
            continue
        prop = mapper.attrs[attr.key]
        if isinstance(prop, so.RelationshipProperty):
            target = prop.mapper.local_table.name
            if target in PRIVATE_TABLES:
                continue
        return True
    return False


def _event_of(connection, obj):
    """The event a row belongs to, or SITE when no column leads to one."""
    if isinstance(obj, Event):
        return obj.id
    for column, query in (
        ("event_id", None),
        ("session_id", sa.select(EventSession.event_id).where(EventSession.id == sa.bindparam("v"))),
        ("programme_id", sa.select(AwardsProgramme.event_id).where(AwardsProgramme.id == sa.bindparam("v"))),
        ("category_id", sa.select(AwardsProgramme.event_id)
            .join(AwardCategory, AwardCategory.programme_id == AwardsProgramme.id)
            .where(AwardCategory.id == sa.bindparam("v"))),
    ):
        value = getattr(obj, column, None)
        if isinstance(value, int):
            if query is None:
                return value
            found = connection.execute(query, {"v": value}).scalar()
            return found if found is not None else SITE
    return SITE


def _collect(session, flush_context):
    touched = set()
    connection = None
    for obj in list(session.new) + list(session.deleted) + list(session.dirty):
        if not _is_public(obj):
            continue
        if obj in session.dirty and obj not in session.new and not _has_public_changes(obj):
            continue
        connection = connection or session.connection()
        touched.add(_event_of(connection, obj))
        if isinstance(obj, Event):
            touched.add(SITE)  # the list of events and the demo notice
    if touched:
        bump(session.connection(), touched)
        session.info["public_versions_bumped"] = True


def _forget_bump(session, *args):
    session.info.pop("public_versions_bumped", None)


def _bump_committed(session):
    """This process's own change is seen by its next request at once, whatever the notification does."""
    if session.info.pop("public_versions_bumped", None):
        for listener in current_app.extensions.get("public_version_listeners", {}).values():
            listener.forget()


def has_uncommitted_changes(session=None):
    """True while the current transaction changed public data: nothing built now may be cached,
    since a rollback would hand its version number to different content."""
    return bool((session or db.session).info.get("public_versions_bumped"))


def bump(connection, event_ids, now=None):
    """Add one to the versions of these events (SITE for every page), creating missing rows."""
    now = now or datetime.now(timezone.utc)
    ids = sorted(event_ids)  # the same order in every transaction: no deadlock between two bumps
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = PublicVersion.__table__
    for event_id in ids:
        stmt = insert(table).values(event_id=event_id, version=1, changed_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.event_id],
            set_={"version": table.c.version + 1, "changed_at": now},
        )
        connection.execute(stmt)
    if connection.dialect.name == "postgresql":
        # Delivered to every listening app server when (and only if) this transaction commits.
        connection.execute(sa.text(f"NOTIFY {CHANNEL}"))


def init_app(app):
    """Listen to every flush of the application's sessions (once per process)."""
    session_class = db.session.session_factory.class_
    if not sa.event.contains(session_class, "after_flush", _collect):
        sa.event.listen(session_class, "after_flush", _collect)
        sa.event.listen(session_class, "after_commit", _bump_committed)
        sa.event.listen(session_class, "after_rollback", _forget_bump)


def version_engine():
    """Where versions are read: on PostgreSQL a small pool of autocommit connections without a
    pre-ping, so a check costs one round trip (no BEGIN, ping or ROLLBACK); SQLite reads through
    the request's session (an in-memory database has a single connection)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return None
    engines = current_app.extensions.setdefault("public_version_engines", {})
    key = (os.getpid(), str(engine.url))  # never share pooled connections across a fork
    if key not in engines:
        checker = sa.create_engine(
            engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8, pool_reset_on_return=None,
        )
        sa.event.listen(engine, "engine_disposed", lambda *args: checker.dispose())  # closed together
        engines[key] = checker
    return engines[key]


def _read(statement, same_transaction=False):
    engine = None if same_transaction else version_engine()
    if engine is None:
        return db.session.execute(statement).first()
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                return connection.execute(statement).first()
        except sa.exc.DBAPIError as exc:  # a connection the server closed: retry once on a new one
            if attempt == 2 or not exc.connection_invalidated:
                raise
    return None  # pragma: no cover


#: One statement per cached request, written once: building it with the ORM each time cost more
#: than running it. Columns: event id, status, the event's version, the site's version.
PAGE_VERSION_SQL = sa.text(
    "SELECT e.id, e.status, COALESCE(v.version, 0), COALESCE(s.version, 0) FROM events e"
    " LEFT JOIN public_versions v ON v.event_id = e.id"
    f" LEFT JOIN public_versions s ON s.event_id = {SITE}"
    " WHERE e.slug = :slug"
)
SITE_VERSION_SQL = sa.text(f"SELECT version FROM public_versions WHERE event_id = {SITE}")


def page_version(slug, *, same_transaction=False):
    """The versions a page of the event with this slug depends on; None when there is no such event.

    `same_transaction`: read through the request's session, for something built inside a
    transaction that may write (an e-mail's calendar), rather than on the separate connection.
    """
    statement = PAGE_VERSION_SQL.bindparams(slug=slug)
    listener = None if same_transaction else version_listener()
    if listener is not None:
        row = listener.get(("event", slug), lambda: _row(_read(statement)))
    else:
        row = _row(_read(statement, same_transaction))
    if row is None:
        return None
    event_id, status, version, site_version = row
    return PageVersion(event_id, status == "published", int(version), int(site_version))


def site_version():
    """The version of the pages that depend on every event (the list of events)."""
    listener = version_listener()
    if listener is not None:
        row = listener.get(("site",), lambda: _row(_read(SITE_VERSION_SQL)))
    else:
        row = _read(SITE_VERSION_SQL)
    return PageVersion(None, True, 0, int(row[0]) if row else 0)


def _row(row):
    """A plain tuple (kept across requests, never tied to a connection)."""
    return None if row is None else tuple(row)
