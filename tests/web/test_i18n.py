"""Languages (issue 13, the foundation): the catalogues, the locale selector and the header's switcher,
`<html lang>`, Chinese dates, numbers and plurals, and the pages translated so far shown in Chinese."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from sqlalchemy import select

from planner.errors import N_, ServiceError
from planner.extensions import db
from planner.i18n import LOCALES, from_language_tag, js_message_ids
from planner.models import Membership, User
from planner.times import clock_text, local_text, relative_text
from scripts import messages
from tests import factories
from tests.web.helpers import csrf_token, submit

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "planner" / "translations"
ZH = "zh_Hans"
HANGZHOU = {"lat": 30.25, "lon": 120.15}

# Placeholders whose set must match between a msgid and its msgstr: %(name)s, {name}, and a literal %%.
PLACEHOLDER = re.compile(r"%\(\w+\)[a-z]|\{\w*\}|%%")


def _catalogue(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def _extract(tmp_path: Path) -> Catalog:
    """What `make messages` extracts from planner/, templates/ and static/js/ (babel.cfg, its keywords)."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *messages.KEYWORDS]
        + ["-o", str(pot), "--no-location", str(ROOT)]
    )
    with open(pot, "rb") as f:
        return read_po(f)


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _english(text: str) -> bool:
    """Whether text has an English word outside its placeholders, markup and the brand/format names."""
    words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", text)))
    return any(word not in CATALOGUE_ENGLISH for word in words)


# Names a Chinese message may keep: the brand, formats and protocols, products named on the calendar page.
CATALOGUE_ENGLISH = {
    "planner",
    "API",
    "GPX",
    "ICS",
    "iCalendar",
    "OpenAPI",
    "JSON",
    "SMTP",
    "Markdown",
    "Google",
    "Outlook",
    "Thunderbird",
    "Apple",
    "OpenStreetMap",
    "Leaflet",
    "URL",
    "HTML",
    "CSV",
    "ID",
    "eml",
}


def catalogue_problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """Each extracted message missing, empty or fuzzy in catalogue, or with other placeholders than its msgid."""
    problems = []
    for message in template:
        if not message.id:
            continue
        key = _forms(message.id)[0]
        found = catalogue.get(message.id)
        if found is None:
            problems.append(f"missing: {key!r}")
            continue
        strings = _forms(found.string)
        if found.fuzzy or not all(strings):
            problems.append(f"fuzzy or empty: {key!r}")
            continue
        wanted = Counter(PLACEHOLDER.findall(key))
        if catalogue.locale_identifier != "en" and _english(key) and key in strings:
            problems.append(f"still English: {key!r}")
            continue
        for string in strings:
            if Counter(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {key!r} -> {string!r}")
    return problems


class TestCatalogues:
    def test_every_extracted_message_is_translated_in_both_languages(self, tmp_path):
        template = _extract(tmp_path)
        assert len([m for m in template if m.id]) >= 60  # the extraction found the pages' strings
        for locale in LOCALES:
            assert catalogue_problems(template, _catalogue(locale)) == [], locale

    def test_the_check_finds_a_missing_an_empty_a_fuzzy_and_a_broken_message(self):
        template = Catalog()
        for msgid in ("Log in", "Sign up", "Groups", "Welcome, %(name)s!", "Near {place}"):
            template.add(msgid)
        template.add(("%(num)s member", "%(num)s members"))
        broken = Catalog(locale=ZH)
        broken.add("Sign up", "")
        broken.add("Groups", "小组", flags=["fuzzy"])
        broken.add("Welcome, %(name)s!", "欢迎你，%(nom)s！")
        broken.add("Near {place}", "附近")
        broken.add(("%(num)s member", "%(num)s members"), ("名成员",))
        template.add("Route")
        broken.add("Route", "Route")
        assert catalogue_problems(template, broken) == [
            "missing: 'Log in'",
            "fuzzy or empty: 'Sign up'",
            "fuzzy or empty: 'Groups'",
            "placeholders differ: 'Welcome, %(name)s!' -> '欢迎你，%(nom)s！'",
            "placeholders differ: 'Near {place}' -> '附近'",
            "placeholders differ: '%(num)s member' -> '名成员'",
            "still English: 'Route'",
        ]

    def test_chinese_has_one_plural_form_and_english_two(self):
        assert _catalogue(ZH).num_plurals == 1 and _catalogue("en").num_plurals == 2


def _lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


def _log_in(client, user: User) -> None:
    response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


class TestSelector:
    @pytest.mark.parametrize(
        ("header", "lang"),
        [
            (None, "en"),
            ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
            ("zh-Hans", "zh-Hans"),
            ("en-GB,en;q=0.9,zh-CN;q=0.8", "en"),
            ("fr-FR,fr;q=0.9,zh;q=0.5", "zh-Hans"),
            ("zh-TW,zh-Hant;q=0.9", "en"),  # traditional characters: not zh_Hans; English is the fallback
            ("de-DE", "en"),
        ],
    )
    def test_accept_language_picks_the_best_known_language_else_english(self, client, header, lang):
        headers = {"Accept-Language": header} if header else {}
        assert _lang(client.get("/login", headers=headers)) == lang

    def test_language_tags_map_to_our_locales(self):
        assert [from_language_tag(t) for t in ("zh", "zh-cn", "zh_Hans_CN", "zh-HK", "en-US", "ja")] == [
            ZH,
            ZH,
            ZH,
            None,
            "en",
            None,
        ]

    def test_the_cookie_beats_accept_language_and_an_unknown_cookie_is_ignored(self, client):
        client.set_cookie("lang", ZH)
        assert _lang(client.get("/login", headers={"Accept-Language": "en"})) == "zh-Hans"
        client.set_cookie("lang", "xx")
        assert _lang(client.get("/login", headers={"Accept-Language": "zh-CN"})) == "zh-Hans"
        assert _lang(client.get("/login", headers={"Accept-Language": "en"})) == "en"

    def test_the_saved_setting_beats_the_cookie(self, client, db_conn):
        user = factories.user("小王")
        user.locale = ZH
        db.session.commit()
        _log_in(client, user)
        client.set_cookie("lang", "en")
        response = client.get("/", headers={"Accept-Language": "en"})
        assert _lang(response) == "zh-Hans" and "退出" in response.get_data(as_text=True)

    def test_the_database_refuses_an_unknown_saved_language(self, db_conn):
        user = factories.user()
        user.locale = "klingon"
        with pytest.raises(Exception, match="locale_known"):
            db.session.commit()
        db.session.rollback()


class TestSwitcher:
    def _switch(self, client, locale: str, next_: str, *, page: str = "/login"):
        token = csrf_token(client.get(page).get_data(as_text=True))
        return client.post("/language", data={"csrf_token": token, "locale": locale, "next": next_})

    def test_the_header_offers_both_languages_marking_the_current_one(self, client):
        html = client.get("/groups?interest=hiking", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        form = re.search(r'<form method="post" action="/language" class="languages">.*?</form>', html, re.S)
        assert form, "no switcher in the header"
        assert 'name="next" value="/groups?interest=hiking"' in form.group(0)
        assert re.search(r'value="zh_Hans" lang="zh-Hans" class="link" aria-current="true">中文<', form.group(0))
        assert re.search(r'value="en" lang="en" class="link">English<', form.group(0))

    def test_switching_sets_the_cookie_and_goes_back_to_the_local_page(self, client):
        response = self._switch(client, ZH, "/groups?interest=hiking")
        assert response.status_code == 302 and response.headers["Location"] == "/groups?interest=hiking"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("lang=zh_Hans;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert _lang(client.get("/login")) == "zh-Hans"
        self._switch(client, "en", "/")
        assert _lang(client.get("/login", headers={"Accept-Language": "zh-CN"})) == "en"

    @pytest.mark.parametrize(
        "target",
        ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", ""],
    )
    def test_it_redirects_to_a_local_path_only(self, client, target):
        response = self._switch(client, ZH, target)
        assert response.status_code == 302 and response.headers["Location"] == "/"

    def test_a_logged_in_choice_is_saved(self, client, db_conn):
        user = factories.user()
        _log_in(client, user)
        assert self._switch(client, ZH, "/", page="/").status_code == 302
        assert db.session.scalar(select(User.locale).where(User.id == user.id)) == ZH

    def test_an_unknown_language_is_a_400(self, client):
        response = self._switch(client, "fr", "/")
        assert response.status_code == 400 and "lang=" not in response.headers.get("Set-Cookie", "")

    def test_without_a_csrf_token_it_is_refused(self, client):
        response = client.post("/language", data={"locale": ZH, "next": "/"})
        assert response.status_code == 400 and "lang=" not in response.headers.get("Set-Cookie", "")


class _Text(HTMLParser):
    """The words a person reads or hears: text outside script/style/code, and aria-label, placeholder, title, alt."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, allowed: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z]{2,}", " ".join(parser.parts)))
    return {w for w in words if w not in allowed}


# The pages translated so far, all shown in Chinese with no English word outside ALLOWED_ENGLISH. Add each page
# here as it is translated (issue 13 point 8): (name, path, logged in).
TRANSLATED_PAGES = [
    ("home, nowhere", "/", False),
    ("home, near a place", "/?lat={lat}&lon={lon}", False),
    ("home, logged in", "/?lat={lat}&lon={lon}", True),
    ("log in", "/login", False),
    ("sign up", "/register", False),
]
# The brand, the API link, the switcher's own "English", the zone abbreviation after a time, and "RFC" (5545, the
# standard a repeat rule follows). Code (<code>) is not read as words.
ALLOWED_ENGLISH = {"planner", "API", "English", "CST", "RFC"}


@pytest.fixture
def hangzhou(db_conn):
    """A Chinese group near Hangzhou with one member, and two outings (one spot left on one of them)."""
    owner = factories.user("王芳")
    grp = factories.group(owner, name="西湖夜跑团", interest="trail_running", **HANGZHOU)
    factories.event(grp, title="西湖夜跑", capacity=1, activity="trail_running", **HANGZHOU)
    factories.event(grp, title="龙井徒步", days=3, capacity=2, **HANGZHOU)
    return owner


class TestPagesInChinese:
    @pytest.mark.parametrize(("name", "path", "logged_in"), TRANSLATED_PAGES, ids=[p[0] for p in TRANSLATED_PAGES])
    def test_translated_pages_show_no_english_in_chinese(self, client, hangzhou, name, path, logged_in):
        if logged_in:
            _log_in(client, hangzhou)
        response = client.get(path.format(**HANGZHOU), headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200 and _lang(response) == "zh-Hans"
        assert english_words(response.get_data(as_text=True), ALLOWED_ENGLISH) == set(), name

    def test_form_errors_and_flashes_are_in_chinese(self, client, hangzhou):
        client.set_cookie("lang", ZH)
        signup = submit(client, "/register", {"email": "", "password": "short", "display_name": ""})
        html = signup.get_data(as_text=True)
        assert signup.status_code == 400 and "请输入昵称。" in html and "请使用 8 到 1024 个字符。" in html
        assert english_words(html, ALLOWED_ENGLISH) == set()
        wrong = submit(client, "/login", {"email": hangzhou.email, "password": "not the password"})
        assert "邮箱或密码错误。" in wrong.get_data(as_text=True)
        taken = submit(client, "/register", {"email": hangzhou.email, "password": "long enough", "display_name": "A"})
        assert "该邮箱已注册。" in taken.get_data(as_text=True)
        welcome = submit(
            client, "/register", {"email": "xw@example.org", "password": "long enough", "display_name": "小伟"}
        )
        assert "欢迎你，小伟！" in client.get(welcome.headers["Location"]).get_data(as_text=True)

    def test_the_log_in_prompt_of_a_members_page_is_in_chinese(self, client):
        response = client.get("/routes/mine", headers={"Accept-Language": "zh-CN"}, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert "请先登录。" in html and english_words(html, ALLOWED_ENGLISH) == set()
        english = client.get("/routes/mine", headers={"Accept-Language": "en"}, follow_redirects=True)
        assert "Please log in to access this page." in english.get_data(as_text=True)

    def test_the_home_page_shows_chinese_dates_units_and_words(self, client, hangzhou):
        html = client.get("/?lat={lat}&lon={lon}".format(**HANGZHOU), headers={"Accept-Language": "zh-CN"}).text
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 周[一二三四五六日] \d\d:\d\d CST", html)
        assert "0.0 公里" in html and "越野跑" in html and "附近热门" in html and "范围：50 公里以内。" in html


class TestPlurals:
    def _home(self, client, lang: str) -> str:
        return client.get("/?lat={lat}&lon={lon}".format(**HANGZHOU), headers={"Accept-Language": lang}).text

    def test_english_counts_take_the_right_form(self, client, hangzhou):
        html = self._home(client, "en")
        assert "1 member<" in html and "1 spot left" in html and "2 spots left" in html and "0 going" in html
        group_id = db.session.scalar(select(Membership.group_id).where(Membership.user_id == hangzhou.id))
        db.session.add(Membership(group_id=group_id, user_id=factories.user().id, role="member", status="active"))
        db.session.commit()
        assert "2 members<" in self._home(client, "en")

    def test_chinese_has_one_form(self, client, hangzhou):
        html = self._home(client, "zh-CN")
        assert "1 名成员" in html and "剩余 1 个名额" in html and "剩余 2 个名额" in html and "0 人报名" in html


class TestDates:
    MOMENT = datetime(2026, 12, 12, 1, 0, tzinfo=UTC)  # Saturday 09:00 in Shanghai

    def test_english_stays_what_it_was(self):
        assert local_text(self.MOMENT, "Asia/Shanghai") == "Sat 12 Dec 2026, 09:00 CST"
        assert clock_text(self.MOMENT, "Asia/Shanghai") == "Sat 12 Dec, 09:00"
        assert relative_text(self.MOMENT - timedelta(hours=2), self.MOMENT, "Asia/Shanghai") == "2 h ago"

    def test_chinese_dates_and_times(self):
        assert local_text(self.MOMENT, "Asia/Shanghai", ZH) == "2026年12月12日 周六 09:00 CST"
        assert clock_text(self.MOMENT, "Asia/Shanghai", locale=ZH) == "12月12日 周六 09:00"
        assert clock_text(self.MOMENT, "Asia/Shanghai", self.MOMENT, locale=ZH) == "09:00"

    @pytest.mark.parametrize(
        ("ago", "text"),
        [
            (timedelta(seconds=20), "刚刚"),
            (timedelta(minutes=5), "5分钟前"),
            (timedelta(minutes=59, seconds=50), "59分钟前"),
            (timedelta(hours=2), "2小时前"),
            (timedelta(hours=23, minutes=59), "23小时前"),
            (timedelta(hours=30), "昨天"),
            (timedelta(days=5), "12月7日"),
            (timedelta(days=400), "2025年11月7日"),
        ],
    )
    def test_chinese_relative_times(self, ago, text):
        assert relative_text(self.MOMENT - ago, self.MOMENT, "Asia/Shanghai", ZH) == text


I18N_JS = ROOT / "static" / "js" / "i18n.js"
# Runs static/js/i18n.js in node with a page whose messages block holds MESSAGES, then prints what the calls give.
NODE_PAGE = """
const messages = %s;
globalThis.window = globalThis;
globalThis.document = {getElementById: (id) => id === "planner-messages" ? {textContent: JSON.stringify(messages)} : null};
require(%s);
console.log(JSON.stringify([
  gettext("Search"), gettext("Unknown words"), gettext("Chosen: %%(name)s", {name: "西湖"}),
  ngettext("%%(num)s outing", "%%(num)s outings", 1), ngettext("%%(num)s outing", "%%(num)s outings", 3),
  ngettext("%%(num)s member", "%%(num)s members", 2),
]));
"""


class TestScriptMessages:
    def _run(self, messages: dict) -> list[str]:
        assert shutil.which("node"), "scripts/setup.sh installs Debian's nodejs"
        script = NODE_PAGE % (json.dumps(messages), json.dumps(str(I18N_JS)))
        result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    def test_the_scripts_read_their_words_from_the_page_and_fill_placeholders(self):
        chinese = {"Search": "搜索", "Chosen: %(name)s": "已选：%(name)s", "%(num)s outing": ["%(num)s 个活动"] * 2}
        assert self._run(chinese) == ["搜索", "Unknown words", "已选：西湖", "1 个活动", "3 个活动", "2 members"]

    def test_english_plurals_take_the_form_of_the_count(self):
        english = {"%(num)s outing": ["%(num)s outing", "%(num)s outings"]}
        assert self._run(english)[3:5] == ["1 outing", "3 outings"]

    def test_the_messages_are_every_gettext_literal_of_the_scripts(self):
        ids = js_message_ids()
        assert ids, "no gettext/ngettext call found in static/js"
        for message in ids:
            text = message[0] if isinstance(message, tuple) else message
            assert any(text in path.read_text() for path in I18N_JS.parent.glob("*.js")), text

    def test_each_page_carries_its_languages_messages(self, client):
        def block(lang: str) -> dict:
            html = client.get("/login", headers={"Accept-Language": lang}).get_data(as_text=True)
            found = re.search(r'<script type="application/json" id="planner-messages"[^>]*>(.*?)</script>', html)
            assert found, "no messages block"
            return json.loads(found.group(1))

        english, chinese = block("en"), block("zh-CN")
        assert english.keys() == chinese.keys() == {m[0] if isinstance(m, tuple) else m for m in js_message_ids()}
        for key, text in english.items():
            assert (text if isinstance(text, str) else text[0]) == key  # English says its msgid
            assert chinese[key] != text, f"not translated: {key!r}"


class TestErrorMessages:
    def test_a_service_error_reads_in_the_request_language_and_keeps_its_english(self, app):
        error = ServiceError("invalid_field", N_("Give 'lat' and 'lon', a 'place' name, or click the map."), "lat")
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            assert error.code == "invalid_field" and re.search(r"[\u4e00-\u9fff]", error.message)
        with app.test_request_context(headers={"Accept-Language": "en"}):
            assert error.message == str(error) == "Give 'lat' and 'lon', a 'place' name, or click the map."

    def test_parameters_fill_the_translated_template(self, app):
        error = ServiceError("invalid_field", N_("'%(field)s' is required."), "title", field="title")
        assert str(error) == "'title' is required."
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            assert "title" in error.message and re.search(r"[\u4e00-\u9fff]", error.message)


class TestMapCredit:
    def test_the_default_tile_credit_reads_in_the_page_language(self, app, client, monkeypatch):
        monkeypatch.setitem(app.config, "TILES_URL", "https://tiles.example.org/{z}/{x}/{y}.png")  # tests: none
        chinese = client.get("/explore", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        english = client.get("/explore", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "贡献者" in chinese or "\\u8d21\\u732e\\u8005" in chinese
        assert "contributors" not in chinese and "OpenStreetMap\\u003c/a\\u003e contributors" in english

    def test_a_configured_credit_is_shown_as_it_is(self, app, client, monkeypatch):
        monkeypatch.setitem(app.config, "TILES_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
        monkeypatch.setitem(app.config, "TILES_ATTRIBUTION", "Tiles by Example")
        assert "Tiles by Example" in client.get("/explore", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
