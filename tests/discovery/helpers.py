"""Builders for discovery tests: routes inserted with SQL, and bulk rows."""

from __future__ import annotations

from sqlalchemy import text

from planner.extensions import db


def route(
    owner_id: int,
    coords: list[tuple[float, float]],
    *,
    group_id: int | None = None,
    activity: str = "hiking",
    name: str = "Route",
) -> int:
    """Insert a route along (lat, lon) coords; returns its id."""
    linez = "LINESTRING Z(" + ", ".join(f"{lon!r} {lat!r} 0" for lat, lon in coords) + ")"
    row = db.session.execute(
        text("""
        INSERT INTO routes (owner_id, group_id, name, activity, line, display_line, start_point, end_point, bbox,
                            length_m, point_count, estimated_duration_s, gpx_original, gpx_sha256)
        SELECT :owner_id, :group_id, :name, :activity, g, g, ST_Force2D(ST_StartPoint(g::geometry))::geography,
               ST_Force2D(ST_EndPoint(g::geometry))::geography,
               ARRAY[ST_XMin(g::geometry), ST_YMin(g::geometry), ST_XMax(g::geometry), ST_YMax(g::geometry)],
               ST_Length(g), :point_count, 3600, '\\x3c6770782f3e'::bytea, repeat('0', 64)
        FROM (SELECT ST_GeogFromText(:ewkt) AS g) s
        RETURNING id"""),
        {
            "owner_id": owner_id,
            "group_id": group_id,
            "name": name,
            "activity": activity,
            "ewkt": "SRID=4326;" + linez,
            "point_count": len(coords),
        },
    )
    return row.scalar_one()


def events_at(group_id: int, points: list[tuple[float, float]], *, days: int = 7, **fields) -> list[int]:
    """Insert one scheduled event per (lat, lon) point, starting in `days` days; returns their ids in order."""
    columns = {
        "activity": "hiking",
        "capacity": 12,
        "status": "scheduled",
        "difficulty": None,
        "route_id": None,
        **fields,
    }
    ids = []
    for n, (lat, lon) in enumerate(points):
        ids.append(
            db.session.execute(
                text("""
            INSERT INTO events (group_id, title, starts_at, ends_at, timezone, capacity, activity, difficulty,
                                status, route_id, start)
            VALUES (:group_id, :title, now() + make_interval(days => :days), now() + make_interval(days => :days)
                    + interval '3 hours', 'UTC', :capacity, :activity, :difficulty, :status, :route_id,
                    ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)
            RETURNING id"""),
                {"group_id": group_id, "title": f"Outing {n}", "days": days, "lat": lat, "lon": lon, **columns},
            ).scalar_one()
        )
    return ids
