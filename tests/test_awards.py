"""Public awards pages: programme, categories, running order in local time, and the results embargo."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.extensions import db
from eventapp.models import EventStatus
from eventapp.services.awards import manage as awards_manage
from eventapp.services.awards import ceremony

from .conftest import local
from .test_agenda import text

AWARDS = "/events/idm-2024-geneva/awards"
SEED_INTRODUCTION = (
    "The grand finale of the 2024 Knowledge Fair & Impact Awards @ IOM. This global recognition and "
    "certification programme will showcase and celebrate the most impactful IOM initiatives and "
    "collaborations in the field of migration."
)


def test_demo_awards_page_quotes_the_programme_and_labels_every_invented_thing(client, demo):
    response = client.get(AWARDS)
    assert response.status_code == 200
    page = text(response)
    assert "2024 Knowledge Fair & Impact Awards @ IOM" in page
    assert SEED_INTRODUCTION in page
    assert "Sample data. Categories, entries and running-order items marked “Sample data” are invented" in page
    html = response.get_data(as_text=True)
    entries = re.findall(r'<li class="entry">.*?</li>', html, re.S)
    items = re.findall(r'<li class="running-order-item">.*?</li>', html, re.S)
    categories = re.findall(r'<section class="award-category".*?</h3>', html, re.S)
    assert len(entries) == 5 and len(items) == 5 and len(categories) == 2
    for block in entries + items + categories:
        assert "Sample data" in block, block
    assert "Sample initiative 4" not in page  # a nomination, not on the shortlist
    assert "Winner" not in page and "commended" not in page
    assert "The winners have not been announced yet" in page


def test_demo_running_order_lies_inside_the_ceremony_session_in_geneva_winter_time(client, demo):
    html = client.get(AWARDS).get_data(as_text=True)
    page = text(client.get(AWARDS))
    expected = [
        ("17:30", "17:35", "Welcome"),
        ("17:35", "17:45", "Presentation of the category · Sample category A"),
        ("17:45", "17:55", "Presentation of the category · Sample category B"),
        ("17:55", "18:05", "Announcement of the winners"),
        ("18:05", "18:30", "Evening reception"),
    ]
    session_at = page.index("The IOM Impact Awards Ceremony and Evening Reception Monday, 25 November 2024, 17:30 – 18:30 (CET, UTC+01:00)")
    positions = []
    for start, end, title in expected:
        match = re.search(re.escape(f"{start} – {end} {title}"), page)
        assert match, title
        assert "17:30" <= start < end <= "18:30"
        positions.append(match.start())
    assert session_at < positions[0] and positions == sorted(positions)
    assert '<time datetime="2024-11-25T17:30:00+01:00">17:30</time>–<time datetime="2024-11-25T17:35:00+01:00">17:35</time>' in html
    assert '<time datetime="2024-11-25T18:05:00+01:00">18:05</time>–<time datetime="2024-11-25T18:30:00+01:00">18:30</time>' in html
    assert "All times are Geneva time." in page


def test_running_order_in_summer_is_shown_at_utc_plus_two(client, make_event, make_session, make_programme):
    tz = "Europe/Zurich"
    event = make_event(starts_at=local(tz, 2030, 7, 1, 9, 0))
    session = make_session(event, title="Awards night", starts_at=local(tz, 2030, 7, 1, 17, 30))
    programme = make_programme(event)
    ceremony.create_ceremony_item(programme, session=session, title="Welcome words", kind="welcome",
                                  starts_at=local(tz, 2030, 7, 1, 17, 30), ends_at=local(tz, 2030, 7, 1, 17, 40))
    db.session.commit()
    assert programme.ceremony_items[0].starts_at == datetime(2030, 7, 1, 15, 30, tzinfo=timezone.utc)
    response = client.get(f"/events/{event.slug}/awards")
    html = response.get_data(as_text=True)
    assert '<time datetime="2030-07-01T17:30:00+02:00">17:30</time>–<time datetime="2030-07-01T17:40:00+02:00">17:40</time>' in html
    assert "17:30 – 17:40 Welcome words" in text(response)
    assert "(CEST, UTC+02:00)" in text(response)


def test_awards_are_linked_from_the_event_only_once_a_programme_is_published(client, make_event, make_session, make_programme):
    event = make_event()
    ceremony_session = make_session(event, title="Ceremony", session_type="ceremony")
    other = make_session(event, title="Panel", starts_at=ceremony_session.ends_at)
    pages = [f"/events/{event.slug}/", f"/events/{event.slug}/agenda", f"/events/{event.slug}/sessions/{ceremony_session.id}"]
    awards_url = f"/events/{event.slug}/awards"
    for url in pages:
        assert awards_url not in client.get(url).get_data(as_text=True), url
    programme = make_programme(event, title="Impact Awards 2030", is_published=False)
    ceremony.create_ceremony_item(programme, session=ceremony_session, title="Welcome", kind="welcome",
                                  starts_at=ceremony_session.starts_at, ends_at=ceremony_session.starts_at + timedelta(minutes=5))
    db.session.commit()
    for url in pages:
        assert awards_url not in client.get(url).get_data(as_text=True), url
    assert client.get(awards_url).status_code == 404

    awards_manage.publish_programme(programme)
    db.session.commit()
    overview = client.get(f"/events/{event.slug}/")
    assert "Awards: Impact Awards 2030" in text(overview)
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert f'<a href="{awards_url}">Awards</a>' in html, url  # the event navigation
    session_page = text(client.get(f"/events/{event.slug}/sessions/{ceremony_session.id}"))
    assert "Running order and finalists of the Impact Awards 2030" in session_page
    assert "Running order and finalists" not in text(client.get(f"/events/{event.slug}/sessions/{other.id}"))
    nav = client.get(awards_url).get_data(as_text=True)
    assert f'<a href="{awards_url}" aria-current="page">Awards</a>' in nav


@pytest.fixture
def contest(make_event, make_session, make_programme, make_category, make_entry):
    """A programme with one category of four shortlisted entries and a nomination, under embargo."""
    event = make_event()
    session = make_session(event, title="Awards ceremony", session_type="ceremony")
    programme = make_programme(event, title="Impact Awards")
    category = make_category(programme, slug="partnerships", name="Partnerships")
    entries = {
        title: make_entry(category, title=title, organisation=f"{title} office", region="Region")
        for title in ("Alpha initiative", "Beta initiative", "Gamma initiative", "Delta initiative")
    }
    make_entry(category, title="Longlisted idea", status="nominated")
    ceremony.create_ceremony_item(programme, session=session, title="Partnerships", kind="category",
                                  category=category, starts_at=session.starts_at,
                                  ends_at=session.starts_at + timedelta(minutes=10))
    ceremony.create_ceremony_item(programme, session=session, title="Announcement of the winners", kind="winners",
                                  starts_at=session.starts_at + timedelta(minutes=10),
                                  ends_at=session.starts_at + timedelta(minutes=20))
    db.session.commit()
    return event, programme, entries


def _set_results(entries, winner=None, commended=None):
    for title, entry in entries.items():
        entry.status = "winner" if title == winner else "commended" if title == commended else "finalist"
    db.session.commit()


def _snapshot(client, event):
    """Everything a visitor or a cache can see of the public awards pages."""
    seen = []
    for url in (f"/events/{event.slug}/awards", f"/events/{event.slug}/awards/partnerships"):
        response = client.get(url)
        assert response.status_code == 200
        headers = {k: v for k, v in response.headers.items() if k != "Date"}
        seen.append((url, response.get_data(), headers))
    return seen


def test_before_release_pages_and_headers_are_byte_identical_whoever_won(client, contest):
    event, programme, entries = contest
    _set_results(entries)  # no result yet: everyone a finalist
    baseline = _snapshot(client, event)
    for winner, commended in [("Delta initiative", None), ("Alpha initiative", "Gamma initiative"), ("Gamma initiative", "Delta initiative")]:
        _set_results(entries, winner=winner, commended=commended)
        assert _snapshot(client, event) == baseline, winner
    for url, body, headers in baseline:
        page = body.decode()
        assert "Winner" not in page and "winner" not in re.sub(r"Announcement of the winners|The winners have not been announced yet", "", page)
        assert "commended" not in page.lower()
        assert "Longlisted idea" not in page
        assert headers["Cache-Control"] == "no-cache"
        assert "ETag" in headers
    assert "Finalists (4)" in text(client.get(baseline[1][0]))


def test_results_show_from_the_release_time_on(client, contest):
    event, programme, entries = contest
    _set_results(entries, winner="Gamma initiative", commended="Beta initiative")
    url = f"/events/{event.slug}/awards/partnerships"
    release_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
    awards_manage.schedule_release(programme, release_at)
    db.session.commit()
    embargoed = client.get(url)
    page = text(embargoed)
    assert "Winner" not in page
    assert "The winners will be announced on" in page
    assert "Finalists (4) Alpha initiative Finalist" in page

    awards_manage.schedule_release(programme, datetime.now(timezone.utc) - timedelta(seconds=1))
    db.session.commit()
    released = client.get(url)
    page = text(released)
    assert "The results have been released." in page
    assert re.search(r"Winners \(1\) Gamma initiative Winner .*Certified and commended \(1\) Beta initiative Certified / commended .*Finalists \(2\) Alpha initiative Finalist .*Delta initiative Finalist", page)
    assert "Longlisted idea" not in page
    assert released.headers["ETag"] != embargoed.headers["ETag"]
    assert released.headers["Cache-Control"] == "no-cache"
    programme_page = text(client.get(f"/events/{event.slug}/awards"))
    assert "Winners (1) Gamma initiative Winner" in programme_page


def test_results_released_by_hand_show_at_once_and_can_be_withdrawn(client, contest):
    event, programme, entries = contest
    _set_results(entries, winner="Alpha initiative")
    url = f"/events/{event.slug}/awards"
    assert "Winner" not in text(client.get(url))
    awards_manage.release_results(programme)
    db.session.commit()
    assert "Winners (1) Alpha initiative Winner" in text(client.get(url))
    awards_manage.withdraw_results(programme)
    db.session.commit()
    assert "Winner" not in text(client.get(url))


def test_a_cached_copy_revalidates_and_is_replaced_at_release(client, contest):
    event, programme, entries = contest
    _set_results(entries, winner="Beta initiative")
    url = f"/events/{event.slug}/awards"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    awards_manage.release_results(programme)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert "Beta initiative Winner" in text(after)


def test_category_page_shows_its_entries_and_when_it_is_presented(client, contest):
    event, programme, entries = contest
    response = client.get(f"/events/{event.slug}/awards/partnerships")
    page = text(response)
    assert "Partnerships : Impact Awards" in page  # heading, then the programme
    assert "Presented at the ceremony" in page
    assert "09:00 – 09:10 Partnerships" in page
    assert "Announcement of the winners" not in page  # only the items presenting this category
    assert response.get_data(as_text=True).count("<h1") == 1


@pytest.mark.parametrize("path", ["/events/nope/awards", "/events/nope/awards/partnerships", "/events/EVENT/awards/no-such-category", "/events/EVENT/awards/Partnerships"])
def test_unknown_events_and_categories_are_404(client, contest, path):
    event, programme, entries = contest
    response = client.get(path.replace("EVENT", event.slug))
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_drafts_events_without_a_programme_and_other_events_categories_are_404(client, contest, make_event, make_programme, make_category):
    event, programme, entries = contest
    plain = make_event()
    assert client.get(f"/events/{plain.slug}/awards").status_code == 404
    other = make_programme(make_event())
    make_category(other, slug="local-action")
    assert client.get(f"/events/{event.slug}/awards/local-action").status_code == 404
    event.status = EventStatus.DRAFT
    db.session.commit()
    assert client.get(f"/events/{event.slug}/awards").status_code == 404
    assert client.get(f"/events/{event.slug}/awards/partnerships").status_code == 404


def test_user_text_on_awards_pages_is_escaped(client, make_event, make_programme, make_category, make_entry):
    event = make_event()
    programme = make_programme(event, title="<b>Awards</b>", introduction="<script>alert(1)</script>")
    category = make_category(programme, slug="c", name="<i>Category</i>")
    make_entry(category, title="<img src=x onerror=alert(2)>", link_url="https://example.org/a?b=1&c=2")
    for url in (f"/events/{event.slug}/", f"/events/{event.slug}/awards", f"/events/{event.slug}/awards/c"):
        html = client.get(url).get_data(as_text=True)
        assert "<b>Awards</b>" not in html and "&lt;b&gt;Awards&lt;/b&gt;" in html
    for url in (f"/events/{event.slug}/awards", f"/events/{event.slug}/awards/c"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<i>Category</i>" not in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html
    html = client.get(f"/events/{event.slug}/awards/c").get_data(as_text=True)
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="external noopener noreferrer"' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("url", [AWARDS, AWARDS + "/sample-category-a"])
def test_awards_pages_have_one_h1_a_skip_link_and_a_viewport(client, demo, url):
    html = client.get(url).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'href="#main"' in html and 'name="viewport"' in html


def test_awards_page_uses_a_constant_number_of_queries(client, make_event, make_session, make_programme, make_category, make_entry, count_queries):
    counts = []
    for n in (2, 40):
        event = make_event()
        session = make_session(event, title="Ceremony")
        programme = make_programme(event)
        for c in range(n // 2):
            category = make_category(programme)
            for e in range(n):
                make_entry(category, status=("finalist", "winner", "commended")[e % 3])
            ceremony.create_ceremony_item(programme, session=session, title=f"Category {c}", kind="category",
                                          category=category, starts_at=session.starts_at,
                                          ends_at=session.starts_at + timedelta(minutes=1))
        db.session.commit()
        url = f"/events/{event.slug}/awards"
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert text(response).count("Finalist") == (n // 2) * n + (n // 2)  # badges, plus one heading each
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts  # 5 to build, 1 version check (caching.py)
