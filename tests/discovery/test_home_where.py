"""The home page's "near you": browser location, then your own home area, then the last search, then your group."""

from __future__ import annotations

from planner.extensions import db
from planner.models import Membership
from planner.services import suggestions
from tests import factories as f
from tests.web.helpers import submit

CAPE_TOWN = (-33.92, 18.42)
HANGZHOU = (30.25, 120.15)


def _log_in(client, user) -> None:
    """Log client in as user through the form."""
    assert submit(client, "/login", {"email": user.email, "password": f.PASSWORD}).status_code == 302


def _title(client, path: str = "/") -> str:
    """The home page's h1 text."""
    html = client.get(path).get_data(as_text=True)
    return html.split('<h1 id="home-title">', 1)[1].split("</h1>", 1)[0]


class TestWhereNearYouIs:
    def test_the_order_is_browser_home_area_last_search_then_group(self, client):
        me, owner = f.user(), f.user()
        grp = f.group(owner, name="Lake walkers", lat=HANGZHOU[0], lon=HANGZHOU[1])
        db.session.add(Membership(group_id=grp.id, user_id=me.id, role="member", status="active"))
        db.session.commit()
        _log_in(client, me)
        assert _title(client) == "Near Lake walkers"
        client.get("/explore?q=Cape+Town")
        assert _title(client) == "Near Cape Town"
        suggestions.set_home_area(me, *HANGZHOU)
        assert _title(client) == "Near your home area"
        assert "Your home area" in client.get("/").get_data(as_text=True)
        assert _title(client, f"/?lat={CAPE_TOWN[0]}&lon={CAPE_TOWN[1]}") == "Near your location"
        assert _title(client) == "Near your location"  # the browser's location is kept for the session
