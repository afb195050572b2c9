"""Security headers on every response: a nonce-based Content-Security-Policy and the usual hardening headers."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}


def content_security_policy(nonce: str) -> str:
    """The CSP for HTML pages: our origin only, inline scripts and styles only with this request's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# JSON answers render no HTML: a fixed policy that allows nothing, and no per-request nonce to make.
API_HEADERS = {
    **HEADERS,
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


class PageSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session for pages; none under /api/, which takes bearer tokens and never cookies."""

    def open_session(self, app: Flask, request):
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def register_security(app: Flask) -> None:
    """Cookie sessions for pages only; a CSP nonce (g.csp_nonce) for each page request; security headers on
    each response."""
    app.session_interface = PageSessions()

    @app.before_request
    def _make_nonce() -> None:
        if not request.path.startswith("/api/"):
            g.csp_nonce = secrets.token_urlsafe(18)

    @app.after_request
    def _add_headers(response: Response) -> Response:
        if request.path.startswith("/api/"):
            headers = API_HEADERS
        else:
            nonce = g.get("csp_nonce") or secrets.token_urlsafe(18)
            headers = {**HEADERS, "Content-Security-Policy": content_security_policy(nonce)}
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
