"""Organiser pages of the Impact Awards, through HTTP: programme, release, categories, entries,
running order (inside its session, in local time), the organisers' CSV export and the embargo."""
import csv
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, AwardCategory, AwardEntry, CeremonyItem, DraftSession
from eventapp.services.agenda.working_copy import ensure_working_copy

from .conftest import local, text

UTC = timezone.utc
TZ = "Europe/Zurich"


def actions(event):
    return [a.action for a in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id))]


def field_error(response, name):
    """The message shown beside one input of a form (macros/manage_forms.html)."""
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return found and html.unescape(re.sub(r"\s+", " ", found.group(1)))


@pytest.fixture
def evening(make_event, make_session):
    """An event in Geneva with an awards ceremony session, 17:30-18:30 local time on 6 May 2030."""
    event = make_event(title="Awards event")
    session = make_session(event, title="Awards ceremony", session_type="ceremony",
                           starts_at=local(TZ, 2030, 5, 6, 17, 30))
    other = make_session(event, title="Morning panel", starts_at=local(TZ, 2030, 5, 6, 10, 0))
    return event, session, other


@pytest.fixture
def programme_of(client):
    def create(event, **changes):
        data = {"title": "Impact Awards 2030", "introduction": "Celebrating initiatives.", "is_published": "y"}
        data.update(changes)
        response = client.post(f"/manage/events/{event.id}/awards/programme", data=data)
        assert response.status_code == 302, text(response)
        db.session.refresh(event)
        return event.awards_programme

    return create


def test_programme_is_created_checked_edited_and_audited(client, evening, organiser):
    event, session, _other = evening
    organiser(event)
    base = f"/manage/events/{event.id}/awards"
    page = client.get(f"{base}/")
    assert "This event has no awards programme yet" in text(page)
    assert f'href="{base}/" aria-current="page">Awards</a>' in page.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/awards").status_code == 404

    response = client.post(f"{base}/programme", data={"title": "  ", "introduction": ""})
    assert response.status_code == 200 and field_error(response, "title") == "This field is required."

    response = client.post(f"{base}/programme", data={"title": "Impact Awards 2030", "introduction": "Hello."})
    assert response.status_code == 302
    assert client.get(f"/events/{event.slug}/awards").status_code == 404  # not published yet
    client.post(f"{base}/programme", data={"title": "Impact Awards 2030", "introduction": "Hello.", "is_published": "y"})
    public = client.get(f"/events/{event.slug}/awards")
    assert public.status_code == 200 and "Impact Awards 2030" in text(public)
    assert actions(event) == ["awards.create", "awards.update"]
    overview = text(client.get(f"{base}/"))
    assert "Under embargo: winners show as finalists" in overview


def test_categories_are_added_checked_renamed_reordered_and_deleted(client, evening, organiser, programme_of):
    event, _session, _other = evening
    organiser(event)
    programme = programme_of(event)
    base = f"/manage/events/{event.id}/awards/categories"
    assert field_error(client.post(f"{base}/new", data={"name": ""}), "name") == "This field is required."
    assert client.post(f"{base}/new", data={"name": "Local action & cohesion"}).status_code == 302
    assert client.post(f"{base}/new", data={"name": "Partnerships", "slug": "partners"}).status_code == 302
    response = client.post(f"{base}/new", data={"name": "Other", "slug": "partners"})
    assert response.status_code == 200
    assert field_error(response, "slug") == "Another category of this programme already uses the address “partners”."
    response = client.post(f"{base}/new", data={"name": "Other", "slug": "Not OK!"})
    assert "lower-case letters, digits and single hyphens" in field_error(response, "slug")
    first, second = programme.categories
    assert (first.slug, second.slug) == ("local-action-cohesion", "partners")

    client.post(f"{base}/{second.id}/edit", data={"name": "Partnerships for impact", "slug": "partners", "description": "Joint work."})
    client.post(f"{base}/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [c.name for c in programme.categories] == ["Partnerships for impact", "Local action & cohesion"]
    public = text(client.get(f"/events/{event.slug}/awards"))
    assert public.index("Partnerships for impact") < public.index("Local action & cohesion")

    client.post(f"{base}/{first.id}/delete")
    db.session.expire_all()
    assert [c.name for c in programme.categories] == ["Partnerships for impact"]
    assert actions(event)[1:] == ["award_category.create", "award_category.create", "award_category.update",
                                  "award_category.move", "award_category.delete"]


def test_entries_are_added_checked_edited_and_deleted(client, evening, organiser, programme_of):
    event, _session, _other = evening
    organiser(event)
    programme = programme_of(event)
    client.post(f"/manage/events/{event.id}/awards/categories/new", data={"name": "Partnerships"})
    category = programme.categories[0]
    new = f"/manage/events/{event.id}/awards/categories/{category.id}/entries/new"
    entry = {"title": "Safe routes", "organisation": "IOM Rabat", "region": "Morocco", "summary": "",
             "link_url": "javascript:alert(1)", "status": "finalist"}
    response = client.post(new, data=entry)
    assert response.status_code == 200
    assert field_error(response, "link_url") == "The link must be a web address starting with http:// or https://."
    assert field_error(client.post(new, data=dict(entry, link_url="", status="champion")), "status") == "Not a valid choice."
    assert client.post(new, data=dict(entry, link_url="https://example.org/safe")).status_code == 302
    saved = db.session.scalar(sa.select(AwardEntry))
    listing = text(client.get(f"/manage/events/{event.id}/awards/categories/{category.id}/"))
    assert "Safe routes IOM Rabat Morocco Finalist" in listing

    client.post(f"/manage/events/{event.id}/awards/entries/{saved.id}/edit", data=dict(entry, link_url="", status="winner"))
    db.session.expire_all()
    assert saved.status == "winner"
    assert "Safe routes IOM Rabat Morocco Winner" in text(client.get(f"/manage/events/{event.id}/awards/categories/{category.id}/"))
    client.post(f"/manage/events/{event.id}/awards/entries/{saved.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(AwardEntry.id))) == 0
    assert actions(event)[-3:] == ["award_entry.create", "award_entry.update", "award_entry.delete"]


def item_data(session_id, **changes):
    data = {"kind": "welcome", "title": "Welcome words", "session": session_id,
            "starts_at": "2030-05-06T17:30", "ends_at": "2030-05-06T17:40", "category": 0}
    data.update(changes)
    return data


def test_an_item_outside_its_session_is_refused_with_the_message_beside_the_field(client, evening, organiser, programme_of):
    event, session, other = evening
    organiser(event)
    programme_of(event)
    url = f"/manage/events/{event.id}/awards/ceremony/new"
    form = client.get(url)
    assert "Awards ceremony, 17:30–18:30 (Zurich time) on 6 May 2030" in text(form)
    window = "“Awards ceremony”, 17:30–18:30 (Zurich time) on 6 May 2030."
    response = client.post(url, data=item_data(session.id, starts_at="2030-05-06T17:20"))
    assert response.status_code == 200
    assert field_error(response, "starts_at") == f"The item must take place inside the session {window}"
    response = client.post(url, data=item_data(session.id, starts_at="2030-05-06T18:20", ends_at="2030-05-06T18:45"))
    assert field_error(response, "ends_at") == f"The item must take place inside the session {window}"
    response = client.post(url, data=item_data(session.id, ends_at="2030-05-06T17:30"))
    assert field_error(response, "ends_at") == "The item must end after it starts."
    response = client.post(url, data=item_data(0))
    assert field_error(response, "session") == "Choose a session of this event's agenda."
    response = client.post(url, data=item_data(other.id))  # 17:30 is not inside the morning panel
    assert "inside the session “Morning panel”, 10:00–11:00" in field_error(response, "starts_at")
    assert db.session.scalar(sa.select(sa.func.count(CeremonyItem.id))) == 0

    assert client.post(url, data=item_data(session.id)).status_code == 302
    item = db.session.scalar(sa.select(CeremonyItem))
    assert (item.starts_at, item.ends_at) == (datetime(2030, 5, 6, 15, 30, tzinfo=UTC), datetime(2030, 5, 6, 15, 40, tzinfo=UTC))
    edit = f"/manage/events/{event.id}/awards/ceremony/{item.id}/edit"
    response = client.post(edit, data=item_data(session.id, ends_at="2030-05-06T18:31"))
    assert "The item must take place inside the session" in field_error(response, "ends_at")
    db.session.expire_all()
    assert item.ends_at == datetime(2030, 5, 6, 15, 40, tzinfo=UTC) and item.sequence == 0
    assert client.post(edit, data=item_data(session.id, starts_at="2030-05-06T17:35", ends_at="2030-05-06T17:45")).status_code == 302
    db.session.expire_all()
    assert item.sequence == 1
    client.post(f"/manage/events/{event.id}/awards/ceremony/{item.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(CeremonyItem.id))) == 0
    assert actions(event)[-3:] == ["ceremony_item.create", "ceremony_item.update", "ceremony_item.delete"]


def test_running_order_is_typed_and_shown_in_local_time_across_the_spring_clock_change(
        client, make_event, make_session, organiser, programme_of):
    # Clocks in Geneva go forward at 02:00 on Sunday 31 March 2030: 17:00 is UTC+1 on the 30th, UTC+2 on the 31st.
    event = make_event(starts_at=local(TZ, 2030, 3, 30, 9, 0), ends_at=local(TZ, 2030, 3, 31, 20, 0))
    saturday = make_session(event, title="Saturday ceremony", starts_at=local(TZ, 2030, 3, 30, 17, 0))
    sunday = make_session(event, title="Sunday ceremony", starts_at=local(TZ, 2030, 3, 31, 17, 0))
    night = make_session(event, title="Night vigil", starts_at=local(TZ, 2030, 3, 31, 1, 30), ends_at=local(TZ, 2030, 3, 31, 4, 0))
    organiser(event)
    programme_of(event)
    url = f"/manage/events/{event.id}/awards/ceremony/new"
    for session, day in ((saturday, "30"), (sunday, "31")):
        response = client.post(url, data=item_data(session.id, title=f"Welcome {day}", starts_at=f"2030-03-{day}T17:00",
                                                   ends_at=f"2030-03-{day}T17:10"))
        assert response.status_code == 302
    response = client.post(url, data=item_data(night.id, title="Midnight words", starts_at="2030-03-31T02:30",
                                               ends_at="2030-03-31T03:10"))
    assert field_error(response, "starts_at").startswith("2030-03-31 02:30 does not exist in Europe/Zurich")
    items = {i.title: i for i in db.session.scalars(sa.select(CeremonyItem))}
    assert items["Welcome 30"].starts_at == datetime(2030, 3, 30, 16, 0, tzinfo=UTC)
    assert items["Welcome 31"].starts_at == datetime(2030, 3, 31, 15, 0, tzinfo=UTC)

    manage = client.get(f"/manage/events/{event.id}/awards/ceremony/")
    assert "Saturday ceremony" in text(manage) and "17:00 – 17:10 Welcome 30" in text(manage)
    public = client.get(f"/events/{event.slug}/awards")
    html, page = public.get_data(as_text=True), text(public)
    assert '<time datetime="2030-03-30T17:00:00+01:00">17:00</time>–<time datetime="2030-03-30T17:10:00+01:00">17:10</time>' in html
    assert '<time datetime="2030-03-31T17:00:00+02:00">17:00</time>–<time datetime="2030-03-31T17:10:00+02:00">17:10</time>' in html
    assert page.index("Saturday ceremony") < page.index("17:00 – 17:10 Welcome 30") < page.index("Sunday ceremony") \
        < page.index("17:00 – 17:10 Welcome 31")
    assert "(CET, UTC+01:00)" in page and "(CEST, UTC+02:00)" in page


@pytest.fixture
def contest(client, evening, organiser, programme_of):
    """A published programme with a secret winner, a commended entry and two finalists; an organiser signed in."""
    event, session, _other = evening
    organiser(event)
    programme = programme_of(event)
    client.post(f"/manage/events/{event.id}/awards/categories/new", data={"name": "Partnerships", "slug": "partnerships"})
    category = programme.categories[0]
    for title, status in (("Alpha initiative", "finalist"), ("Beta initiative", "winner"),
                          ("Gamma initiative", "commended"), ("Delta initiative", "finalist"), ("Longlisted idea", "nominated")):
        client.post(f"/manage/events/{event.id}/awards/categories/{category.id}/entries/new",
                    data={"title": title, "organisation": f"{title} office", "status": status})
    new_item = f"/manage/events/{event.id}/awards/ceremony/new"
    client.post(new_item, data=item_data(session.id, kind="category", title="Partnerships", category=category.id))
    client.post(new_item, data=item_data(session.id, kind="winners", title="Announcement of the winners",
                                         starts_at="2030-05-06T17:40", ends_at="2030-05-06T17:50"))
    assert len(programme.ceremony_items) == 2
    return event, programme


PUBLIC_PATHS = ("/events/{slug}/awards", "/events/{slug}/awards/partnerships", "/events/{slug}/awards/ceremony.ics")


def public_bytes(client, event):
    """Everything anonymous visitors and caches get from the public awards pages and feed."""
    client.post("/manage/logout")
    seen = []
    for path in PUBLIC_PATHS:
        response = client.get(path.format(slug=event.slug))
        assert response.status_code == 200
        seen.append(response.get_data(as_text=True))
    return seen


def test_winners_stay_secret_everywhere_until_released_by_hand(client, contest, login, make_user):
    event, programme = contest
    page, category, feed = public_bytes(client, event)
    assert "Finalists (4)" in text_of(page) and "Beta initiative" in category  # shown as a finalist
    assert "Beta initiative" not in feed
    for body in (page, category, feed):
        assert "Winner" not in body.replace("Announcement of the winners", "")
        assert "commended" not in body.lower() and "Longlisted idea" not in body
    csv_url = f"/manage/events/{event.id}/awards/entries.csv"
    anonymous = client.get(csv_url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/manage/login")
    assert "Beta" not in anonymous.get_data(as_text=True)

    login(make_user(events=[event]))
    export = client.get(csv_url)
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-awards-entries.csv"'
    assert export.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:2] == ["Category", "Initiative"]
    statuses = {row[1]: row[6] for row in rows[1:]}
    assert statuses == {"Alpha initiative": "Finalist", "Beta initiative": "Winner", "Gamma initiative": "Certified / commended",
                        "Delta initiative": "Finalist", "Longlisted idea": "Nominated"}

    assert client.post(f"/manage/events/{event.id}/awards/release", data={"action": "release"}).status_code == 302
    assert "The results are released" in text(client.get(f"/manage/events/{event.id}/awards/"))
    page, category, feed = public_bytes(client, event)
    assert "Winners (1) Beta initiative Winner" in text_of(page)
    assert "Certified and commended (1) Gamma initiative" in text_of(category)
    assert "Beta initiative, Beta initiative office (Winner)" in unfold(feed)
    assert "Longlisted idea" not in page + category + feed

    login(make_user(events=[event]))
    client.post(f"/manage/events/{event.id}/awards/release", data={"action": "withdraw"})
    for body in public_bytes(client, event):
        assert "Winner" not in body.replace("Announcement of the winners", "")
    assert actions(event)[-2:] == ["awards.release", "awards.withdraw"]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def unfold(ics):
    return ics.replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",")


def test_a_release_time_is_typed_in_local_time_and_lifts_the_embargo_then(client, contest, login, make_user):
    event, programme = contest
    url = f"/manage/events/{event.id}/awards/release"
    response = client.post(url, data={"release_at": ""})
    assert response.status_code == 200
    assert field_error(response, "release_at") == "Give the date and time at which the results become public."
    response = client.post(url, data={"release_at": "2030-03-31T02:30"})
    assert field_error(response, "release_at").startswith("2030-03-31 02:30 does not exist in Europe/Zurich")

    # 18:00 in Geneva on 6 May 2030 is 16:00 UTC (summer time)
    assert client.post(url, data={"release_at": "2030-05-06T18:00"}).status_code == 302
    db.session.expire_all()
    assert programme.release_at == datetime(2030, 5, 6, 16, 0, tzinfo=UTC)
    assert "Under embargo until 6 May 2030" in text(client.get(f"/manage/events/{event.id}/awards/"))
    assert actions(event)[-1] == "awards.schedule"
    before = public_bytes(client, event)
    assert "The winners will be announced on Monday, 6 May 2030 at 18:00" in text_of(before[0])
    for body in before:
        assert "Winner" not in body.replace("Announcement of the winners", "")

    # The release time comes: the same URLs show the results, with no change to the data.
    programme.release_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    after = public_bytes(client, event)
    assert "Winners (1) Beta initiative Winner" in text_of(after[0])
    assert "Beta initiative, Beta initiative office (Winner)" in unfold(after[2])


def test_a_running_order_title_may_not_name_a_winner_before_the_release(client, contest, login, make_user):
    event, programme = contest
    session = programme.ceremony_items[0].session
    url = f"/manage/events/{event.id}/awards/ceremony/new"
    data = item_data(session.id, title="Award to the Beta Initiative team", starts_at="2030-05-06T17:50", ends_at="2030-05-06T18:00")
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "may not name the winning or commended entry “Beta initiative”" in field_error(response, "title")
    assert client.post(url, data=dict(data, title="Award to the Alpha initiative team")).status_code == 302  # a finalist
    client.post(f"/manage/events/{event.id}/awards/release", data={"action": "release"})
    assert client.post(url, data=dict(data, starts_at="2030-05-06T18:00", ends_at="2030-05-06T18:05")).status_code == 302


def test_publishing_a_revision_that_moves_the_ceremony_session_moves_its_items(client, contest):
    event, programme = contest
    base = f"/manage/events/{event.id}"
    items = {i.title: (i.starts_at, i.sequence) for i in programme.ceremony_items}
    session = programme.ceremony_items[0].session
    ensure_working_copy(event)
    db.session.commit()
    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == session.id))
    assert client.post(f"{base}/sessions/{draft.id}/move", data={"starts_at": "2030-05-06T16:00", "room_id": 0}).status_code == 302
    assert client.post(f"{base}/agenda/publish", data={"label": "Final programme", "is_final": "final"}).status_code == 302
    db.session.expire_all()
    for item in programme.ceremony_items:
        start, sequence = items[item.title]
        assert item.starts_at == start - timedelta(minutes=90) and item.sequence == sequence + 1
    assert "16:00 – 16:10 Partnerships" in text(client.get(f"/events/{event.slug}/awards"))

    # Shortening the session so that an item no longer fits is refused, and nothing is published.
    draft = db.session.scalar(sa.select(DraftSession).where(DraftSession.session_id == session.id))
    from tests.test_organiser_publish import form_of

    client.post(f"{base}/sessions/{draft.id}/edit", data=form_of(draft, ends_at="2030-05-06T16:15"))
    preview = text(client.get(f"{base}/agenda/publish"))
    assert "Warnings The running-order item “Announcement of the winners” would no longer fit" in preview
    response = client.post(f"{base}/agenda/publish", data={"label": "Shorter", "is_final": "final"})
    assert response.status_code == 200
    assert "“Announcement of the winners” would no longer fit inside the session" in text(response)
    db.session.expire_all()
    assert session.ends_at == datetime(2030, 5, 6, 15, 0, tzinfo=UTC) and event.agenda_label == "Final programme"


def test_objects_of_another_event_are_not_found_through_my_event(client, contest, make_event, make_session, make_programme,
                                                                  make_category, make_entry, make_ceremony_item):
    event, programme = contest
    theirs = make_programme(make_event(title="Their event"))
    category = make_category(theirs, name="Their category")
    entry = make_entry(category, title="Their secret winner", status="winner")
    item = make_ceremony_item(theirs, make_session(theirs.event))
    base = f"/manage/events/{event.id}/awards"
    for url in (f"{base}/categories/{category.id}/", f"{base}/categories/{category.id}/edit",
                f"{base}/categories/{category.id}/entries/new", f"{base}/entries/{entry.id}/edit",
                f"{base}/ceremony/{item.id}/edit"):
        response = client.get(url)
        assert response.status_code == 404 and "Their" not in response.get_data(as_text=True), url
    for url in (f"{base}/categories/{category.id}/delete", f"{base}/entries/{entry.id}/delete",
                f"{base}/ceremony/{item.id}/delete", f"{base}/categories/{category.id}/move"):
        assert client.post(url).status_code == 404, url
    assert db.session.get(AwardCategory, category.id) is not None and db.session.get(AwardEntry, entry.id) is not None
