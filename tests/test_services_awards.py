"""Awards services: the embargo, running-order checks, changes to categories and entries, CSV export."""
import ast
import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from eventapp.extensions import db
from eventapp.models import AwardCategory, AwardEntry
from eventapp.services.awards import programme as awards
from eventapp.services.awards import export as awards_export
from eventapp.services.awards import manage as awards_manage
from eventapp.services.awards import ceremony
from eventapp.services.errors import DomainError, ValidationFailed

from .conftest import local

pytestmark = pytest.mark.usefixtures("app")

NOW = datetime(2030, 5, 6, 12, 0, tzinfo=timezone.utc)
TZ = "Europe/Zurich"


def test_results_are_released_by_hand_or_from_the_release_time_on(make_programme):
    programme = make_programme()
    assert not awards.results_released(programme, NOW)
    programme.release_at = NOW + timedelta(seconds=1)
    assert not awards.results_released(programme, NOW)
    programme.release_at = NOW
    assert awards.results_released(programme, NOW)  # from the instant itself
    programme.release_at = None
    programme.is_released = True
    assert awards.results_released(programme, NOW)


@pytest.fixture
def shortlist(make_programme, make_category, make_entry):
    programme = make_programme(release_at=NOW)
    category = make_category(programme, slug="a", name="A")
    make_entry(category, title="Zeta", status="winner")
    make_entry(category, title="alpha", status="finalist")
    make_entry(category, title="Mu", status="commended")
    make_entry(category, title="Nominee", status="nominated")
    return programme


def test_before_release_the_query_never_selects_the_status(shortlist, count_queries):
    with count_queries() as statements:
        entries = awards.public_entries(shortlist, NOW - timedelta(minutes=1))
    assert [(e.title, e.status) for e in entries] == [("alpha", "finalist"), ("Mu", "finalist"), ("Zeta", "finalist")]
    selected = next(s for s in statements if "FROM award_entries" in s).split("FROM")[0]
    assert "award_entries.title" in selected and "status" not in selected


def test_after_release_winners_come_first_then_commended_then_finalists(shortlist, count_queries):
    with count_queries() as statements:
        entries = awards.public_entries(shortlist, NOW)
    assert [(e.title, e.status) for e in entries] == [("Zeta", "winner"), ("Mu", "commended"), ("alpha", "finalist")]
    assert "award_entries.status" in next(s for s in statements if "FROM award_entries" in s).split("FROM")[0]


@pytest.fixture
def evening(make_event, make_session, make_programme):
    """A winter ceremony session, 17:30-18:30 in Geneva (16:30-17:30 UTC), and its programme."""
    event = make_event(starts_at=local(TZ, 2030, 11, 25, 9, 0))
    session = make_session(event, title="Awards ceremony", starts_at=local(TZ, 2030, 11, 25, 17, 30))
    return make_programme(event), session


def test_an_item_inside_its_session_is_accepted(evening):
    programme, session = evening
    item = ceremony.create_ceremony_item(programme, session=session, title="Welcome", kind="welcome",
                                         starts_at=session.starts_at, ends_at=session.ends_at)
    assert item.starts_at == datetime(2030, 11, 25, 16, 30, tzinfo=timezone.utc)
    assert ceremony.items_outside_their_session(programme) == []


@pytest.mark.parametrize("start, end", [((17, 25), (17, 40)), ((18, 20), (18, 35)), ((19, 0), (19, 10))])
def test_an_item_outside_its_session_is_refused_naming_the_sessions_local_times(evening, start, end):
    programme, session = evening
    with pytest.raises(DomainError) as refused:
        ceremony.create_ceremony_item(programme, session=session, title="Speech", kind="keynote",
                                      starts_at=local(TZ, 2030, 11, 25, *start), ends_at=local(TZ, 2030, 11, 25, *end))
    assert str(refused.value) == (
        "The item must take place inside the session “Awards ceremony”, "
        "17:30–18:30 (Zurich time) on 25 November 2030."
    )
    assert programme.ceremony_items == []


def test_the_message_uses_summer_time_in_summer(make_event, make_session, make_programme):
    event = make_event(starts_at=local(TZ, 2030, 7, 1, 9, 0))
    session = make_session(event, title="Summer ceremony", starts_at=local(TZ, 2030, 7, 1, 17, 30))
    assert session.starts_at.hour == 15  # UTC+2
    with pytest.raises(DomainError, match="17:30–18:30 \\(Zurich time\\) on 1 July 2030"):
        ceremony.create_ceremony_item(make_programme(event), session=session, title="Late", kind="other",
                                      starts_at=session.ends_at, ends_at=session.ends_at + timedelta(minutes=5))


def test_other_item_mistakes_are_refused(evening, make_event, make_session, make_programme, make_category):
    programme, session = evening
    start = session.starts_at
    other_session = make_session(make_event(), title="Elsewhere")
    category = make_category(programme)
    foreign_category = make_category(make_programme(make_event()))
    cases = [
        (dict(session=session, ends_at=start), "The item must end after it starts."),
        (dict(session=other_session), "Choose a session of this event's agenda."),
        (dict(kind="category", category=foreign_category), "Choose a category of this awards programme."),
        (dict(kind="welcome", category=category), "Only the presentation of a category can be linked to a category."),
        (dict(kind="dance"), "Choose a kind of item from the list."),
        (dict(starts_at=start.replace(tzinfo=None)), "The start and end times need a time zone."),
        (dict(title="  "), "The title is required."),
    ]
    for change, message in cases:
        values = dict(session=session, title="Item", kind="category", starts_at=start, ends_at=start + timedelta(minutes=5))
        values.update(change)
        with pytest.raises(DomainError) as refused:
            ceremony.create_ceremony_item(programme, **values)
        assert str(refused.value) == message


def test_an_edit_that_leaves_the_session_is_refused_and_changes_nothing(evening):
    programme, session = evening
    item = ceremony.create_ceremony_item(programme, session=session, title="Welcome", kind="welcome",
                                         starts_at=session.starts_at, ends_at=session.starts_at + timedelta(minutes=5))
    with pytest.raises(DomainError, match="inside the session “Awards ceremony”"):
        ceremony.update_ceremony_item(item, ends_at=session.ends_at + timedelta(minutes=1))
    assert item.ends_at == session.starts_at + timedelta(minutes=5)
    assert ceremony.update_ceremony_item(item, title="Opening words", ends_at=session.ends_at) == {"title", "ends_at"}


def test_calendar_sequence_moves_only_when_people_see_a_change(evening, make_category):
    programme, session = evening
    item = ceremony.create_ceremony_item(programme, session=session, title="Welcome", kind="welcome",
                                         starts_at=session.starts_at, ends_at=session.starts_at + timedelta(minutes=5))
    uid, stamp = item.uid, item.updated_at
    assert item.sequence == 0 and len(uid) == 36
    assert ceremony.update_ceremony_item(item, title="Welcome", starts_at=session.starts_at) == set()
    assert (item.sequence, item.updated_at) == (0, stamp)
    ceremony.update_ceremony_item(item, is_sample=True)
    assert item.sequence == 0 and item.updated_at >= stamp
    ceremony.update_ceremony_item(item, ends_at=session.starts_at + timedelta(minutes=10))
    ceremony.reschedule_session_items(session, session.starts_at + timedelta(hours=1), session.ends_at + timedelta(hours=1))
    assert item.sequence == 2 and item.uid == uid


def test_items_move_with_their_session_or_block_a_move_that_would_not_fit(evening):
    programme, session = evening
    item = ceremony.create_ceremony_item(programme, session=session, title="Reception", kind="reception",
                                         starts_at=session.starts_at + timedelta(minutes=30), ends_at=session.ends_at)
    later = timedelta(days=1, hours=1)
    ceremony.reschedule_session_items(session, session.starts_at + later, session.ends_at + later)
    assert item.starts_at == session.starts_at + later + timedelta(minutes=30)
    with pytest.raises(DomainError, match="“Reception” would no longer fit"):
        ceremony.reschedule_session_items(session, session.starts_at, session.starts_at + timedelta(minutes=20))


def test_categories_get_unique_addresses_and_keep_their_order(make_programme):
    programme = make_programme()
    first = awards_manage.create_category(programme, name="Local action & cohesion")
    second = awards_manage.create_category(programme, name="Local action, cohesion!")
    third = awards_manage.create_category(programme, name="Élan", slug="elan")
    assert [c.slug for c in programme.categories] == ["local-action-cohesion", "local-action-cohesion-2", "elan"]
    with pytest.raises(DomainError, match="already uses the address “elan”"):
        awards_manage.update_category(first, slug="elan")
    with pytest.raises(ValidationFailed, match="lower-case letters"):
        awards_manage.create_category(programme, name="X", slug="no spaces/please")
    awards_manage.reorder_categories(programme, [third.id, first.id, second.id])
    assert [c.slug for c in programme.categories] == ["elan", "local-action-cohesion", "local-action-cohesion-2"]


def test_deleting_a_category_removes_its_entries_and_unlinks_its_presentation(evening):
    programme, session = evening
    category = awards_manage.create_category(programme, name="Partnerships")
    awards_manage.create_entry(category, title="One", status="finalist")
    item = ceremony.create_ceremony_item(programme, session=session, title="Partnerships", kind="category",
                                         category=category, starts_at=session.starts_at, ends_at=session.ends_at)
    db.session.commit()
    awards_manage.delete_category(category)
    db.session.commit()
    assert db.session.query(AwardCategory).count() == 0 and db.session.query(AwardEntry).count() == 0
    assert item.category is None and programme.ceremony_items == [item]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "http://", "example.org", "https://exa mple.org", "data:text/html,hi"])
def test_entry_links_must_be_web_addresses(make_programme, make_category, url):
    category = make_category(make_programme())
    with pytest.raises(ValidationFailed, match="http:// or https://"):
        awards_manage.create_entry(category, title="Initiative", link_url=url)


def test_entries_take_valid_statuses_and_stay_inside_their_programme(make_programme, make_category):
    category = make_category(make_programme())
    entry = awards_manage.create_entry(category, title=" Skills pathway ", link_url="https://example.org/p")
    assert entry.title == "Skills pathway" and entry.status == "nominated"
    with pytest.raises(ValidationFailed, match="Choose a status"):
        awards_manage.update_entry(entry, status="champion")
    with pytest.raises(DomainError, match="same programme"):
        awards_manage.update_entry(entry, category=make_category(make_programme()))
    sibling = awards_manage.create_category(category.programme, name="Other")
    awards_manage.update_entry(entry, category=sibling, status="winner")
    assert entry.category == sibling and entry.status == "winner"


def test_one_programme_per_event_and_release_times_must_be_aware(make_event):
    event = make_event()
    programme = awards_manage.create_programme(event, title="Impact Awards")
    assert not programme.is_published and not programme.is_released
    with pytest.raises(DomainError, match="already has an awards programme"):
        awards_manage.create_programme(event, title="Again")
    with pytest.raises(ValidationFailed, match="needs a time zone"):
        awards_manage.schedule_release(programme, datetime(2030, 1, 1, 12, 0))
    awards_manage.schedule_release(programme, NOW)
    awards_manage.release_results(programme)
    awards_manage.withdraw_results(programme)
    assert programme.release_at is None and not programme.is_released


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_that_would_run_as_formulas_are_neutralised(make_programme, make_category, make_entry):
    programme = make_programme()
    category = make_category(programme, name="=HYPERLINK(\"http://evil\")")
    make_entry(category, title="+cmd|' /C calc'!A0", organisation="-2+3", region="@SUM(A1)", summary="\tTab", status="finalist")
    make_entry(category, title="Plain, with a comma", organisation="Office \"A\"", status="finalist")
    rows = _rows(awards_export.export_entries_csv(programme, include_results=True))
    assert rows[0] == ["Category", "Initiative", "Office or partnership", "Country or region", "Summary", "Link", "Status", "Sample data"]
    formula = next(r for r in rows if "calc" in r[1])
    assert formula[:5] == ["'=HYPERLINK(\"http://evil\")", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tTab"]
    plain = next(r for r in rows if r[1].startswith("Plain"))
    assert plain[1:3] == ["Plain, with a comma", "Office \"A\""]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_without_results_is_what_the_public_sees(shortlist):
    before = _rows(awards_export.export_entries_csv(shortlist, include_results=False, now=NOW - timedelta(seconds=1)))
    assert [(r[1], r[6]) for r in before[1:]] == [("alpha", "Finalist"), ("Mu", "Finalist"), ("Zeta", "Finalist")]
    after = _rows(awards_export.export_entries_csv(shortlist, include_results=False, now=NOW))
    assert [(r[1], r[6]) for r in after[1:]] == [("Zeta", "Winner"), ("Mu", "Certified / commended"), ("alpha", "Finalist")]
    organiser = _rows(awards_export.export_entries_csv(shortlist, include_results=True, now=NOW - timedelta(days=1)))
    assert sorted((r[1], r[6]) for r in organiser[1:]) == [
        ("Mu", "Certified / commended"), ("Nominee", "Nominated"), ("Zeta", "Winner"), ("alpha", "Finalist"),
    ]


def test_public_code_never_asks_the_export_for_embargoed_results():
    """Only organiser code may pass include_results=True; public blueprints pass False or nothing."""
    root = Path(__file__).resolve().parent.parent / "eventapp"
    public = [p for p in root.rglob("*.py") if "organiser" not in p.parts and "services" not in p.parts]
    assert any(p.parts[-2] == "awards" for p in public)
    offending = []
    for path in public:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "export_entries_csv":
                flags = [k.value for k in node.keywords if k.arg == "include_results"]
                if not (flags and isinstance(flags[0], ast.Constant) and flags[0].value is False):
                    offending.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offending == []

