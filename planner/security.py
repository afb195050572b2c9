"""Security headers on every response: a nonce-based Content-Security-Policy and the usual hardening headers."""
from __future__ import annotations

import secrets

from flask import Flask, g, request
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
    return "; ".join([
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
    ])


def register_security(app: Flask) -> None:
    """Give each request a CSP nonce (g.csp_nonce) and add the security headers to each response."""

    @app.before_request
    def _make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(18)

    @app.after_request
    def _add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        nonce = g.get("csp_nonce") or secrets.token_urlsafe(18)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
