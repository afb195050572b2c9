"""A refused GPX upload reads in the request's language: the same status, code and field in English and in Chinese,
the message in Chinese with Accept-Language: zh-CN and unchanged English otherwise. GpxError keeps its template."""

from __future__ import annotations

import io
import re

import pytest

from planner.geo.gpx import GpxError, parse_gpx
from planner.services import accounts
from tests import factories

ZH = {"Accept-Language": "zh-CN"}
HAN = re.compile(r"[\u4e00-\u9fff]")
# Words a Chinese GPX message may keep: formats, encodings, XML names and values quoted from the file.
TECHNICAL = re.compile(r"GPX|XML|HTML|UTF-\d+|ISO 8601|DOCTYPE|ENTITY|\w+='[^']*'|“[^”]*”|\b(lat|lon|gpx)\b")
HEAD = '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
ONE_POINT = f'{HEAD}<trk><trkseg><trkpt lat="30.25" lon="120.15"/></trkseg></trk></gpx>'.encode()
BAD_WAYPOINT = f'{HEAD}\n<wpt lat="30.25" lon="east"/></gpx>'.encode()
# name -> (file, status, code, English message, Chinese message)
CASES = {
    "one point": (
        ONE_POINT, 400, "invalid_gpx", "The file has only one track/route point; a route needs at least 2.",
        "文件中只有 1 个轨迹/路线点，一条路线至少需要 2 个点。",
    ),
    "bad waypoint": (
        BAD_WAYPOINT, 400, "invalid_gpx", "Waypoint 1 (line 2): lon='east' is not a number.",
        "第 1 个航点（第 2 行）：lon='east' 不是数字。",
    ),
    "html page": (
        b"<!DOCTYPE html><html><body>Sign in</body></html>", 400, "invalid_gpx",
        "This is an HTML page, not a GPX file.", "这是一个 HTML 网页，不是 GPX 文件。",
    ),
    "unsupported encoding": (
        b'<?xml version="1.0" encoding="ebcdic-cp-us"?><gpx/>', 400, "invalid_gpx",
        "The file declares the encoding 'ebcdic-cp-us', which is not supported; save it as UTF-8.",
        "文件声明的编码“ebcdic-cp-us”不受支持，请另存为 UTF-8。",
    ),
    "over the gpx limit": (
        ONE_POINT * 20, 413, "file_too_large", f"The file is {len(ONE_POINT) * 20:,} bytes; the limit is 1,000 bytes.",
        f"文件大小为 {len(ONE_POINT) * 20:,} 字节，上限为 1,000 字节。",
    ),
}  # fmt: skip


@pytest.fixture
def auth(ctx) -> dict:
    """Authorization header of a fresh user."""
    token, _ = accounts.issue_token(factories.user("Gao"), 1)
    return {"Authorization": f"Bearer {token}"}


def _upload(client, auth: dict, data: bytes, headers: dict):
    """POST data as a GPX file to the API."""
    return client.post(
        "/api/v1/routes",
        headers={**auth, **headers},
        data={"file": (io.BytesIO(data), "track.gpx")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_upload_reads_in_chinese_with_the_same_status_code_and_field(client, app, auth, monkeypatch, name):
    data, status, code, english, chinese = CASES[name]
    monkeypatch.setitem(app.config, "MAX_GPX_BYTES", 1_000)
    answers = {}
    for language, headers in (("en", {}), ("other", {"Accept-Language": "fr"}), ("zh", ZH)):
        response = _upload(client, auth, data, headers)
        assert response.status_code == status, response.get_data(as_text=True)
        answers[language] = response.get_json()["error"]
    assert {(a["code"], a["field"]) for a in answers.values()} == {(code, "file")}
    assert answers["en"]["message"] == answers["other"]["message"] == english
    assert answers["zh"]["message"] == chinese


@pytest.mark.parametrize("name", list(CASES))
def test_the_chinese_keeps_only_technical_english(client, app, auth, monkeypatch, name):
    monkeypatch.setitem(app.config, "MAX_GPX_BYTES", 1_000)
    message = _upload(client, auth, CASES[name][0], ZH).get_json()["error"]["message"]
    assert HAN.search(message) and not re.findall(r"[A-Za-z]{2,}", TECHNICAL.sub("", message)), message


def test_a_gpx_error_keeps_its_template_and_parameters():
    with pytest.raises(GpxError) as caught:
        parse_gpx(BAD_WAYPOINT)
    error = caught.value
    assert error.code == "invalid_gpx"
    assert error.template == "Waypoint %(number)s (line %(line)s): %(key)s=%(value)s is not a number."
    assert error.params == {"number": "1", "line": "2", "key": "lon", "value": "'east'"}
    assert str(error) == "Waypoint 1 (line 2): lon='east' is not a number."
