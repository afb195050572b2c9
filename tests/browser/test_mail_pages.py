"""In Chromium on a phone: the development outbox shows a message (its HTML part in a sandboxed frame, under the
CSP, with no console errors), and the unsubscribe page stops e-mail with one tap; nothing scrolls sideways."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from planner.extensions import db
from planner.models import NotificationSettings
from planner.services import accounts, mailer, notify, unsubscribe

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
REMINDER = {
    "title": "长城徒步 on the Jinshanling section, from the east gate to the west gate",
    "when": "Sat 05 Jan 2030, 08:30 CST",
    "where": "at Jinshanling east gate car park, 08:00",
    "length_m": 10650.0,
    "ascent_m": 612.0,
    "estimated_duration_s": 16200,
    "description": "Bring water and snacks. " + "https://example.org/a-very-long-link-without-spaces-" * 3,
}


@dataclass
class Sent:
    user_id: int
    token: str


@pytest.fixture(scope="module")
def sent(live_app) -> Sent:
    """A reminder e-mailed to 张伟, written to the app's MAIL_DIR (no SMTP server), with the outbox page on."""
    app = live_app.app
    app.config["DEV_MAIL_PAGE"] = True
    with app.app_context():
        user = accounts.register("zhang.wei@example.org", "a long password", "张伟")
        notify.insert("reminder", "listed", "reminder:browser", REMINDER, url="/events/1", user_ids=[user.id])
        db.session.commit()
        assert mailer.deliver_pending() == 1
        return Sent(user.id, unsubscribe.token(app.config["SECRET_KEY"], user.id, "reminder"))


def test_the_outbox_shows_the_message_and_its_html_part_in_a_sandboxed_frame(open_context, live_app, sent):
    _, page, watch = open_context(**PHONE)
    page.goto(live_app.base + "/dev/mail")
    assert page.evaluate(NO_SIDEWAYS)
    link = page.locator(".outbox a").first
    assert link.bounding_box()["height"] >= 44
    link.click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Reminder: 长城徒步")
    frame = page.frame_locator("iframe.mail-html")
    frame.get_by_text("Hello 张伟,").wait_for()
    assert "Where you meet" in frame.locator("body").inner_text()
    assert "Where you meet: at Jinshanling east gate" in page.locator(".mail-text").inner_text()
    assert page.evaluate(NO_SIDEWAYS)
    assert not watch.problems(), watch.problems()


def test_one_tap_on_the_unsubscribe_page_stops_those_emails(open_context, live_app, sent):
    _, page, watch = open_context(**PHONE)
    page.goto(f"{live_app.base}/unsubscribe/{sent.token}")
    button = page.get_by_role("button", name="Stop e-mails about reminders before your outings")
    assert button.bounding_box()["height"] >= 44 and page.evaluate(NO_SIDEWAYS)
    assert page.get_by_role("button", name="Stop all e-mail from planner").bounding_box()["height"] >= 44
    button.click()
    page.get_by_text("You will no longer get e-mails about reminders before your outings.").wait_for()
    assert page.evaluate(NO_SIDEWAYS) and not watch.problems(), watch.problems()
    with live_app.app.app_context():
        settings = db.session.get(NotificationSettings, sent.user_id)
        assert settings is not None and settings.channels == {"reminder": "app"}
