"""Versions of public pages kept in each app process, dropped when PostgreSQL notifies a change.

See VersionListener; services/public_cache.py sends the notification with every bump.
"""
from __future__ import annotations

import os
import threading
import time

import sqlalchemy as sa
from flask import current_app

from ..extensions import db


#: The PostgreSQL channel on which a committed bump tells every app server to read versions again.
CHANNEL = "eventapp_public_versions"


class VersionListener:
    """Versions kept in this process and forgotten when PostgreSQL says a bump was committed.

    One connection per process LISTENs on CHANNEL. Before each cached request the socket is read
    without waiting (no statement, no round trip): any notification drops every kept version, so
    the next read goes to the database. PostgreSQL sends notifications at commit, so another
    server's change is seen as soon as its notification arrives (on one machine, within a
    millisecond or so of the commit; tests/test_public_cache.py measures it); a change committed
    by this process is seen by its very next request (`_bump_committed`). If the connection fails,
    every request reads the database until a new one listens.

    A connection can also die without a word (a firewall dropping an idle connection): TCP
    keepalives find it within about a minute, and meanwhile nothing is kept longer than
    `recheck_seconds` (5 s by default, PUBLIC_VERSIONS_RECHECK_SECONDS): one version read per
    page key every few seconds bounds how stale a page can be if notifications stop arriving.
    """

    KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}

    def __init__(self, url, recheck_seconds=5.0):
        self.url = url
        self.recheck_seconds = recheck_seconds
        self.lock = threading.Lock()
        self.rows = {}
        self.generation = 0  # rises whenever the kept rows are dropped
        self.kept_since = time.monotonic()
        self.connection = None

    def _drop(self):
        self.rows.clear()
        self.generation += 1
        self.kept_since = time.monotonic()

    def forget(self):
        with self.lock:
            self._drop()

    def close(self):
        with self.lock:
            self._drop()
            if self.connection is not None:
                try:
                    self.connection.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass
                self.connection = None

    def _poll(self):
        """True when the kept rows can be trusted (after dropping them if something changed)."""
        import psycopg

        try:
            if self.connection is None:
                self._drop()
                self.connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5, **self.KEEPALIVES)
                self.connection.execute(f"LISTEN {CHANNEL}")  # before any row is kept
            pgconn = self.connection.pgconn
            pgconn.consume_input()  # what has arrived; never waits
            if pgconn.notifies() is not None:
                while pgconn.notifies() is not None:
                    pass
                self._drop()
            elif time.monotonic() - self.kept_since >= self.recheck_seconds:
                self._drop()
            return True
        except psycopg.Error:
            self.connection = None
            self._drop()
            return False

    def get(self, key, read):
        """The kept row for `key`, else read() (and kept while nothing changes)."""
        with self.lock:
            trusted = self._poll()
            if trusted and key in self.rows:
                return self.rows[key]
            generation = self.generation
        row = read()
        with self.lock:
            # Not kept if the rows were dropped meanwhile: the read may predate that change.
            if trusted and self.connection is not None and self.generation == generation:
                self.rows[key] = row
        return row


def version_listener():
    """This process's listener on PostgreSQL (None on SQLite: versions are read on every request)."""
    engine = db.engine
    if engine.dialect.name != "postgresql" or not current_app.config.get("PUBLIC_VERSIONS_LISTEN", True):
        return None
    listeners = current_app.extensions.setdefault("public_version_listeners", {})
    key = (os.getpid(), id(engine))  # never share a connection across a fork
    if key not in listeners:
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        listener = VersionListener(url, current_app.config.get("PUBLIC_VERSIONS_RECHECK_SECONDS", 5.0))
        sa.event.listen(engine, "engine_disposed", lambda *args: listener.close())  # closed together
        listeners[key] = listener
    return listeners[key]
