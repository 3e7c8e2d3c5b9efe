"""seed-demo: the Geneva IDM session exactly as its programme states, loaded idempotently."""
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from eventapp import demo_data
from eventapp.extensions import db
from eventapp.models import AwardCategory, AwardEntry, AwardsProgramme, CeremonyItem, Event, EventSection, EventSession, Tag

SEED = (Path(__file__).parent / "data" / "idm_2024_geneva_seed.txt").read_text(encoding="utf-8")


def counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Event, EventSession, EventSection, Tag, AwardsProgramme, AwardCategory, AwardEntry, CeremonyItem)
    )


def test_every_demo_string_is_word_for_word_from_the_programme():
    strings = [demo_data.IDM_SUMMARY, demo_data.IDM_AIM, *demo_data.IDM_BACKGROUND, demo_data.IDM_VENUE]
    strings += [demo_data.IDM_AWARDS_TITLE, demo_data.IDM_AWARDS_SESSION]
    strings += demo_data.IDM_OUTCOMES.split("\n")
    for _, _, _, title, description in demo_data.IDM_PROGRAMME:
        strings += [title, description]
    for text in strings:
        assert text in SEED, text[:60]
    assert len(demo_data.IDM_PROGRAMME) == 8


def test_seed_demo_loads_the_geneva_session_and_a_second_run_changes_nothing(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "idm-2024-geneva" in result.output
    first = counts()
    stamps = db.session.execute(sa.select(EventSession.uid, EventSession.updated_at, EventSession.sequence)).all()
    awards_stamps = db.session.execute(sa.select(AwardsProgramme.updated_at).union_all(sa.select(AwardEntry.updated_at))).all()
    item_stamps = db.session.execute(sa.select(CeremonyItem.uid, CeremonyItem.updated_at, CeremonyItem.sequence)).all()
    event_stamp = db.session.scalar(sa.select(Event.updated_at).where(Event.slug == "idm-2024-geneva"))
    db.session.expire_all()

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert counts() == first == (2, 8, 4, 5, 1, 2, 7, 5)
    assert db.session.execute(sa.select(EventSession.uid, EventSession.updated_at, EventSession.sequence)).all() == stamps
    assert db.session.execute(sa.select(AwardsProgramme.updated_at).union_all(sa.select(AwardEntry.updated_at))).all() == awards_stamps
    assert db.session.execute(sa.select(CeremonyItem.uid, CeremonyItem.updated_at, CeremonyItem.sequence)).all() == item_stamps
    assert db.session.scalar(sa.select(Event.updated_at).where(Event.slug == "idm-2024-geneva")) == event_stamp


def test_demo_keeps_its_real_date_in_geneva_time(demo):
    sessions = sorted(demo.sessions, key=lambda s: s.starts_at)
    # Geneva is UTC+1 on 25 November 2024.
    assert sessions[0].starts_at == datetime(2024, 11, 25, 8, 0, tzinfo=timezone.utc)
    assert sessions[-1].ends_at == datetime(2024, 11, 25, 17, 30, tzinfo=timezone.utc)
    assert sessions[-1].title == "The IOM Impact Awards Ceremony and Evening Reception"
    assert demo.timezone == "Europe/Zurich"
    assert demo.is_demo


def test_seed_demo_date_moves_the_programme_and_keeps_local_times(app, runner):
    runner.invoke(args=["seed-demo"])
    uids = set(db.session.scalars(sa.select(EventSession.uid)))
    item_ids = list(db.session.scalars(sa.select(CeremonyItem.id).order_by(CeremonyItem.starts_at)))
    # A summer day: Geneva is then UTC+2, so 09:00 local is 07:00Z.
    result = runner.invoke(args=["seed-demo", "--date", "2027-06-14"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    sessions = db.session.scalars(sa.select(EventSession).order_by(EventSession.starts_at)).all()
    assert len(sessions) == 8
    assert set(s.uid for s in sessions) == uids
    assert sessions[0].starts_at == datetime(2027, 6, 14, 7, 0, tzinfo=timezone.utc)
    assert sessions[-1].ends_at == datetime(2027, 6, 14, 16, 30, tzinfo=timezone.utc)
    assert all(s.sequence == 1 for s in sessions)
    items = db.session.scalars(sa.select(CeremonyItem).order_by(CeremonyItem.starts_at)).all()
    assert [i.id for i in items] == item_ids
    assert all(i.session == sessions[-1] and i.sequence == 1 for i in items)
    # 17:30-18:30 Geneva summer time is 15:30-16:30Z: the running order keeps its local times.
    assert items[0].starts_at == datetime(2027, 6, 14, 15, 30, tzinfo=timezone.utc)
    assert items[-1].ends_at == datetime(2027, 6, 14, 16, 30, tzinfo=timezone.utc)
    assert counts() == (2, 8, 4, 5, 1, 2, 7, 5)


def test_seed_demo_rejects_a_malformed_date(app, runner):
    result = runner.invoke(args=["seed-demo", "--date", "25/11/2026"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output
    assert counts() == (0,) * 8


def test_demo_notice_shows_on_every_page_only_when_demo_data_is_loaded(client, runner, make_event):
    make_event(slug="plain")
    assert "Demonstration data" not in client.get("/").get_data(as_text=True)
    runner.invoke(args=["seed-demo"])
    for url in ["/", "/events/idm-2024-geneva/", "/events/idm-2024-geneva/agenda", "/events/nope/"]:
        assert "Demonstration data" in client.get(url).get_data(as_text=True), url


def test_demo_awards_programme_quotes_the_ceremony_text_and_marks_what_it_invents(demo):
    programme = demo.awards_programme
    assert programme.title == "2024 Knowledge Fair & Impact Awards @ IOM"
    assert programme.introduction in SEED
    assert programme.introduction.startswith("The grand finale of the 2024 Knowledge Fair & Impact Awards @ IOM.")
    assert programme.is_published and programme.is_sample
    assert not programme.is_released and programme.release_at is None
    assert all(c.is_sample and c.name not in SEED for c in programme.categories)
    assert all(e.is_sample and e.title not in SEED for c in programme.categories for e in c.entries)
    session = next(s for s in demo.sessions if s.title == demo_data.IDM_AWARDS_SESSION)
    assert all(i.is_sample and i.session == session for i in programme.ceremony_items)
    assert all(session.starts_at <= i.starts_at < i.ends_at <= session.ends_at for i in programme.ceremony_items)


def test_demo_takes_registrations_with_sample_settings_and_a_second_run_changes_nothing(app, runner, client):
    from eventapp.models import RegistrationPolicy

    runner.invoke(args=["seed-demo", "--days-from-now", "14"])
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    first = (policy.opens_at, policy.in_person_capacity, policy.online_capacity, policy.is_hybrid, policy.reference_prefix)
    ceremony = db.session.scalar(sa.select(EventSession).where(EventSession.session_type == "ceremony"))
    assert ceremony.requires_registration and ceremony.capacity == 120
    assert first[1:] == (300, None, True, "IDM24")
    db.session.expire_all()
    runner.invoke(args=["seed-demo", "--days-from-now", "14"])
    policy = db.session.scalar(sa.select(RegistrationPolicy))
    assert (policy.opens_at, policy.in_person_capacity, policy.online_capacity, policy.is_hybrid, policy.reference_prefix) == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationPolicy)) == 1

    page = client.get("/events/idm-2024-geneva/register").get_data(as_text=True)
    assert "The IOM Impact Awards Ceremony and Evening Reception" in page and "120 places left" in page
    response = client.post("/events/idm-2024-geneva/register", data=dict(
        first_name="Zoë", last_name="Ngũgĩ-Đặng", email="zoe@example.org", stakeholder_group="academia",
        country="KE", mode="in_person", sessions=[str(ceremony.id)], privacy_consent="y"), follow_redirects=True)
    assert "An e-mail is on its way to zoe@example.org" in response.get_data(as_text=True)
    assert "119 places left" in client.get("/events/idm-2024-geneva/places").get_data(as_text=True)  # live, beside the cached page


def test_demo_on_its_real_past_date_shows_registration_closed(client, demo):
    page = client.get("/events/idm-2024-geneva/register").get_data(as_text=True)
    assert "Registration is closed" in page and "<form" not in page


def test_days_from_now_keeps_the_programmes_weekday(app, runner):
    from datetime import date, timedelta
    from zoneinfo import ZoneInfo

    from eventapp.models import Event

    result = runner.invoke(args=["seed-demo", "--days-from-now", "14"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "idm-2024-geneva"))
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    assert day.weekday() == 0  # a Monday, as the programme says
    assert date.today() + timedelta(days=14) <= day < date.today() + timedelta(days=21)
