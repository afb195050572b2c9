"""Meeting-point suggestions: start, end and the fair point, checked against a brute-force search."""

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic

from planner.errors import Forbidden
from planner.geo import gpx, gpx_export
from planner.services import routes, rsvp, suggestions
from tests import factories
from tests.community.conftest import bearer

# An L-shaped route: north along 120.10°E from 30.20°N to 30.30°N, then east along 30.30°N to 120.20°E.
LEG_POINTS = 51


def l_route_gpx() -> bytes:
    north = [(30.20 + 0.1 * i / (LEG_POINTS - 1), 120.10) for i in range(LEG_POINTS)]
    east = [(30.30, 120.10 + 0.1 * i / (LEG_POINTS - 1)) for i in range(1, LEG_POINTS)]
    lats, lons = zip(*(north + east))
    return gpx_export.build_gpx(
        "L", [gpx.Segment(lats=lats, lons=lons, eles_m=(None,) * len(lats), times=(None,) * len(lats))]
    )


def brute_force(homes: list[tuple[float, float]]) -> float:
    """The smallest longest distance over points every ~2 m along both legs of the L (geographiclib, not pyproj)."""
    steps = np.linspace(0.0, 0.1, 5_001)
    candidates = [(30.20 + s, 120.10) for s in steps] + [(30.30, 120.10 + s) for s in steps]
    inverse = Geodesic.WGS84.Inverse
    return min(max(inverse(c[0], c[1], h[0], h[1])["s12"] for h in homes) for c in candidates)


@pytest.fixture
def l_outing(cast):
    route = routes.import_gpx(cast.owner.id, l_route_gpx(), group_id=cast.group.id)
    return factories.event(cast.group, route_id=route.id, capacity=20)


def _going_with_homes(event, homes):
    stored = []
    for lat, lon in homes:
        person = factories.user()
        stored.append(suggestions.set_home_area(person, lat, lon))
        rsvp.rsvp(event.id, person)
    return stored


class TestCoarsen:
    def test_homes_are_kept_to_a_one_kilometre_grid(self):
        assert suggestions.coarsen(30.123456, 120.987654) == (30.12, 120.99)


class TestSuggestions:
    @pytest.mark.parametrize(
        "homes",
        [
            [(30.25, 120.00), (30.32, 120.25), (30.10, 120.15)],
            [(30.40, 120.12), (30.41, 120.18), (30.36, 120.30), (30.22, 120.05)],
            [(30.05, 120.40), (30.50, 119.90), (30.31, 120.11)],
        ],
    )
    def test_the_fair_point_matches_a_brute_force_search(self, cast, l_outing, homes):
        stored = _going_with_homes(l_outing, homes)
        fair = next(s for s in suggestions.suggestions(l_outing.id, cast.organiser) if s["kind"] == "fair")
        best_m = brute_force(stored)
        assert fair["worst_distance_m"] == pytest.approx(best_m, abs=10.0)
        worst_here = max(geodesic((fair["lat"], fair["lon"]), h).m for h in stored)
        assert worst_here == pytest.approx(fair["worst_distance_m"], abs=1.0)
        average_here = np.mean([geodesic((fair["lat"], fair["lon"]), h).m for h in stored])
        assert fair["average_distance_m"] == pytest.approx(average_here, abs=1.0)

    def test_start_and_end_say_what_they_give(self, cast, l_outing):
        stored = _going_with_homes(l_outing, [(30.25, 120.00), (30.32, 120.25), (30.10, 120.15)])
        start, end, _fair = suggestions.suggestions(l_outing.id, cast.organiser)
        assert (start["kind"], start["lat"], start["lon"]) == ("start", 30.2, 120.1)
        assert (end["kind"], end["lat"], end["lon"]) == ("end", 30.3, 120.2)
        assert start["worst_distance_m"] == pytest.approx(max(geodesic((30.2, 120.1), h).m for h in stored), abs=1)

    def test_no_fair_point_with_fewer_than_three_shared_homes(self, cast, l_outing):
        _going_with_homes(l_outing, [(30.25, 120.00), (30.32, 120.25)])
        kinds = [s["kind"] for s in suggestions.suggestions(l_outing.id, cast.organiser)]
        assert kinds == ["start", "end"]

    def test_people_who_do_not_share_are_left_out(self, cast, l_outing):
        _going_with_homes(l_outing, [(30.25, 120.00), (30.32, 120.25), (30.10, 120.15)])
        quiet = factories.user()
        suggestions.set_home_area(quiet, 10.0, 10.0)
        suggestions.clear_home_area(quiet)
        rsvp.rsvp(l_outing.id, quiet)
        assert suggestions.suggestions(l_outing.id, cast.organiser)[2]["homes_count"] == 3

    def test_members_may_not_ask(self, cast, l_outing):
        with pytest.raises(Forbidden):
            suggestions.suggestions(l_outing.id, cast.member)


class TestSuggestionsApi:
    def test_the_answer_reveals_no_home(self, client, cast, l_outing):
        stored = _going_with_homes(l_outing, [(30.25, 120.00), (30.32, 120.25), (30.10, 120.15)])
        response = client.get(
            f"/api/v1/events/{l_outing.id}/meeting-points/suggestions", headers=bearer(cast.organiser)
        )
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for lat, lon in stored:
            assert f"{lat}" not in text or f"{lon}" not in text
        assert {"lat", "lon", "kind", "reason", "worst_distance_m", "average_distance_m"} <= set(response.get_json()[0])

    def test_home_area_opt_in_and_out(self, client, cast):
        response = client.put(
            "/api/v1/users/me/home-area", json={"lat": 30.2345, "lon": 120.1789}, headers=bearer(cast.member)
        )
        assert response.get_json() == {"share_home_area": True, "lat": 30.23, "lon": 120.18}
        assert (
            client.put(
                "/api/v1/users/me/home-area", json={"lat": 95, "lon": 0}, headers=bearer(cast.member)
            ).status_code
            == 400
        )
        assert client.delete("/api/v1/users/me/home-area", headers=bearer(cast.member)).status_code == 204


class TestFairPointOnPieces:
    def test_it_never_lands_on_the_gap_between_pieces_and_counts_only_the_pieces(self):
        # Two pieces of a route cut in the middle; the homes sit in the gap, where the fair point on a
        # joined line would fall.
        west = np.array([(120.00 + 0.001 * i, 30.0) for i in range(21)])  # 120.00 .. 120.02
        east = np.array([(120.06 + 0.001 * i, 30.0) for i in range(21)])  # 120.06 .. 120.08
        homes = np.array([(120.041, 30.001), (120.041, 29.999), (120.042, 30.0)])
        fair = suggestions.fair_point_on([west, east], homes)
        assert fair["lon"] == pytest.approx(120.06, abs=1e-5)  # the gap's nearer edge, on the east piece
        west_m = geodesic((30.0, 120.0), (30.0, 120.02)).meters
        assert fair["along_m"] == pytest.approx(west_m, abs=1)  # the gap is not counted
        joined = suggestions.fair_point(np.vstack([west, east]), homes)
        assert 120.02 < joined["lon"] < 120.06  # what the joined line would have suggested
