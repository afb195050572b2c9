"""Notifications, e-mails, calendar feeds and their pages in the reader's language (issue 13): each e-mail in its
recipient's saved language (else English), the in-app list, settings, calendar, unsubscribe, outbox and error
pages in Chinese with no English a person reads, and the words the feeds add in the feed's language."""

from __future__ import annotations

import html as html_escape
import re
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, refresh
from icalendar import Calendar
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    ServiceUnavailable,
    TooManyRequests,
)

from planner.extensions import db
from planner.i18n import current_locale
from planner.models import GroupNotificationSetting, NotificationSettings, User
from planner.services import events, feeds, meeting_points, notify, reminders, routes, rsvp, unsubscribe
from planner.services.notify_text import text_of
from planner.times import now_utc
from planner.web.errors import html_error
from tests import factories
from tests.community.conftest import add_member, bearer, north_line_gpx
from tests.notifications.conftest import inbox, run_jobs
from tests.notifications.smtp_server import smtp_fixture  # noqa: F401  (the smtp fixture)
from tests.web.helpers import submit
from tests.web.test_i18n import ALLOWED_ENGLISH, english_words

ZH = "zh_Hans"
CHINESE = {"Accept-Language": "zh-CN"}
OUTING = {
    "title": "龙井问茶徒步",
    "description": "带够水。",
    "starts_at": "2030-01-05T08:30",
    "ends_at": "2030-01-05T12:00",
    "timezone": "Asia/Shanghai",
    "capacity": 10,
    "activity": "hiking",
    "lat": 30.2,
    "lon": 120.1,
}
# E-mails may hold what pages may: the brand "planner" and the zone abbreviation after a time ("CST").
MAIL_ALLOWED = ALLOWED_ENGLISH
URL = re.compile(r"https?://\S+")


@dataclass
class Hangzhou:
    """A Chinese group: its owner (organiser of the outings), a member who reads Chinese and one who reads English."""

    group: object
    owner: User
    reader: User
    english: User


@pytest.fixture
def hz(ctx) -> Hangzhou:
    owner, reader, english = factories.user("王芳"), factories.user("小李"), factories.user("Mia")
    reader.locale = ZH
    group = factories.group(owner, name="西湖徒步群", lat=30.25, lon=120.15)
    add_member(group, reader)
    add_member(group, english)
    return Hangzhou(group, owner, reader, english)


def _outing(hz: Hangzhou, **changes):
    return events.create_event(hz.group.id, hz.owner, {**OUTING, **changes})


def _parts(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def _text_words(text: str, allowed: set[str]) -> set[str]:
    """The English words of a text part, links left out."""
    return english_words(html_escape.escape(URL.sub(" ", text)), allowed)


def _log_in(client, user: User) -> None:
    assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302


class TestTheWorkersLanguage:
    def test_force_locale_switches_an_app_context_without_a_request(self, app):
        with app.app_context():  # as a job runs
            assert current_locale() == "en" and gettext("Notifications") == "Notifications"
            with force_locale(ZH):
                assert current_locale() == ZH and gettext("Notifications") == "通知"
                assert render_template_string("{{ _('Notifications') }} {{ 1234|km }}") == "通知 1.2 公里"
            assert current_locale() == "en" and gettext("Notifications") == "Notifications"


class TestEmails:
    def test_one_batch_writes_each_recipient_in_their_own_language(self, app, hz, smtp):
        event = _outing(hz)
        run_jobs(app)
        (chinese,) = smtp.inbox.to(hz.reader.email)
        (english,) = smtp.inbox.to(hz.english.email)
        assert chinese["Subject"] == "“西湖徒步群”发布了新活动：龙井问茶徒步，2030年1月5日 周六 08:30 CST。"
        assert english["Subject"] == "New outing in 西湖徒步群: 龙井问茶徒步, Sat 05 Jan 2030, 08:30 CST."
        text, html = _parts(chinese)
        assert "小李，你好：" in text and "查看活动：" in text and f"/events/{event.id}" in text
        assert "你收到这封邮件，是因为你开启了“小组新活动”邮件通知。" in text
        assert '<html lang="zh-Hans">' in html and ">查看活动<" in html and "不再接收 planner 的任何邮件" in html
        assert _text_words(text, MAIL_ALLOWED) == set() and english_words(html, MAIL_ALLOWED) == set()
        for header in ("List-Unsubscribe", "List-Unsubscribe-Post"):
            assert chinese[header].replace(urlsplit(chinese[header].strip("<>")).path, "") == english[header].replace(
                urlsplit(english[header].strip("<>")).path, ""
            )
        english_text, english_html = _parts(english)
        assert "Hello Mia," in english_text and "See the outing: " in english_text
        assert "You get this e-mail because e-mail is on for new outings in your groups." in english_text
        assert '<html lang="en">' in english_html

    def test_a_chinese_reminder_has_chinese_times_units_and_meeting_point(self, app, hz, smtp):
        route = routes.import_gpx(hz.owner.id, north_line_gpx(), activity="hiking", group_id=hz.group.id)
        event = _outing(hz, route_id=route.id)
        point = meeting_points.add(
            event.id, hz.owner, {"name": "断桥", "lat": 30.21, "lon": 120.1, "meet_at": "2030-01-05T08:00"}
        )
        rsvp.rsvp(event.id, hz.reader, point.id)
        run_jobs(app)
        smtp.inbox.received.clear()
        params = {"offset_h": 24, **reminders.describe(event, hz.reader.id, point.id)}
        notify.commit(
            notify.insert(
                "reminder", "listed", "reminder:zh", params, url=f"/events/{event.id}", user_ids=[hz.reader.id]
            )
        )
        run_jobs(app)
        (message,) = smtp.inbox.to(hz.reader.email)
        assert message["Subject"] == "提醒：龙井问茶徒步，2030年1月5日 周六 08:30 CST"
        text, html = _parts(message)
        assert "提醒：“龙井问茶徒步”将于 2030年1月5日 周六 08:30 CST 开始。" in text
        assert "时间：2030年1月5日 周六 08:30 CST\n集合地点：断桥，08:00\n" in text
        assert re.search(r"路线：\d+\.\d 公里，爬升 \d+ 米，预计用时 (\d+ 小时 )?\d+ 分钟", text), text
        assert "组织者说明：\n带够水。" in text and ">集合地点<" in html and ">组织者说明<" in html
        assert _text_words(text, MAIL_ALLOWED) == set() and english_words(html, MAIL_ALLOWED) == set()
        with force_locale(ZH):
            said = text_of("reminder", inbox(hz.reader)[-1].params)
        assert said.startswith("提醒：“龙井问茶徒步”将于 2030年1月5日 周六 08:30 CST 开始。集合：断桥，08:00。路线：")

    def test_a_chinese_digest_and_a_moved_meeting_point(self, app, hz, smtp):
        db.session.add(GroupNotificationSetting(user_id=hz.reader.id, group_id=hz.group.id, new_outings="digest"))
        db.session.commit()
        first = _outing(hz)
        _outing(hz, title="九溪夜跑", starts_at="2030-01-06T19:00", ends_at="2030-01-06T21:00")
        run_jobs(app)
        reminders.send_digests(now_utc())
        run_jobs(app)
        (digest,) = smtp.inbox.to(hz.reader.email)
        assert digest["Subject"] == "“西湖徒步群”的新活动"
        text, html = _parts(digest)
        assert "“西湖徒步群”本周新发布了 2 个活动：" in text and "- 龙井问茶徒步，2030年1月5日 周六 08:30 CST" in text
        assert "查看小组：" in text and _text_words(text, MAIL_ALLOWED) == set()
        assert english_words(html, MAIL_ALLOWED) == set()
        point = meeting_points.add(
            first.id, hz.owner, {"name": "断桥", "lat": 30.21, "lon": 120.1, "meet_at": "2030-01-05T08:00"}
        )
        rsvp.rsvp(first.id, hz.reader, point.id)
        run_jobs(app)
        meeting_points.update(
            point.id, hz.owner, {"name": "苏堤", "lat": 30.22, "lon": 120.1, "meet_at": "2030-01-05T08:15"}
        )
        run_jobs(app)
        moved = smtp.inbox.to(hz.reader.email)[-1]
        assert moved["Subject"] == "“龙井问茶徒步”：你的集合点已从“断桥，08:00”改为“苏堤，08:15”。"
        text, html = _parts(moved)
        assert "原来：断桥，08:00\n现在：苏堤，08:15" in text and "<del>断桥，08:00</del>" in html
        assert _text_words(text, MAIL_ALLOWED) == set() and english_words(html, MAIL_ALLOWED) == set()

    def test_every_kind_reads_chinese_in_chinese(self, ctx):
        starts = {"starts_at": "2030-01-05T00:30:00Z", "timezone": "Asia/Shanghai"}
        samples = {
            "new_outing": {"group_name": "群", "title": "活动", "when": "W", **starts},
            "outing_changed": {"title": "活动", "when": "W", "what": ["time", "place", "route"], **starts},
            "outing_cancelled": {"title": "活动", "when": "W", **starts},
            "meeting_point_changed": {
                "title": "活动",
                "old": {"name": "断桥", "meet_at": None, "label": "断桥"},
                "new": None,
                "where": "at the start, 08:30",
                **starts,
            },
            "waitlist_promoted": {"title": "活动", "when": "W", **starts},
            "join_request": {"name": "小王", "group_name": "群"},
            "join_approved": {"group_name": "群"},
            "post_reply": {"author": "小王", "thread": "活动"},
            "thread_post": {"author": "小王", "thread": "活动"},
        }
        with force_locale(ZH):
            said = {kind: text_of(kind, params) for kind, params in samples.items()}
        assert said["outing_changed"] == "“活动”：开始时间改为 2030年1月5日 周六 08:30 CST，起点已更改，路线已更改。"
        assert said["meeting_point_changed"] == "“活动”：你选的集合点“断桥”已移除，现改为：起点，08:30。"
        for kind, text in said.items():
            assert not re.search(r"[A-Za-z]{2,}", text.replace("CST", "")), (kind, text)


class TestPagesInChinese:
    def test_the_list_of_notifications_and_its_api_text(self, client, hz):
        _outing(hz)
        run_jobs(client.application)
        _log_in(client, hz.reader)
        client.set_cookie("tz", "Asia/Shanghai")  # as local_time.js sets it: times in the title read "… CST"
        page = client.get("/me/notifications")
        html = page.get_data(as_text=True)
        assert "“西湖徒步群”发布了新活动：龙井问茶徒步，2030年1月5日 周六 08:30 CST。" in html
        assert "1 条未读" in html and "全部标为已读" in html and english_words(html, ALLOWED_ENGLISH) == set()
        read = submit(client, "/me/notifications/read-all", {}, page="/me/notifications")
        assert "已将全部通知标为已读。" in client.get(read.headers["Location"]).get_data(as_text=True)
        token = bearer(hz.english)
        english = client.get("/api/v1/me/notifications", headers=token).get_json()["items"][0]["text"]
        chinese = client.get("/api/v1/me/notifications", headers={**token, **CHINESE}).get_json()["items"][0]["text"]
        assert english.startswith("New outing in 西湖徒步群: ") and chinese.startswith("“西湖徒步群”发布了新活动：")

    def test_the_settings_page(self, client, hz):
        _log_in(client, hz.reader)
        html = client.get("/me/notifications/settings").get_data(as_text=True)
        assert "提前 2 小时" in html and "提前 1 天" in html and "提前 1 周" in html and "邮件和站内" in html
        assert english_words(html, ALLOWED_ENGLISH) == set()
        saved = submit(client, "/me/notifications/settings", {"settings_form": "1", "reminder_offsets_h": "2"})
        assert "通知设置已保存" in client.get(saved.headers["Location"]).get_data(as_text=True)

    def test_the_calendar_page(self, client, hz):
        _log_in(client, hz.reader)
        html = client.get("/me/calendar").get_data(as_text=True)
        assert "在日历里查看你的活动" in html and "更换链接" in html
        # Calendar apps are named as they are sold, with the menu items they show in Chinese.
        assert english_words(html, ALLOWED_ENGLISH | {"Google", "Outlook", "Thunderbird"}) == set()

    def test_the_unsubscribe_pages(self, client, hz):
        client.set_cookie("lang", ZH)
        path = f"/unsubscribe/{unsubscribe.token(client.application.config['SECRET_KEY'], hz.reader.id, 'reminder')}"
        html = client.get(path).get_data(as_text=True)
        assert "你目前会收到“活动开始前提醒”邮件。" in html and "不再接收“活动开始前提醒”邮件" in html
        assert english_words(html, ALLOWED_ENGLISH) == set()
        done = client.post(path, data={"scope": "kind"}).get_data(as_text=True)
        assert "你将不再收到“活动开始前提醒”邮件。" in done and english_words(done, ALLOWED_ENGLISH) == set()
        everything = client.post(path, data={"scope": "all"}).get_data(as_text=True)
        assert "你将不再收到 planner 的任何邮件。" in everything
        assert english_words(everything, ALLOWED_ENGLISH) == set()

    @pytest.mark.parametrize(
        ("method", "path", "status", "says"),
        [("get", "/no/such/page", 404, "页面不存在。"), ("get", "/logout", 405, "无法以这种方式访问此页面。")],
    )
    def test_error_pages(self, client, ctx, method, path, status, says):
        response = getattr(client, method)(path, headers=CHINESE)
        html = response.get_data(as_text=True)
        assert response.status_code == status and says in html and "返回活动列表" in html
        assert english_words(html, ALLOWED_ENGLISH) == set()

    @pytest.mark.parametrize(
        "error",
        [
            BadRequest(),
            Forbidden(),
            NotFound(),
            MethodNotAllowed(),
            RequestEntityTooLarge(),
            TooManyRequests(),
            InternalServerError(),
            ServiceUnavailable("The database is unavailable for a moment. Please try again shortly."),
        ],
        ids=lambda e: str(e.code),
    )
    def test_every_error_page_has_a_chinese_title_and_sentence(self, app, ctx, error):
        with app.test_request_context("/", headers=CHINESE):
            refresh()  # the locale is chosen per request (the app does it when a request starts)
            html, status = html_error(error)
        assert status == error.code and english_words(html, ALLOWED_ENGLISH) == set(), html
        with app.test_request_context("/"):
            refresh()
            english, _ = html_error(error)
        assert "<h1>" in english and re.search(r"<p>[A-Z][a-z]", english)

    def test_the_outbox_pages(self, app, client, hz, monkeypatch, tmp_path):
        folder = tmp_path / "mail"
        monkeypatch.setitem(app.config, "SMTP_HOST", "")
        monkeypatch.setitem(app.config, "MAIL_DIR", str(folder))
        monkeypatch.setitem(app.config, "DEV_MAIL_PAGE", True)
        db.session.add(NotificationSettings(user_id=hz.english.id, channels={"all": "app"}))  # only Chinese e-mail
        db.session.commit()
        _outing(hz)
        run_jobs(app)
        client.set_cookie("lang", ZH)
        listing = client.get("/dev/mail").get_data(as_text=True)
        assert "发件箱" in listing and "仅用于开发。" in listing and "收件人：" in listing
        # Protocol and format names, the folder's path and the recipients' addresses are what they are.
        data = set(re.findall(r"[A-Za-z]{2,}", f"{folder} {hz.reader.email}"))
        assert english_words(listing, ALLOWED_ENGLISH | {"SMTP", "eml", "UTC"} | data) == set()
        name = sorted(folder.glob("*.eml"))[0].name
        message = client.get(f"/dev/mail/{name}").get_data(as_text=True)
        assert "返回发件箱" in message and "下载 .eml 文件" in message and "纯文本正文" in message

    def test_the_developers_pages_own_words(self, client, ctx):
        html = client.get("/developers", headers=CHINESE).get_data(as_text=True)
        for words in ("API 参考", "以下路径均相对于", "<caption>参数</caption>", "<caption>响应</caption>", "数据结构"):
            assert words in html, words
        # The operations' summaries come from the OpenAPI document, written in English for programmers.
        assert "Your notifications, newest first" in html


class TestFeeds:
    def test_the_personal_feed_is_in_its_owners_language(self, client, hz):
        event = _outing(hz)
        rsvp.rsvp(event.id, hz.reader)
        rsvp.rsvp(event.id, hz.english)
        events.cancel_event(event.id, hz.owner)

        def entry(user):
            path = urlsplit(feeds.feed_url(feeds.feed_url_key(user), "")).path
            calendar = Calendar.from_ical(client.get(path, headers={"Accept-Language": "en"}).data)
            return calendar, calendar.walk("VEVENT")[0]

        calendar, item = entry(hz.reader)
        assert str(calendar["x-wr-calname"]) == "我的活动" and str(item["summary"]) == "已取消：龙井问茶徒步"
        assert str(item["description"]) == "集合：起点，08:30\n\n带够水。"
        assert str(item["location"]).startswith("起点 (")
        calendar, item = entry(hz.english)
        assert str(calendar["x-wr-calname"]) == "My outings" and str(item["summary"]) == "Cancelled: 龙井问茶徒步"
        assert str(item["description"]).startswith("You meet at the start, 08:30")

    def test_the_group_feed_follows_the_requests_language(self, client, hz):
        event = _outing(hz)
        events.cancel_event(event.id, hz.owner)
        path = f"/groups/{hz.group.id}/calendar.ics"
        chinese = client.get(path, headers=CHINESE)
        calendar = Calendar.from_ical(chinese.data)
        item = calendar.walk("VEVENT")[0]
        assert str(calendar["x-wr-calname"]) == "西湖徒步群的活动" and str(item["summary"]) == "已取消：龙井问茶徒步"
        assert str(item["location"]).startswith("起点 (")
        assert {"Accept-Language", "Cookie"} <= set(chinese.vary)
        english = Calendar.from_ical(client.get(path).data)
        assert str(english["x-wr-calname"]) == "西湖徒步群 outings"
        assert str(english.walk("VEVENT")[0]["summary"]) == "Cancelled: 龙井问茶徒步"
