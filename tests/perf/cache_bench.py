"""Cached public pages and feeds, cold builds after a publish, and registrations per second.

    TEST_DATABASE_URL=postgresql://... [CACHE_REDIS_URL=redis://127.0.0.1:6379/8] \\
        python tests/perf/cache_bench.py [--seconds 5] [--connections 16]

DROPS AND RECREATES every table of the PostgreSQL database given (--database-url, else
BENCH_DATABASE_URL, else TEST_DATABASE_URL): give it a database of its own. Builds the demo event
and a 500-session, 5-day, 10-room event (bench.py), starts gunicorn with 2 sync workers
(bench_wsgi.py, which adds a constant endpoint), and measures with wrk (Debian package `wrk`):
req/s and p99 of each page and feed, each feed's 304, and the constant endpoint in the same run,
then each figure as a ratio to the constant endpoint. Then the cold first request after a publish
(500-session agenda, one day and all days) and registrations per second through two app servers
(2 workers each) with the place count checked exactly: once on sync workers with the answer-time
floor off (REGISTRATION_MIN_SECONDS=0: what the servers can do), once with the floor as configured
on gthread workers (a sync worker sleeps through the floor: 4 workers / 0.4 s = 10 per second at
most); the requests queue the e-mails and the mail worker's pass that writes them is timed. With CACHE_REDIS_URL set, the cache is in
Redis (its own key prefix, deleted at the end). Not collected by pytest.
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench import build_database, free_port, wait_until_up

ACCEPT = {"Accept-Encoding": "gzip, deflate, br"}  # as browsers send
CAPACITY = 300  # in-person places of the 500-session event: the rest join the waiting list


def reset_schema(url):
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def app_for(env):
    os.environ.update(env)
    from eventapp import create_app

    return create_app("config.Config")


def open_registration(app):
    """The 500-session event takes registrations: CAPACITY places in person, open since yesterday."""
    from eventapp.extensions import db
    from eventapp.models import Event, RegistrationPolicy
    import sqlalchemy as sa

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "big-forum"))
        db.session.add(RegistrationPolicy(
            event=event, opens_at=datetime.now(timezone.utc) - timedelta(days=1), in_person_capacity=CAPACITY,
            contact_email="registration@example.org", reference_prefix="BENCH",
        ))
        db.session.commit()


def first_session_ids(app):
    from eventapp.extensions import db
    from eventapp.models import Event, EventSession
    import sqlalchemy as sa

    with app.app_context():
        return {
            slug: db.session.scalar(
                sa.select(EventSession.id).join(Event).where(Event.slug == slug).order_by(EventSession.starts_at, EventSession.id)
            )
            for slug in ("idm-2024-geneva", "big-forum")
        }


def publish_change(app, n):
    """A change to the published agenda of the 500-session event (a session retitled), committed."""
    from eventapp.extensions import db
    from eventapp.models import Event, EventSession
    import sqlalchemy as sa

    with app.app_context():
        item = db.session.scalar(
            sa.select(EventSession).join(Event).where(Event.slug == "big-forum").order_by(EventSession.id).limit(1)
        )
        item.title = f"Session 1: pathways for sustainable development (update {n})"
        db.session.commit()


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    began = time.perf_counter()
    conn.request("GET", path, headers=dict(ACCEPT, **(headers or {})))
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - began
    conn.close()
    return response, body, elapsed


def wrk(port, path, seconds, connections, headers=None):
    """(req/s, p99 ms, non-2xx/3xx count) measured by wrk with 2 threads."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in dict(ACCEPT, **(headers or {})).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, p99, int(bad.group(1)) if bad else 0


def start_server(port, env, threads=1):
    """gunicorn with 2 workers: sync ones, or with `threads` > 1 gthread ones (threads per worker)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--chdir", str(HERE), "bench_wsgi:app"],
        cwd=ROOT, env=dict(os.environ, **env, PYTHONPATH=f"{ROOT}{os.pathsep}{HERE}"),
    )


def registrations(ports, seconds, clients, run=0):
    """Registrations posted through the real form (CSRF token and all) from `clients` threads."""
    done, failed, lock = [0], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n):
        port = ports[n % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/events/big-forum/register")
        response = conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        ok = bad = i = 0
        while time.monotonic() < stop:
            i += 1
            form = urllib.parse.urlencode(dict(
                csrf_token=token, first_name="Bench", last_name=f"Client {n}", email=f"bench-{run}-{n}-{i}@example.org",
                organisation="Benchmark", job_title="Tester", stakeholder_group="academia", country="CH",
                privacy_consent="y",
            ))
            conn.request("POST", "/events/big-forum/register", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status == 302 and "/received" in (response.getheader("Location") or ""):
                ok += 1
            else:
                bad += 1
            fresh = response.getheader("Set-Cookie")
            if fresh:
                cookie = fresh.split(";")[0]
        conn.close()
        with lock:
            done[0] += ok
            failed[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], failed[0], time.monotonic() - began


def count_registrations(app):
    from eventapp.extensions import db
    from eventapp.models import Registration
    import sqlalchemy as sa

    with app.app_context():
        rows = db.session.execute(sa.select(Registration.state, sa.func.count()).group_by(Registration.state)).all()
        return dict(rows)

CONSTANT = "/_bench/constant"


def measure_pages(port, ids, args):
    """Each page and feed, with the constant endpoint measured just before it: the ratio compares
    two figures taken a few seconds apart, so a machine that slows down or speeds up during the
    run (CPU frequency, a neighbour's load) moves both alike."""
    targets = []
    for label, slug in (("demo", "idm-2024-geneva"), ("500-session", "big-forum")):
        session = ids[slug]
        for name, path in (
            ("agenda page", f"/events/{slug}/agenda"),
            ("event overview", f"/events/{slug}/"),
            ("session page", f"/events/{slug}/sessions/{session}"),
            ("whole-event feed", f"/events/{slug}/calendar.ics"),
            ("single-session feed", f"/events/{slug}/sessions/{session}.ics"),
        ):
            targets.append((f"{label}: {name}", path, {}))
            if "feed" in name:
                response, _, _ = get(port, path)
                targets.append((f"{label}: {name}, 304", path, {"If-None-Match": response.getheader("ETag")}))
    for _, path, headers in targets:  # every worker builds its entries before measuring
        for _ in range(4):
            get(port, path, headers)
    wrk(port, CONSTANT, 2, args.connections)  # warm-up, not counted
    print(f"\ngunicorn 2 sync workers; wrk -t2 -c{args.connections} -d{args.seconds}s; Accept-Encoding: {ACCEPT['Accept-Encoding']}")
    print("ratio: the target's req/s over the constant endpoint's, measured just before it in the same run\n")
    print(f"{'target':44} {'req/s':>9} {'p99 ms':>8} {'constant':>9} {'ratio':>6} {'errors':>6}")
    ratios = []
    for name, path, headers in targets:
        constant, _, _ = wrk(port, CONSTANT, args.seconds, args.connections)
        rate, p99, bad = wrk(port, path, args.seconds, args.connections, headers)
        ratios.append((name, rate / constant))
        print(f"{name:44} {rate:9.1f} {p99:8.1f} {constant:9.1f} {rate / constant:6.2f} {bad:6d}", flush=True)
    pages = [r for n, r in ratios if "304" not in n]
    not_modified = [r for n, r in ratios if "304" in n]
    print(f"lowest ratio: pages and feeds {min(pages):.2f} (target 0.5), 304 answers {min(not_modified):.2f} (target 0.7)")


def measure_cold(app, port):
    print("\ncold first request after a publish (500-session agenda; median and max of 5):")
    sizes = {}
    for name, path in (("one day (default)", "/events/big-forum/agenda"), ("all days", "/events/big-forum/agenda?day=all")):
        times = []
        for n in range(5):
            publish_change(app, f"{name}-{n}")
            response, body, elapsed = get(port, path, {"Accept-Encoding": "identity"})
            assert response.status == 200 and response.getheader("X-Cache") == "miss", response.getheader("X-Cache")
            times.append(elapsed * 1000)
            sizes[name] = len(body)
        print(f"  {name:20} {statistics.median(times):7.1f} ms median, {max(times):7.1f} ms max; HTML {sizes[name] / 1024:.0f} KB")


#: The two ways registrations are measured: what two servers of 2 sync workers can do (the answer
#: time floor off), and with the floor as configured on servers whose workers wait in threads.
REGISTRATION_RUNS = (
    ("sync workers, REGISTRATION_MIN_SECONDS=0 (what the servers can do)", 1, 16, "0"),
    ("gthread workers (24 threads), REGISTRATION_MIN_SECONDS as configured", 24, 80, None),
)


def measure_registrations(app, env, args):
    """Each run on two fresh app servers; the place count checked exactly after each."""
    for run, (label, threads, clients, floor) in enumerate(REGISTRATION_RUNS):
        if args.register_threads is not None:
            threads, clients = args.register_threads, args.register_clients
        run_env = dict(env) if floor is None else dict(env, REGISTRATION_MIN_SECONDS=floor)
        shown = run_env.get("REGISTRATION_MIN_SECONDS") or os.environ.get("REGISTRATION_MIN_SECONDS") or "0.4 (default)"
        ports, servers = [free_port(), free_port()], []
        try:
            for server_port in ports:
                servers.append(start_server(server_port, run_env, threads=threads))
                wait_until_up(server_port, servers[-1])
            before = count_registrations(app)
            ok, bad, elapsed = registrations(ports, args.register_seconds, clients, run)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
        states = count_registrations(app)
        confirmed_before = before.get("confirmed", 0)
        added = sum(states.values()) - sum(before.values())
        confirmed = states.get("confirmed", 0) - confirmed_before
        waiting = states.get("waitlisted", 0) - before.get("waitlisted", 0)
        exact = added == ok and confirmed == min(CAPACITY - confirmed_before, ok) and waiting == ok - confirmed
        print(f"\nregistrations through two app servers (2 workers each): {label}")
        print(f"  {clients} clients, {elapsed:.1f} s, floor {shown}: {ok / elapsed:.1f} registrations/s; {ok} accepted, "
              f"{bad} failed; now in the database: {states}; {CAPACITY} places: {'exact' if exact else 'NOT EXACT'}")
        written, seconds = write_queued_emails(app)
        print(f"  then the mail worker's pass wrote their {written} e-mails (text, HTML, calendar) in {seconds:.1f} s: "
              f"{written / seconds:.0f} e-mails/s")


def write_queued_emails(app):
    """What `flask mail send` does first: write the e-mails the registrations queued."""
    from eventapp.extensions import db
    from eventapp.services.registration.notices import prepare_deferred

    with app.app_context():
        began = time.monotonic()
        written = prepare_deferred()
        db.session.commit()
        return written, time.monotonic() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per target")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--register-seconds", type=float, default=8.0)
    parser.add_argument("--register-clients", type=int, default=16, help="with --register-threads")
    parser.add_argument("--register-threads", type=int, default=None,
                        help="threads per worker (1: sync workers) for both registration runs, instead of theirs")
    parser.add_argument("--only", choices=("pages", "registrations"), help="measure one half only")
    args = parser.parse_args()
    if not (args.database_url or "").startswith(("postgresql://", "postgres://")):
        raise SystemExit("give a PostgreSQL database of its own: --database-url or BENCH_DATABASE_URL")

    port = free_port()
    redis_url = os.environ.get("CACHE_REDIS_URL")
    env = {
        "DATABASE_URL": args.database_url, "SECRET_KEY": "benchmark-only", "EVENTAPP_CONFIG": "config.Config",
        # As in production: requests queue e-mails, the mail worker writes and sends them.
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "MAIL_SEND_IMMEDIATELY": "0", "MAIL_WRITE_IN_REQUEST": "0",
        "REGISTRATION_RATE_LIMIT": "1000000 per second",
        "CACHE_KEY_PREFIX": f"eventapp-bench-{uuid.uuid4().hex[:8]}:",
    }
    if redis_url:
        env["CACHE_REDIS_URL"] = redis_url
    servers = []
    try:
        reset_schema(args.database_url)
        began = time.monotonic()
        build_database(env)
        app = app_for(env)
        open_registration(app)
        ids = first_session_ids(app)
        print(f"PostgreSQL database built in {time.monotonic() - began:.1f} s; cache: {'Redis ' + redis_url if redis_url else 'memory of each worker'}")
        servers.append(start_server(port, env))
        wait_until_up(port, servers[0])

        if args.only != "registrations":
            measure_pages(port, ids, args)
            measure_cold(app, port)
        if args.only != "pages":
            measure_registrations(app, env, args)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url)
            keys = list(client.scan_iter(match=env["CACHE_KEY_PREFIX"] + "*"))
            if keys:
                client.delete(*keys)


if __name__ == "__main__":
    main()
