"""Groups through the API: create, read, edit, join/leave, approval queue, roles and the member list."""

from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Group, Membership
from tests import factories
from tests.community.conftest import bearer

NEW_GROUP = {
    "name": "Dawn hikers",
    "interest": "hiking",
    "description": "Early starts.",
    "lat": 30.25,
    "lon": 120.15,
    "visibility": "public",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class TestCreateGroup:
    def test_the_creator_becomes_owner(self, client, ctx):
        user = factories.user()
        response = client.post("/api/v1/groups", json=NEW_GROUP, headers=bearer(user))
        assert response.status_code == 201
        body = response.get_json()
        assert body["my_role"] == "owner" and body["member_count"] == 1
        assert {k: body[k] for k in NEW_GROUP} == NEW_GROUP

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self, client, ctx):
        user = factories.user()
        before = _count(Group), _count(Membership)
        for field, value in [
            ("lat", 91),
            ("lon", "east"),
            ("name", " "),
            ("interest", "chess"),
            ("visibility", "secret"),
            ("description", 5),
        ]:
            response = client.post("/api/v1/groups", json={**NEW_GROUP, field: value}, headers=bearer(user))
            assert response.status_code == 400, field
            assert response.get_json()["error"]["field"] == field
        assert (_count(Group), _count(Membership)) == before

    def test_anonymous_gets_401(self, client, ctx):
        assert client.post("/api/v1/groups", json=NEW_GROUP).status_code == 401


class TestGetGroup:
    def test_a_private_group_is_404_to_everyone_but_active_members(self, client, private_cast):
        url = f"/api/v1/groups/{private_cast.group.id}"
        assert client.get(url).status_code == 404
        assert client.get(url, headers=bearer(private_cast.outsider)).status_code == 404
        assert client.get(url, headers=bearer(private_cast.member)).get_json()["my_role"] == "member"

    def test_the_nearby_path_still_reaches_discovery(self, client, ctx):
        assert client.get("/api/v1/groups/nearby?lat=30&lon=120&radius_km=5").status_code == 200


class TestUpdateGroup:
    def test_organisers_edit_members_may_not(self, client, cast):
        url = f"/api/v1/groups/{cast.group.id}"
        assert client.patch(url, json={"name": "Renamed"}, headers=bearer(cast.member)).status_code == 403
        response = client.patch(url, json={"name": "Renamed"}, headers=bearer(cast.organiser))
        assert response.status_code == 200 and response.get_json()["name"] == "Renamed"


class TestJoin:
    def test_public_groups_take_members_at_once(self, client, cast):
        response = client.post(f"/api/v1/groups/{cast.group.id}/join", headers=bearer(cast.outsider))
        assert response.get_json() == {"status": "member"}

    def test_private_groups_queue_requests_until_an_organiser_approves(self, client, private_cast):
        group_id, outsider = private_cast.group.id, private_cast.outsider
        assert client.post(f"/api/v1/groups/{group_id}/join", headers=bearer(outsider)).get_json() == {
            "status": "pending"
        }
        assert client.get(f"/api/v1/groups/{group_id}", headers=bearer(outsider)).status_code == 404
        approve = f"/api/v1/groups/{group_id}/members/{outsider.id}/approve"
        assert client.post(approve, headers=bearer(private_cast.member)).status_code == 403
        assert client.post(approve, headers=bearer(private_cast.organiser)).status_code == 200
        assert client.get(f"/api/v1/groups/{group_id}", headers=bearer(outsider)).get_json()["my_role"] == "member"


class TestLeave:
    def test_members_leave_the_owner_cannot(self, client, cast):
        url = f"/api/v1/groups/{cast.group.id}/leave"
        assert client.post(url, headers=bearer(cast.member)).get_json() == {"status": "left"}
        response = client.post(url, headers=bearer(cast.owner))
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "owner_cannot_leave"


class TestSetRole:
    def test_only_the_owner_promotes_and_demotes(self, client, cast):
        url = f"/api/v1/groups/{cast.group.id}/members/{cast.member.id}"
        assert client.patch(url, json={"role": "organiser"}, headers=bearer(cast.organiser)).status_code == 403
        assert (
            client.patch(url, json={"role": "organiser"}, headers=bearer(cast.owner)).get_json()["role"] == "organiser"
        )
        assert client.patch(url, json={"role": "member"}, headers=bearer(cast.owner)).get_json()["role"] == "member"

    def test_handing_over_makes_the_old_owner_an_organiser(self, client, cast):
        url = f"/api/v1/groups/{cast.group.id}/members/{cast.member.id}"
        assert client.patch(url, json={"role": "owner"}, headers=bearer(cast.owner)).status_code == 200
        group = client.get(f"/api/v1/groups/{cast.group.id}", headers=bearer(cast.owner)).get_json()
        assert group["my_role"] == "organiser"

    def test_an_unknown_role_is_400(self, client, cast):
        url = f"/api/v1/groups/{cast.group.id}/members/{cast.member.id}"
        assert client.patch(url, json={"role": "king"}, headers=bearer(cast.owner)).status_code == 400


class TestMembers:
    def test_pending_requests_are_shown_to_organisers_only(self, client, private_cast):
        client.post(f"/api/v1/groups/{private_cast.group.id}/join", headers=bearer(private_cast.outsider))
        url = f"/api/v1/groups/{private_cast.group.id}/members"
        staff_view = client.get(url, headers=bearer(private_cast.organiser)).get_json()
        member_view = client.get(url, headers=bearer(private_cast.member)).get_json()
        assert [p["display_name"] for p in staff_view["pending"]] == ["Nico"]
        assert member_view["pending"] == []
        assert [p["role"] for p in member_view["active"]] == ["owner", "organiser", "member"]
