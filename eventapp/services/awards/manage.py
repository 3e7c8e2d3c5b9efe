"""Changing an awards programme: the programme, its release, categories and entries.

Functions flush and leave the commit to the caller (one commit per request).
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import AwardCategory, AwardEntry, AwardsProgramme, EntryStatus
from ..errors import DomainError, ValidationFailed

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIMITS = {"title": 300, "name": 200, "organisation": 300, "region": 200, "link_url": 500, "slug": 100}


def clean_text(value, field, label, *, required=False):
    """The value stripped, refused when required and empty or longer than its column."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.", field=label), field=field)
    limit = LIMITS.get(field)
    if limit and len(value) > limit:
        raise ValidationFailed(_("%(field)s must be at most %(n)d characters.", field=label, n=limit),
                               field=field)
    return value


def _aware(value, label):
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(_("%(field)s needs a time zone.", field=label), field="release_at")
    return value


def checked_link(url):
    """An empty string, or an absolute http(s) address; anything else is refused."""
    url = clean_text(url, "link_url", _l("The link"))
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise ValidationFailed(_("The link must be a web address starting with http:// or https://."),
                               field="link_url")
    return url


def _flush():
    db.session.flush()


# The programme and its release ------------------------------------------------------------------


def create_programme(event, *, title, introduction="", is_sample=False):
    """Give an event its awards programme (one per event), unpublished and with results embargoed."""
    if event.awards_programme is not None:
        raise DomainError(_("This event already has an awards programme."))
    programme = AwardsProgramme(
        title=clean_text(title, "title", _l("The title"), required=True),
        introduction=(introduction or "").strip(),
        is_sample=is_sample,
    )
    event.awards_programme = programme
    _flush()
    return programme


def update_programme(programme, *, title=None, introduction=None, is_sample=None):
    """Change the programme's title, introduction or sample-data flag."""
    if title is not None:
        programme.title = clean_text(title, "title", _l("The title"), required=True)
    if introduction is not None:
        programme.introduction = introduction.strip()
    if is_sample is not None:
        programme.is_sample = is_sample
    _flush()
    return programme


def publish_programme(programme, published=True):
    """Show the programme to the public (or hide it again); results stay under embargo."""
    programme.is_published = published
    _flush()


def release_results(programme):
    """Release the results by hand: winners show on every public page from now on."""
    programme.is_released = True
    _flush()


def schedule_release(programme, release_at):
    """Set (or clear, with None) the UTC instant from which the results are public."""
    programme.release_at = _aware(release_at, _l("The release time"))
    _flush()


def withdraw_results(programme):
    """Put the results back under embargo: no hand release and no release time."""
    programme.is_released = False
    programme.release_at = None
    _flush()


# Categories ---------------------------------------------------------------------------------


def slugify(text):
    """A URL value from a name: "Local action & cohesion" gives "local-action-cohesion"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "category"


def _slug_taken(programme, slug, category=None):
    query = sa.select(AwardCategory.id).where(
        AwardCategory.programme_id == programme.id, AwardCategory.slug == slug
    )
    if category is not None and category.id is not None:
        query = query.where(AwardCategory.id != category.id)
    return db.session.scalar(query) is not None


def _checked_slug(programme, slug, category=None):
    slug = clean_text(slug, "slug", _l("The address"), required=True).lower()
    if not SLUG_RE.match(slug):
        raise ValidationFailed(
            _("The address may hold lower-case letters, digits and single hyphens only."), field="slug"
        )
    if _slug_taken(programme, slug, category):
        raise DomainError(_("Another category of this programme already uses the address “%(slug)s”.", slug=slug),
                          field="slug")
    return slug


def _free_slug(programme, name):
    base, n = slugify(name), 1
    slug = base
    while _slug_taken(programme, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_category(programme, *, name, description="", slug=None, is_sample=False):
    """Add a category at the end of the programme; its address comes from its name unless given."""
    name = clean_text(name, "name", _l("The name"), required=True)
    category = AwardCategory(
        programme=programme,
        name=name,
        description=(description or "").strip(),
        slug=_checked_slug(programme, slug) if slug else _free_slug(programme, name),
        position=max((c.position for c in programme.categories), default=-1) + 1,
        is_sample=is_sample,
    )
    db.session.add(category)
    _flush()
    return category


def update_category(category, *, name=None, description=None, slug=None, is_sample=None):
    """Change a category's name, description, address or sample-data flag."""
    if name is not None:
        category.name = clean_text(name, "name", _l("The name"), required=True)
    if description is not None:
        category.description = description.strip()
    if slug is not None:
        category.slug = _checked_slug(category.programme, slug, category)
    if is_sample is not None:
        category.is_sample = is_sample
    _flush()
    return category


def reorder_categories(programme, category_ids):
    """Put the programme's categories in the given order (every category, once)."""
    by_id = {c.id: c for c in programme.categories}
    if sorted(category_ids) != sorted(by_id):
        raise ValidationFailed(_("Give every category of the programme exactly once."))
    for position, category_id in enumerate(category_ids):
        by_id[category_id].position = position
    _flush()
    db.session.expire(programme, ["categories"])


def delete_category(category):
    """Remove a category and its entries; running-order items presenting it stay, unlinked."""
    programme = category.programme
    for item in programme.ceremony_items:
        if item.category_id == category.id:
            item.category = None
    programme.categories.remove(category)
    _flush()


# Entries ------------------------------------------------------------------------------------


def _checked_status(status):
    if status not in EntryStatus.ALL:
        raise ValidationFailed(_("Choose a status from the list."), field="status")
    return status


def create_entry(category, *, title, organisation="", region="", summary="", link_url="",
                 status=EntryStatus.NOMINATED, is_sample=False):
    """Enter an initiative in a category."""
    entry = AwardEntry(
        category=category,
        title=clean_text(title, "title", _l("The initiative's title"), required=True),
        organisation=clean_text(organisation, "organisation", _l("The office or partnership")),
        region=clean_text(region, "region", _l("The country or region")),
        summary=(summary or "").strip(),
        link_url=checked_link(link_url),
        status=_checked_status(status),
        is_sample=is_sample,
    )
    db.session.add(entry)
    _flush()
    return entry


ENTRY_FIELDS = {
    "title": lambda v: clean_text(v, "title", _l("The initiative's title"), required=True),
    "organisation": lambda v: clean_text(v, "organisation", _l("The office or partnership")),
    "region": lambda v: clean_text(v, "region", _l("The country or region")),
    "summary": lambda v: (v or "").strip(),
    "link_url": checked_link,
    "status": _checked_status,
    "is_sample": bool,
}


def update_entry(entry, *, category=None, **values):
    """Change an entry's fields or status, or move it to another category of the same programme."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    checked = {key: ENTRY_FIELDS[key](value) for key, value in values.items()}
    if category is not None and category.id != entry.category_id:
        if category.programme_id != entry.category.programme_id:
            raise DomainError(_("An entry can only move to a category of the same programme."))
        entry.category = category
    for key, value in checked.items():
        if getattr(entry, key) != value:
            setattr(entry, key, value)
    _flush()
    return entry


def delete_entry(entry):
    """Remove an entry."""
    entry.category.entries.remove(entry)
    _flush()
