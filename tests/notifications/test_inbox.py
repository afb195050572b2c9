"""Notifications in the app and their API: pages newest first, marking read (only one's own), the settings (round
trip, every refusal writes nothing) and that a changed setting decides what the next change brings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from planner.extensions import db
from planner.models import GroupNotificationSetting, Notification, NotificationSettings
from planner.models.notification import KINDS
from planner.services import events, inbox
from planner.services.notify_text import text_of
from tests import factories as f
from tests.notifications.conftest import add_member, bearer, kinds, run_jobs
from tests.notifications.conftest import inbox as rows_of
from tests.web.helpers import submit

OUTING = {
    "title": "Lake loop",
    "starts_at": "2030-01-05T08:30",
    "ends_at": "2030-01-05T12:00",
    "timezone": "Europe/Berlin",
    "capacity": 10,
    "activity": "hiking",
    "lat": 52.5,
    "lon": 13.4,
}
DEFAULT_CHANNELS = dict.fromkeys(KINDS, "email")


def tell(user, count: int, start: int = 0) -> list[Notification]:
    """count join_approved notifications for user, oldest first, numbered from start."""
    rows = [
        Notification(
            user_id=user.id,
            kind="join_approved",
            key=f"test:{start + i}",
            params={"group_name": f"Group {start + i}"},
            url=f"/groups/{start + i + 1}",
        )
        for i in range(count)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def stored(user) -> dict:
    """What the database holds of user's notification settings and read marks."""
    db.session.expire_all()
    personal = db.session.get(NotificationSettings, user.id)
    groups = db.session.execute(
        select(GroupNotificationSetting.group_id, GroupNotificationSetting.new_outings).where(
            GroupNotificationSetting.user_id == user.id
        )
    ).all()
    return {
        "channels": personal.channels if personal else None,
        "offsets": personal.reminder_offsets_h if personal else None,
        "groups": sorted(groups),
        "read": db.session.scalar(text("SELECT count(read_at) FROM notifications WHERE user_id = :u"), {"u": user.id}),
    }


def outing(cast) -> None:
    """A new outing in the cast's group, its notifications fanned out."""
    events.create_event(cast.group.id, cast.organiser, OUTING)


class TestPages:
    def test_pages_come_newest_first_twenty_at_a_time(self, client, cast):
        rows = tell(cast.member, 45)
        newest_first = [row.id for row in reversed(rows)]
        seen, page, pages = [], 1, 0
        while page:
            answer = client.get(f"/api/v1/me/notifications?page={page}", headers=bearer(cast.member)).get_json()
            seen += [item["id"] for item in answer["items"]]
            assert answer["unread"] == 45 and answer["page"] == page
            page, pages = answer["next_page"], pages + 1
        assert seen == newest_first and pages == 3
        last = client.get("/api/v1/me/notifications?page=3", headers=bearer(cast.member)).get_json()
        assert len(last["items"]) == 5 and last["next_page"] is None

    def test_an_item_carries_its_sentence_and_link(self, client, cast, app):
        outing(cast)
        run_jobs(app)
        (item,) = client.get("/api/v1/me/notifications", headers=bearer(cast.member)).get_json()["items"]
        row = rows_of(cast.member)[0]
        assert item == {
            "id": row.id,
            "kind": "new_outing",
            "created_at": item["created_at"],
            "read": False,
            "text": text_of("new_outing", row.params),
            "url": row.url,
            "event_id": row.event_id,
            "group_id": cast.group.id,
        }
        assert item["text"].startswith(f"New outing in {cast.group.name}: Lake loop, Sat 05 Jan 2030, 08:30 CET")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", item["created_at"])

    def test_a_page_past_the_end_is_empty_and_a_bad_page_is_a_400(self, client, cast):
        tell(cast.member, 3)
        past = client.get("/api/v1/me/notifications?page=9", headers=bearer(cast.member)).get_json()
        assert past["items"] == [] and past["next_page"] is None and past["unread"] == 3
        for bad in ("0", "x", "-1", "100001"):
            answer = client.get(f"/api/v1/me/notifications?page={bad}", headers=bearer(cast.member))
            assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "page", bad

    def test_params_that_do_not_fit_still_give_a_sentence(self, client, cast):
        db.session.add(
            Notification(user_id=cast.member.id, kind="reminder", key="odd", params={}, url="//evil.example")
        )
        db.session.commit()
        (item,) = client.get("/api/v1/me/notifications", headers=bearer(cast.member)).get_json()["items"]
        assert item["text"] == "Reminders before outings you're going to." and item["url"] == "/me/notifications"


class TestMarkingRead:
    def test_by_ids_only_the_callers_own(self, client, cast):
        mine, theirs = tell(cast.member, 3), tell(cast.owner, 2, start=10)
        ids = [mine[0].id, mine[2].id, theirs[0].id, 987654321]
        answer = client.post("/api/v1/me/notifications/read", json={"ids": ids}, headers=bearer(cast.member))
        assert answer.status_code == 200 and answer.get_json() == {"unread": 1}
        db.session.expire_all()
        assert [row.read_at is not None for row in rows_of(cast.member)] == [True, False, True]
        assert [row.read_at for row in rows_of(cast.owner)] == [None, None]
        items = client.get("/api/v1/me/notifications", headers=bearer(cast.member)).get_json()["items"]
        assert [item["read"] for item in items] == [True, False, True]

    def test_all_of_them(self, client, cast):
        tell(cast.member, 25)
        tell(cast.owner, 2, start=100)
        answer = client.post("/api/v1/me/notifications/read", json={"all": True}, headers=bearer(cast.member))
        assert answer.get_json() == {"unread": 0}
        assert stored(cast.member)["read"] == 25 and stored(cast.owner)["read"] == 0
        again = client.post("/api/v1/me/notifications/read", json={"all": True}, headers=bearer(cast.member))
        assert again.get_json() == {"unread": 0}

    def test_an_empty_list_changes_nothing(self, client, cast):
        tell(cast.member, 2)
        answer = client.post("/api/v1/me/notifications/read", json={"ids": []}, headers=bearer(cast.member))
        assert answer.get_json() == {"unread": 2}

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"all": False},
            {"all": "yes"},
            {"all": 1},
            {"ids": "1"},
            {"ids": [0]},
            {"ids": [True]},
            {"ids": [1.5]},
            {"ids": [2**63]},
            {"ids": [1], "all": True},
            {"ids": list(range(1, 1002))},
            [1, 2],
        ],
    )
    def test_bad_bodies_are_a_400_naming_the_field_and_mark_nothing(self, client, cast, body):
        tell(cast.member, 2)
        answer = client.post("/api/v1/me/notifications/read", json=body, headers=bearer(cast.member))
        assert answer.status_code == 400
        error = answer.get_json()["error"]
        assert error["message"] and error["field"] in ("ids", "all", None)
        assert stored(cast.member)["read"] == 0

    def test_the_unread_count_stops_at_its_cap(self, ctx, cast):
        tell(cast.member, 7)
        assert inbox.unread_count(cast.member.id) == 7 and inbox.unread_count(cast.member.id, cap=5) == 5


class TestAuth:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/api/v1/me/notifications"),
            ("POST", "/api/v1/me/notifications/read"),
            ("GET", "/api/v1/me/notification-settings"),
            ("PUT", "/api/v1/me/notification-settings"),
        ],
    )
    def test_without_a_token_it_is_a_401(self, client, cast, method, path):
        tell(cast.member, 1)
        for headers in ({}, {"Authorization": "Bearer nonsense"}):
            answer = client.open(path, method=method, json={"all": True}, headers=headers)
            assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"
        assert stored(cast.member)["read"] == 0 and stored(cast.member)["channels"] is None


def with_ids(value, ids: dict):
    """value with the placeholders "OWN" and "OTHER" (values and keys) replaced by group ids."""
    if isinstance(value, dict):
        return {ids.get(key, key): with_ids(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [with_ids(item, ids) for item in value]
    return ids.get(value, value) if isinstance(value, str) else value


class TestSettings:
    def test_defaults_are_filled_in(self, client, cast):
        answer = client.get("/api/v1/me/notification-settings", headers=bearer(cast.member)).get_json()
        assert answer == {
            "channels": DEFAULT_CHANNELS,
            "email_all": True,
            "reminder_offsets_h": [24, 2],
            "groups": [{"group_id": cast.group.id, "name": cast.group.name, "new_outings": "every"}],
        }
        outsider = client.get("/api/v1/me/notification-settings", headers=bearer(cast.outsider)).get_json()
        assert outsider["groups"] == []

    def test_a_pending_request_is_not_a_group_to_set(self, client, private_cast):
        add_member(private_cast.group, private_cast.outsider, status="pending")
        answer = client.get("/api/v1/me/notification-settings", headers=bearer(private_cast.outsider)).get_json()
        assert answer["groups"] == []
        refused = client.put(
            "/api/v1/me/notification-settings",
            json={"groups": [{"group_id": private_cast.group.id, "new_outings": "off"}]},
            headers=bearer(private_cast.outsider),
        )
        assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "groups"

    def test_round_trip_and_only_changes_from_the_default_are_stored(self, client, cast):
        headers = bearer(cast.member)
        body = {
            "channels": {"new_outing": "app", "reminder": "off"},
            "email_all": False,
            "reminder_offsets_h": [1, 48],
            "groups": [{"group_id": cast.group.id, "new_outings": "digest"}],
        }
        answer = client.put("/api/v1/me/notification-settings", json=body, headers=headers)
        assert answer.status_code == 200
        expected = {
            "channels": {**DEFAULT_CHANNELS, "new_outing": "app", "reminder": "off"},
            "email_all": False,
            "reminder_offsets_h": [48, 1],
            "groups": [{"group_id": cast.group.id, "name": cast.group.name, "new_outings": "digest"}],
        }
        assert answer.get_json() == expected
        assert client.get("/api/v1/me/notification-settings", headers=headers).get_json() == expected
        assert stored(cast.member)["channels"] == {"new_outing": "app", "reminder": "off", "all": "app"}
        back = {
            "channels": {"new_outing": "email"},
            "email_all": True,
            "groups": [{"group_id": cast.group.id, "new_outings": "every"}],
        }
        assert client.put("/api/v1/me/notification-settings", json=back, headers=headers).status_code == 200
        assert stored(cast.member) == {"channels": {"reminder": "off"}, "offsets": [48, 1], "groups": [], "read": 0}

    def test_a_subset_leaves_the_rest_alone(self, client, cast):
        headers = bearer(cast.member)
        client.put("/api/v1/me/notification-settings", json={"channels": {"post_reply": "off"}}, headers=headers)
        answer = client.put("/api/v1/me/notification-settings", json={"reminder_offsets_h": []}, headers=headers)
        assert answer.get_json()["channels"]["post_reply"] == "off"
        assert answer.get_json()["reminder_offsets_h"] == [] and answer.get_json()["email_all"] is True
        assert client.put("/api/v1/me/notification-settings", json={}, headers=headers).status_code == 200
        assert stored(cast.member)["channels"] == {"post_reply": "off"}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"channels": {"gossip": "app"}}, "channels"),
            ({"channels": {"new_outing": "sms"}}, "channels"),
            ({"channels": {"new_outing": None}}, "channels"),
            ({"channels": ["new_outing"]}, "channels"),
            ({"email_all": "no"}, "email_all"),
            ({"email_all": 0}, "email_all"),
            ({"reminder_offsets_h": [0]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": [169]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": [1, 2, 3, 4, 5, 6]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": [24, 24]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": ["soon"]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": [True]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": [2.5]}, "reminder_offsets_h"),
            ({"reminder_offsets_h": 24}, "reminder_offsets_h"),
            ({"groups": [{"group_id": "OWN", "new_outings": "weekly"}]}, "groups"),
            ({"groups": [{"group_id": "OWN", "new_outings": "off"}] * 2}, "groups"),
            ({"groups": [{"group_id": "OTHER", "new_outings": "off"}]}, "groups"),
            ({"groups": [{"group_id": 2**31, "new_outings": "off"}]}, "groups"),
            ({"groups": [{"new_outings": "off"}]}, "groups"),
            ({"groups": {"OWN": "off"}}, "groups"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(self, client, cast, body, field):
        body = with_ids(body, {"OWN": cast.group.id, "OTHER": f.group(cast.outsider).id})
        valid_too = {"channels": {"post_reply": "off"}, "email_all": False, **body}  # a good part is not kept either
        for sent in (body, valid_too):
            answer = client.put("/api/v1/me/notification-settings", json=sent, headers=bearer(cast.member))
            assert answer.status_code == 400, answer.get_json()
            error = answer.get_json()["error"]
            assert error["field"] == field and error["message"], error
            assert stored(cast.member) == {"channels": None, "offsets": None, "groups": [], "read": 0}

    def test_a_body_that_is_not_an_object_is_a_400(self, client, cast):
        for data in ("[]", "null", "not json"):
            answer = client.put(
                "/api/v1/me/notification-settings",
                data=data,
                content_type="application/json",
                headers=bearer(cast.member),
            )
            assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_json"


class TestSettingsTakeEffect:
    def test_new_outings_off_for_a_group_means_no_notification_of_the_next_outing(self, client, app, cast):
        body = {"groups": [{"group_id": cast.group.id, "new_outings": "off"}]}
        assert client.put("/api/v1/me/notification-settings", json=body, headers=bearer(cast.member)).status_code == 200
        outing(cast)
        run_jobs(app)
        assert kinds(cast.member) == [] and kinds(cast.owner) == ["new_outing"]

    def test_in_app_only_gives_a_row_without_email(self, client, app, cast):
        body = {"channels": {"new_outing": "app"}}
        client.put("/api/v1/me/notification-settings", json=body, headers=bearer(cast.member))
        outing(cast)
        run_jobs(app)
        assert [(n.kind, n.email_status) for n in rows_of(cast.member)] == [("new_outing", "none")]
        assert [n.email_status for n in rows_of(cast.owner)] == ["sent"]

    def test_no_email_at_all_keeps_everything_in_the_app(self, client, app, cast):
        client.put("/api/v1/me/notification-settings", json={"email_all": False}, headers=bearer(cast.member))
        outing(cast)
        run_jobs(app)
        assert [(n.kind, n.email_status) for n in rows_of(cast.member)] == [("new_outing", "none")]

    def test_a_kind_turned_off_is_not_told(self, client, app, cast):
        client.put(
            "/api/v1/me/notification-settings", json={"channels": {"new_outing": "off"}}, headers=bearer(cast.member)
        )
        outing(cast)
        run_jobs(app)
        assert kinds(cast.member) == []


def log_in(client, user) -> None:
    """Log user in through the form."""
    assert submit(client, "/login", {"email": user.email, "password": f.PASSWORD}).status_code == 302


class TestPagesInTheApp:
    def test_logged_out_the_pages_ask_to_log_in(self, client, cast):
        for path in ("/me/notifications", "/me/notifications/settings", "/me/notifications/1"):
            answer = client.get(path)
            assert answer.status_code == 302 and "/login" in answer.headers["Location"], path

    def test_the_list_and_the_bell(self, client, cast):
        tell(cast.member, 22)
        log_in(client, cast.member)
        html = client.get("/groups").get_data(as_text=True)
        assert 'aria-label="Notifications, 22 unread"' in html and '<span class="badge" aria-hidden="true">22<' in html
        page = client.get("/me/notifications").get_data(as_text=True)
        assert page.count('<li class="unread">') == 20 and "Group 21" in page and 'rel="next"' in page
        assert "Mark all read" in page
        older = client.get("/me/notifications?page=2").get_data(as_text=True)
        assert older.count('<li class="unread">') == 2 and 'rel="prev"' in older and 'rel="next"' not in older

    def test_opening_one_marks_it_read_and_goes_to_its_page(self, client, cast):
        mine, theirs = tell(cast.member, 2), tell(cast.owner, 1, start=50)
        log_in(client, cast.member)
        answer = client.get(f"/me/notifications/{mine[0].id}")
        assert answer.status_code == 302 and answer.headers["Location"] == mine[0].url
        db.session.expire_all()
        assert [row.read_at is not None for row in rows_of(cast.member)] == [True, False]
        assert 'aria-label="Notifications, 1 unread"' in client.get("/groups").get_data(as_text=True)
        for other in (theirs[0].id, 987654321, 2**63, 2**70):
            assert client.get(f"/me/notifications/{other}").status_code == 404
        assert stored(cast.owner)["read"] == 0

    def test_mark_all_read_clears_the_badge(self, client, cast):
        tell(cast.member, 3)
        log_in(client, cast.member)
        answer = submit(client, "/me/notifications/read-all", {}, page="/me/notifications", follow_redirects=True)
        html = answer.get_data(as_text=True)
        assert "All notifications marked read." in html and 'class="badge"' not in html
        assert 'aria-label="Notifications"' in html and "Mark all read" not in html
        assert stored(cast.member)["read"] == 3

    def test_read_all_needs_a_session_and_a_csrf_token(self, client, cast):
        tell(cast.member, 1)
        assert client.post("/me/notifications/read-all").status_code in (400, 401)
        log_in(client, cast.member)
        assert client.post("/me/notifications/read-all").status_code == 400
        assert stored(cast.member)["read"] == 0

    def test_the_settings_form_saves(self, client, cast):
        log_in(client, cast.member)
        form = {
            "settings_form": "1",
            **{f"channel_{kind}": "email" for kind in KINDS},
            "channel_thread_post": "app",
            "email_off": "1",
            "reminder_offsets_h": ["1", "48"],
            f"group_{cast.group.id}": "digest",
        }
        answer = submit(client, "/me/notifications/settings", form, follow_redirects=True)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "Notification settings saved" in html
        assert stored(cast.member) == {
            "channels": {"thread_post": "app", "all": "app"},
            "offsets": [48, 1],
            "groups": [(cast.group.id, "digest")],
            "read": 0,
        }
        assert re.search(r'name="email_off" value="1"\s+checked', html)
        assert re.search(
            rf'name="group_{cast.group.id}">\s*<option value="every">[^<]*</option><option value="digest" selected',
            html,
        )

    def test_a_refused_form_says_why_keeps_the_choices_and_writes_nothing(self, client, cast):
        log_in(client, cast.member)
        form = {
            "settings_form": "1",
            "channel_post_reply": "off",
            "reminder_offsets_h": ["1", "2", "6", "24", "48", "168"],
        }
        answer = submit(client, "/me/notifications/settings", form)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400 and "Choose at most 5 reminders." in html
        assert re.search(r'<option value="off" selected>Off</option>', html)  # post_reply as sent
        assert stored(cast.member) == {"channels": None, "offsets": None, "groups": [], "read": 0}

    def test_the_settings_page_lists_kinds_and_groups(self, client, cast):
        log_in(client, cast.member)
        html = client.get("/me/notifications/settings").get_data(as_text=True)
        for label in inbox.KIND_LABELS.values():
            assert label.replace("'", "&#39;") in html
        assert f'<label for="group-{cast.group.id}">{cast.group.name}</label>' in html
        assert re.search(r'value="24"\s+checked', html) and re.search(r'value="2"\s+checked', html)
