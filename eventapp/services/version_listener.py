"""Versions of public pages kept in each app process, dropped when PostgreSQL notifies a change.

See VersionListener; services/public_cache.py sends the notification with every bump.
"""
from __future__ import annotations

import os
import threading

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
    """

    def __init__(self, url):
        self.url = url
        self.lock = threading.Lock()
        self.rows = {}
        self.connection = None

    def forget(self):
        with self.lock:
            self.rows.clear()

    def close(self):
        with self.lock:
            self.rows.clear()
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
                self.rows.clear()
                self.connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                self.connection.execute(f"LISTEN {CHANNEL}")  # before any row is kept
            pgconn = self.connection.pgconn
            pgconn.consume_input()  # what has arrived; never waits
            if pgconn.notifies() is not None:
                while pgconn.notifies() is not None:
                    pass
                self.rows.clear()
            return True
        except psycopg.Error:
            self.connection = None
            self.rows.clear()
            return False

    def get(self, key, read):
        """The kept row for `key`, else read() (and kept while nothing changes)."""
        with self.lock:
            trusted = self._poll()
            if trusted and key in self.rows:
                return self.rows[key]
        row = read()
        with self.lock:
            if trusted and self.connection is not None:
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
        listener = VersionListener(url)
        sa.event.listen(engine, "engine_disposed", lambda *args: listener.close())  # closed together
        listeners[key] = listener
    return listeners[key]
