"""Error messages read in the request's language: the same status, code and field in English and in Chinese, the
message in Chinese naming only the field (an API identifier) in English; English unchanged. The web forms show the
same ServiceErrors in the reader's language too."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest

from planner.errors import NotFound
from planner.i18n import save_user_locale
from planner.services import accounts
from planner.services.access import visible_group
from tests import factories
from tests.web.helpers import submit

ZH = {"Accept-Language": "zh-CN"}
NEW_EVENT = {"title": "Walk", "starts_at": "2030-05-01T08:00", "ends_at": "2030-05-01T12:00", "capacity": 5}
HAN = re.compile(r"[\u4e00-\u9fff]")
# A field name as the Chinese messages quote it, or a value to send as the English ones do ('easy').
QUOTED = re.compile(r"“[^”]*”|'[^']*'")


def english_words(message: str) -> set[str]:
    """The English words of a Chinese message outside its quoted field names and values."""
    return set(re.findall(r"[A-Za-z]{2,}", QUOTED.sub("", message)))


@dataclass
class Case:
    """One refused request: how to make it and what it answers."""

    status: int
    code: str
    field: str | None
    english: str
    method: str = "GET"
    path: str = ""
    body: dict | None = None
    auth: bool = False
    chinese: str | None = None  # the exact Chinese, where the test pins it
    options: dict = field(default_factory=dict)


CASES = {
    "missing field": Case(
        400, "invalid_field", "starts_at", "'starts_at' is required.", "POST", "/groups/{group}/events",
        {k: v for k, v in NEW_EVENT.items() if k != "starts_at"}, auth=True, chinese="“starts_at”为必填项。",
    ),
    "number out of range": Case(
        400, "out_of_range", "lat", "'lat' must be at most 90.0.", path="/events/nearby?lat=91&lon=120",
        chinese="“lat”不能大于 90.0。",
    ),
    "bad time": Case(
        400, "invalid_time", "starts_at", "'starts_at' must be ISO 8601, e.g. 2026-12-05T08:30:00+08:00.", "POST",
        "/groups/{group}/events", {**NEW_EVENT, "starts_at": "next Sunday"}, auth=True,
    ),
    "bad bbox": Case(
        400, "invalid_bbox", "bbox", "'bbox' must be four numbers: minlon,minlat,maxlon,maxlat.",
        path="/events?bbox=1,2,3",
    ),
    "unknown group": Case(404, "not_found", None, "No such group.", path="/groups/999999", chinese="找不到该小组。"),
    "wrong method": Case(405, "method_not_allowed", None, "This address does not accept this method.", path="/tokens"),
    "refused log-in": Case(
        401, "bad_credentials", None, "Email or password is wrong.", "POST", "/tokens",
        {"email": "nobody@example.org", "password": "not the password"},
    ),
    "taken email": Case(
        409, "email_taken", "email", "An account with this email already exists.", "POST", "/users",
        {"email": "{email}", "password": "a sturdy passphrase", "display_name": "Ana"},
    ),
    "pydantic type without a sentence of ours": Case(
        400, "invalid_field", "ids", "'ids': input should be a valid list.", "POST", "/me/notifications/read",
        {"ids": "7"}, auth=True, chinese="“ids”须为列表。",
    ),
    "list too long": Case(
        400, "invalid_field", "ids",
        "'ids': list should have at most 1000 items after validation, not 1001.", "POST", "/me/notifications/read",
        {"ids": list(range(1, 1002))}, auth=True,
    ),
    "one of several choices": Case(
        400, "invalid_choice", "difficulty", "'difficulty' must be one of: 'easy', 'moderate', 'hard' or 'expert'.",
        path="/events/nearby?lat=30&lon=120&difficulty=extreme",
        chinese="“difficulty”须为 'easy', 'moderate', 'hard' 或 'expert' 之一。",
    ),
}  # fmt: skip


@pytest.fixture
def owner(ctx):
    """A user owning a group."""
    user = factories.user("Olga")
    return user, factories.group(user)


def _ask(client, case: Case, owner, headers: dict) -> dict:
    """Make case's request; its JSON answer, checked to have case's status."""
    user, grp = owner
    path = "/api/v1" + case.path.format(group=grp.id)
    body = case.body
    if body and body.get("email") == "{email}":
        body = {**body, "email": user.email}
    if case.auth:
        token, _ = accounts.issue_token(user, 1)
        headers = {**headers, "Authorization": f"Bearer {token}"}
    response = client.open(path, method=case.method, json=body, headers=headers)
    assert response.status_code == case.status, response.get_data(as_text=True)
    return response.get_json()["error"]


@pytest.mark.parametrize("name", list(CASES))
def test_an_error_reads_in_chinese_with_the_same_status_code_and_field(client, owner, name):
    case = CASES[name]
    english = _ask(client, case, owner, {})
    chinese = _ask(client, case, owner, ZH)
    assert (english["code"], english["field"]) == (chinese["code"], chinese["field"]) == (case.code, case.field)
    assert english["message"] == case.english
    message = chinese["message"]
    assert HAN.search(message) and english_words(message) == set(), message
    if f"'{case.field}'" in case.english:
        assert f"“{case.field}”" in message
    if case.chinese:
        assert message == case.chinese


def test_a_too_large_upload_reads_in_chinese(client, owner, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    token, _ = accounts.issue_token(owner[0], 1)
    for headers, message in (({}, "The upload is larger than this server accepts."), (ZH, None)):
        response = client.post(
            "/api/v1/routes",
            data={"file": (io.BytesIO(b" " * 20_000), "big.gpx")},
            headers={**headers, "Authorization": f"Bearer {token}"},
            content_type="multipart/form-data",
        )
        error = response.get_json()["error"]
        assert (response.status_code, error["code"]) == (413, "file_too_large")
        if message:
            assert error["message"] == message
        else:
            assert HAN.search(error["message"]) and english_words(error["message"]) == set()


def test_a_405_names_the_allowed_methods(client):
    response = client.get("/api/v1/tokens")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_the_lang_cookie_chooses_the_language_too(client, ctx):
    client.set_cookie("lang", "zh_Hans")
    refused = client.get("/api/v1/events?bbox=1,2,3,x", headers={"Accept-Language": "en"})
    assert refused.get_json()["error"]["message"] == (
        "“bbox”须为用逗号分隔的四个数：最小经度、最小纬度、最大经度、最大纬度。"
    )


def test_english_is_the_default_and_str_stays_english(client, ctx):
    assert client.get("/api/v1/groups/999999", headers={"Accept-Language": "fr"}).get_json()["error"] == {
        "code": "not_found",
        "message": "No such group.",
        "field": None,
    }
    with pytest.raises(NotFound) as refused:
        visible_group(999999, None)
    assert str(refused.value) == "No such group."


class TestWebForms:
    @pytest.mark.parametrize("chosen_by", ["lang cookie", "saved setting"])
    def test_a_service_error_on_the_outing_form_reads_in_chinese(self, client, owner, chosen_by):
        user, grp = owner
        if chosen_by == "lang cookie":
            client.set_cookie("lang", "zh_Hans")
        else:
            save_user_locale(user, "zh_Hans")
        assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302
        response = submit(
            client,
            f"/groups/{grp.id}/events/new",
            {
                "title": "夜跑",
                "starts_at": "2030-01-05T19:00",
                "ends_at": "2030-01-05T21:00",
                "timezone": "Asia/Shanghai",
                "capacity": "8",
                "activity": "running",
                "difficulty": "",
                "route_id": "999999",
                "lat": "30.25",
                "lon": "120.15",
            },
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "请选择本小组的路线或你自己的路线。" in html and "one of your own" not in html


def test_a_token_owners_saved_language_is_the_apis_language(client, ctx):
    user = factories.user("小李")
    save_user_locale(user, "zh_Hans")
    token, _ = accounts.issue_token(user, 1)
    answer = client.get("/api/v1/groups/999999", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["error"]["code"] == "not_found" and HAN.search(answer["error"]["message"])
    anonymous = client.get("/api/v1/groups/999999").get_json()
    assert not HAN.search(anonymous["error"]["message"])
