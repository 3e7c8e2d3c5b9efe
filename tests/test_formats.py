"""British English dates and times for English; time zones named by a city, in every language."""
import re

from .conftest import outbox, manage_path, register_data, text


def test_the_agenda_names_the_zone_by_its_city_in_each_language(client, demo):
    expected = {"en": "All times are Geneva time", "fr": "l'heure de Genève", "es": "hora de Ginebra"}
    for lang, words in expected.items():
        page = text(client.get(f"/events/idm-2024-geneva/agenda?lang={lang}"))
        assert words in page, lang
        assert "UTC+01:00" in page
        assert "Europe/Zurich" not in page


def test_english_dates_are_day_month_year_with_a_24_hour_clock_and_no_seconds(client, open_event, app):
    open_event.city = "Geneva"
    client.post(f"/events/{open_event.slug}/register", data=register_data())
    body = outbox("amina@example.org")[0].text_body
    assert "(Geneva time, " in body and "Europe/Zurich" not in body
    page = text(client.get(manage_path("amina@example.org")))
    [stamp] = re.findall(r"(\S+ \S+ \d{4}, \d\d:\d\d(?::\d\d)?(?: [AP]M)?) ?: Confirmed", page)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", stamp), stamp  # e.g. 6 Dec 2026, 16:15
    assert "AM" not in page and "PM" not in page


def test_the_desk_writes_dates_day_first(client, open_event, make_registration, organiser):
    make_registration(open_event)
    organiser(open_event)
    page = text(client.get(f"/manage/events/{open_event.id}/registrations/"))
    assert re.search(r"\b\d\d/\d\d/\d{4}, \d\d:\d\d\b", page), "dd/mm/yyyy, HH:MM"
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d\d, \d{1,2}:\d\d [AP]M", page)
