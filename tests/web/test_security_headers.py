"""Every response carries the hardening headers; pages carry a nonce CSP that their inline scripts match."""

import re

from planner.services import seed


class TestSecurityHeaders:
    def test_pages_get_a_nonce_csp_without_unsafe_inline(self, runner, client):
        runner.invoke(args=["seed"])
        response = client.get("/")
        csp = response.headers["Content-Security-Policy"]
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in csp
        nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
        html = response.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline, "the map script should be inline"
        assert all(f'nonce="{nonce}"' in attrs for attrs in inline)
        assert all(f'nonce="{nonce}"' in attrs for attrs in re.findall(r"<style([^>]*)>", html))

    def test_each_request_gets_a_new_nonce(self, client):
        first = client.get("/").headers["Content-Security-Policy"]
        assert first != client.get("/").headers["Content-Security-Policy"]

    def test_hardening_headers_on_pages_and_api(self, client):
        for path in ("/", "/login", "/api/v1/openapi.json", "/api/v1/nothing"):
            headers = client.get(path).headers
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

    def test_api_answers_allow_no_content_and_set_no_cookie(self, client):
        client.get("/login")  # a page session cookie in the jar must not come back from the API
        for path in ("/api/v1/events/nearby?lat=30&lon=120", "/api/v1/nothing"):
            response = client.get(path)
            assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
            assert response.headers["Cache-Control"] == "no-store"
            assert "Set-Cookie" not in response.headers

    def test_the_session_cookie_is_httponly_and_lax(self, client):
        response = client.post(
            "/api/v1/users", json={"email": "c@example.org", "password": seed.DEMO_PASSWORD, "display_name": "C"}
        )
        assert response.status_code == 201
        page = client.get("/login")
        cookie = page.headers.get("Set-Cookie", "")
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
