"""Calendar feeds and downloads over HTTP, and the calendar links on agenda and session pages."""
import re
from datetime import datetime, timedelta, timezone
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import EventSession, EventStatus, SessionSpeaker
from eventapp.services.agenda.sessions import cancel_session, update_session

from .conftest import local
from .ical_helpers import events, parse, utc_times, vobject_utc_times
from .test_agenda import EXPECTED, text

UTC = timezone.utc
FEED = "/events/idm-2024-geneva/calendar.ics"


def hrefs(html, pattern):
    """Every href (unescaped) matching a regular expression."""
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html) if re.search(pattern, unescape(h))]


def query(url):
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(urlsplit(url).query).items()}


def test_demo_feed_has_the_eight_sessions_at_the_right_utc_instants(client, demo):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal, vcal = parse(response.data)
    assert len(events(cal)) == len(vcal.vevent_list) == 8
    times = utc_times(cal)
    assert vobject_utc_times(vcal) == times
    # Geneva is UTC+1 on 25 November 2024: 09:00 local is 08:00Z.
    for start, end, title in EXPECTED:
        hour, minute = map(int, start.split(":"))
        assert times[title][0] == datetime(2024, 11, 25, hour - 1, minute, tzinfo=UTC), title
    assert times["Opening"][0] == datetime(2024, 11, 25, 8, 0, tzinfo=UTC)
    assert times["The IOM Impact Awards Ceremony and Evening Reception"][1] == datetime(2024, 11, 25, 17, 30, tzinfo=UTC)
    assert {e["STATUS"] for e in events(cal)} == {"TENTATIVE"}  # "Draft agenda September 25/09/2024"
    assert str(cal["X-WR-CALNAME"]) == "International Dialogue on Migration 2024: second session"
    assert str(cal["SOURCE"]) == "https://events.example.org/events/idm-2024-geneva/calendar.ics"


def test_feed_headers_and_conditional_get(client, demo):
    first = client.get(FEED)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)  # strong: no W/
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Content-Disposition"] == 'inline; filename="idm-2024-geneva.ics"'
    again = client.get(FEED)
    assert again.data == first.data and again.headers["ETag"] == etag

    not_modified = client.get(FEED, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(FEED, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    assert client.get(FEED, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert client.head(FEED, headers={"If-None-Match": etag}).status_code == 304


def test_a_change_to_the_agenda_gives_a_new_etag_and_sequence(client, demo):
    first = client.get(FEED)
    opening = next(s for s in demo.sessions if s.title == "Opening")
    update_session(opening, starts_at=opening.starts_at + timedelta(minutes=30))
    db.session.commit()
    response = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200 and response.headers["ETag"] != first.headers["ETag"]
    cal, _ = parse(response.data)
    changed = next(e for e in events(cal) if str(e["UID"]) == opening.uid)
    assert changed["SEQUENCE"] == 1
    assert changed.decoded("DTSTART").astimezone(UTC) == datetime(2024, 11, 25, 8, 30, tzinfo=UTC)


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, demo):
    panel = next(s for s in demo.sessions if s.title.startswith("Panel 3"))
    cancel_session(panel)
    db.session.commit()
    cal, vcal = parse(client.get(FEED).data)
    assert len(events(cal)) == 8
    cancelled = [e for e in vcal.vevent_list if e.status.value == "CANCELLED"]
    assert [e.uid.value for e in cancelled] == [panel.uid]
    assert cancelled[0].sequence.value == "1"


def test_feeds_do_not_set_cookies_and_ignore_the_request_host(client, demo):
    response = client.get(FEED + "?lang=fr", headers={"Host": "attacker.example"})
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
    body = response.get_data(as_text=True)
    assert "attacker.example" not in body
    urls = re.findall(r"https?://[^\s\\]+", body.replace("\r\n ", ""))
    assert urls and all(u.startswith("https://events.example.org/") for u in urls)


def test_no_manage_link_or_secret_in_any_feed(client, app, demo):
    item = demo.sessions[0]
    for url in (FEED, FEED + "?sessions=1,2&alarm=10", f"/events/idm-2024-geneva/sessions/{item.id}.ics"):
        body = client.get(url).get_data(as_text=True).replace("\r\n ", "").lower()
        assert app.config["SECRET_KEY"].lower() not in body
        for word in ("/manage", "token", "/registrations/", "password", "secret"):
            assert word not in body, (url, word)


def test_one_session_download(client, demo):
    item = next(s for s in demo.sessions if s.title == "Closing Remarks")
    response = client.get(f"/events/idm-2024-geneva/sessions/{item.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="idm-2024-geneva-closing-remarks.ics"'
    cal, vcal = parse(response.data)
    assert "NAME" not in cal and "X-WR-CALNAME" not in cal
    assert utc_times(cal) == vobject_utc_times(vcal) == {
        "Closing Remarks": (datetime(2024, 11, 25, 16, 0, tzinfo=UTC), datetime(2024, 11, 25, 16, 30, tzinfo=UTC))
    }
    etag = response.headers["ETag"]
    assert client.get(f"/events/idm-2024-geneva/sessions/{item.id}.ics", headers={"If-None-Match": etag}).status_code == 304


@pytest.fixture
def tagged(make_event, make_session, make_tag):
    event = make_event(title="Forum")
    sdg = make_tag("sdg", "17", "SDG 17: Partnerships for the Goals")
    start = event.starts_at
    make_session(event, title="Panel on partnerships", session_type="panel", tags=[sdg])
    make_session(event, title="Another panel", session_type="panel", starts_at=start + timedelta(hours=1))
    make_session(event, title="Coffee", session_type="break", starts_at=start + timedelta(hours=2))
    make_session(event, title="Keynote", session_type="keynote", starts_at=start + timedelta(hours=3), tags=[sdg])
    return event


def summaries(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    cal, vcal = parse(response.data)
    from_vobject = [e.summary.value for e in vcal.contents.get("vevent", [])]
    assert sorted(from_vobject) == sorted(str(e["SUMMARY"]) for e in events(cal))
    return sorted(str(e["SUMMARY"]) for e in events(cal)), cal


def test_feed_filters_work_like_the_agenda_page(client, tagged):
    base = f"/events/{tagged.slug}/calendar.ics"
    assert summaries(client, base)[0] == ["Another panel", "Coffee", "Keynote", "Panel on partnerships"]
    assert summaries(client, base + "?type=break")[0] == ["Coffee"]
    assert summaries(client, base + "?type=panel&type=break")[0] == ["Another panel", "Coffee", "Panel on partnerships"]
    found, cal = summaries(client, base + "?tag=sdg-17")
    assert found == ["Keynote", "Panel on partnerships"]
    assert str(cal["NAME"]) == "Forum (SDG 17: Partnerships for the Goals)"
    assert summaries(client, base + "?type=panel&tag=sdg-17")[0] == ["Panel on partnerships"]
    # nothing matches: the calendar holds the event itself as one all-day entry (see test_calendar_clients)
    assert summaries(client, base + "?type=workshop")[0] == ["Forum"]
    agenda = text(client.get(f"/events/{tagged.slug}/agenda?type=panel&tag=sdg-17"))
    assert "Panel on partnerships" in agenda and "Another panel" not in agenda


def test_a_chosen_set_of_sessions(client, tagged, make_event, make_session):
    ids = {s.title: s.id for s in tagged.sessions}
    elsewhere = make_session(make_event(), title="Other event")
    chosen = f"{ids['Coffee']},{ids['Keynote']},{elsewhere.id}"
    found, cal = summaries(client, f"/events/{tagged.slug}/calendar.ics?sessions={chosen}")
    assert found == ["Coffee", "Keynote"]  # a session of another event is never shown
    assert str(cal["X-WR-CALNAME"]) == "Forum: my agenda"
    assert summaries(client, f"/events/{tagged.slug}/calendar.ics?sessions={chosen}&type=keynote")[0] == ["Keynote"]
    assert summaries(client, f"/events/{tagged.slug}/calendar.ics?sessions=%20{ids['Coffee']}%2C")[0] == ["Coffee"]


def test_a_reminder_only_with_the_alarm_parameter(client, demo):
    assert b"VALARM" not in client.get(FEED).data
    cal, _ = parse(client.get(FEED + "?alarm=15").data)
    alarms = cal.walk("VALARM")
    assert len(alarms) == 8 and {a.decoded("TRIGGER") for a in alarms} == {timedelta(minutes=-15)}


@pytest.mark.parametrize(
    "args, message",
    [
        ("sessions=abc", "session numbers separated by commas"),
        ("sessions=", "session numbers separated by commas"),
        ("sessions=1,,x", "session numbers separated by commas"),
        ("sessions=%C2%B2", "session numbers separated by commas"),
        ("sessions=99999999999999999999", "session numbers separated by commas"),
        ("sessions=" + ",".join(str(n) for n in range(1, 502)), "at most 500 sessions"),
        ("alarm=-5", "between 0 and 10080"),
        ("alarm=soon", "between 0 and 10080"),
        ("alarm=99999", "between 0 and 10080"),
    ],
)
def test_malformed_parameters_are_a_clean_400(client, demo, args, message):
    response = client.get(f"{FEED}?{args}")
    assert response.status_code == 400
    assert "Bad request" in text(response) and message in text(response)
    item = demo.sessions[0]
    if args.startswith("alarm"):
        assert client.get(f"/events/idm-2024-geneva/sessions/{item.id}.ics?{args}").status_code == 400


def test_unknown_and_draft_events_and_sessions_are_404(client, make_event, make_session):
    draft = make_event(status=EventStatus.DRAFT)
    hidden = make_session(draft)
    public = make_event()
    mine = make_session(public)
    urls = [
        "/events/nope/calendar.ics",
        f"/events/{draft.slug}/calendar.ics",
        f"/events/{draft.slug}/sessions/{hidden.id}.ics",
        f"/events/{public.slug}/sessions/{hidden.id}.ics",
        f"/events/{public.slug}/sessions/999999.ics",
        f"/events/{draft.slug}/sessions/{hidden.id}/add-to/google",
        f"/events/{public.slug}/sessions/{mine.id}/add-to/yahoo",
        f"/events/{public.slug}/calendar.ics/extra",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in text(response)
    assert client.get(f"/events/{public.slug}/sessions/{mine.id}.ics").status_code == 200


def test_the_agenda_page_offers_download_and_subscription_with_its_filters(client, tagged):
    html = client.get(f"/events/{tagged.slug}/agenda?type=panel&tag=sdg-17").get_data(as_text=True)
    page = text(client.get(f"/events/{tagged.slug}/agenda?type=panel&tag=sdg-17"))
    assert "Add the agenda to your calendar" in page and "Only the sessions that match the filters above." in page
    feed = f"https://events.example.org/events/{tagged.slug}/calendar.ics?type=panel&tag=sdg-17"
    assert hrefs(html, r"^webcal://") == [feed.replace("https://", "webcal://")]
    [google] = hrefs(html, r"calendar\.google\.com/calendar/render\?cid=")
    assert query(google) == {"cid": feed}
    [download] = hrefs(html, rf"^/events/{tagged.slug}/calendar\.ics")
    assert download == f"/events/{tagged.slug}/calendar.ics?type=panel&tag=sdg-17"
    assert summaries(client, download)[0] == ["Panel on partnerships"]
    assert f'value="{feed.replace("&", "&amp;")}"' in html  # copyable address, with a label
    assert 'for="feed-url"' in html


def test_the_agenda_page_without_filters_links_the_whole_feed(client, demo):
    html = client.get("/events/idm-2024-geneva/agenda").get_data(as_text=True)
    assert "webcal://events.example.org/events/idm-2024-geneva/calendar.ics" in hrefs(html, "^webcal://")
    assert "Every session of the agenda." in text(client.get("/events/idm-2024-geneva/agenda"))


def test_the_session_page_offers_every_calendar_link_with_correct_times(client, demo):
    item = next(s for s in demo.sessions if s.title == "Opening")
    html = client.get(f"/events/idm-2024-geneva/sessions/{item.id}").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert f"/events/idm-2024-geneva/sessions/{item.id}.ics" in hrefs(html, r"\.ics$")
    [google] = hrefs(html, r"action=TEMPLATE")
    assert google.startswith("https://calendar.google.com/calendar/render?")
    assert query(google)["dates"] == "20241125T090000/20241125T100000"
    assert query(google)["ctz"] == "Europe/Zurich" and query(google)["text"] == "Opening"
    assert query(google)["details"] == f"https://events.example.org/events/idm-2024-geneva/sessions/{item.id}"
    outlook = hrefs(html, r"^https://outlook\.(live|office)\.com/calendar/0/action/compose\?")
    assert [urlsplit(u).netloc for u in outlook] == ["outlook.live.com", "outlook.office.com"]
    for url in outlook:
        q = query(url)
        assert q["startdt"] == "2024-11-25T09:00:00+01:00" and q["enddt"] == "2024-11-25T10:00:00+01:00"
        assert q["subject"] == "Opening" and q["rru"] == "addevent"
        assert q["location"] == "Centre International de Conférences Genève (CICG), Geneva, Switzerland"
    assert hrefs(html, r"^webcal://") == ["webcal://events.example.org/events/idm-2024-geneva/calendar.ics"]
    assert len(hrefs(html, r"render\?cid=")) == 1


def test_summer_links_carry_utc_plus_two(client, make_event, make_session):
    event = make_event(starts_at=local("Europe/Zurich", 2030, 7, 1, 9, 0))
    item = make_session(event, title="Summer", starts_at=datetime(2030, 7, 1, 7, 0, tzinfo=UTC))
    html = client.get(f"/events/{event.slug}/sessions/{item.id}").get_data(as_text=True)
    [google] = hrefs(html, r"action=TEMPLATE")
    assert query(google)["dates"] == "20300701T090000/20300701T100000"
    for url in hrefs(html, r"^https://outlook\."):
        assert query(url)["startdt"] == "2030-07-01T09:00:00+02:00"


def test_agenda_cards_link_each_session_to_google_and_outlook(client, demo):
    item = next(s for s in demo.sessions if s.title.startswith("The IOM Impact Awards"))
    html = client.get("/events/idm-2024-geneva/agenda").get_data(as_text=True)
    base = f"/events/idm-2024-geneva/sessions/{item.id}"
    for service, host in (("google", "calendar.google.com"), ("outlook", "outlook.live.com"), ("office365", "outlook.office.com")):
        assert hrefs(html, rf"^{base}/add-to/{service}$")
        response = client.get(f"{base}/add-to/{service}")
        assert response.status_code == 302
        location = response.headers["Location"]
        assert urlsplit(location).netloc == host
        if service == "google":
            assert query(location)["dates"] == "20241125T173000/20241125T183000"
            assert query(location)["ctz"] == "Europe/Zurich"
        else:
            assert query(location)["startdt"] == "2024-11-25T17:30:00+01:00"
            assert query(location)["enddt"] == "2024-11-25T18:30:00+01:00"
    assert hrefs(html, rf"^{base}\.ics$")
    assert html.count('class="add-to-calendar"') == 8


def test_cancelled_sessions_offer_no_add_links_but_their_download_still_works(client, demo):
    item = next(s for s in demo.sessions if s.title == "Closing Remarks")
    cancel_session(item)
    db.session.commit()
    html = client.get(f"/events/idm-2024-geneva/sessions/{item.id}").get_data(as_text=True)
    assert not hrefs(html, r"action=TEMPLATE") and not hrefs(html, r"^https://outlook\.")
    assert f"/events/idm-2024-geneva/sessions/{item.id}.ics" in hrefs(html, r"\.ics$")
    [vevent] = events(parse(client.get(f"/events/idm-2024-geneva/sessions/{item.id}.ics").data)[0])
    assert vevent["STATUS"] == "CANCELLED"
    assert client.get("/events/idm-2024-geneva/agenda").get_data(as_text=True).count('class="add-to-calendar"') == 7


def test_my_agenda_is_an_enhancement_hidden_without_javascript(client, demo):
    html = client.get("/events/idm-2024-geneva/agenda").get_data(as_text=True)
    panel = re.search(r"<div class=\"my-agenda\"[^>]*>", html, re.S).group(0)
    assert " hidden" in panel
    assert 'data-feed="https://events.example.org/events/idm-2024-geneva/calendar.ics"' in panel
    assert 'data-download="/events/idm-2024-geneva/calendar.ics"' in panel
    toggles = re.findall(r'<button type="button" class="my-agenda-toggle"[^>]*>', html)
    assert len(toggles) == 8
    assert all('aria-pressed="false"' in t and " hidden" in t for t in toggles)
    assert '<script src="/static/js/my-agenda.js" defer></script>' in html
    script = client.get("/static/js/my-agenda.js")
    assert script.status_code == 200
    body = script.get_data(as_text=True)
    assert "localStorage" in body and "aria-pressed" in body and "sessions=" in body
    script.close()


def test_the_feed_reads_a_500_session_event_with_a_constant_number_of_queries(
    client, make_event, make_room, make_person, make_tag, count_queries
):
    def build(n, rooms_count=10):
        event = make_event()
        rooms = [make_room(event, f"Room {i}", i) for i in range(rooms_count)]
        people = [make_person() for _ in range(5)]
        tag = make_tag("topic", f"t{event.id}", f"Topic {event.id}")
        for i in range(n):
            day, slot = divmod(i, 100)[0], (i % 100) // rooms_count
            start = event.starts_at + timedelta(days=day, minutes=30 * slot)
            item = EventSession(event=event, title=f"S{i}", starts_at=start, ends_at=start + timedelta(minutes=30), room=rooms[i % rooms_count], tags=[tag])
            item.speakers.append(SessionSpeaker(person=people[i % 5], role="panelist"))
            db.session.add(item)
        db.session.commit()
        return event

    counts = []
    for n in (10, 500):
        slug = build(n).slug
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/events/{slug}/calendar.ics")
        assert response.status_code == 200
        assert len(events(parse(response.data)[0])) == n
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts  # 6: the cache's version check, then the feed's own queries


def test_personal_feeds_can_be_sent_private_with_the_same_validators(app, demo):
    """The response helper a registrant's feed uses: private caching, still 304 when current."""
    from eventapp.calendars.responses import calendar_response
    from eventapp.services.calendars import ical

    with app.test_request_context("/registrations/abc/calendar.ics"):
        body = ical.calendar_bytes(demo, demo.sessions[:2], statuses={demo.sessions[0].id: "Confirmed"})
        stamp = ical.last_modified(demo, demo.sessions[:2])
        response = calendar_response(body, last_modified=stamp, private=True)
    assert response.status_code == 200
    assert set(response.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "public" not in response.headers["Cache-Control"]
    headers = {"If-None-Match": response.headers["ETag"]}
    with app.test_request_context("/registrations/abc/calendar.ics", headers=headers):
        assert calendar_response(body, last_modified=stamp, private=True).status_code == 304
    cal, _ = parse(body)
    assert str(events(cal)[0]["SUMMARY"]) == "Opening (Confirmed)"


# The registrant's own feed and the e-mail attachment: the same builder as the public feeds.

def _registrant(client, open_event, make_session, smtp=None, **changes):
    from eventapp.models import Registration

    from .conftest import register_data

    client.post(f"/events/{open_event.slug}/register", data=register_data(**changes))
    return db.session.scalar(sa.select(Registration))


def test_registrant_feed_lists_booked_sessions_with_status_and_no_manage_link(client, open_event, make_session):
    from eventapp.services.calendars.registrant import calendar_token

    make_session(open_event, title="Plenary")
    dinner = make_session(open_event, title="Dinner", requires_registration=True, capacity=1,
                          starts_at=open_event.starts_at + timedelta(hours=8))
    make_session(open_event, title="Study visit", requires_registration=True, capacity=5)
    registration = _registrant(client, open_event, make_session, sessions=[str(dinner.id)])
    token = calendar_token(registration)
    response = client.get(f"/registrations/{token}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    cal, vcal = parse(response.data)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Dinner (Place confirmed)", "Plenary (Confirmed)"]
    assert len(vcal.vevent_list) == 2
    text = re.sub(r"\r\n[ \t]", "", response.data.decode())  # unfolded
    assert "/registrations/" not in text.replace(f"/registrations/{token}/calendar.ics", "")
    assert "METHOD" not in cal
    # Conditional GET works for the private feed too.
    again = client.get(f"/registrations/{token}/calendar.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_registrant_feed_token_is_not_the_manage_link_and_is_checked(client, open_event, make_session, smtp):
    from eventapp.services import mail
    from eventapp.services.calendars.registrant import calendar_token

    make_session(open_event, title="Plenary")
    registration = _registrant(client, open_event, make_session)
    mail.send_due()
    plain = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    manage_path = re.search(r"/registrations/[A-Za-z0-9_-]{43}", plain).group(0)
    assert client.get(f"{manage_path}/calendar.ics").status_code == 404
    token = calendar_token(registration)
    assert client.get(f"/registrations/{token}").status_code == 404
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(f"/registrations/{forged}/calendar.ics").status_code == 404
    other_id = token.replace(f"cal-{registration.id}-", f"cal-{registration.id + 1}-")
    assert client.get(f"/registrations/{other_id}/calendar.ics").status_code == 404


def test_manage_page_offers_the_registrant_feed(client, open_event, make_session, smtp):
    from eventapp.services import mail
    from eventapp.services.calendars.registrant import calendar_token

    make_session(open_event, title="Plenary")
    registration = _registrant(client, open_event, make_session)
    mail.send_due()
    plain = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    manage_path = re.search(r"/registrations/[A-Za-z0-9_-]{43}", plain).group(0)
    html = client.get(manage_path).get_data(as_text=True)
    token = calendar_token(registration)
    assert f"webcal://events.example.org/registrations/{token}/calendar.ics" in html
    assert "Your agenda in your calendar" in html


def test_cancelled_registration_empties_its_feed(client, open_event, make_session):
    from eventapp.services.registration import register as registrations
    from eventapp.services.calendars.registrant import calendar_token

    make_session(open_event, title="Plenary")
    registration = _registrant(client, open_event, make_session)
    registrations.cancel(registration)
    db.session.commit()
    response = client.get(f"/registrations/{calendar_token(registration)}/calendar.ics")
    cal, _ = parse(response.data)
    # no session entry is left: only the event itself, marked cancelled (an empty calendar breaks khal)
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in cal.walk("VEVENT")] == [(open_event.title, "CANCELLED")]


def test_email_attachment_carries_the_same_session_data_as_the_registrant_feed(client, open_event, make_session, smtp):
    from eventapp.services import mail
    from eventapp.services.calendars.registrant import calendar_token

    make_session(open_event, title="Plenary – Zoë Ngũgĩ-Đặng, محمد 🎉", description="Détails")
    registration = _registrant(client, open_event, make_session)
    mail.send_due()
    [attachment] = list(smtp.messages[0].iter_attachments())
    attached, _ = parse(attachment.get_content() if isinstance(attachment.get_content(), bytes) else attachment.get_content().encode())
    feed, _ = parse(client.get(f"/registrations/{calendar_token(registration)}/calendar.ics").data)
    [a], [f] = attached.walk("VEVENT"), feed.walk("VEVENT")
    assert a.to_ical() == f.to_ical()
    assert "METHOD" not in attached and "ORGANIZER" not in a and "ATTENDEE" not in a
