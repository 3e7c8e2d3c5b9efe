"""Command-line tools: demo data, the mail worker and accounts."""
import sys
import time
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup

from .extensions import db
from .models import Role

users = AppGroup("users", help="Admin and organiser accounts.")
registrations = AppGroup("registrations", help="People registered for events.")


def register(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(mail)
    app.cli.add_command(users)
    app.cli.add_command(registrations)


def _stdin_is_terminal():
    return sys.stdin.isatty()


def _read_password():
    """Prompted twice without echo on a terminal; the first line of standard input otherwise."""
    if _stdin_is_terminal():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.ALL), required=True, help="admin: everything; organiser: named events.")
def create_user(email, role):
    """Create an account; the password is asked twice (or read from standard input in scripts)."""
    from .services.accounts import create_user as create
    from .services.errors import DomainError

    try:
        user = create(email, _read_password(), role)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Account created: {user.email} ({user.role}).")


@users.command("list")
def list_users():
    """Print every account with its role and whether it may sign in."""
    from .services.accounts import list_users as everyone

    for user in everyone():
        state = "active" if user.is_active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{', '.join(e.slug for e in user.events)}")


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, e.g. 2026-12-01") from None


def same_weekday_on_or_after(day):
    """The first day from `day` on that falls on the programme's own weekday (a Monday), so that a
    moved programme still reads true ("Monday 25 November" becomes another Monday)."""
    from . import demo_data

    weekday = date.fromisoformat(demo_data.IDM_DATE).weekday()
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@click.command("seed-demo")
@click.option(
    "--date",
    "day",
    callback=_parse_date,
    help="Move the Geneva programme to this day (YYYY-MM-DD), keeping its local times.",
)
@click.option(
    "--days-from-now",
    type=click.IntRange(min=0),
    help="Move the Geneva programme to this many days after today, or a few days more to keep its "
    "weekday (the programme says Monday), for an upcoming demo.",
)
def seed_demo(day, days_from_now):
    """Load the demo events (the IDM session in Geneva); running it again changes nothing."""
    from .services.demo import load_demo

    if day and days_from_now is not None:
        raise click.UsageError("give either --date or --days-from-now, not both")
    if days_from_now is not None:
        day = same_weekday_on_or_after(date.today() + timedelta(days=days_from_now))
    event = load_demo(day)
    db.session.commit()
    local_day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    click.echo(f"Demo data loaded: {event.title} ({event.slug}) on {local_day.isoformat()}.")


@click.group("mail")
def mail():
    """Deliver the e-mails waiting in the outbox."""


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (Ctrl+C), one pass every --interval seconds.")
@click.option("--interval", type=click.FloatRange(min=0.5), default=5.0, show_default=True, help="Seconds between passes with --loop.")
@click.option("--retry-failed", is_flag=True, help="First put back in the queue the e-mails that were given up on.")
def send_mail(loop, interval, retry_failed):
    """Deliver every e-mail that is due, over SMTP (or to the console without MAIL_SERVER)."""
    from .services import mail as outbox

    if retry_failed:
        count = outbox.retry_failed()
        db.session.commit()
        click.echo(f"{count} e-mails put back in the queue.")
    from .services.registration.notices import prepare_deferred

    next_reminders = 0.0
    while True:
        prepare_deferred()  # e-mails a stopped app server left unwritten
        db.session.commit()
        if loop and time.monotonic() >= next_reminders:
            # Reminders before events are due at most once a minute: check them between passes.
            queued = _queue_reminders()
            if queued:
                click.echo(f"Reminders queued: {queued}.")
            next_reminders = time.monotonic() + REMINDER_CHECK_SECONDS
        result = outbox.send_due()
        if not loop or result.sent or result.retrying or result.failed:
            click.echo(f"E-mail: {result}.")
        if not loop:
            if result.failed:
                raise click.ClickException(f"{result.failed} e-mails could not be delivered; see outbox_messages.last_error.")
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


REMINDER_CHECK_SECONDS = 60
#: Reminders queued per transaction: the event's policy row stays locked (registrations wait) only briefly.
REMINDER_BATCH = 50


def _queue_reminders(limit=500):
    from .services.registration import reminders

    queued = 0
    while queued < limit:
        batch = reminders.queue_due_reminders(limit=min(REMINDER_BATCH, limit - queued))
        db.session.commit()
        if not batch:
            break
        queued += batch
    return queued


@mail.command("reminders")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True,
              help="At most this many reminders in one run; the next run queues the rest.")
def queue_reminders(limit):
    """Queue the reminders due before events (once per participant); safe to run every few minutes."""
    click.echo(f"Reminders queued: {_queue_reminders(limit)}. Deliver them with: flask --app eventapp mail send")


@registrations.command("purge")
@click.option("--event", "slug", required=True, help="The event's web address name (slug).")
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True,
              help="Only if the event ended at least this many days ago.")
def purge_registrations(slug, days):
    """Remove the personal data of a past event's registrations, keeping anonymous counts."""
    from .services.agenda import events
    from .services.registration import privacy
    from .services.errors import DomainError

    event = events.event_by_slug(slug)
    if event is None:
        raise click.ClickException(f"No event with the slug {slug!r}.")
    try:
        erased = privacy.purge_event(event, days)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Personal data removed from {erased} registrations of {event.slug}; anonymous counts kept.")
