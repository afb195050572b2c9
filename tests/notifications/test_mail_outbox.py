"""With no SMTP server set, e-mails are .eml files in MAIL_DIR, listed on a page that exists only in development."""

from __future__ import annotations

import os
from email import message_from_bytes, policy

import pytest

from planner.services import events
from tests.notifications.conftest import inbox, run_jobs
from tests.notifications.test_mail import OUTING


@pytest.fixture
def outbox(app, monkeypatch, tmp_path):
    """An empty MAIL_DIR of this test's own, with SMTP off."""
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    monkeypatch.setitem(app.config, "MAIL_DIR", str(folder))
    return folder


@pytest.fixture
def dev_page(app, monkeypatch):
    """The development outbox page switched on (the test app is not in debug mode)."""
    monkeypatch.setitem(app.config, "DEV_MAIL_PAGE", True)


def _written(app, cast, outbox) -> list:
    """A new outing's e-mails, written to the outbox: the files, oldest first."""
    events.create_event(cast.group.id, cast.organiser, OUTING)
    run_jobs(app)
    files = sorted(outbox.glob("*.eml"))
    for age_s, path in enumerate(reversed(files)):  # distinct times, oldest first, for the newest-first order
        os.utime(path, (1_900_000_000 - age_s, 1_900_000_000 - age_s))
    return files


class TestFiles:
    def test_each_message_is_an_eml_file_with_both_parts(self, app, cast, outbox):
        files = _written(app, cast, outbox)
        assert len(files) == 2 and [n.email_status for n in inbox(cast.member)] == ["sent"]
        messages = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]
        assert sorted(str(m["To"]) for m in messages) == sorted(
            f"{p.display_name} <{p.email}>" for p in (cast.owner, cast.member)
        )
        for message in messages:
            assert "长城徒步" in message["Subject"] and message["List-Unsubscribe-Post"]
            assert "长城徒步" in message.get_body(("html",)).get_content()


class TestDevPage:
    def test_the_outbox_lists_them_newest_first_with_date_to_and_subject(self, app, client, cast, outbox, dev_page):
        files = _written(app, cast, outbox)
        page = client.get("/dev/mail")
        assert page.status_code == 200 and str(outbox) in page.text
        links = [f'href="/dev/mail/{p.name}"' for p in reversed(files)]
        assert all(link in page.text for link in links)
        assert page.text.index(links[0]) < page.text.index(links[1])
        for path in files:
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert message["To"].addresses[0].addr_spec in page.text and message["Date"] in page.text
        assert page.text.count("New outing in") == 2

    def test_a_message_shows_its_headers_text_and_html_in_a_sandboxed_frame(self, app, client, cast, outbox, dev_page):
        name = _written(app, cast, outbox)[0].name
        page = client.get(f"/dev/mail/{name}")
        assert page.status_code == 200
        for text in ("List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID", "Hello ", "/unsubscribe/"):
            assert text in page.text
        assert f'<iframe class="mail-html" sandbox src="/dev/mail/{name}/html"' in page.text
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]  # the page itself is not framed
        framed = client.get(f"/dev/mail/{name}/html")
        assert framed.status_code == 200 and framed.mimetype == "text/html" and "长城徒步" in framed.text
        csp = framed.headers["Content-Security-Policy"]
        assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "frame-ancestors 'self'" in csp
        assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
        raw = client.get(f"/dev/mail/{name}/raw")
        assert raw.data == (outbox / name).read_bytes() and raw.mimetype == "message/rfc822"
        assert "attachment" in raw.headers["Content-Disposition"]

    def test_an_empty_or_missing_folder_says_so(self, client, outbox, dev_page):
        page = client.get("/dev/mail")
        assert page.status_code == 200 and "No messages yet." in page.text

    @pytest.mark.parametrize(
        "path",
        [
            "/dev/mail/..%2Fsecret.eml",
            "/dev/mail/%2E%2E%2Fsecret.eml",
            "/dev/mail/.hidden.eml",
            "/dev/mail/notes.txt",
            "/dev/mail/outside.eml",
            "/dev/mail/outside.eml/html",
            "/dev/mail/outside.eml/raw",
            "/dev/mail/missing.eml",
            "/dev/mail/..",
        ],
    )
    def test_nothing_outside_the_folder_is_served(self, client, outbox, dev_page, tmp_path, path):
        outbox.mkdir()
        (tmp_path / "secret.eml").write_text("Subject: SECRET-42\n\nSECRET-42\n")
        (outbox / ".hidden.eml").write_text("Subject: HIDDEN-42\n\nHIDDEN-42\n")
        (outbox / "notes.txt").write_text("notes\n")
        (outbox / "outside.eml").symlink_to(tmp_path / "secret.eml")
        response = client.get(path)
        assert response.status_code == 404 and "SECRET-42" not in response.text and "HIDDEN-42" not in response.text
        listed = client.get("/dev/mail").text
        assert "SECRET-42" not in listed and "HIDDEN-42" not in listed and "notes" not in listed

    def test_a_part_the_message_lacks_is_a_404(self, client, outbox, dev_page):
        outbox.mkdir()
        (outbox / "plain.eml").write_text("Subject: plain\nTo: a@example.org\n\nJust text.\n")
        assert "Just text." in client.get("/dev/mail/plain.eml").text
        assert client.get("/dev/mail/plain.eml/html").status_code == 404


@pytest.mark.parametrize("path", ["/dev/mail", "/dev/mail/x.eml", "/dev/mail/x.eml/html", "/dev/mail/x.eml/raw"])
def test_the_outbox_is_a_404_outside_development(app, client, cast, outbox, monkeypatch, path):
    monkeypatch.setitem(app.config, "DEV_MAIL_PAGE", False)
    assert not app.debug
    (outbox / "x.eml").write_bytes(_written(app, cast, outbox)[0].read_bytes())
    assert client.get(path).status_code == 404
    monkeypatch.setattr(app, "debug", True)
    assert client.get(path).status_code == 200  # debug mode (flask run --debug, make run) shows it
