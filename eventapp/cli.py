"""Command-line tools: demo data now; users, mail and registrations groups join them later."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import click

from .extensions import db


def register(app):
    app.cli.add_command(seed_demo)


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, e.g. 2026-12-01") from None


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
    help="Move the Geneva programme to this many days after today (for an upcoming demo).",
)
def seed_demo(day, days_from_now):
    """Load the demo events (the IDM session in Geneva); running it again changes nothing."""
    from .services.demo import load_demo

    if day and days_from_now is not None:
        raise click.UsageError("give either --date or --days-from-now, not both")
    if days_from_now is not None:
        day = date.today() + timedelta(days=days_from_now)
    event = load_demo(day)
    db.session.commit()
    local_day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    click.echo(f"Demo data loaded: {event.title} ({event.slug}) on {local_day.isoformat()}.")
