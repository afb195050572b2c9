"""Unsubscribing without logging in: RFC 8058 one-click POSTs to the List-Unsubscribe URL, the page behind the
links in the e-mail, and signed tokens that cannot be forged or changed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import NotificationSettings
from planner.models.notification import KINDS
from planner.services import events, rsvp, unsubscribe
from tests.notifications.conftest import inbox, run_jobs
from tests.notifications.smtp_server import smtp_fixture  # noqa: F401  (the smtp fixture)
from tests.notifications.test_mail import OUTING, UNSUBSCRIBE_HEADER

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _outing(app, cast, title: str = "长城徒步"):
    """A new outing of the cast's group, with its e-mails sent."""
    event = events.create_event(cast.group.id, cast.organiser, {**OUTING, "title": title})
    run_jobs(app)
    return event


def _header_path(smtp, user) -> str:
    """The path of the List-Unsubscribe URL of the last message user received."""
    return urlsplit(UNSUBSCRIBE_HEADER.fullmatch(smtp.inbox.to(user.email)[-1]["List-Unsubscribe"])["url"]).path


def _channels(user) -> dict | None:
    """user's channel choices, or None without a settings row."""
    db.session.expire_all()  # the request wrote them in its own session
    settings = db.session.get(NotificationSettings, user.id)
    return settings.channels if settings is not None else None


def _settings_rows() -> int:
    """How many people have notification settings."""
    return db.session.scalar(select(func.count()).select_from(NotificationSettings)) or 0


class TestOneClick:
    def test_a_one_click_post_stops_that_kind_but_not_the_others(self, app, client, cast, smtp):
        _outing(app, cast)
        response = client.post(_header_path(smtp, cast.member), data=ONE_CLICK)
        assert response.status_code == 200
        assert "You will no longer get e-mails about new outings in your groups." in response.text
        assert _channels(cast.member) == {"new_outing": "app"}
        event = _outing(app, cast, "Lake loop")
        assert [n.email_status for n in inbox(cast.member)] == ["sent", "none"]  # still in the app
        assert len(smtp.inbox.to(cast.member.email)) == 1
        rsvp.rsvp(event.id, cast.member)
        events.cancel_event(event.id, cast.organiser)
        run_jobs(app)
        assert inbox(cast.member)[-1].kind == "outing_cancelled" and inbox(cast.member)[-1].email_status == "sent"
        assert smtp.inbox.to(cast.member.email)[-1]["Subject"].endswith("is cancelled.")

    def test_scope_all_stops_every_email_and_keeps_them_in_the_app(self, app, client, cast, smtp):
        _outing(app, cast)
        response = client.post(_header_path(smtp, cast.member), data={"scope": "all"})
        assert response.status_code == 200 and "You will no longer get any e-mail from planner." in response.text
        assert _channels(cast.member) == {"all": "app"}
        event = _outing(app, cast, "Lake loop")
        rsvp.rsvp(event.id, cast.member)
        events.cancel_event(event.id, cast.organiser)
        run_jobs(app)
        assert [n.email_status for n in inbox(cast.member)] == ["sent", "none", "none"]
        assert len(smtp.inbox.to(cast.member.email)) == 1 and len(smtp.inbox.to(cast.owner.email)) == 2

    def test_the_all_link_in_the_body_stops_everything_too(self, app, client, cast, smtp):
        _outing(app, cast)
        text = smtp.inbox.to(cast.member.email)[0].get_body(("plain",)).get_content()
        all_url = text.split("Stop all e-mail from planner: ")[1].split()[0]
        assert client.post(urlsplit(all_url).path, data=ONE_CLICK).status_code == 200
        assert _channels(cast.member) == {"all": "app"}

    def test_unsubscribing_twice_is_the_same_and_other_choices_are_kept(self, app, client, cast, smtp):
        db.session.add(NotificationSettings(user_id=cast.member.id, channels={"reminder": "off", "post_reply": "app"}))
        db.session.commit()
        _outing(app, cast)
        path = _header_path(smtp, cast.member)
        for _ in range(2):
            assert client.post(path, data=ONE_CLICK).status_code == 200
        assert _channels(cast.member) == {"reminder": "off", "post_reply": "app", "new_outing": "app"}
        reminder_path = "/unsubscribe/" + unsubscribe.token("test-secret", cast.member.id, "reminder")
        client.post(reminder_path, data=ONE_CLICK)
        assert _channels(cast.member)["reminder"] == "off"  # off stays off: unsubscribing never adds notices


class TestThePage:
    def test_the_page_says_what_stops_and_offers_both_buttons_without_writing(self, app, client, cast, smtp):
        _outing(app, cast)
        path = _header_path(smtp, cast.member)
        page = client.get(path)
        assert page.status_code == 200 and _settings_rows() == 0
        assert "You get e-mails about new outings in your groups." in page.text
        assert 'name="scope" value="kind"' in page.text and 'name="scope" value="all"' in page.text
        assert f'action="{path}"' in page.text
        assert client.head(path).status_code == 200 and _settings_rows() == 0  # link scanners change nothing
        client.post(path, data={"scope": "kind"})
        page = client.get(path)
        assert "E-mails about new outings in your groups are already off." in page.text
        assert 'value="all"' in page.text

    def test_after_all_is_off_the_page_says_so(self, client, cast):
        path = "/unsubscribe/" + unsubscribe.token("test-secret", cast.member.id, "all")
        client.post(path)
        page = client.get(path)
        assert "All e-mail from planner is already off." in page.text and "<button" not in page.text.split("<main")[1]


class TestBadTokens:
    @pytest.mark.parametrize(
        "token",
        [
            "tampered",
            "WzEsIm5ld19vdXRpbmciXQ.not-the-signature",
            URLSafeSerializer("another-secret", salt="unsubscribe").dumps([1, "new_outing"]),
            URLSafeSerializer("test-secret", salt="another-salt").dumps([1, "new_outing"]),
            URLSafeSerializer("test-secret", salt="unsubscribe").dumps([1, "no_such_kind"]),
            URLSafeSerializer("test-secret", salt="unsubscribe").dumps({"user": 1, "kind": "all"}),
            URLSafeSerializer("test-secret", salt="unsubscribe").dumps([True, "all"]),
        ],
    )
    def test_a_token_this_app_did_not_sign_is_a_400_and_writes_nothing(self, client, cast, token):
        for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}", data=ONE_CLICK)):
            assert response.status_code == 400
            assert "This unsubscribe link is not valid" in response.text
        assert _settings_rows() == 0

    def test_a_changed_token_of_a_real_message_is_refused(self, app, client, cast, smtp):
        _outing(app, cast)
        path = _header_path(smtp, cast.member)
        payload, signature = path.rsplit("/", 1)[1].split(".")
        forged = URLSafeSerializer("x", salt="unsubscribe").dumps([cast.owner.id, "all"]).split(".")[0]
        assert client.post(f"/unsubscribe/{forged}.{signature}", data=ONE_CLICK).status_code == 400
        assert client.post(path[:-2], data=ONE_CLICK).status_code == 400
        assert _settings_rows() == 0

    def test_an_unknown_scope_is_a_400_and_writes_nothing(self, client, cast):
        path = "/unsubscribe/" + unsubscribe.token("test-secret", cast.member.id, "reminder")
        response = client.post(path, data={"scope": "everything"})
        assert (
            response.status_code == 400 and "scope must be kind (these e-mails) or all (every e-mail)." in response.text
        )
        assert _settings_rows() == 0

    def test_a_gone_account_is_a_404(self, client, cast):
        path = "/unsubscribe/" + unsubscribe.token("test-secret", 10**9, "reminder")
        assert client.get(path).status_code == 404 and client.post(path, data=ONE_CLICK).status_code == 404


def test_every_kind_says_what_its_emails_are_about():
    assert set(unsubscribe.ABOUT) == {*KINDS, unsubscribe.ALL}
