"""Discovery speed: a 2D GiST index on events' start as geometry, for nearest-first event search.

The geography index on events.start is built by insertion (it has no sorted build) and in dense cities
a nearest-first scan visits ~200 of its pages; the 2D index is built sorted and stays compact.

Revision ID: 0004_discovery_speed
Revises: 0003_privacy_zones
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_discovery_speed"
down_revision = "0003_privacy_zones"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("idx_events_start_geom", "events", [sa.text("(start::geometry)")], postgresql_using="gist")


def downgrade():
    op.drop_index("idx_events_start_geom", table_name="events")
