"""Tests for planner.geo.profile.elevation_svg."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.geo.profile import elevation_svg

SVG = "{http://www.w3.org/2000/svg}"


def hilly(distance_km: float = 30.0, n: int = 600) -> list[tuple[float, float]]:
    """A wavy test profile of (distance_m, elevation_m) from 0 to distance_km."""
    return [(i * distance_km * 1000 / (n - 1), 400 + 250 * math.sin(i / 40) + i * 0.2) for i in range(n)]


def texts(svg: str) -> list[str]:
    """All <text> contents of the SVG."""
    return [node.text or "" for node in ET.fromstring(svg).iter(f"{SVG}text")]


class TestElevationSvg:
    def test_it_is_valid_xml_with_a_root_svg(self):
        root = ET.fromstring(elevation_svg(hilly()))
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") is None  # one user unit is one CSS px, so labels keep their size
        assert root.get("width") == "100%"
        assert root.get("role") == "img"

    def test_it_draws_a_filled_area_and_a_line(self):
        paths = list(ET.fromstring(elevation_svg(hilly())).iter(f"{SVG}path"))
        assert len(paths) == 2
        assert paths[0].get("d").endswith("Z")
        assert paths[0].get("fill") not in (None, "none")
        assert paths[1].get("fill") == "none"

    def test_it_reads_distances_in_metres(self):
        labels = texts(elevation_svg([(0.0, 100.0), (12_000.0, 300.0)]))
        assert "12 km" in labels
        assert "12000 km" not in labels

    def test_it_labels_distance_ticks_in_km(self):
        labels = texts(elevation_svg(hilly(30.0)))
        for expected in ("0 km", "5 km", "10 km", "30 km"):
            assert expected in labels

    def test_it_uses_decimals_only_for_short_routes(self):
        labels = texts(elevation_svg(hilly(2.5)))
        assert "0.5 km" in labels
        assert "2.5 km" in labels

    def test_it_labels_elevation_ticks_in_m(self):
        labels = [label for label in texts(elevation_svg(hilly())) if label.endswith(" m") and label[0].isdigit()]
        assert len(labels) >= 3
        values = [float(label.split()[0]) for label in labels]
        assert values == sorted(values)

    def test_it_labels_the_min_and_max(self):
        labels = texts(elevation_svg([(0, 120.4), (1000, 890.6), (2000, 300)]))
        assert "max 891 m" in labels
        assert "min 120 m" in labels

    def test_it_has_an_accessible_escaped_title(self):
        svg = elevation_svg(hilly(), title='Ridge <script>alert(1)</script> & "co"')
        root = ET.fromstring(svg)
        assert root.find(f"{SVG}title").text == 'Ridge <script>alert(1)</script> & "co"'
        assert "<script" not in svg
        assert root.find(f"{SVG}desc").text.startswith("Distance 30.0 km")

    def test_it_has_no_scripts_styles_or_external_references(self):
        svg = elevation_svg(hilly())
        root = ET.fromstring(svg)
        assert not [node for node in root.iter() if node.tag in (f"{SVG}script", f"{SVG}style", f"{SVG}image")]
        assert not [node for node in root.iter() if "style" in node.attrib or any("href" in key for key in node.attrib)]
        assert "url(" not in svg

    def test_it_handles_a_flat_profile(self):
        svg = elevation_svg([(0.0, 250.0), (5000.0, 250.0)])
        assert "nan" not in svg.lower()
        labels = texts(svg)
        assert "max 250 m" in labels
        assert "250 m" in labels

    @pytest.mark.parametrize(
        "profile", [[], [(0.0, 100.0)], [(0.0, 100.0), (1000.0, None)], [(0.0, float("nan")), (1000.0, 5.0)]]
    )
    def test_it_returns_empty_with_fewer_than_two_elevations(self, profile):
        assert elevation_svg(profile) == ""

    def test_it_handles_points_at_the_same_distance(self):
        root = ET.fromstring(elevation_svg([(3000.0, 100.0), (3000.0, 140.0)]))
        assert "nan" not in ET.tostring(root, encoding="unicode").lower()

    def test_it_thins_a_long_profile_but_keeps_the_peak(self):
        profile = [(float(i), 100.0 + (i % 7)) for i in range(100_000)]
        profile[54_321] = (54_321.0, 2_000.0)
        svg = elevation_svg(profile)
        assert len(svg) < 100_000
        assert "max 2000 m" in texts(svg)
        line = list(ET.fromstring(svg).iter(f"{SVG}path"))[1].get("d")
        top = min(float(point.split(",")[1]) for point in line.replace("M", "L").split("L") if point.strip())
        assert top == pytest.approx(20.0, abs=0.1)

    def test_it_honours_the_height(self):
        root = ET.fromstring(elevation_svg(hilly(), height_px=120))
        assert root.get("height") == "120"
        assert root.get("data-bottom") == "92"

    def test_text_is_sized_in_css_px_and_placed_by_percentage(self):
        root = ET.fromstring(elevation_svg(hilly()))
        assert root.get("font-size") == "11"
        plots = [node for node in root.iter(f"{SVG}svg") if node is not root]
        assert len(plots) == 1 and plots[0].get("preserveAspectRatio") == "none"
        assert not [node for node in plots[0].iter(f"{SVG}text")]  # no text in the stretched plot
        xs = [node.get("x") for node in root.iter(f"{SVG}text") if node.get("x") != "3"]
        assert xs and all(x.endswith("%") for x in xs)

    def test_it_tells_scripts_its_scales(self):
        root = ET.fromstring(elevation_svg([(0.0, 100.0), (12_000.0, 300.0)]))
        assert (root.get("data-km-low"), root.get("data-km-high")) == ("0", "12")
        assert float(root.get("data-ele-low")) <= 100 and float(root.get("data-ele-high")) >= 300
        assert (root.get("data-top"), root.get("data-bottom")) == ("20", "172")

    def test_it_marks_numbered_points_along_the_profile(self):
        root = ET.fromstring(elevation_svg(hilly(30.0), marks=[(7_500.0, 1), (15_000.0, 2), (45_000.0, 3)]))
        marks = [node for node in root.iter(f"{SVG}g") if node.get("class") == "profile-mark"]
        assert [mark.find(f"{SVG}text").text for mark in marks] == ["1", "2"]  # 45 km is past the end
        assert [mark.find(f"{SVG}circle").get("cx") for mark in marks] == ["25.00%", "50.00%"]

    @settings(max_examples=80, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.floats(0, 500_000, allow_nan=False),
                st.one_of(st.none(), st.floats(-500, 9_000, allow_nan=False)),
            ),
            max_size=40,
        )
    )
    def test_any_profile_gives_valid_svg_or_nothing(self, profile):
        svg = elevation_svg(sorted(profile, key=lambda point: point[0]))
        if svg:
            assert "nan" not in svg.lower() and "inf" not in svg.lower()
            assert ET.fromstring(svg).tag == f"{SVG}svg"
