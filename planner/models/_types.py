"""Column types and helpers shared by the models."""

from datetime import UTC, datetime

from geoalchemy2 import Geography
from sqlalchemy import DateTime, func
from sqlalchemy.orm import mapped_column

GeoPoint = Geography(geometry_type="POINT", srid=4326, spatial_index=True)
GeoPointNoIndex = Geography(geometry_type="POINT", srid=4326, spatial_index=False)
GeoLineZ = Geography(geometry_type="LINESTRINGZ", srid=4326, spatial_index=True)
GeoLineZNoIndex = Geography(geometry_type="LINESTRINGZ", srid=4326, spatial_index=False)
GeoMultiLineZ = Geography(geometry_type="MULTILINESTRINGZ", srid=4326, spatial_index=True)
GeoMultiLineZNoIndex = Geography(geometry_type="MULTILINESTRINGZ", srid=4326, spatial_index=False)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def created_at_column():
    """A timestamptz column set on insert."""
    return mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, server_default=func.now())


def updated_at_column():
    """A timestamptz column set on insert and on every ORM update."""
    return mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
