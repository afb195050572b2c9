"""Word search without a place: a GiST index on scheduled outings' (start time, title words), soonest first.

Outings with every word of a query in the title come soonest first (planner.services.word_search). Neither
index of migration 0007 serves that order for words in a few percent of the titles: the start time index reads
every outing until the page is full (hundreds to thousands of rows), the GIN index turns every outing with the
words into a bitmap (tens of thousands of items) before one is sorted. This index is read nearest first in time
(<->) and tests the title words inside the scan (by the lexemes' hashes), so the page costs a few index pages
and the hits' rows.

Plain PostgreSQL, no btree_gist: the start time is a point on the diagonal, both coordinates its seconds since
1970 as float8 (date_part of the UTC timestamp, immutable; of a timestamptz it is not). On a flat line every box
would have area 0 and the index's insertion penalties no say, leaving it ordered by the words. The title words'
signatures are 1024 bytes (tsvector_ops' default is 124): the upper pages' signatures of a time span then tell a
rare word's absence, so a scan for it skips most of the span. Partial on scheduled outings, the only ones word
search returns.

Revision ID: 0010_soonest_by_title
Revises: 0009_series
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_soonest_by_title"
down_revision = "0009_series"
branch_labels = None
depends_on = None

SECONDS = "date_part('epoch', (starts_at AT TIME ZONE 'UTC'))"


def upgrade():
    op.create_index(
        "ix_events_soonest_title",
        "events",
        [sa.text(f"point({SECONDS}, {SECONDS})"), sa.literal_column("ts_filter(search_vector, '{a}')").label("title")],
        postgresql_using="gist",
        postgresql_ops={"title": "tsvector_ops (siglen = 1024)"},
        postgresql_where=sa.text("status = 'scheduled'"),
    )


def downgrade():
    op.drop_index("ix_events_soonest_title", table_name="events")
