"""planner.schemas: a pydantic error becomes one ServiceError naming the field, with our codes and a sentence."""

from __future__ import annotations

import pytest

from planner.errors import ServiceError
from planner.schemas import parse, parse_query
from planner.schemas.discovery import EventsInBBoxQuery, EventsNearbyQuery
from planner.schemas.events import EventIn, EventPatch
from planner.schemas.groups import GroupIn, GroupPatch

GROUP = {"name": "Hikers", "interest": "hiking", "lat": 30.2, "lon": 120.1}
EVENT = {"title": "Walk", "starts_at": "2030-05-01T08:00:00+08:00", "ends_at": "2030-05-01T12:00", "capacity": 5}


def _refusal(model, data, *, query: bool = False) -> ServiceError:
    """The ServiceError parsing data as model raises."""
    with pytest.raises(ServiceError) as caught:
        (parse_query if query else parse)(model, data)
    return caught.value


class TestParseBodies:
    @pytest.mark.parametrize(
        "field, value, code",
        [
            ("lat", 91, "invalid_field"),
            ("lat", True, "invalid_field"),
            ("lat", "nan", "invalid_field"),
            ("lon", "east", "invalid_field"),
            ("name", " ", "invalid_field"),
            ("name", "x\x00y", "invalid_field"),
            ("name", 5, "invalid_field"),
            ("interest", "chess", "invalid_field"),
        ],
    )
    def test_the_first_bad_field_is_named(self, field, value, code):
        error = _refusal(GroupIn, {**GROUP, field: value})
        assert (error.status, error.code, error.field) == (400, code, field)
        assert error.message.endswith(".") and f"'{field}'" in error.message

    def test_a_body_that_is_not_an_object_is_invalid_json(self):
        assert _refusal(GroupIn, ["not", "an", "object"]).code == "invalid_json"

    def test_text_is_trimmed_and_blank_optionals_are_null(self):
        group = parse(GroupIn, {**GROUP, "name": "  Hikers  ", "visibility": ""})
        assert group.name == "Hikers" and group.visibility is None

    def test_our_own_codes_pass_through(self):
        assert _refusal(EventIn, {**EVENT, "timezone": "Mars/Olympus"}).code == "invalid_timezone"
        assert _refusal(EventIn, {**EVENT, "starts_at": 5}).code == "invalid_time"

    def test_a_patch_may_leave_fields_out_but_not_null_them(self):
        assert parse(GroupPatch, {"name": "New"}).model_fields_set == {"name"}
        error = _refusal(EventPatch, {"capacity": None})
        assert (error.code, error.field) == ("invalid_field", "capacity")
        assert parse(EventPatch, {"route_id": None}).route_id is None

    def test_lat_and_lon_go_together(self):
        assert _refusal(GroupPatch, {"lat": 30.0}).field == "lon"


class TestParseQueries:
    @pytest.mark.parametrize(
        "args, field, code",
        [
            ({"lon": "120"}, "lat", "missing_parameter"),
            ({"lat": "abc", "lon": "120"}, "lat", "invalid_number"),
            ({"lat": "30", "lon": "inf"}, "lon", "invalid_number"),
            ({"lat": "30", "lon": "181"}, "lon", "out_of_range"),
            ({"lat": "30", "lon": "120", "limit": "x"}, "limit", "invalid_integer"),
            ({"lat": "30", "lon": "120", "activity": "sailing"}, "activity", "invalid_choice"),
            ({"lat": "30", "lon": "120", "has_spots": "maybe"}, "has_spots", "invalid_flag"),
            ({"lat": "30", "lon": "120", "from": "2026-12-05", "to": "2026-12-01"}, "from", "invalid_range"),
        ],
    )
    def test_bad_parameters_keep_their_codes(self, args, field, code):
        error = _refusal(EventsNearbyQuery, args, query=True)
        assert (error.code, error.field) == (code, field)

    def test_blank_parameters_count_as_absent(self):
        query = parse_query(EventsNearbyQuery, {"lat": "30", "lon": "120", "limit": " ", "from": ""})
        assert query.limit == 20 and query.starts_from is not None

    def test_a_bare_to_date_means_its_end(self):
        query = parse_query(EventsInBBoxQuery, {"bbox": "0,0,1,1", "to": "2026-12-01"})
        assert (query.starts_to.hour, query.starts_to.minute) == (23, 59) and query.starts_from is None
