"""Accounts: created on the command line or by admins in the browser; the audit log admins read."""
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.models import AuditEntry, User

from .conftest import PASSWORD, text


def test_users_create_reads_the_password_from_standard_input(app, runner, client, login):
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--role", "admin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Account created: admin@example.org (admin)." in result.output
    user = db.session.scalar(sa.select(User))
    assert user.is_admin and user.password_hash.startswith("$argon2id$")
    assert login(user).status_code == 302
    for args, stdin, message in [
        (["users", "create", "admin@example.org", "--role", "admin"], PASSWORD + "\n", "There is already an account for admin@example.org."),
        (["users", "create", "short@example.org", "--role", "organiser"], "short\n", "at least 12 characters"),
        (["users", "create", "not-an-address", "--role", "organiser"], PASSWORD + "\n", "is not a valid e-mail address"),
        (["users", "create", "x@example.org", "--role", "owner"], PASSWORD + "\n", "'owner' is not one of 'admin', 'organiser'"),
    ]:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0 and message in result.output, result.output
    result = runner.invoke(args=["users", "list"])
    assert "admin@example.org\tadmin\tactive" in result.output


def test_users_create_prompts_twice_without_echo_on_a_terminal(app, runner, monkeypatch):
    monkeypatch.setattr("eventapp.cli._stdin_is_terminal", lambda: True)
    result = runner.invoke(args=["users", "create", "org@example.org", "--role", "organiser"],
                           input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Error: The two entered values do not match." in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert db.session.scalar(sa.select(User.email)) == "org@example.org"


def test_admin_creates_an_organiser_and_names_them_on_an_event(app, client, make_event, make_user, login):
    event, other = make_event(title="Geneva session"), make_event(title="Rabat meeting")
    admin = make_user(role="admin")
    login(admin)
    response = client.post("/manage/users/new", data={"email": "new@example.org", "role": "organiser", "password": PASSWORD,
                                                      "confirm": "different"})
    assert "The two passwords differ." in text(response)
    response = client.post("/manage/users/new", data={"email": "new@example.org", "role": "organiser", "password": PASSWORD,
                                                      "confirm": PASSWORD}, follow_redirects=True)
    assert "Account new@example.org created. Name the events this person organises." in text(response)
    new = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    response = client.post(f"/manage/users/{new.id}/edit", data={"role": "organiser", "is_active": "y", "events": [event.id]},
                           follow_redirects=True)
    assert "Account new@example.org saved." in text(response)
    assert "Geneva session" in text(client.get("/manage/users/"))
    response = client.post(f"/manage/users/{admin.id}/edit", data={"role": "organiser", "is_active": "y"})
    assert "You cannot remove your own admin role or deactivate your own account." in text(response)

    organiser = app.test_client()
    organiser.post("/manage/login", data={"email": "new@example.org", "password": PASSWORD})
    page = text(organiser.get("/manage/"))
    assert "Geneva session" in page and "Rabat meeting" not in page
    assert organiser.get(f"/manage/events/{other.id}/").status_code == 404
    assert organiser.get("/manage/users/").status_code == 403


def test_audit_log_shows_who_did_what_to_admins_only(app, client, make_event, make_user, login):
    event = make_event(title="Geneva session")
    organiser = make_user(email="org@example.org", events=[event])
    login(organiser)
    client.post(f"/manage/events/{event.id}/sessions/new", data={
        "title": "Audited panel", "session_type": "panel", "starts_at": "2030-05-06T10:00", "ends_at": "2030-05-06T11:00", "room_id": 0})
    client.post(f"/manage/events/{event.id}/agenda/publish", data={"label": "Draft agenda 25/09/2024", "is_final": "draft"})
    assert client.get("/manage/audit").status_code == 403
    client.post("/manage/logout")
    login(make_user(role="admin"))
    page = text(client.get(f"/manage/audit?event={event.id}"))
    assert "org@example.org Agenda revision published: Draft agenda 25/09/2024 Geneva session" in page
    assert "org@example.org Session added: Audited panel Geneva session" in page
    assert "Account created" not in page  # narrowed to the event
    assert "Account created: org@example.org" in text(client.get("/manage/audit"))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agenda.publish"))
    assert entry.user_id == organiser.id and entry.details["changed_sessions"] == 1 and entry.at is not None
