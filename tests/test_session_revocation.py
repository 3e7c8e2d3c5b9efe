"""Signing out, or an admin disabling an account, ends every copy of the session on every server."""
import pytest

from config import TestingConfig
from eventapp import create_app
from eventapp.extensions import db

from .conftest import PASSWORD


def copy_of_cookie(source, target):
    """Give `target` the session cookie `source` holds now, as someone who copied it would."""
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def test_a_cookie_copied_before_logout_no_longer_opens_anything(app, client, make_user, make_event, login):
    event = make_event()
    user = make_user(events=[event])
    login(user)
    thief = app.test_client()
    copy_of_cookie(client, thief)
    export = f"/manage/events/{event.id}/registrations/export.csv"
    assert thief.get("/manage/").status_code == 200  # the copy works while the session lives
    assert thief.get(export).status_code == 200

    assert client.post("/manage/logout").status_code == 302
    assert thief.get("/manage/").status_code == 302
    assert thief.get(export).status_code == 302
    assert thief.get("/manage/").headers["Location"].startswith("/manage/login")
    # signing in again gives a new session; the old copy stays dead
    login(user)
    assert client.get("/manage/").status_code == 200
    assert thief.get("/manage/").status_code == 302


def test_disabling_an_account_ends_its_sessions_and_their_copies(app, client, make_user, make_event, login):
    user = make_user()
    login(user)
    copy = app.test_client()
    copy_of_cookie(client, copy)
    admin = make_user(role="admin")
    admin_client = app.test_client()
    admin_client.post("/manage/login", data={"email": admin.email, "password": PASSWORD})
    response = admin_client.post(f"/manage/users/{user.id}/edit", data={"role": "organiser"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.is_active is False
    assert client.get("/manage/").status_code == 302
    assert copy.get("/manage/").status_code == 302


def test_logout_on_one_server_ends_the_session_on_another(tmp_path):
    """Two app instances (two servers) on one database: a logout on one is seen by the other."""
    class Shared(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.sqlite'}"

    first, second = create_app(Shared), create_app(Shared)
    with first.app_context():
        db.create_all()
        from eventapp.services.accounts import create_user

        create_user("two@example.org", PASSWORD, "organiser")
        db.session.commit()
    one, other = first.test_client(), second.test_client()
    with first.app_context():
        assert one.post("/manage/login", data={"email": "two@example.org", "password": PASSWORD}).status_code == 302
    copy_of_cookie(one, other)
    with second.app_context():
        assert other.get("/manage/").status_code == 200
    with first.app_context():
        assert one.post("/manage/logout").status_code == 302
    with second.app_context():
        assert other.get("/manage/").status_code == 302
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_cookie_holds_a_random_key_and_the_database_only_its_hash(app, client, make_user, login):
    from eventapp.models import LoginSession

    login(make_user())
    with client.session_transaction() as session:
        key = session["login_key"]
    [row] = db.session.scalars(db.select(LoginSession)).all()
    assert len(key) >= 43 and key not in row.key_hash and len(row.key_hash) == 64
