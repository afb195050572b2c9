"""On tables of 10,000+ rows, the nearby queries the services really send use the GiST indexes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from planner.extensions import db
from planner.schemas.discovery import BBox
from planner.services import reads, search
from planner.services.search import EventFilters
from tests import factories as f

ROWS = 10_000


@pytest.fixture
def big_tables(ctx):
    """10,000 groups, events and routes spread over Europe, then ANALYZE so the planner sees the sizes."""
    owner = f.user()
    db.session.execute(
        text("""
        INSERT INTO groups (name, interest, home)
        SELECT 'Group ' || n, 'hiking', ST_SetSRID(ST_MakePoint(-10 + 40 * random(), 35 + 25 * random()), 4326)
        FROM generate_series(1, :rows) n"""),
        {"rows": ROWS},
    )
    db.session.execute(
        text("""
        INSERT INTO events (group_id, title, starts_at, ends_at, timezone, capacity, activity, start)
        SELECT g.id, 'Outing ' || g.id, now() + interval '2 days', now() + interval '3 days', 'UTC', 10, 'hiking',
               ST_SetSRID(ST_MakePoint(-10 + 40 * random(), 35 + 25 * random()), 4326)
        FROM groups g""")
    )
    db.session.execute(
        text("""
        INSERT INTO routes (owner_id, name, activity, line, display_line, start_point, end_point, bbox, length_m,
                            point_count, estimated_duration_s, gpx_original, gpx_sha256)
        SELECT :owner, 'Route ' || n, 'hiking', l, l, ST_Force2D(ST_StartPoint(l)), ST_Force2D(ST_EndPoint(l)),
               ARRAY[ST_XMin(l), ST_YMin(l), ST_XMax(l), ST_YMax(l)], 5000, 3, 3600, '\\x00'::bytea, repeat('0', 64)
        FROM (SELECT n, ST_SetSRID(ST_MakeLine(ARRAY[ST_MakePoint(x, y, 0), ST_MakePoint(x + 0.03, y, 0),
                                                     ST_MakePoint(x + 0.03, y + 0.03, 0)]), 4326) AS l
              FROM (SELECT n, -10 + 40 * random() AS x, 35 + 25 * random() AS y
                    FROM generate_series(1, :rows) n) p) s"""),
        {"owner": owner.id, "rows": ROWS},
    )
    db.session.execute(text("ANALYZE groups; ANALYZE events; ANALYZE routes; ANALYZE memberships"))


def _plans_of(monkeypatch, call) -> list[str]:
    """EXPLAIN output of every query that call() sends through reads.rows."""
    sent = []
    run = reads.rows

    def recording(sql, params):
        """reads.rows, remembering what it was asked to run."""
        sent.append((sql, params))
        return run(sql, params)

    monkeypatch.setattr(reads, "rows", recording)
    call()
    assert sent
    driver = db.session.connection().connection.driver_connection
    return [
        "\n".join(row[0] for row in driver.execute("EXPLAIN " + reads.driver_sql(sql), params)) for sql, params in sent
    ]


class TestNearbyQueryPlans:
    def test_events_nearby_scans_the_events_gist_index(self, big_tables, monkeypatch):
        upcoming = EventFilters(starts_from=datetime.now(UTC))
        (plan,) = _plans_of(monkeypatch, lambda: search.events_nearby(48.0, 8.0, 50_000, upcoming))
        # Both steps on the 2D index of start::geometry: the ordered scan, then the bound's boxes.
        assert "Index Scan using idx_events_start_geom" in plan and "Order By" in plan
        assert "Bitmap Index Scan on idx_events_start_geom" in plan and "Seq Scan on events" not in plan

    def test_groups_nearby_scans_the_groups_gist_index(self, big_tables, monkeypatch):
        (plan,) = _plans_of(monkeypatch, lambda: search.groups_nearby(48.0, 8.0, 50_000))
        assert "idx_groups_home" in plan and "Seq Scan on groups" not in plan

    def test_routes_nearby_scans_the_route_line_gist_index(self, big_tables, monkeypatch):
        (plan,) = _plans_of(monkeypatch, lambda: search.routes_nearby(48.0, 8.0, 10_000))
        assert "idx_routes_line" in plan and "Seq Scan on routes" not in plan

    def test_a_small_viewport_scans_the_events_gist_index(self, big_tables, monkeypatch):
        upcoming = EventFilters(starts_from=datetime.now(UTC))
        plans = _plans_of(monkeypatch, lambda: search.events_in_bbox(BBox(7.5, 47.5, 8.5, 48.5), upcoming, zoom=10))
        assert all("idx_events_start" in plan and "Seq Scan on events" not in plan for plan in plans)
