"""Topics of sessions: chosen from the event's topics (its SDGs, Global Compact objectives, themes) or added by name."""
import re
import unicodedata

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import DraftSession, Tag, TagScheme, draft_session_tags
from ..errors import ValidationFailed

MAX_LABEL = 200


def event_topics(event):
    """The topics organisers can choose for the event's sessions: the event's tags and those its sessions use."""
    used = db.session.scalars(
        sa.select(Tag).join(draft_session_tags, draft_session_tags.c.tag_id == Tag.id)
        .join(DraftSession, DraftSession.id == draft_session_tags.c.draft_session_id)
        .where(DraftSession.event_id == event.id).distinct()
    ).all()
    found = {t.id: t for t in list(event.tags) + list(used)}
    return sorted(found.values(), key=lambda t: (t.scheme != TagScheme.TOPIC, t.scheme, _code_key(t.code), t.label.casefold()))


def _code_key(code):
    return (0, int(code), "") if code.isascii() and code.isdigit() else (1, 0, code)


def split_names(text):
    """"Remittances; Climate" -> ["Remittances", "Climate"], without blanks or repeats."""
    names, seen = [], set()
    for part in (text or "").split(";"):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _code(label):
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:32].strip("-") or "topic"


def find_or_add(event, name):
    """The tag named `name` (its label, its slug such as "sdg-17", or a topic's code), added to the event if new."""
    if len(name) > MAX_LABEL:
        raise ValidationFailed(_("A topic's name can have at most %(num)d characters.", num=MAX_LABEL), field="new_topics")
    folded = name.casefold()
    candidates = event_topics(event)
    tag = next((t for t in candidates if folded in (t.label.casefold(), t.slug)), None)
    if tag is None:
        scheme, _sep, code = folded.partition("-")
        if scheme in TagScheme.ALL and code:
            tag = db.session.scalar(sa.select(Tag).where(Tag.scheme == scheme, Tag.code == code))
    if tag is None:
        tag = db.session.scalar(sa.select(Tag).where(Tag.scheme == TagScheme.TOPIC, sa.func.lower(Tag.label) == folded))
    if tag is None:
        code = base = _code(name)
        n = 1
        while db.session.scalar(sa.select(Tag.id).where(Tag.scheme == TagScheme.TOPIC, Tag.code == code)):
            n += 1
            code = f"{base[:28]}-{n}"
        tag = Tag(scheme=TagScheme.TOPIC, code=code, label=name)
        db.session.add(tag)
        db.session.flush()
    if tag not in event.tags:
        event.tags.append(tag)
    return tag


def resolve(event, tag_ids=(), names=()):
    """Tags for a session from chosen ids (they must be the event's topics) and names (found or added)."""
    allowed = {t.id: t for t in event_topics(event)}
    tags = []
    for tag_id in tag_ids:
        if tag_id not in allowed:
            raise ValidationFailed(_("Choose topics from the event's topics."), field="topics")
        tags.append(allowed[tag_id])
    for name in names:
        tag = find_or_add(event, name)
        if tag not in tags:
            tags.append(tag)
    return sorted(tags, key=lambda t: t.id)


def set_topics(owner, tags):
    """Make a draft's (or a published session's) topics these tags; returns whether they changed."""
    if [t.id for t in owner.tags] == [t.id for t in tags]:
        return False
    owner.tags = list(tags)
    return True
