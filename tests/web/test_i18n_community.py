"""The groups and outings pages in Chinese (issue 13): groups, membership, the group and outing forms, the outing
page (RSVP box, waitlist, who is going, meeting points, the thread), post editing and the home area; their flashes;
and the same pages still in English."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from planner.extensions import db
from planner.models import Event, Group, Membership, Post, User
from planner.services import discussion, meeting_points, routes, rsvp, suggestions
from planner.web.community_forms import FORM_MESSAGES
from tests import factories
from tests.community.conftest import north_line_gpx
from tests.web.helpers import csrf_token, submit
from tests.web.test_i18n import ALLOWED_ENGLISH, HANGZHOU, ZH, _extract, _lang, english_words

START = datetime(2030, 5, 1, 11, 0, tzinfo=UTC)  # 19:00 in Hangzhou, a Wednesday night run
# Names of file formats, which Chinese pages write as they are.
ALLOWED = ALLOWED_ENGLISH | {"GPX", "Markdown"}
# The outing form's time zone select also lists the tz database's ids that have no Chinese name: UTC, GMT and the
# legacy zones (CST6CDT, EST5EDT, MST7MDT, PST8PDT), and the server's own "localtime".
FORM_ALLOWED = ALLOWED | {"UTC", "GMT", "CDT", "EST", "EDT", "MST", "MDT", "PST", "PDT", "localtime"}


@dataclass
class WestLake:
    """西湖夜跑团 and its night run: one person in each relation to them, meeting points and a thread."""

    group: Group
    event: Event
    organiser: User  # the group's owner, going from the start
    going: User  # a member going, meeting at 断桥
    waiting: User  # a member on the waitlist
    visitor: User  # logged in, not a member
    post: Post
    reply: Post


@pytest.fixture
def west_lake(db_conn) -> WestLake:
    names = ("王芳", "李雷", "韩梅梅", "小明", "张伟", "陈静")
    organiser, going, waiting, visitor, asking, helper = (factories.user(name) for name in names)
    group = factories.group(
        organiser, name="西湖夜跑团", interest="trail_running", description="每周三晚上环湖跑。", **HANGZHOU
    )
    db.session.add_all(
        [
            Membership(group_id=group.id, user_id=going.id, role="member", status="active"),
            Membership(group_id=group.id, user_id=waiting.id, role="member", status="active"),
            Membership(group_id=group.id, user_id=helper.id, role="organiser", status="active"),
            Membership(group_id=group.id, user_id=asking.id, role="member", status="pending"),
        ]
    )
    db.session.commit()
    route = routes.import_gpx(
        organiser.id, north_line_gpx(), name="西湖北线", activity="trail_running", group_id=group.id
    )
    event = factories.event(
        group,
        title="西湖夜跑",
        description="带上头灯。",
        capacity=2,
        activity="trail_running",
        difficulty="moderate",
        route_id=route.id,
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        **HANGZHOU,
    )
    bridge = meeting_points.add(
        event.id, organiser, {"name": "断桥", "lat": 30.26, "lon": 120.11, "meet_at": "2030-05-01T19:30"}
    )
    meeting_points.add(event.id, organiser, {"name": "苏堤南口", "lat": 30.23, "lon": 120.14, "notes": "地铁站出口"})
    rsvp.rsvp(event.id, organiser)
    rsvp.rsvp(event.id, going, bridge.id)
    rsvp.rsvp(event.id, waiting)
    suggestions.set_home_area(going, 30.27, 120.16)
    post = discussion.create_post("event", event.id, going, "谁带**头灯**？")
    reply = discussion.create_post("event", event.id, waiting, "我带两个。", post.id)
    discussion.create_post("group", group.id, going, "本周三照常跑。")
    return WestLake(group, event, organiser, going, waiting, visitor, post, reply)


def _log_in(client, user: User | None) -> None:
    if user is not None:
        response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302


def _page(client, path: str, lang: str = "zh-CN", status: int = 200) -> str:
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == status, path
    assert _lang(response) == ("zh-Hans" if lang == "zh-CN" else "en")
    return response.get_data(as_text=True)


def _text(page: str) -> str:
    """The page's HTML with entities decoded, for looking up texts."""
    return html.unescape(page)


# (name, who is logged in, path); paths name the fixture's {group}, {event} and {post}.
PAGES = [
    ("groups", None, "/groups"),
    ("groups, logged in", "organiser", "/groups"),
    ("group, anonymous", None, "/groups/{group}"),
    ("group, visitor", "visitor", "/groups/{group}"),
    ("group, member", "going", "/groups/{group}"),
    ("group, organiser", "organiser", "/groups/{group}"),
    ("members, member", "going", "/groups/{group}/members"),
    ("members, owner", "organiser", "/groups/{group}/members"),
    ("new group", "visitor", "/groups/new"),
    ("edit group", "organiser", "/groups/{group}/edit"),
    ("home area, sharing", "going", "/me/home-area"),
    ("home area, not sharing", "visitor", "/me/home-area"),
    ("outing, anonymous", None, "/events/{event}"),
    ("outing, visitor", "visitor", "/events/{event}"),
    ("outing, going", "going", "/events/{event}"),
    ("outing, waitlisted", "waiting", "/events/{event}"),
    ("outing, organiser", "organiser", "/events/{event}"),
    ("new outing", "organiser", "/groups/{group}/events/new"),
    ("edit outing", "organiser", "/events/{event}/edit"),
    ("edit post", "going", "/posts/{post}/edit"),
]


def _path(path: str, lake: WestLake) -> str:
    return path.format(group=lake.group.id, event=lake.event.id, post=lake.post.id)


class TestPagesInChinese:
    @pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
    def test_no_english_word_is_left(self, client, west_lake, name, who, path):
        _log_in(client, getattr(west_lake, who) if who else None)
        page = _page(client, _path(path, west_lake))
        allowed = FORM_ALLOWED if "outing" in name and ("new" in name or "edit" in name) else ALLOWED
        assert english_words(page, allowed) == set(), name

    def test_the_groups_list(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        page = _text(_page(client, "/groups"))
        assert "中国杭州" in page and "越野跑" in page and "4 名成员" in page and "你是组长" in page
        assert "下次活动：" in page and "2030年5月1日 周三 19:00 CST" in page

    def test_the_group_page(self, client, west_lake):
        _log_in(client, west_lake.visitor)
        page = _text(_page(client, f"/groups/{west_lake.group.id}"))
        assert "越野跑 · 4 名成员" in page and "公开" in page and ">加入</button>" in page
        assert "剩余 0 个名额" in page and "日历订阅" in page and "本周三照常跑。" in page
        assert "地图显示西湖夜跑团的活动地点" in page

    def test_the_members_page_for_the_owner(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        page = _text(_page(client, f"/groups/{west_lake.group.id}/members"))
        assert "西湖夜跑团</a>的成员" in page and "待审核" in page and "张伟" in page
        assert '<span class="role role-owner">组长</span>' in page and ">设置角色</button>" in page
        assert '<option value="organiser" selected>组织者</option>' in page

    def test_the_outing_page_for_someone_going(self, client, west_lake):
        _log_in(client, west_lake.going)
        page = _text(_page(client, f"/events/{west_lake.event.id}"))
        assert "<b>2</b> 人报名，上限 2 人" in page and "剩余 <b>0</b> 个名额" in page and "1 人候补" in page
        assert '<p class="my-state going">你已报名：19:30 在断桥集合</p>' in page
        assert "2030年5月1日 周三 19:00 CST</time> – 2030年5月1日 周三 22:00 CST · 上海（中国）时间" in page
        assert "越野跑 · 中等" in page and "报名名单" in page and '候补 <span class="count">（1）</span>' in page
        assert "2030年5月1日 周三 19:30 CST</time> 集合" in page and "位于路线" in page and "偏离路线" in page
        assert "苏堤南口" in page and "地铁站出口" in page and "谁带<strong>头灯</strong>？" in page
        assert "我带两个。" in page and ">回复</summary>" in page and "发新帖（支持 Markdown）" in page

    def test_the_outing_page_on_the_waitlist(self, client, west_lake):
        _log_in(client, west_lake.waiting)
        page = _text(_page(client, f"/events/{west_lake.event.id}"))
        assert '<p class="my-state waitlisted">你在候补名单第 1 位；如有名额空出，19:00 在起点集合</p>' in page
        assert ">更新我的集合点</button>" in page and ">取消报名</button>" in page

    def test_the_outing_page_for_a_visitor(self, client, west_lake):
        url = f"/events/{west_lake.event.id}"
        anonymous = _text(_page(client, url))
        assert "登录</a>后即可报名。" in anonymous and "登录</a>并加入小组后即可参与讨论。" in anonymous
        _log_in(client, west_lake.visitor)
        assert ">加入候补</button>" in _page(client, url)

    def test_the_outing_page_for_the_organiser(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        page = _text(_page(client, f"/events/{west_lake.event.id}"))
        assert "1 人在此集合" in page and "0 人在此集合" in page and "推荐地点" in page and "<b>起点</b>" in page
        assert "添加集合点" in page and "取消本次活动" in page and "路线数据" in page and "爬升" in page

    def test_the_outing_form_offers_chinese_choices(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        page = _text(_page(client, f"/events/{west_lake.event.id}/edit"))
        assert "编辑活动 · 西湖夜跑团" in page and '<option selected value="moderate">中等</option>' in page
        assert '<option selected value="Asia/Shanghai">上海（中国）</option>' in page
        assert '<optgroup label="常用">' in page and "自动：起点所在时区" in page and "西湖北线" in page


# Bad submits, each re-showing its form with errors: (name, who, path, data).
BAD_FORMS = [
    (
        "new group",
        "visitor",
        "/groups/new",
        {"name": "", "interest": "hiking", "visibility": "public", "lat": "", "lon": ""},
    ),
    (
        "edit group",
        "organiser",
        "/groups/{group}/edit",
        {"name": "西湖夜跑团", "interest": "hiking", "visibility": "public", "lat": "123", "lon": "120"},
    ),
    (
        "new outing",
        "organiser",
        "/groups/{group}/events/new",
        {"title": "", "starts_at": "明天", "ends_at": "", "capacity": "0", "activity": "hiking", "timezone": ""},
    ),
    (
        "edit outing",
        "organiser",
        "/events/{event}/edit",
        {
            "title": "西湖夜跑",
            "starts_at": "2030-05-01T19:00",
            "ends_at": "2030-05-01T18:00",
            "capacity": "2",
            "activity": "running",
            "timezone": "Asia/Shanghai",
            "lat": "30.25",
            "lon": "120.15",
        },
    ),
    ("edit post", "going", "/posts/{post}/edit", {"body": ""}),
    ("home area", "going", "/me/home-area", {"lat": "", "lon": "120.15"}),
]


class TestFormErrorsInChinese:
    @pytest.mark.parametrize(("name", "who", "path", "data"), BAD_FORMS, ids=[f[0] for f in BAD_FORMS])
    def test_a_bad_submit_shows_its_errors_in_chinese(self, client, west_lake, name, who, path, data):
        _log_in(client, getattr(west_lake, who))
        client.set_cookie("lang", ZH)
        response = submit(client, _path(path, west_lake), data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'class="error"' in page, name
        assert english_words(page, FORM_ALLOWED if "outing" in name else ALLOWED) == set(), name

    def test_the_errors_read_naturally(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        client.set_cookie("lang", ZH)
        group = submit(client, _path(BAD_FORMS[1][2], west_lake), BAD_FORMS[1][3]).get_data(as_text=True)
        assert "常住区域纬度" in _text(group).split('class="error"')[1]  # the field is named by its label
        outing = _text(submit(client, _path(BAD_FORMS[2][2], west_lake), BAD_FORMS[2][3]).get_data(as_text=True))
        assert "该字段是必填字段。" in outing
        ends = _text(submit(client, _path(BAD_FORMS[3][2], west_lake), BAD_FORMS[3][3]).get_data(as_text=True))
        assert "结束时间须晚于开始时间。" in ends  # not the API's "ends_at" and "starts_at"

    def test_the_form_wordings_replace_messages_the_services_still_have(self, tmp_path):
        extracted = {m.id for m in _extract(tmp_path) if m.id}
        assert set(FORM_MESSAGES) <= extracted


class TestFlashesInChinese:
    def _flash(self, client, response) -> str:
        assert response.status_code == 302
        found = re.search(r'<p class="flash \w+">(.*?)</p>', client.get(response.headers["Location"]).text)
        assert found, "no flash"
        return html.unescape(found.group(1))

    def test_joining_and_leaving_a_group(self, client, west_lake):
        _log_in(client, west_lake.visitor)
        client.set_cookie("lang", ZH)
        url = f"/groups/{west_lake.group.id}"
        assert self._flash(client, submit(client, f"{url}/join", {}, page=url)) == "欢迎加入小组！"
        assert self._flash(client, submit(client, f"{url}/leave", {}, page=url)) == "你已退出小组。"

    def test_asking_to_join_a_private_group(self, client, west_lake):
        west_lake.group.visibility = "private"
        db.session.commit()
        _log_in(client, west_lake.visitor)
        client.set_cookie("lang", ZH)
        join = submit(client, f"/groups/{west_lake.group.id}/join", {}, page="/groups")
        assert self._flash(client, join) == "申请已发送，等待组织者审核。"

    def test_creating_editing_and_cancelling_an_outing(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        client.set_cookie("lang", ZH)
        outing = {
            "title": "宝石山夜爬",
            "starts_at": "2030-06-01T19:00",
            "ends_at": "2030-06-01T21:00",
            "capacity": "10",
            "activity": "hiking",
            "difficulty": "",
            "route_id": "",
            "lat": "30.26",
            "lon": "120.14",
            "timezone": "",
        }
        created = submit(client, f"/groups/{west_lake.group.id}/events/new", outing)
        assert self._flash(client, created) == "活动已创建，你已报名"
        url = created.headers["Location"]
        assert self._flash(client, submit(client, f"{url}/edit", {**outing, "capacity": "12"})) == "活动已更新"
        assert self._flash(client, submit(client, f"{url}/cancel", {}, page=url)) == "活动已取消"
        assert '<b class="cancelled">已取消</b>' in _page(client, url)

    def test_answering_and_withdrawing(self, client, west_lake):
        _log_in(client, west_lake.visitor)
        client.set_cookie("lang", ZH)
        url = f"/events/{west_lake.event.id}"
        answer = submit(client, f"{url}/rsvp", {"meeting_point_id": ""}, page=url)
        assert self._flash(client, answer) == "你在候补名单第 2 位；如有名额空出，19:00 在起点集合"
        assert self._flash(client, submit(client, f"{url}/rsvp/cancel", {}, page=url)) == "你已取消报名"

    def test_meeting_points_and_posts(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        client.set_cookie("lang", ZH)
        url = f"/events/{west_lake.event.id}"
        point = {"name": "北山街", "lat": "30.26", "lon": "120.15", "place": "", "meet_at": "", "notes": ""}
        assert self._flash(client, submit(client, f"{url}/meeting-points", point, page=url)) == "已添加集合点"
        missing = submit(client, f"{url}/meeting-points", {**point, "lat": "", "lon": ""}, page=url)
        assert self._flash(client, missing) == "未能添加集合点：请在地图上点选、搜索地点或输入地名。"
        added = max(p.id for p in meeting_points.ordered(west_lake.event.id))
        removed = submit(client, f"/meeting-points/{added}/delete", {}, page=url)
        assert self._flash(client, removed) == "已删除集合点"
        assert self._flash(client, submit(client, f"{url}/posts", {"body": "七点见"}, page=url)) == "已发布"
        reply = {"body": "好的", "parent_id": str(west_lake.post.id)}
        assert self._flash(client, submit(client, f"{url}/posts", reply, page=url)) == "回复已发布"

    def test_sharing_and_forgetting_the_home_area(self, client, west_lake):
        _log_in(client, west_lake.visitor)
        client.set_cookie("lang", ZH)
        shared = submit(client, "/me/home-area", {"lat": "30.27", "lon": "120.16"})
        assert self._flash(client, shared) == "谢谢！你的常住区域已按约 1 公里的精度保存，不会向任何人展示。"
        assert "状态：<b>共享中</b>" in _page(client, "/me/home-area")
        assert self._flash(client, submit(client, "/me/home-area", {"action": "forget"})) == "已删除你的常住区域。"
        assert "状态：<b>未共享</b>" in _page(client, "/me/home-area")


class TestEnglishStaysAsItWas:
    def test_the_outing_page(self, client, west_lake):
        _log_in(client, west_lake.waiting)
        page = _text(_page(client, f"/events/{west_lake.event.id}", "en"))
        assert "<b>2</b> going of 2" in page and "<b>0</b> spots left" in page and "1 on the waitlist" in page
        assert (
            '<p class="my-state waitlisted">You\'re on the waitlist: number 1; if a place frees up, meet at the '
            "start, 19:00</p>"
        ) in page
        assert "Wed 01 May 2030, 19:00 CST</time> – Wed 01 May 2030, 22:00 CST (Asia/Shanghai)" in page
        assert (
            "trail running · moderate" in page
            and "Who is going" in page
            and 'Waitlist <span class="count">(1)</span>' in page
        )
        assert "· meet at <time" in page and "km along the route, " in page and " m off it" in page
        assert "New post (Markdown)" in page and ">Reply</summary>" in page

    def test_one_spot_and_one_member_are_singular(self, client, west_lake):
        west_lake.event.capacity = 3
        db.session.commit()
        page = _text(_page(client, f"/events/{west_lake.event.id}", "en"))
        assert "<b>1</b> spot left" in page
        group = _text(_page(client, f"/groups/{west_lake.group.id}", "en"))
        assert "1 spot left" in group and "trail running · 4 members" in group
        alone = factories.group(west_lake.visitor, name="孤山健走")
        assert re.search(r"hiking · 1 member\s", _page(client, f"/groups/{alone.id}", "en"))
        assert re.search(r"徒步 · 1 名成员\s", _page(client, f"/groups/{alone.id}"))

    def test_the_rsvp_state_text(self, client, west_lake):
        _log_in(client, west_lake.going)
        page = _text(_page(client, f"/events/{west_lake.event.id}", "en"))
        assert '<p class="my-state going">You\'re going: meet at 断桥, 19:30</p>' in page

    def test_the_groups_list_and_forms(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        groups = _text(_page(client, "/groups", "en"))
        assert "Hangzhou, CN" in groups and "trail running" in groups and "4 members" in groups
        assert "you: owner" in groups and "Next: <a" in groups and "Wed 01 May 2030, 19:00 CST" in groups
        form = _text(_page(client, f"/events/{west_lake.event.id}/edit", "en"))
        assert '<option selected value="moderate">Moderate</option>' in form
        assert '<option selected value="Asia/Shanghai">Asia/Shanghai</option>' in form
        assert '<option value="America/New_York">America/New York</option>' in form
        assert '<optgroup label="Common">' in form and "Automatic: the zone at the start point" in form
        members = _text(_page(client, f"/groups/{west_lake.group.id}/members", "en"))
        assert '<span class="role role-owner">owner</span>' in members and "Waiting for approval" in members
        assert '<option value="organiser" selected>Organiser</option>' in members

    def test_form_errors_name_the_input_as_before(self, client, west_lake):
        _log_in(client, west_lake.organiser)
        client.set_cookie("lang", "en")
        page = submit(client, _path(BAD_FORMS[1][2], west_lake), BAD_FORMS[1][3]).get_data(as_text=True)
        assert "&#39;lat&#39;" in page.split('class="error"')[1] or "'lat'" in page.split('class="error"')[1]
        token = csrf_token(_page(client, "/groups/new", "en"))
        blank = client.post("/groups/new", data={"csrf_token": token, "name": ""}).get_data(as_text=True)
        assert "This field is required." in blank


def test_a_group_far_from_a_city_is_placed_by_its_distance(client, db_conn):
    factories.group(factories.user("王芳"), name="千岛湖徒步", lat=29.60, lon=119.03)
    page = _text(_page(client, "/groups"))
    match = re.search(r'<span class="place">(.*?)</span>', page)
    assert match and re.fullmatch(r"距中国.+ \d+ 公里", match.group(1)), match and match.group(1)
    english = _text(_page(client, "/groups", "en"))
    assert re.search(r'<span class="place">\d+ km from [A-Z][\w ]+, CN</span>', english)
