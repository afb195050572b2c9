"""Helpers for driving HTML forms with their CSRF tokens."""

import re


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in html."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def submit(client, url: str, data: dict, *, page: str | None = None, **kw):
    """GET page (default url) for a CSRF token, then POST data to url."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, **kw)
