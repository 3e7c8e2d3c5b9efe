"""A participant who switches to online gives up their seat at the reception and needs no badge."""
from datetime import datetime, timedelta, timezone

from .conftest import manage_path, register_data, text


def test_switching_to_online_releases_the_reception_place_and_the_badge(client, make_event, make_policy, make_session):
    event = make_event(starts_at=datetime.now(timezone.utc) + timedelta(days=9))
    make_policy(event, is_hybrid=True, in_person_capacity=10, online_capacity=None)
    reception = make_session(event, title="Evening reception", requires_registration=True, capacity=1)
    client.post(f"/events/{event.slug}/register",
                data=register_data(mode="in_person", sessions=[str(reception.id)]))
    client.post(f"/events/{event.slug}/register",
                data=register_data(email="next@example.org", mode="in_person", sessions=[str(reception.id)]))
    path = manage_path("amina@example.org")
    page = text(client.get(path))
    assert "Badge" in page and "Evening reception" in page and "Place confirmed" in page

    edit = register_data(mode="online")
    edit.pop("privacy_consent")
    page = text(client.post(f"{path}/edit", data=edit, follow_redirects=True))
    assert "Your details are saved." in page
    assert "You have not chosen any." in page  # no seat kept at the reception
    assert "Your badge with its QR code" not in page
    assert client.get(f"{path}/badge").status_code == 302
    # The seat went to the next person waiting for it.
    assert "Place confirmed" in text(client.get(manage_path("next@example.org")))
