"""The calendar builder: stable bytes, UIDs and SEQUENCE, statuses, zones, encoding, reminders."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale

from eventapp.extensions import db
from eventapp.models import EventSession, SpeakerRole
from eventapp.services.calendars import ical
from eventapp.services.agenda.sessions import cancel_session, update_session

from .conftest import local
from .ical_helpers import events, parse, utc_times, vobject_utc_times

UTC = timezone.utc


@pytest.fixture
def build(app):
    """calendar_bytes as an e-mail job would call it: in the app, with a language forced."""

    def build(event, sessions=None, **options):
        with force_locale("en"):
            return ical.calendar_bytes(event, sessions if sessions is not None else fresh(event), **options)

    return build


def fresh(event):
    """The event's sessions as a new request would read them."""
    from eventapp.services.agenda.pages import event_sessions

    db.session.expire_all()
    return event_sessions(event)


def test_the_same_agenda_always_gives_the_same_bytes(build, make_event, make_session):
    event = make_event()
    make_session(event, title="Opening")
    make_session(event, title="Panel", starts_at=event.starts_at + timedelta(hours=1))
    first = build(event)
    assert build(event) == first
    ical._serialise.cache_clear()
    assert build(event) == first  # built anew, not only served from memory


def test_a_changed_session_keeps_its_uid_and_gets_a_higher_sequence(build, make_event, make_session):
    event = make_event()
    item = make_session(event, title="Remittances")
    before, _ = parse(build(event))
    [old] = events(before)
    assert str(old["UID"]) == item.uid and old["SEQUENCE"] == 0

    update_session(item, starts_at=item.starts_at + timedelta(hours=2), ends_at=item.ends_at + timedelta(hours=2))
    db.session.commit()
    after, vcal = parse(build(event))
    [new] = events(after)
    assert str(new["UID"]) == item.uid == vcal.vevent.uid.value
    assert new["SEQUENCE"] == 1 and vcal.vevent.sequence.value == "1"
    assert new.decoded("DTSTART") - old.decoded("DTSTART") == timedelta(hours=2)
    assert new.decoded("DTSTAMP") == new.decoded("LAST-MODIFIED") == item.updated_at.replace(microsecond=0)
    assert new.decoded("DTSTAMP") >= old.decoded("DTSTAMP")  # HTTP and iCalendar count whole seconds


def test_a_description_change_raises_the_sequence(build, make_event, make_session):
    """What the entry says changed: clients must replace their copy (issue 14, point 4)."""
    event = make_event()
    item = make_session(event, description="First words.")
    update_session(item, description="Better words.")
    db.session.commit()
    cal, _ = parse(build(event))
    [vevent] = events(cal)
    assert vevent["SEQUENCE"] == 1 and "Better words." in str(vevent["DESCRIPTION"])


def test_a_cancelled_session_stays_in_the_calendar_as_cancelled(build, make_event, make_session):
    event = make_event(agenda_is_final=True)
    kept = make_session(event, title="Kept")
    gone = make_session(event, title="Dropped", starts_at=event.starts_at + timedelta(hours=1))
    cancel_session(gone)
    db.session.commit()
    cal, vcal = parse(build(event, alarm_minutes=15))
    by_uid = {str(e["UID"]): e for e in events(cal)}
    assert set(by_uid) == {kept.uid, gone.uid}
    assert by_uid[gone.uid]["STATUS"] == "CANCELLED" and by_uid[gone.uid]["SEQUENCE"] == 1
    assert str(by_uid[gone.uid]["SUMMARY"]) == "Cancelled: Dropped"
    assert str(by_uid[gone.uid]["DESCRIPTION"]).startswith("This session has been cancelled.")
    assert by_uid[kept.uid]["STATUS"] == "CONFIRMED"
    assert not by_uid[gone.uid].walk("VALARM") and by_uid[kept.uid].walk("VALARM")
    assert sorted(e.status.value for e in vcal.vevent_list) == ["CANCELLED", "CONFIRMED"]


def test_a_draft_agenda_is_tentative_and_a_final_one_confirmed(build, make_event, make_session):
    event = make_event(agenda_is_final=False)
    make_session(event)
    [vevent] = events(parse(build(event))[0])
    assert vevent["STATUS"] == "TENTATIVE"
    event.agenda_is_final = True
    db.session.commit()
    [vevent] = events(parse(build(event))[0])
    assert vevent["STATUS"] == "CONFIRMED"


def test_calendar_properties_for_subscribers(build, make_event, make_session):
    event = make_event(title="IDM 2030", summary="Regular pathways.", timezone="Europe/Zurich")
    item = make_session(event)
    data = build(event, feed_url="https://events.example.org/feed.ics")
    cal, vcal = parse(data)
    assert cal["VERSION"] == "2.0" and str(cal["PRODID"]) == ical.PRODID and cal["CALSCALE"] == "GREGORIAN"
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "IDM 2030"
    assert str(cal["DESCRIPTION"]) == "Regular pathways."
    assert str(cal["URL"]) == f"https://events.example.org/events/{event.slug}/agenda"
    assert b"\r\nSOURCE;VALUE=URI:https://events.example.org/feed.ics\r\n" in data
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    assert cal.decoded("LAST-MODIFIED") == max(event.updated_at, item.updated_at).replace(microsecond=0)
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == str(cal["X-WR-TIMEZONE"]) == "Europe/Zurich"
    assert b"DTSTART;TZID=Europe/Zurich:" in data
    assert vcal.vtimezone.tzid.value == "Europe/Zurich"


def test_no_itip_method_organizer_or_attendee(build, make_event, make_session, make_person):
    event = make_event()
    make_session(event, speakers=[(make_person(name="Amina Diallo"), SpeakerRole.MODERATOR)])
    for data in (build(event), build(event, single=True)):
        names = {line.split(b":")[0].split(b";")[0] for line in data.split(b"\r\n") if line and line[:1] != b" "}
        assert not names & {b"METHOD", b"ORGANIZER", b"ATTENDEE"}


def test_a_single_session_download_has_no_calendar_name_or_refresh_hints(build, make_event, make_session):
    event = make_event()
    item = make_session(event, title="Only this")
    cal, _ = parse(build(event, [item], single=True))
    for name in ("NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert name not in cal
    assert [str(e["SUMMARY"]) for e in events(cal)] == ["Only this"]
    assert "VERSION" in cal and "X-WR-TIMEZONE" in cal and cal.walk("VTIMEZONE")


def test_text_survives_accents_arabic_and_emoji_with_folding(build, make_event, make_session, make_person):
    event = make_event(venue_name="Centre International de Conférences Genève (CICG)")
    zoe = make_person(name="Zoë Ngũgĩ-Đặng", affiliation="Diaspora forum")
    mohamed = make_person(name="محمد", affiliation="")
    title = "Migration 🌍 et développement: « voies régulières » – حوار " * 2
    text = "Déjà vu 🎉 " * 20 + "\n\nSecond paragraph; with, punctuation."
    make_session(
        event, title=title.strip(), description=text,
        speakers=[(zoe, SpeakerRole.PANELIST), (mohamed, SpeakerRole.MODERATOR)],
    )
    data = build(event)
    cal, vcal = parse(data)
    [vevent] = events(cal)
    assert str(vevent["SUMMARY"]) == vcal.vevent.summary.value == title.strip()
    description = str(vevent["DESCRIPTION"])
    assert description == vcal.vevent.description.value
    assert text in description
    assert "- Zoë Ngũgĩ-Đặng, Diaspora forum (Panellist)\n- محمد (Moderator)" in description
    assert str(vevent["LOCATION"]) == "Centre International de Conférences Genève (CICG)"
    assert max(len(line) for line in data.split(b"\r\n")) == 75  # long lines were folded


def test_each_session_says_where_what_and_links_its_page(build, make_event, make_session, make_room, make_person):
    event = make_event(venue_name="CICG", venue_address="Rue de Varembé 17, Genève")
    room = make_room(event, "Room 2")
    item = make_session(
        event, title="Diaspora finance", session_type="workshop", room=room,
        description="How remittances work.", speakers=[(make_person(name="Amina Diallo", affiliation="IOM"), "moderator")],
    )
    cal, _ = parse(build(event))
    [vevent] = events(cal)
    page = f"https://events.example.org/events/{event.slug}/sessions/{item.id}"
    assert str(vevent["LOCATION"]) == "Room 2, CICG, Rue de Varembé 17, Genève"
    assert str(vevent["URL"]) == page
    assert vevent["CATEGORIES"].cats == ["Workshop"]
    assert str(vevent["DESCRIPTION"]) == f"How remittances work.\n\nSpeakers:\n- Amina Diallo, IOM (Moderator)\n\n{page}"


def test_a_reminder_only_when_asked(build, make_event, make_session):
    event = make_event()
    make_session(event, title="Keynote")
    assert b"BEGIN:VALARM" not in build(event)
    cal, vcal = parse(build(event, alarm_minutes=15))
    [alarm] = cal.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(minutes=-15)
    assert str(alarm["DESCRIPTION"]) == "Keynote"
    assert vcal.vevent.valarm.trigger.value == timedelta(minutes=-15)
    with pytest.raises(ValueError):
        build(event, alarm_minutes=-1)


def test_registration_statuses_are_shown_in_summary_and_description(build, make_event, make_session):
    event = make_event()
    booked = make_session(event, title="Ceremony")
    other = make_session(event, title="Panel", starts_at=event.starts_at + timedelta(hours=1))
    cal, _ = parse(build(event, statuses={booked.id: "Waiting list"}))
    by_uid = {str(e["UID"]): e for e in events(cal)}
    assert str(by_uid[booked.uid]["SUMMARY"]) == "Ceremony (Waiting list)"
    assert "Your registration: Waiting list" in str(by_uid[booked.uid]["DESCRIPTION"])
    assert str(by_uid[other.uid]["SUMMARY"]) == "Panel"


def test_a_summer_session_is_at_utc_plus_two(build, make_event, make_session):
    event = make_event(starts_at=local("Europe/Zurich", 2030, 7, 1, 9, 0))
    make_session(event, title="Summer", starts_at=local("Europe/Zurich", 2030, 7, 1, 9, 0))
    data = build(event)
    cal, vcal = parse(data)
    expected = (datetime(2030, 7, 1, 7, 0, tzinfo=UTC), datetime(2030, 7, 1, 8, 0, tzinfo=UTC))
    assert utc_times(cal)["Summer"] == vobject_utc_times(vcal)["Summer"] == expected
    assert b"DTSTART;TZID=Europe/Zurich:20300701T090000" in data


def test_an_event_across_a_dst_change_keeps_local_times(build, make_event, make_session):
    # Switzerland leaves summer time on Sunday 27 October 2030 at 03:00.
    tz = "Europe/Zurich"
    event = make_event(starts_at=local(tz, 2030, 10, 26, 9, 0), ends_at=local(tz, 2030, 10, 28, 18, 0))
    for day in (26, 27, 28):
        make_session(event, title=f"Morning {day}", starts_at=local(tz, 2030, 10, day, 9, 0))
    data = build(event)
    cal, vcal = parse(data)
    starts = {title: start for title, (start, _) in vobject_utc_times(vcal).items()}
    assert starts == {title: start for title, (start, _) in utc_times(cal).items()}
    assert [starts[f"Morning {d}"].hour for d in (26, 27, 28)] == [7, 8, 8]
    assert data.count(b"DTSTART;TZID=Europe/Zurich:203010") == 3 and b"T090000\r\n" in data
    [zone] = cal.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_the_time_zone_catches_short_offset_changes(build, make_event, make_session):
    # Morocco moved from UTC+1 to UTC+0 for Ramadan 2022 (27 March to 8 May).
    tz = "Africa/Casablanca"
    event = make_event(timezone=tz, starts_at=local(tz, 2022, 4, 15, 10, 0))
    make_session(event, title="During Ramadan", starts_at=local(tz, 2022, 4, 15, 10, 0))
    make_session(event, title="In June", starts_at=local(tz, 2022, 6, 13, 10, 0))
    cal, vcal = parse(build(event))
    expected = {"During Ramadan": 10, "In June": 9}
    assert {t: s.hour for t, (s, _) in vobject_utc_times(vcal).items()} == expected
    assert {t: s.hour for t, (s, _) in utc_times(cal).items()} == expected


def test_file_names_are_plain_ascii(app, make_event, make_session):
    event = make_event(slug="idm-2030")
    item = make_session(event, title="Zoë's « voies » – محمد 🌍 panel on regular pathways and green transitions")
    assert ical.calendar_filename(event) == "idm-2030.ics"
    assert ical.calendar_filename(event, item) == "idm-2030-zoe-s-voies-panel-on-regular-pathways-and-green.ics"
    emoji_only = make_session(event, title="🌍🌍")
    assert ical.calendar_filename(event, emoji_only) == f"idm-2030-session-{emoji_only.id}.ics"


def test_sessions_without_a_room_or_venue_have_no_location(build, make_event):
    event = make_event(venue_name="", venue_address="", city="")
    start = event.starts_at
    item = EventSession(event=event, title="Online", starts_at=start, ends_at=start + timedelta(hours=1))
    db.session.add(item)
    db.session.commit()
    [vevent] = events(parse(build(event))[0])
    assert "LOCATION" not in vevent


def test_external_urls_come_from_the_public_base_url_with_or_without_a_request(app):
    from eventapp.urls import external_url, webcal_url

    app.config["PUBLIC_BASE_URL"] = "https://example.org/conferences/"
    expected = "https://example.org/conferences/events/idm/calendar.ics?type=panel&type=break"
    assert external_url("calendars.event_feed", slug="idm", type=["panel", "break"], tag=[], lang=None) == expected
    with app.test_request_context("/", base_url="http://10.0.0.7:8000"):
        assert external_url("calendars.event_feed", slug="idm", type=["panel", "break"]) == expected
    assert webcal_url(expected) == expected.replace("https://", "webcal://")
    with pytest.raises(ValueError):
        webcal_url("ftp://example.org/feed.ics")


def test_the_email_attachment_is_the_same_session_data_without_method(build, app, make_event, make_session):
    event = make_event(slug="idm-2030")
    item = make_session(event, title="Impact Awards Ceremony")
    later = make_session(event, title="Reception", starts_at=event.starts_at + timedelta(hours=2))
    with force_locale("en"):
        one = ical.email_attachment(event, [item], statuses={item.id: "Confirmed"})
        both = ical.email_attachment(event, [item, later])
    assert one.filename == "idm-2030-impact-awards-ceremony.ics" and both.filename == "idm-2030.ics"
    assert one.content_type == "text/calendar; charset=utf-8"
    assert one.data == build(event, [item], single=True, statuses={item.id: "Confirmed"})
    cal, _ = parse(one.data)
    assert "METHOD" not in cal and "NAME" not in cal and "X-WR-CALNAME" not in cal
    [vevent] = events(cal)
    feed_event = next(e for e in events(parse(build(event))[0]) if e["UID"] == vevent["UID"])
    for key in ("UID", "DTSTART", "DTEND", "DTSTAMP", "SEQUENCE", "LOCATION", "URL", "STATUS"):
        assert vevent[key].to_ical() == feed_event[key].to_ical(), key
    assert str(vevent["SUMMARY"]) == "Impact Awards Ceremony (Confirmed)"
    assert [str(e["SUMMARY"]) for e in events(parse(both.data)[0])] == ["Impact Awards Ceremony", "Reception"]


def test_a_later_change_elsewhere_moves_the_calendar_stamp(build, make_event, make_session):
    event = make_event()
    make_session(event)
    later = datetime(2040, 1, 1, tzinfo=UTC)
    cal, _ = parse(build(event, modified_at=later))
    assert cal.decoded("LAST-MODIFIED") == later
