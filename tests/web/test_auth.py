"""Register, log in and log out through the web pages."""

from sqlalchemy import select
from werkzeug.security import check_password_hash

from planner.extensions import db
from planner.models import User
from tests.web.helpers import submit

PW = "trail mix forever"


def signup(client, email="bo@example.org", password=PW, name="Bo", **kw):
    return submit(client, "/register", {"email": email, "password": password, "display_name": name}, **kw)


class TestRegister:
    def test_it_creates_a_hashed_account_and_logs_in(self, client, app):
        response = signup(client, follow_redirects=True)
        assert response.status_code == 200
        assert "Bo" in response.get_data(as_text=True) and "Log out" in response.get_data(as_text=True)
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "bo@example.org"))
            assert user.password_hash != PW and check_password_hash(user.password_hash, PW)

    def test_a_taken_email_is_a_form_error(self, client):
        signup(client)
        client.post("/logout", data={})  # no CSRF: refused, still logged in
        response = submit(client, "/register", {"email": "BO@example.org", "password": PW, "display_name": "B"})
        assert response.status_code == 400
        assert "already exists" in response.get_data(as_text=True)

    def test_a_short_password_is_a_form_error_and_writes_nothing(self, client, app):
        response = signup(client, password="short")
        assert response.status_code == 400
        with app.app_context():
            assert db.session.scalar(select(User).where(User.email == "bo@example.org")) is None

    def test_a_post_without_csrf_token_is_refused(self, client, app):
        response = client.post("/register", data={"email": "x@example.org", "password": PW, "display_name": "X"})
        assert response.status_code == 400
        with app.app_context():
            assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


class TestLoginLogout:
    def test_log_in_then_out(self, client):
        signup(client)
        submit(client, "/logout", {}, page="/")
        assert "Log in" in client.get("/").get_data(as_text=True)
        response = submit(client, "/login", {"email": "bo@example.org", "password": PW})
        assert response.status_code == 302
        assert "Log out" in client.get("/").get_data(as_text=True)

    def test_a_wrong_password_is_a_form_error(self, client):
        signup(client)
        submit(client, "/logout", {}, page="/")
        response = submit(client, "/login", {"email": "bo@example.org", "password": "not the password"})
        assert response.status_code == 400
        assert "Email or password is wrong" in response.get_data(as_text=True)

    def test_next_only_follows_local_paths(self, client):
        signup(client)
        submit(client, "/logout", {}, page="/")
        for target, expected in [("/register", "/register"), ("https://evil.example/", "/"), ("//evil.example", "/")]:
            response = submit(
                client, f"/login?next={target}", {"email": "bo@example.org", "password": PW}, page="/login"
            )
            assert response.headers["Location"] == expected
            submit(client, "/logout", {}, page="/")

    def test_logout_needs_a_post_with_csrf(self, client):
        signup(client)
        assert client.get("/logout").status_code == 405
        client.post("/logout", data={})
        assert "Log out" in client.get("/").get_data(as_text=True)
