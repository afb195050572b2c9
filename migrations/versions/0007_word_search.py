"""Word search: a generated tsvector per outing, group and route (GIN-indexed), a GiST index on outings'
(start, words), and routes' GPX names.

planner_words(text, weight) is the one definition of what is searchable in a text (the queries that match it
are built in planner.services.search.words_query from planner.schemas.discovery.parse_words):
- English full-text search ('english' configuration: stemming, stop words) on the text (NFKC-normalised) with
  the runs of unspaced scripts taken out;
- for the scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar, and
  Korean, whose words carry particles), every character and every pair of neighbouring characters of each
  run as a lexeme at the character's position, so a query's run matches as a phrase of its character pairs
  (``'西湖' <-> '湖夜' <-> '夜跑'``) wherever it sits inside a longer name, and a lone character as itself.
Why pairs in a tsvector rather than pg_trgm: pg_trgm extracts no trigram from a 2-character LIKE pattern, so
'%西湖%' cannot use a trigram index at all (EXPLAIN: a sequential scan); pairs at positions live in the same
tsvector and indexes as the English words, a mixed query ("西湖 night ride") is one index condition, and
ts_rank_cd ranks both. PL/pgSQL rather than SQL: its plans are cached, a SQL function with a query inside was
replanned on every row (5x slower).

Weights: title/name A, a route's GPX name A, description B.

Revision ID: 0007_word_search
Revises: 0006_notifications
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_word_search"
down_revision = "0006_notifications"
branch_labels = None
depends_on = None

# Code point ranges of the scripts written without spaces between words (the same as
# planner.schemas.discovery.UNSPACED_RANGES; a test compares them): Thai and Lao, Myanmar, Hangul jamo,
# Khmer, the CJK iteration and ideographic marks, kana, bopomofo, Hangul syllables, CJK ideographs (all blocks).
UNSPACED_RANGES = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF), (0x3005, 0x3007), (0x3041, 0x3096),
    (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF),
    (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)  # fmt: skip
UNSPACED = " OR ".join(f"cp BETWEEN {low} AND {high}" for low, high in UNSPACED_RANGES)
# A text with no character from U+0E00 up (most Latin, Cyrillic, Greek, ... text) skips the per-character pass.
WORDS = (
    r"""
CREATE FUNCTION planner_words(body text, weight "char") RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text := normalize(coalesce(body, ''), NFKC);
    spaced text;
    grams text;
BEGIN
    IF t !~ '[^\x01-\u0dff]' THEN
        RETURN setweight(to_tsvector('english'::regconfig, t), weight);
    END IF;
    WITH chars AS (
        SELECT x.ch, x.n, (UNSPACED) AS u
        FROM regexp_split_to_table(t, '') WITH ORDINALITY AS x(ch, n), ascii(x.ch) AS cp),
    pairs AS (
        SELECT ch, n, u, lead(ch) OVER w AS next_ch, lead(u) OVER w AS next_u FROM chars WINDOW w AS (ORDER BY n))
    SELECT string_agg(CASE WHEN u THEN ' ' ELSE ch END, '' ORDER BY n),
           string_agg(CASE WHEN u THEN '''' || ch || ''':' || least(n, 16383)::text || weight::text
                               || CASE WHEN next_u THEN ' ''' || ch || next_ch || ''':' || least(n, 16383)::text
                                                        || weight::text ELSE '' END END, ' ')
    INTO spaced, grams FROM pairs;
    RETURN setweight(to_tsvector('english'::regconfig, spaced), weight) || coalesce(grams, '')::tsvector;
END
$$"""
).replace("UNSPACED", UNSPACED)
# The same lexemes as search_vector, the expression the nearby and viewport queries name: the GiST index on
# (start, words) serves them (nearest first with the words tested inside the index, by signature), never the
# GIN index, which the planner would pick for words it wrongly thinks rare and then read every hit. Partial on
# a predicate every row meets and only a test of the words implies, so queries without words keep the smaller
# index on start alone.
SPATIAL_WORDS = "ts_filter(search_vector, '{a,b,c,d}')"
VECTORS = {
    "events": "planner_words(title, 'A') || planner_words(description, 'B')",
    "groups": "planner_words(name, 'A') || planner_words(description, 'B')",
    "routes": "planner_words(name, 'A') || planner_words(gpx_name, 'A') || planner_words(description, 'B')",
}


def upgrade():
    op.execute(WORDS)
    op.add_column("routes", sa.Column("gpx_name", sa.String(length=200), nullable=True))
    _backfill_gpx_names()
    for table, expression in VECTORS.items():
        op.add_column(
            table,
            sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(expression, persisted=True), nullable=True),
        )
        op.create_index(f"ix_{table}_search_vector", table, ["search_vector"], postgresql_using="gin")
    op.create_index(
        "ix_events_start_words",
        "events",
        [sa.text("(start::geometry)"), sa.text(SPATIAL_WORDS)],
        postgresql_using="gist",
        postgresql_where=sa.text("search_vector IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_events_start_words", table_name="events")
    for table in VECTORS:
        op.drop_index(f"ix_{table}_search_vector", table_name=table)
        op.drop_column(table, "search_vector")
    op.drop_column("routes", "gpx_name")
    op.execute('DROP FUNCTION planner_words(text, "char")')


def _backfill_gpx_names():
    """Stored routes' GPX names, read from their original files (the name a route got when none was given)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, gpx_original FROM routes ORDER BY id")).yield_per(100)
    names = [{"id": id_, "name": name} for id_, data in rows if (name := _gpx_name(bytes(data)))]
    if names:
        bind.execute(sa.text("UPDATE routes SET gpx_name = :name WHERE id = :id"), names)


class _Found(Exception):
    """Stops the parse once the name is known."""


def _gpx_name(data):
    """The file's own name, as planner.geo.gpx reads it (document, else track, else route name), or None.

    The files passed the upload gate (no DOCTYPE, no entities); the parse stops at the first track point."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    stack, texts, found = [], [], {}

    def start(name, _attrs):
        local = name.rpartition(" ")[2]
        if local == "trkpt":
            raise _Found
        stack.append(local)
        texts.clear()

    def end(_name):
        local = stack.pop()
        parent = stack[-1] if stack else ""
        if local == "name" and parent in ("metadata", "gpx", "trk", "rte") and "".join(texts).strip():
            found.setdefault("trk" if parent == "trk" else "rte" if parent == "rte" else "doc", "".join(texts))
            if "doc" in found:
                raise _Found

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = texts.append
    try:
        parser.Parse(data, True)
    except (_Found, expat.ExpatError, ValueError):
        pass
    name = found.get("doc") or found.get("trk") or found.get("rte")
    return name.strip()[:200] or None if name else None
