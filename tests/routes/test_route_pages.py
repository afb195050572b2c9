"""Route pages: upload form, the route page with map, stats and profile, downloads; GPX text is always escaped."""

import io

from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Membership, Route
from planner.services import routes
from tests import factories as f
from tests.routes.gpxdocs import SAMPLES, gpx_doc
from tests.web.helpers import submit

PAYLOAD = "<script>alert(1)</script>${alert(2)}`x`{{ 7*7 }}"


def login(client, email="route@example.org"):
    submit(client, "/register", {"email": email, "password": f.PASSWORD, "display_name": "Rita"})


class TestUploadPage:
    def test_upload_redirects_to_the_route_page(self, client):
        login(client)
        response = submit(
            client,
            "/routes/new",
            {"file": (io.BytesIO(SAMPLES[0].read_bytes()), "a.gpx"), "activity": "hiking", "name": ""},
            page="/routes/new",
            content_type="multipart/form-data",
        )
        assert response.status_code == 302 and "/routes/" in response.headers["Location"]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "<svg" in page and "Download GPX" in page and " km" in page

    def test_a_bad_file_is_a_form_error_and_writes_nothing(self, client, app):
        login(client)
        response = submit(
            client,
            "/routes/new",
            {"file": (io.BytesIO(b"<kml/>"), "a.gpx"), "activity": "hiking"},
            page="/routes/new",
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert "expected gpx" in response.get_data(as_text=True).lower()
        with app.app_context():
            assert db.session.scalar(select(func.count(Route.id))) == 0

    def test_it_needs_a_login(self, client):
        assert client.get("/routes/new").status_code == 302


class TestRoutePage:
    def test_gpx_names_are_escaped_everywhere(self, client, ctx):
        owner = f.user()
        doc = gpx_doc(
            name="&lt;script&gt;alert(1)&lt;/script&gt;${alert(2)}`x`{{ 7*7 }}",
            extra='<wpt lat="30.255" lon="120.155"><name>&lt;img src=x onerror=alert(3)&gt;</name>'
            "<desc>${alert(4)}</desc></wpt>",
        )
        route = routes.import_gpx(owner.id, doc)
        page = client.get(f"/routes/{route.id}").get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "{{ 7*7 }}" in page
        assert "`${alert" not in page

    def test_a_private_groups_route_is_hidden_from_non_members(self, client, ctx):
        owner = f.user()
        grp = f.group(owner, visibility="private")
        route = routes.import_gpx(owner.id, SAMPLES[0].read_bytes(), group_id=grp.id)
        assert client.get(f"/routes/{route.id}").status_code == 404
        assert client.get(f"/api/v1/routes/{route.id}").status_code == 404
        member = f.user()
        db.session.add(Membership(group_id=grp.id, user_id=member.id, role="member", status="active"))
        db.session.commit()
        token = client.post("/api/v1/tokens", json={"email": member.email, "password": f.PASSWORD}).get_json()["token"]
        assert client.get(f"/api/v1/routes/{route.id}", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    def test_only_organisers_attach_routes_to_a_group(self, client, ctx):
        owner, outsider = f.user(), f.user()
        grp = f.group(owner)
        token = client.post("/api/v1/tokens", json={"email": outsider.email, "password": f.PASSWORD}).get_json()[
            "token"
        ]
        response = client.post(
            "/api/v1/routes",
            headers={"Authorization": f"Bearer {token}"},
            data={"file": (io.BytesIO(gpx_doc()), "t.gpx"), "group_id": str(grp.id)},
        )
        assert response.status_code == 403

    def test_the_original_file_is_for_its_owner_only(self, client, ctx):
        login(client, "owner@example.org")
        data = SAMPLES[1].read_bytes()
        response = submit(
            client,
            "/routes/new",
            {"file": (io.BytesIO(data), "a.gpx"), "activity": "hiking"},
            page="/routes/new",
            content_type="multipart/form-data",
        )
        location = response.headers["Location"]
        assert client.get(location + "/original.gpx").data == data
        submit(client, "/logout", {}, page="/")
        assert client.get(location + "/original.gpx").status_code == 404
        assert client.get(location + "/download.gpx").status_code == 200
