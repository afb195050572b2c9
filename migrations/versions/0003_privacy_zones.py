"""Privacy zones, and the public view of routes they touch.

Revision ID: 0003_privacy_zones
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

revision = "0003_privacy_zones"
down_revision = "0002"
branch_labels = None
depends_on = None


def _geography(kind: str) -> Geography:
    """A geography column type as the models declare it (indexes are created below)."""
    return Geography(geometry_type=kind, srid=4326, spatial_index=False, from_text="ST_GeogFromText",
                     name="geography")


def upgrade():
    op.create_table(
        "privacy_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), server_default="", nullable=False),
        sa.Column("centre", _geography("POINT"), nullable=False),
        sa.Column("radius_m", sa.Integer(), nullable=False),
        sa.Column("cut_centre", _geography("POINT"), nullable=False),
        sa.Column("cut_radius_m", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("radius_m BETWEEN 200 AND 1000", name=op.f("ck_privacy_zones_radius_range")),
        sa.CheckConstraint("length(name) <= 80", name=op.f("ck_privacy_zones_name_len")),
        sa.CheckConstraint("cut_radius_m > radius_m", name=op.f("ck_privacy_zones_cut_contains_zone")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_privacy_zones_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_zones")),
    )
    op.create_index("ix_privacy_zones_user_id", "privacy_zones", ["user_id"])
    op.add_column("routes", sa.Column("public_line", _geography("MULTILINESTRINGZ"), nullable=True))
    op.add_column("routes", sa.Column("public_display_line", _geography("MULTILINESTRINGZ"), nullable=True))
    op.add_column("routes", sa.Column("public_stats", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute("ALTER TABLE routes ALTER COLUMN public_line SET COMPRESSION lz4")
    op.create_index("idx_routes_public_line", "routes", ["public_line"], postgresql_using="gist")
    op.create_check_constraint("ck_routes_public_lines_together", "routes",
                               "(public_line IS NULL) = (public_display_line IS NULL)")
    op.create_check_constraint("ck_routes_public_line_has_stats", "routes",
                               "public_line IS NULL OR public_stats IS NOT NULL")


def downgrade():
    op.drop_constraint("ck_routes_public_line_has_stats", "routes", type_="check")
    op.drop_constraint("ck_routes_public_lines_together", "routes", type_="check")
    op.drop_index("idx_routes_public_line", table_name="routes", postgresql_using="gist")
    op.drop_column("routes", "public_stats")
    op.drop_column("routes", "public_display_line")
    op.drop_column("routes", "public_line")
    op.drop_index("ix_privacy_zones_user_id", table_name="privacy_zones")
    op.drop_table("privacy_zones")
