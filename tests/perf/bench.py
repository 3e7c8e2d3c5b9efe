"""Requests per second for agenda pages and calendar feeds, served by gunicorn on loopback.

    python tests/perf/bench.py [--seconds 5] [--clients 4]

Builds a fresh SQLite database (migrations, then the demo event and a 500-session, 5-day,
10-room event), starts gunicorn with 2 workers on a free 127.0.0.1 port, and fires requests
from a few client threads for a fixed time per target. pytest does not collect it (the name
does not start with test_). Takes about a minute.
"""
import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(env):
    """Schema from the migrations (as `flask db upgrade`), then the demo and a 500-session event."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from eventapp import create_app
    from eventapp.extensions import db
    from eventapp.models import Event, EventSession, EventStatus, Person, Room, SessionSpeaker, Tag
    from eventapp.services.demo import load_demo

    app = create_app("config.Config")
    with app.app_context():
        upgrade()
        start = load_demo().starts_at.replace(year=2030)
        event = Event(
            slug="big-forum", title="Global Forum on Migration and Development", status=EventStatus.PUBLISHED,
            starts_at=start, ends_at=start + timedelta(days=5), timezone="Europe/Zurich",
            venue_name="Centre International de Conférences Genève (CICG)", venue_address="Rue de Varembé 17, Genève",
            summary="Five days of panels, workshops and side events.", agenda_is_final=True,
        )
        rooms = [Room(event=event, name=f"Room {i + 1}", position=i) for i in range(10)]
        people = [Person(slug=f"bench-{i}", name=f"Speaker {i}", affiliation="Organisation") for i in range(60)]
        tags = [Tag(scheme="topic", code=f"bench-{i}", label=f"Topic {i}") for i in range(5)]
        kinds = ["panel", "workshop", "keynote", "side_event", "break"]
        text = "Regular pathways, skills partnerships and diaspora engagement: what works and why. " * 4
        for i in range(500):
            day, rest = divmod(i, 100)
            begins = start + timedelta(days=day, minutes=45 * (rest // 10))
            item = EventSession(
                event=event, title=f"Session {i + 1}: pathways for sustainable development", session_type=kinds[i % 5],
                starts_at=begins, ends_at=begins + timedelta(minutes=45), room=rooms[i % 10],
                description=text, tags=[tags[i % 5]],
            )
            item.speakers += [
                SessionSpeaker(person=people[i % 60], role="moderator", position=0),
                SessionSpeaker(person=people[(i + 7) % 60], role="panelist", position=1),
            ]
            db.session.add(item)
        db.session.commit()
        db.engine.dispose()


def wait_until_up(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before serving")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def fire(port, path, headers, seconds, clients, expected):
    """Requests from `clients` threads for `seconds`; returns (count, errors, latencies)."""
    stop = time.monotonic() + seconds
    latencies, errors, lock = [], [0], threading.Lock()

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, i = [], 0, 0
        while time.monotonic() < stop:
            i += 1
            target = path.format(n=n * 1_000 + i)
            began = time.perf_counter()
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != expected:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), errors[0], latencies


def etag_of(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration per target")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
        "SECRET_KEY": "benchmark-only",
        "EVENTAPP_CONFIG": "config.Config",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    server = None
    try:
        began = time.monotonic()
        build_database(env)
        print(f"database built in {time.monotonic() - began:.1f} s: demo event + 500 sessions, 5 days, 10 rooms")
        server_env = dict(os.environ, **env, PYTHONPATH=str(ROOT))
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "eventapp:create_app()"],
            cwd=ROOT, env=server_env,
        )
        wait_until_up(port, server)
        big_feed = "/events/big-forum/calendar.ics"
        targets = [
            ("demo agenda page", "/events/idm-2024-geneva/agenda", {}, 200),
            ("500-session agenda page", "/events/big-forum/agenda", {}, 200),
            ("demo feed", "/events/idm-2024-geneva/calendar.ics", {}, 200),
            ("500-session feed (full 200)", big_feed, {}, 200),
            ("500-session feed, If-None-Match (304)", big_feed, {"If-None-Match": etag_of(port, big_feed)}, 304),
            ("500-session feed, never cached (?alarm=N)", big_feed + "?alarm={n}", {}, 200),
        ]
        print(f"gunicorn 2 workers on 127.0.0.1:{port}; {args.clients} client threads, {args.seconds:g} s per target\n")
        print(f"{'target':44} {'req/s':>8} {'mean ms':>8} {'p95 ms':>8} {'errors':>6}")
        for name, path, headers, expected in targets:
            fire(port, path.replace("{n}", "1"), headers, 1.0, args.clients, expected)  # warm up
            count, errors, latencies = fire(port, path, headers, args.seconds, args.clients, expected)
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
            print(f"{name:44} {count / args.seconds:8.1f} {statistics.mean(latencies) * 1000:8.1f} {p95 * 1000:8.1f} {errors:6d}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
