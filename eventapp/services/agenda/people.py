"""Speakers, moderators and hosts: shared between events, edited by the organisers of an event they belong to."""
import re
import unicodedata

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from ...extensions import db
from ...models import Person, event_people
from .. import audit
from ..errors import ValidationFailed

FIELDS = ("name", "affiliation", "position_title", "bio")


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "person"


def unique_person_slug(name):
    base = slugify(name)
    taken = set(db.session.scalars(sa.select(Person.slug).where(Person.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def event_people_list(event):
    """The people organisers of this event may pick as speakers, by name."""
    return db.session.scalars(
        sa.select(Person).join(event_people).where(event_people.c.event_id == event.id).order_by(Person.name, Person.id)
    ).all()


def person_ids(event):
    return set(db.session.scalars(sa.select(event_people.c.person_id).where(event_people.c.event_id == event.id)))


def person_or_404(event, person_id):
    """A person of this event, or a 404 (people of other events stay out of reach)."""
    if person_id not in person_ids(event):
        abort(404)
    return db.session.get(Person, person_id)


def link_person(event, person):
    if person.id is None:
        db.session.flush()
    if person.id not in person_ids(event):
        db.session.execute(event_people.insert().values(event_id=event.id, person_id=person.id))


def _clean(values):
    cleaned = {key: (values.get(key) or "").replace("\r\n", "\n").strip() for key in FIELDS}
    if not cleaned["name"]:
        raise ValidationFailed(_("Give the person's name."))
    return cleaned


def create_person(event, values, actor):
    """A new person, available as a speaker at this event."""
    cleaned = _clean(values)
    person = Person(slug=unique_person_slug(cleaned["name"]), **cleaned)
    db.session.add(person)
    db.session.flush()
    link_person(event, person)
    audit.record(actor, "person.create", event=event, target=person.name)
    return person


def update_person(event, person, values, actor):
    """Change a person's name, affiliation, job title or short bio (shown at every event they speak at)."""
    cleaned = _clean(values)
    changed = [key for key in FIELDS if getattr(person, key) != cleaned[key]]
    for key in changed:
        setattr(person, key, cleaned[key])
    if changed:
        audit.record(actor, "person.update", event=event, target=person.name, details={"fields": changed})
    return changed
