"""Signing in and out: back to the asked page, no open redirects, throttling, expiry, CSRF, cookies."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from config import ProductionConfig
from eventapp import create_app
from eventapp.extensions import db

from .conftest import DATABASES, PASSWORD


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).replace("&amp;", "&")


def test_anonymous_visitor_is_sent_to_the_login_form_and_back(client, make_event, make_user):
    event = make_event(title="Geneva dialogue")
    user = make_user(events=[event])
    response = client.get(f"/manage/events/{event.id}/sessions/")
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"])
    assert "Please sign in to open this page." in text(login_page)
    response = client.post(response.headers["Location"], data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == f"/manage/events/{event.id}/sessions/"
    assert "Geneva dialogue" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                    "http:/evil.example", "manage"])
def test_login_never_redirects_off_site(client, make_user, login, target):
    response = login(make_user(), next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = make_user()
    for email, password in [(user.email, "not the password"), ("nobody@example.org", PASSWORD)]:
        response = client.post("/manage/login", data={"email": email, "password": password})
        assert response.status_code == 200
        assert "Wrong e-mail address or password." in text(response)
    assert client.get("/manage/").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(app, make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/manage/").status_code == 200
    user.is_active = False
    db.session.commit()
    assert client.get("/manage/").status_code == 302
    assert "Wrong e-mail address or password." in text(login(user))


def test_logout_is_a_post_and_ends_the_session(client, make_user, login):
    login(make_user())
    assert client.get("/manage/logout").status_code == 405
    response = client.post("/manage/logout", follow_redirects=True)
    assert "You are signed out." in text(response)
    assert client.get("/manage/").status_code == 302


def test_session_expires_after_the_configured_lifetime(app, client, make_user, login):
    login(make_user())
    assert client.get("/manage/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] -= app.permanent_session_lifetime.total_seconds() + 60
    response = client.get("/manage/", follow_redirects=True)
    assert "Your session has expired: please sign in again." in text(response)
    assert client.get("/manage/").status_code == 302


def test_changing_the_password_signs_out_other_sessions(app, client, make_user, login):
    user = make_user()
    other = app.test_client()
    other.post("/manage/login", data={"email": user.email, "password": PASSWORD})
    login(user)
    response = client.post("/manage/account/password", data={"current": PASSWORD, "password": "short", "confirm": "short"})
    assert "at least 12 characters" in text(response)
    response = client.post("/manage/account/password", data={"current": PASSWORD, "password": "a new long passphrase",
                                                              "confirm": "a new long passphrase"}, follow_redirects=True)
    assert "Your password has been changed." in text(response)
    assert client.get("/manage/").status_code == 200
    assert other.get("/manage/").status_code == 302
    assert other.post("/manage/login", data={"email": user.email, "password": "a new long passphrase"}).status_code == 302


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_login_attempts_are_rate_limited(client, make_user):
    user = make_user()
    for _attempt in range(3):
        assert client.post("/manage/login", data={"email": user.email, "password": "guess"}).status_code == 200
    response = client.post("/manage/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429 and "Too many requests" in text(response)
    assert client.get("/manage/login").status_code == 200  # the form itself still opens


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_forms_without_the_csrf_token_are_refused(client, make_user, make_event):
    user = make_user(role="admin")
    response = client.post("/manage/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400 and "Bad request" in text(response)
    page = client.get("/manage/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/manage/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    event = make_event()
    assert client.post(f"/manage/events/{event.id}/unpublish-event").status_code == 400
    assert client.post("/manage/logout").status_code == 400
    assert client.get("/manage/").status_code == 200  # still signed in


def test_production_cookies_are_secure_httponly_and_samesite(database, make_user):
    class Config(ProductionConfig):
        SECRET_KEY = "production-test"
        SQLALCHEMY_DATABASE_URI = DATABASES[database]
        ARGON2_TIME_COST, ARGON2_MEMORY_COST = 1, 64
        RATELIMIT_ENABLED = False

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        try:
            make_user(email="prod@example.org")
            client = app.test_client()
            page = client.get("/manage/login", base_url="https://localhost").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = client.post("/manage/login", data={"email": "prod@example.org", "password": PASSWORD, "csrf_token": token},
                                   base_url="https://localhost", headers={"Referer": "https://localhost/manage/login"})
            assert response.status_code == 302
            cookie = response.headers["Set-Cookie"]
            assert cookie.startswith("session=")
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
            expires = re.search(r"Expires=([^;]+)", cookie).group(1)
            lifetime = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
            assert timedelta(hours=7) < lifetime <= timedelta(hours=8)
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
