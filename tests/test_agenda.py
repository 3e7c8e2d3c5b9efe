"""Public pages: list of events, overview, agenda by day and room, sessions, speakers."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.extensions import db
from eventapp.models import EventStatus, SessionStatus
from eventapp.services.agenda import pages as agenda_service
from eventapp.services.demo import load_demo

from .conftest import local


def text(response):
    """Visible text of a page, whitespace folded."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&amp;", "&")


EXPECTED = [
    ("09:00", "10:00", "Opening"),
    ("10:00", "10:45", "Setting the Scene: Regular migration pathways today – opportunities and challenges"),
    ("10:45", "12:30", "Panel 1: Pathways Solutions – Practical approaches to bolster sustainable development"),
    ("12:30", "14:00", "Lunch Break – Interactive exhibitions"),
    ("14:00", "15:30", "Panel 2: Pathways Solutions – Practical approaches to catalyze the just transition and support the green economy"),
    ("15:30", "17:00", "Panel 3: Combating disinformation to enable the realization of regular pathways solutions"),
    ("17:00", "17:30", "Closing Remarks"),
    ("17:30", "18:30", "The IOM Impact Awards Ceremony and Evening Reception"),
]


def test_demo_agenda_shows_all_eight_items_in_geneva_time(client, demo):
    response = client.get("/events/idm-2024-geneva/agenda")
    assert response.status_code == 200
    page = text(response)
    positions = []
    for start, end, title in EXPECTED:
        match = re.search(re.escape(f"{start} – {end}") + r".{0,40}?" + re.escape(title), page)
        assert match, title
        positions.append(match.start())
    assert positions == sorted(positions)
    assert "Monday, 25 November 2024" in page  # British English
    assert "The grand finale of the 2024 Knowledge Fair & Impact Awards @ IOM." in page
    assert "Draft agenda September 25/09/2024" in page
    html = response.get_data(as_text=True)
    assert '<time datetime="2024-11-25T09:00:00+01:00">09:00</time>' in html
    assert '<time datetime="2024-11-25T18:30:00+01:00">18:30</time>' in html


def test_demo_moved_to_a_future_date_is_listed_as_upcoming(client, app):
    future = (datetime.now(timezone.utc) + timedelta(days=10)).date()
    load_demo(future)
    db.session.commit()
    page = text(client.get("/"))
    upcoming, past = page.split("Past events")
    assert "International Dialogue on Migration 2024" in upcoming
    assert "Second Global Programme Board meeting" in past


def test_event_overview_shows_aim_outcomes_and_venue(client, demo):
    page = text(client.get("/events/idm-2024-geneva/"))
    assert "What is the aim of this session?" in page
    assert "Taking place back-to-back with IOM Council" in page
    assert "What are the expected outcomes of the session?" in page
    assert "Centre International de Conférences Genève (CICG)" in page
    assert "Geneva time" in page and "Europe/Zurich" not in page


def test_rabat_meeting_shows_its_real_dates_and_goals(client, demo):
    page = text(client.get("/events/m4sd-board-rabat-2022/"))
    assert "13 – 14 Jun 2022" in page  # thin spaces folded by text()
    assert "SDG 17: Partnerships for the Goals" in page


@pytest.mark.parametrize("url", ["/no-such-page", "/events/nope/", "/events/nope/agenda", "/events/nope/sessions/1", "/events/nope/speakers/"])
def test_unknown_event_pages_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_draft_events_are_invisible(client, make_event, make_session):
    event = make_event(slug="secret", status=EventStatus.DRAFT, title="Hidden draft")
    item = make_session(event)
    assert "Hidden draft" not in text(client.get("/"))
    for url in ["/events/secret/", "/events/secret/agenda", f"/events/secret/sessions/{item.id}"]:
        assert client.get(url).status_code == 404


def test_a_session_is_only_found_under_its_own_event(client, make_event, make_session):
    one, other = make_event(), make_event()
    item = make_session(other)
    assert client.get(f"/events/{one.slug}/sessions/{item.id}").status_code == 404
    assert client.get(f"/events/{other.slug}/sessions/{item.id}").status_code == 200


def test_session_page_shows_time_place_description_and_speakers(client, make_event, make_session, make_person, make_room):
    event = make_event(venue_address="Rue de Test 1, Genève")
    room = make_room(event, "Room 2")
    person = make_person(name="Amina Diallo", affiliation="Civil society network")
    item = make_session(event, title="Diaspora finance", description="First paragraph.\n\n- point one\n- point two", room=room, speakers=[(person, "moderator")])
    response = client.get(f"/events/{event.slug}/sessions/{item.id}")
    page = text(response)
    assert "Diaspora finance" in page and "Room 2" in page and "Rue de Test 1, Genève" in page
    assert "Amina Diallo , Civil society network (Moderator)" in page
    assert "<li>point one</li>" in response.get_data(as_text=True)
    assert "09:00" in page and "10:00" in page and "UTC+02:00" in page


def test_user_text_is_escaped(client, make_event, make_session):
    event = make_event()
    make_session(event, title="<script>alert(1)</script>", description="<b>bold</b>")
    html = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_summer_event_is_shown_at_utc_plus_two(client, make_event, make_session):
    event = make_event(starts_at=local("Europe/Zurich", 2030, 7, 1, 9, 0))
    make_session(event, title="Summer session", starts_at=datetime(2030, 7, 1, 7, 0, tzinfo=timezone.utc))
    html = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert '<time datetime="2030-07-01T09:00:00+02:00">09:00</time>' in html


def test_agenda_across_a_dst_change_keeps_local_wall_clock_times(client, make_event, make_session):
    # Switzerland leaves summer time on Sunday 27 October 2030 at 03:00.
    tz = "Europe/Zurich"
    event = make_event(starts_at=local(tz, 2030, 10, 26, 9, 0), ends_at=local(tz, 2030, 10, 28, 18, 0))
    for day in (26, 27, 28):
        make_session(event, title=f"Morning of the {day}th", starts_at=local(tz, 2030, 10, day, 9, 0))
    items = sorted(event.sessions, key=lambda s: s.starts_at)
    assert [s.starts_at.hour for s in items] == [7, 8, 8]  # UTC hours: +2, then +1
    response = client.get(f"/events/{event.slug}/agenda?day=all")
    page = text(response)
    for day in ("Saturday, 26 October 2030", "Sunday, 27 October 2030", "Monday, 28 October 2030"):
        assert day in page
    assert page.count("09:00 – 10:00") == 3


def test_parallel_rooms_sit_side_by_side_in_their_columns(client, make_event, make_session, make_room):
    event = make_event()
    hall, annex = make_room(event, "Main hall", 0), make_room(event, "Annex", 1)
    make_session(event, title="Plenary", session_type="opening")
    later = event.starts_at + timedelta(hours=1)
    make_session(event, title="Track B", room=annex, starts_at=later)
    make_session(event, title="Track A", room=hall, starts_at=later)
    html = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert 'class="slot slot-parallel rooms-2"' in html  # classes, not style attributes (CSP)
    assert html.index("Track A") < html.index("Track B")
    assert re.search(r'column-1"\s*aria-labelledby="s\d+-title">.*?Track A', html, re.S)
    assert re.search(r'column-2"\s*aria-labelledby="s\d+-title">.*?Track B', html, re.S)


def test_agenda_filters_by_type_and_tag_without_javascript(client, make_event, make_session, make_tag):
    event = make_event()
    sdg = make_tag("sdg", "17", "SDG 17: Partnerships for the Goals")
    make_session(event, title="Panel on partnerships", session_type="panel", tags=[sdg])
    make_session(event, title="Another panel", session_type="panel")
    make_session(event, title="Coffee", session_type="break")
    page = text(client.get(f"/events/{event.slug}/agenda?type=break"))
    assert "Coffee" in page and "Another panel" not in page
    assert "Showing 1 of 3 sessions." in page
    page = text(client.get(f"/events/{event.slug}/agenda?tag=sdg-17"))
    assert "Panel on partnerships" in page and "Another panel" not in page and "Coffee" not in page
    page = text(client.get(f"/events/{event.slug}/agenda?type=panel&type=break"))
    assert "Coffee" in page and "Another panel" in page
    page = text(client.get(f"/events/{event.slug}/agenda?type=keynote"))
    assert "No session matches these filters." in page


def test_now_and_next_during_the_event(app, make_event, make_session):
    event = make_event()
    first = make_session(event, title="First")
    second = make_session(event, title="Second", starts_at=first.ends_at)
    cancelled = make_session(event, title="Gone", starts_at=first.ends_at, status=SessionStatus.CANCELLED)
    during = first.starts_at + timedelta(minutes=10)
    timetable = agenda_service.build_agenda(event, now=during)
    assert timetable.now == [first] and timetable.next == [second]
    assert cancelled not in timetable.next
    before = agenda_service.build_agenda(event, now=first.starts_at - timedelta(days=1))
    assert before.now == [] and before.next == []
    after = agenda_service.build_agenda(event, now=second.ends_at + timedelta(minutes=1))
    assert after.now == [] and after.next == []


def test_now_and_next_appear_on_the_page_while_the_event_runs(client, make_event, make_session):
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=30)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=3))
    make_session(event, title="Running now", starts_at=start)
    make_session(event, title="Coming next", starts_at=start + timedelta(hours=1))
    page = text(client.get(f"/events/{event.slug}/agenda"))
    assert re.search(r"Now: Running now", page)
    assert re.search(r"Next: Coming next", page)


def test_speaker_list_and_page(client, make_event, make_session, make_person):
    event = make_event()
    person = make_person(name="Zoë Ngũgĩ-Đặng", slug="zoe", affiliation="Diaspora forum", bio="Works on remittances.")
    make_session(event, title="Remittances", speakers=[(person, "panelist")])
    page = text(client.get(f"/events/{event.slug}/speakers/"))
    assert "Zoë Ngũgĩ-Đặng" in page
    page = text(client.get(f"/events/{event.slug}/speakers/zoe"))
    assert "Works on remittances." in page and "Remittances" in page and "(Panellist)" in page
    assert client.get(f"/events/{event.slug}/speakers/nobody").status_code == 404


def test_pages_are_translated_and_dates_follow_the_language(client, demo):
    response = client.get("/events/idm-2024-geneva/agenda?lang=fr")
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "lundi 25 novembre 2024" in html
    assert "Aller au contenu principal" in html and "Appliquer les filtres" in html
    html = client.get("/events/idm-2024-geneva/agenda?lang=es").get_data(as_text=True)
    assert "lunes, 25 de noviembre de 2024" in html and "Ir al contenido principal" in html
    # The choice sticks for the next page, without the parameter.
    assert "Ver el programa" in client.get("/events/idm-2024-geneva/").get_data(as_text=True)


def test_browser_language_is_used_when_none_was_chosen(client, demo):
    html = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and "Événements à venir" in html


@pytest.mark.parametrize("url", ["/", "/events/idm-2024-geneva/", "/events/idm-2024-geneva/agenda", "/events/idm-2024-geneva/speakers/"])
def test_pages_have_one_h1_a_skip_link_and_a_viewport(client, demo, url):
    html = client.get(url).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'href="#main"' in html and 'id="main"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html.split("</head>")[0])  # no CDN in <head>


def test_agenda_page_uses_a_constant_number_of_queries(client, make_event, make_session, make_room, make_person, make_tag, count_queries):
    def build(n, rooms_count):
        event = make_event()
        rooms = [make_room(event, f"Room {i}", i) for i in range(rooms_count)]
        people = [make_person() for _ in range(5)]
        tag = make_tag("topic", f"t{event.id}", f"Topic {event.id}")
        from eventapp.models import EventSession, SessionSpeaker

        for i in range(n):
            day, slot, room = divmod(i, 100)[0], (i % 100) // rooms_count, rooms[i % rooms_count]
            start = event.starts_at + timedelta(days=day, minutes=30 * slot)
            item = EventSession(event=event, title=f"S{i}", starts_at=start, ends_at=start + timedelta(minutes=30), room=room, tags=[tag])
            item.speakers.append(SessionSpeaker(person=people[i % 5], role="panelist"))
            db.session.add(item)
        db.session.commit()
        return event

    counts = []
    for n in (10, 500):
        slug = build(n, 10).slug
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/events/{slug}/agenda")
        assert response.status_code == 200
        assert text(response).count("S1") >= 1
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts  # 5 to build, 1 version check (caching.py)


def test_sustainable_development_goals_are_named_in_the_readers_language(client, demo):
    assert "SDG 17: Partnerships for the Goals" in text(client.get("/events/m4sd-board-rabat-2022/"))
    assert "ODD 17\u00a0: Partenariats pour la réalisation des objectifs" in client.get(
        "/events/m4sd-board-rabat-2022/?lang=fr").get_data(as_text=True)
    assert "ODS 17: Alianzas para lograr los objetivos" in text(client.get("/events/m4sd-board-rabat-2022/?lang=es"))
