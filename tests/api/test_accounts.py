"""POST /api/v1/users and /api/v1/tokens, and bearer authentication."""

import hashlib
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from planner.extensions import db
from planner.models import ApiToken

PW = "a sturdy passphrase"


def register(client, email="ana@example.org", password=PW, name="Ana"):
    return client.post("/api/v1/users", json={"email": email, "password": password, "display_name": name})


def token_for(client, email="ana@example.org", password=PW):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


class TestCreateUser:
    def test_it_creates_an_account(self, client):
        response = register(client, email="  Ana@Example.org ")
        assert response.status_code == 201
        body = response.get_json()
        assert body["email"] == "ana@example.org" and body["display_name"] == "Ana" and isinstance(body["id"], int)
        assert set(body) == {"id", "email", "display_name"}

    def test_a_taken_email_is_a_409(self, client):
        register(client)
        response = register(client, email="ANA@example.org")
        assert response.status_code == 409
        assert response.get_json() == {
            "error": {"code": "email_taken", "message": "An account with this email already exists.", "field": "email"}
        }

    def test_bad_input_names_the_field(self, client):
        cases = [
            ({"email": "nope", "password": PW, "display_name": "A"}, "email"),
            ({"email": "a@b.org", "password": "short", "display_name": "A"}, "password"),
            ({"email": "a@b.org", "password": PW, "display_name": "  "}, "display_name"),
            ({"email": "a@b.org", "password": 12345678, "display_name": "A"}, "password"),
        ]
        for body, field in cases:
            response = client.post("/api/v1/users", json=body)
            assert response.status_code == 400, body
            assert response.get_json()["error"]["field"] == field

    def test_a_non_json_body_is_a_400(self, client):
        response = client.post("/api/v1/users", data="email=a", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_json"


class TestCreateToken:
    def test_it_returns_a_token_that_authenticates(self, client):
        register(client)
        response = token_for(client)
        assert response.status_code == 201
        body = response.get_json()
        assert body["expires_at"].endswith("Z")
        me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['token']}"})
        assert me.status_code == 200 and me.get_json()["email"] == "ana@example.org"

    def test_the_token_is_stored_hashed(self, client, app):
        register(client)
        token = token_for(client).get_json()["token"]
        with app.app_context():
            stored = db.session.scalars(select(ApiToken.token_sha256)).all()
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored

    def test_a_wrong_password_is_a_401(self, client):
        register(client)
        for email, password in [("ana@example.org", "wrong password"), ("nobody@example.org", PW)]:
            response = token_for(client, email, password)
            assert response.status_code == 401
            assert response.get_json()["error"]["code"] == "bad_credentials"

    def test_an_expired_token_is_a_401(self, client, app):
        register(client)
        token = token_for(client).get_json()["token"]
        with app.app_context():
            db.session.execute(
                update(ApiToken).values(
                    created_at=datetime.now(UTC) - timedelta(days=40), expires_at=datetime.now(UTC) - timedelta(days=1)
                )
            )
            db.session.commit()
        response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"

    def test_no_token_and_a_bad_token_are_401s(self, client):
        assert client.get("/api/v1/users/me").status_code == 401
        response = client.get("/api/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
        assert response.status_code == 401 and "WWW-Authenticate" in response.headers


class TestSecretsStayOutOfLogs:
    def test_passwords_and_tokens_are_never_logged(self, client, caplog):
        caplog.set_level(logging.DEBUG)
        register(client)
        token = token_for(client).get_json()["token"]
        token_for(client, password="a wrong passphrase")
        client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert PW not in caplog.text and "a wrong passphrase" not in caplog.text and token not in caplog.text


class TestApiErrors:
    def test_unknown_api_paths_get_the_json_error_shape(self, client):
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"

    def test_wrong_method_gets_the_json_error_shape(self, client):
        response = client.get("/api/v1/tokens")
        assert response.status_code == 405
        assert response.get_json()["error"]["code"] == "method_not_allowed"

    def test_openapi_lists_the_contract_paths(self, client):
        spec = client.get("/api/v1/openapi.json").get_json()
        assert spec["openapi"].startswith("3.")
        assert {"/users", "/tokens"} <= set(spec["paths"])
