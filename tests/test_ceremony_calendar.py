"""The awards ceremony's calendar feed: running order in the event's zone, stable UIDs and SEQUENCE,
conditional GET, cookie-free, and the results embargo (no winner in any byte before the release)."""
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.extensions import db
from eventapp.services.awards import manage as awards_manage
from eventapp.services.awards import ceremony
from eventapp.services.calendars import ceremony as ceremony_calendar

from .conftest import local
from .ical_helpers import events, parse, utc_times, vobject_utc_times

UTC = timezone.utc
FEED = "/events/idm-2024-geneva/awards/ceremony.ics"


def test_demo_feed_holds_the_running_order_at_the_right_instants(client, demo):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == 'inline; filename="idm-2024-geneva-awards-ceremony.ics"'
    cal, vcal = parse(response.get_data())
    expected = {
        "Welcome": (datetime(2024, 11, 25, 16, 30, tzinfo=UTC), datetime(2024, 11, 25, 16, 35, tzinfo=UTC)),
        "Announcement of the winners": (datetime(2024, 11, 25, 16, 55, tzinfo=UTC), datetime(2024, 11, 25, 17, 5, tzinfo=UTC)),
        "Evening reception": (datetime(2024, 11, 25, 17, 5, tzinfo=UTC), datetime(2024, 11, 25, 17, 30, tzinfo=UTC)),
    }
    times = utc_times(cal)
    for title, window in expected.items():
        assert times[title] == window
        assert vobject_utc_times(vcal)[title] == window
    assert len(events(cal)) == 5
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Zurich" and cal.walk("VTIMEZONE")
    for vevent in events(cal):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Zurich"
        assert "Sample data: invented for the demonstration." in str(vevent["DESCRIPTION"])
    assert "2024 Knowledge Fair & Impact Awards @ IOM: ceremony running order" == str(cal["X-WR-CALNAME"])
    assert b"METHOD" not in response.get_data() and b"ATTENDEE" not in response.get_data()


def test_feed_is_public_cookie_free_revalidated_and_answers_304(client, demo):
    client.get("/events/idm-2024-geneva/awards")  # a visitor with a session cookie, if any
    response = client.get(FEED, headers={"Host": "attacker.example"})
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert "https://events.example.org/events/idm-2024-geneva/awards" in response.get_data(as_text=True)
    assert "attacker" not in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(FEED, headers={"If-Modified-Since": response.headers["Last-Modified"]}).status_code == 304


def test_uids_stay_and_sequence_rises_when_an_item_moves(client, demo):
    before = {str(e["SUMMARY"]): (str(e["UID"]), int(e["SEQUENCE"])) for e in events(parse(client.get(FEED).get_data())[0])}
    etag = client.get(FEED).headers["ETag"]
    item = next(i for i in demo.awards_programme.ceremony_items if i.title == "Evening reception")
    ceremony.update_ceremony_item(item, starts_at=item.starts_at + timedelta(minutes=5))
    db.session.commit()
    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 200
    after = {str(e["SUMMARY"]): (str(e["UID"]), int(e["SEQUENCE"])) for e in events(parse(response.get_data())[0])}
    assert {t: u for t, (u, _s) in after.items()} == {t: u for t, (u, _s) in before.items()}
    assert after["Evening reception"][1] == before["Evening reception"][1] + 1
    assert after["Welcome"][1] == before["Welcome"][1]


def test_language_follows_the_lang_parameter_only(client, demo):
    french = client.get(FEED + "?lang=fr", headers={"Accept-Language": "es"}).get_data(as_text=True).replace("\r\n ", "")
    assert "Part of the session" not in french and "Mot de bienvenue" in french
    assert "SOURCE;VALUE=URI:https://events.example.org/events/idm-2024-geneva/awards/ceremony.ics?lang=fr" in french
    english = client.get(FEED, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Part of the session" in english.replace("\r\n ", "")


def test_unknown_draft_and_unpublished_programmes_have_no_feed(client, make_event, make_programme):
    assert client.get("/events/nope/awards/ceremony.ics").status_code == 404
    hidden = make_programme(is_published=False)
    assert client.get(f"/events/{hidden.event.slug}/awards/ceremony.ics").status_code == 404
    from eventapp.models import EventStatus

    draft = make_programme(make_event(status=EventStatus.DRAFT))
    assert client.get(f"/events/{draft.event.slug}/awards/ceremony.ics").status_code == 404


def test_the_awards_page_links_the_feed(client, demo):
    html = client.get("/events/idm-2024-geneva/awards").get_data(as_text=True)
    assert 'href="/events/idm-2024-geneva/awards/ceremony.ics" download' in html
    assert 'href="webcal://events.example.org/events/idm-2024-geneva/awards/ceremony.ics"' in html


@pytest.fixture
def contest(make_event, make_session, make_programme, make_category, make_entry):
    event = make_event()
    session = make_session(event, title="Awards ceremony", session_type="ceremony")
    programme = make_programme(event, title="Impact Awards")
    category = make_category(programme, slug="partnerships", name="Partnerships")
    entries = {title: make_entry(category, title=title, organisation=f"{title} office")
               for title in ("Alpha initiative", "Beta initiative", "Gamma initiative")}
    ceremony.create_ceremony_item(programme, session=session, title="Partnerships", kind="category", category=category,
                                  starts_at=session.starts_at, ends_at=session.starts_at + timedelta(minutes=10))
    ceremony.create_ceremony_item(programme, session=session, title="Announcement of the winners", kind="winners",
                                  starts_at=session.starts_at + timedelta(minutes=10),
                                  ends_at=session.starts_at + timedelta(minutes=20))
    db.session.commit()
    return event, programme, entries


def _set_results(entries, winner=None, commended=None):
    for title, entry in entries.items():
        entry.status = "winner" if title == winner else "commended" if title == commended else "finalist"
    db.session.commit()


def _feed(client, event, **headers):
    response = client.get(f"/events/{event.slug}/awards/ceremony.ics", headers=headers)
    return response, response.get_data(as_text=True).replace("\r\n ", "")


def test_before_release_the_feed_is_byte_identical_whoever_won(client, contest):
    event, programme, entries = contest
    _set_results(entries)
    baseline, body = _feed(client, event)
    for winner, commended in [("Alpha initiative", None), ("Gamma initiative", "Beta initiative")]:
        _set_results(entries, winner=winner, commended=commended)
        response, again = _feed(client, event)
        assert response.get_data() == baseline.get_data()
        assert response.headers["ETag"] == baseline.headers["ETag"]
        assert response.headers["Last-Modified"] == baseline.headers["Last-Modified"]
    assert "initiative" not in body and "Winner" not in body and "commended" not in body.lower()


def test_the_feed_names_the_winners_from_the_release_time_on_and_a_cached_copy_is_replaced(client, contest):
    event, programme, entries = contest
    _set_results(entries, winner="Beta initiative", commended="Alpha initiative")
    release_at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    awards_manage.schedule_release(programme, release_at)
    db.session.commit()
    embargoed, body = _feed(client, event)
    assert "Beta initiative" not in body
    etag = embargoed.headers["ETag"]
    assert _feed(client, event, **{"If-None-Match": etag})[0].status_code == 304

    # The service at the release time, without touching the clock: nothing named a second before.
    before = ceremony_calendar.calendar_data(event, programme, feed_url="x", now=release_at - timedelta(seconds=1))
    at = ceremony_calendar.calendar_data(event, programme, feed_url="x", now=release_at)
    assert all("Beta" not in e.description for e in before.events)
    winners = next(e for e in at.events if e.summary == "Announcement of the winners")
    assert "Partnerships\n- Beta initiative, Beta initiative office (Winner)\n- Alpha initiative, Alpha initiative office (Certified / commended)" in winners.description
    assert at.last_modified == release_at and winners.stamp == release_at

    awards_manage.schedule_release(programme, datetime.now(UTC) - timedelta(seconds=1))
    db.session.commit()
    released, body = _feed(client, event, **{"If-None-Match": etag})
    assert released.status_code == 200
    assert "Beta initiative, Beta initiative office (Winner)" in body.replace("\\,", ",")
    assert released.headers["ETag"] != etag
    assert released.headers["Cache-Control"] == "public, no-cache"


def test_released_by_hand_and_withdrawn(client, contest):
    event, programme, entries = contest
    _set_results(entries, winner="Gamma initiative")
    awards_manage.release_results(programme)
    db.session.commit()
    assert "Gamma initiative" in _feed(client, event)[1]
    awards_manage.withdraw_results(programme)
    db.session.commit()
    assert "Gamma initiative" not in _feed(client, event)[1]


def test_items_are_in_the_events_zone_in_summer_and_winter(client, make_event, make_session, make_programme):
    tz = "America/New_York"
    event = make_event(timezone=tz, starts_at=local(tz, 2030, 3, 9, 9, 0), ends_at=local(tz, 2030, 3, 10, 20, 0))
    programme = make_programme(event)
    for day in (9, 10):  # clocks go forward in New York on Sunday 10 March 2030
        session = make_session(event, title=f"Ceremony {day}", starts_at=local(tz, 2030, 3, day, 18, 0))
        ceremony.create_ceremony_item(programme, session=session, title=f"Welcome {day}", kind="welcome",
                                      starts_at=session.starts_at, ends_at=session.starts_at + timedelta(minutes=5))
    db.session.commit()
    response, body = _feed(client, event)
    assert "DTSTART;TZID=America/New_York:20300309T180000" in body
    assert "DTSTART;TZID=America/New_York:20300310T180000" in body
    cal, vcal = parse(response.get_data())
    assert utc_times(cal)["Welcome 9"][0] == datetime(2030, 3, 9, 23, 0, tzinfo=UTC)
    assert vobject_utc_times(vcal)["Welcome 10"][0] == datetime(2030, 3, 10, 22, 0, tzinfo=UTC)


def test_the_feed_reads_a_long_running_order_with_a_constant_number_of_queries(
        client, make_event, make_session, make_programme, make_category, make_entry, count_queries):
    counts = []
    for n in (2, 30):
        event = make_event()
        session = make_session(event, title="Ceremony", ends_at=event.starts_at + timedelta(hours=8))
        programme = make_programme(event, is_released=True)
        for c in range(n):
            category = make_category(programme)
            make_entry(category, status="winner")
            ceremony.create_ceremony_item(programme, session=session, title=f"Category {c}", kind="category",
                                          category=category, starts_at=session.starts_at + timedelta(minutes=c),
                                          ends_at=session.starts_at + timedelta(minutes=c + 1))
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/events/{event.slug}/awards/ceremony.ics")
        assert response.status_code == 200 and response.get_data(as_text=True).count("(Winner)") == n
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts
