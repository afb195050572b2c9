"""Discovery queries (nearby, viewport, explore page) and their GeoJSON answers."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, PlainValidator, WithJsonSchema, model_validator

from planner.errors import N_
from planner.schemas.choices import Activity, Difficulty, Interest
from planner.schemas.common import FeatureCollection, Lat, Lon, Query, both_or_neither, fail
from planner.times import now_utc

MIN_RADIUS_KM, MAX_RADIUS_KM = 0.001, 500.0
DEFAULT_RADIUS_KM = 25.0
DEFAULT_WITHIN_KM = 5.0
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_OFFSET = 100_000
MAX_ZOOM = 22
EXPLORE_RADIUS_KM = (1.0, 200.0)


@dataclass(frozen=True)
class BBox:
    """A lat/lon box; min_lon > max_lon means it crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def crosses_antimeridian(self) -> bool:
        """Whether the box wraps across longitude ±180."""
        return self.min_lon > self.max_lon

    @property
    def lon_span_deg(self) -> float:
        """Width in degrees of longitude, unwrapped across the antimeridian."""
        return (self.max_lon - self.min_lon) % 360.0 or (360.0 if self.min_lon != self.max_lon else 0.0)

    @property
    def lat_span_deg(self) -> float:
        """Height in degrees of latitude."""
        return self.max_lat - self.min_lat


def _bbox(value: Any) -> BBox:
    """minlon,minlat,maxlon,maxlat as a BBox; invalid_bbox otherwise."""
    if isinstance(value, BBox):
        return value
    parts = str(value).split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(parts) != 4 or len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise fail("invalid_bbox", N_("'bbox' must be four numbers: minlon,minlat,maxlon,maxlat."), "bbox")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise fail("invalid_bbox", N_("'bbox' needs longitudes within ±180 and -90 <= minlat <= maxlat <= 90."), "bbox")
    return BBox(min_lon, min_lat, max_lon, max_lat)


BBoxParam = Annotated[
    BBox,
    PlainValidator(_bbox),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$",
            "description": "minlon,minlat,maxlon,maxlat (minlon > maxlon crosses the antimeridian)",
            "examples": ["119.9,30.1,120.3,30.4"],
        }
    ),
]


def _day_or_instant(value: Any) -> Any:
    """An ISO 8601 date or date-time (UTC without an offset); a bare date stays a date."""
    if isinstance(value, datetime):
        return value
    text = str(value)
    try:
        if "T" not in text:
            return datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(text).date()
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+", 1))
    except ValueError:
        raise fail("invalid_datetime", N_("Give an ISO 8601 date or date-time.")) from None


def _utc(value: Any, *, end_of_day: bool) -> datetime | None:
    """A date (its start, or end) or a datetime as an aware UTC instant."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


DayOrInstant = Annotated[
    Any,
    BeforeValidator(_day_or_instant),
    WithJsonSchema({"type": "string", "description": "ISO 8601 date or date-time (UTC without an offset)"}),
]
# Radii under a metre mean nothing and, near the smallest floats, underflow in PostGIS.
RadiusKm = Annotated[float, Field(ge=MIN_RADIUS_KM, le=MAX_RADIUS_KM, allow_inf_nan=False, description="kilometres")]
LengthKm = Annotated[float | None, Field(ge=0, allow_inf_nan=False, description="kilometres")]


class Paging(Query):
    """limit and offset."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Near(Query):
    """A required point."""

    lat: Lat
    lon: Lon


class EventFilterQuery(Query):
    """Filters on events; without from and to only upcoming ones."""

    activity: Activity | None = None
    difficulty: Difficulty | None = None
    starts_from: DayOrInstant = Field(None, alias="from", description="ISO 8601 date or date-time")
    starts_to: DayOrInstant = Field(None, alias="to", description="ISO 8601 date (to its end) or date-time")
    has_spots: bool = False
    min_length_km: LengthKm = None
    max_length_km: LengthKm = None

    @model_validator(mode="after")
    def _window(self) -> EventFilterQuery:
        """UTC instants; from defaults to now unless from or to is given; ranges must not be reversed."""
        self.starts_from = _utc(self.starts_from, end_of_day=False)
        self.starts_to = _utc(self.starts_to, end_of_day=True)
        if self.starts_from and self.starts_to and self.starts_from > self.starts_to:
            raise fail("invalid_range", N_("'from' must not be after 'to'."), "from")
        if self.starts_from is None and self.starts_to is None:
            self.starts_from = now_utc()
        low, high = self.min_length_km, self.max_length_km
        if low is not None and high is not None and low > high:
            raise fail("invalid_range", N_("'min_length_km' must not be more than 'max_length_km'."), "min_length_km")
        return self

    def length_range_m(self) -> tuple[float | None, float | None]:
        """(min, max) route length in metres."""
        low, high = self.min_length_km, self.max_length_km
        return (None if low is None else low * 1000.0), (None if high is None else high * 1000.0)


# Code points of the scripts written without spaces between words (Thai and Lao, Myanmar, Hangul jamo, Khmer,
# the CJK iteration and ideographic marks, kana, bopomofo, Hangul syllables, CJK ideographs): searched by
# characters and character pairs. The same ranges as planner_words() in migration 0007 (a test compares them).
UNSPACED_RANGES = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF), (0x3005, 0x3007), (0x3041, 0x3096),
    (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF),
    (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)  # fmt: skip
_UNSPACED_RUN = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in UNSPACED_RANGES) + "]+")
MAX_WORDS = 200


@dataclass(frozen=True)
class Words:
    """A word query: the text asked, its part for English full-text search, and its unspaced-script runs as a
    tsquery (each run a phrase of its character pairs, or the character alone; runs and words all required);
    heads: the first pair (or character) of each run, a looser tsquery whose selectivity PostgreSQL estimates
    well (it multiplies the pairs of a phrase as if they were independent)."""

    text: str
    english: str
    unspaced: str
    heads: str = ""

    @property
    def searchable(self) -> bool:
        """Whether anything is left to search for (punctuation alone is not)."""
        return bool(self.english or self.unspaced)


def parse_words(text: str) -> Words:
    """text (NFKC-normalised, as planner_words() stores it) split into its English part and its runs."""
    normal = unicodedata.normalize("NFKC", text)
    runs = _UNSPACED_RUN.findall(normal)
    phrases = [" <-> ".join(f"'{run[i : i + 2]}'" for i in range(max(len(run) - 1, 1))) for run in runs]
    english = " ".join(_UNSPACED_RUN.sub(" ", normal).split())
    heads = " & ".join(f"'{run[:2]}'" for run in runs)
    return Words(text, english, " & ".join(f"({phrase})" for phrase in phrases), heads)


def _words(value: Any, field: str = "q") -> Words:
    """value (the parameter field) as Words: trimmed text of 1 to MAX_WORDS characters, no NUL."""
    if isinstance(value, Words):
        return value
    if not isinstance(value, str) or "\x00" in value:
        raise fail("invalid_parameter", N_("'%(field)s' must be text."), field)
    text = value.strip()
    if not text:
        raise fail("invalid_parameter", N_("'%(field)s' must not be blank."), field)
    if len(text) > MAX_WORDS:
        raise fail(
            "invalid_parameter",
            N_("'%(field)s' must be at most %(max_length)s characters."),
            field,
            max_length=MAX_WORDS,
        )
    return parse_words(text)


WordsParam = Annotated[
    Words,
    PlainValidator(_words),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_WORDS,
            "description": "words to find in names and descriptions (English with stemming; Chinese, Japanese, "
            "Korean, Thai, ... also inside longer words); every word must match",
            "examples": ["night ride", "西湖夜跑"],
        }
    ),
]


class WordsFilter(Query):
    """An optional word filter (blank: none)."""

    q: WordsParam | None = None


class GroupsNearbyQuery(Near, Paging):
    """GET /groups/nearby."""

    radius_km: RadiusKm = DEFAULT_RADIUS_KM
    interest: Interest | None = None


class EventsNearbyQuery(Near, EventFilterQuery, WordsFilter, Paging):
    """GET /events/nearby."""

    radius_km: RadiusKm = DEFAULT_RADIUS_KM


class RoutesNearbyQuery(Near, Paging):
    """GET /routes/nearby."""

    within_km: RadiusKm = DEFAULT_WITHIN_KM
    activity: Activity | None = None


class EventsInBBoxQuery(EventFilterQuery, WordsFilter):
    """GET /events?bbox=."""

    bbox: BBoxParam
    zoom: int | None = Field(None, ge=0, le=MAX_ZOOM, description="the map's zoom level, for the cluster grid")


class GroupFeature(BaseModel):
    """Properties of a nearby group."""

    id: int
    name: str
    interest: str
    member_count: int
    distance_m: float


class EventFeature(BaseModel):
    """Properties of an event on a map or in a nearby list."""

    id: int
    title: str
    starts_at: str
    timezone: str
    group_id: int
    activity: str
    spots_left: int
    distance_m: float | None = Field(None, description="only when a point was given")
    series_id: int | None = Field(None, description="its series (a series is listed once, at its next occurrence)")
    repeats: str | None = Field(None, description='how its series repeats, e.g. "every Saturday"')


class ClusterFeature(BaseModel):
    """Properties of a grid cell of many events."""

    cluster: bool
    count: int


class RouteFeatureProps(BaseModel):
    """Properties of a nearby route (its geometry is the route's start)."""

    id: int
    name: str
    activity: str
    distance_m: float = Field(description="closest approach of the line")
    along_m: float = Field(description="from the route start to the closest point")
    length_m: float


class ViewportCollection(FeatureCollection[EventFeature | ClusterFeature]):
    """Events in a viewport: plain features, or grid clusters when clustered is true."""

    clustered: bool
    count: int


GroupCollection = FeatureCollection[GroupFeature]
EventCollection = FeatureCollection[EventFeature]
RouteCollection = FeatureCollection[RouteFeatureProps]


class ExploreQuery(EventFilterQuery):
    """The explore page's query: a place by lat/lon (or q, geocoded by the page), a radius, filters, words (q is
    the place there, so the outings' word filter is called words) and a page."""

    words: Annotated[Words, PlainValidator(lambda value: _words(value, "words"))] | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    radius_km: float = Field(DEFAULT_RADIUS_KM, ge=EXPLORE_RADIUS_KM[0], le=EXPLORE_RADIUS_KM[1], allow_inf_nan=False)
    interest: Interest | None = None
    page: int = Field(1, ge=1, le=10_000)

    @model_validator(mode="after")
    def _pair(self) -> ExploreQuery:
        """lat and lon together or not at all."""
        both_or_neither(self.lat, self.lon)
        return self


class PlacesQuery(Query):
    """GET /places: a name to look for, and optionally a point to rank the app's own places by nearness."""

    q: str = Field(min_length=1, max_length=200, description="a place name or the start of one")
    lat: Lat | None = None
    lon: Lon | None = None
    limit: int = Field(10, ge=1, le=50, description="at most this many own places and this many cities")

    @model_validator(mode="after")
    def _clean(self) -> PlacesQuery:
        """q not blank; lat and lon together."""
        self.q = self.q.strip()
        if not self.q:
            raise fail("invalid_parameter", N_("'%(field)s' must not be blank."), "q")
        both_or_neither(self.lat, self.lon)
        return self


class PlaceFeature(BaseModel):
    """Properties of a place search answer."""

    name: str
    kind: Literal["city", "meeting_point", "waypoint", "route", "group"]
    source: Literal["planner", "gazetteer", "geocoder"] = Field(description="planner: one of the app's own places")
    country: str | None = Field(None, description="ISO 3166 country code (cities)")


PlaceCollection = FeatureCollection[PlaceFeature]


class TimezoneQuery(Near):
    """GET /timezone."""


class TimezoneOut(BaseModel):
    """The IANA time zone at a point ("UTC" at sea)."""

    timezone: str


SearchKind = Literal["event", "group", "route"]
DEFAULT_SEARCH_RADIUS_KM = 50.0


class SearchQuery(EventFilterQuery, Paging):
    """GET /search: words (required), optionally near a point, of one kind; the event filters apply to outings
    (activity also to routes and, as the interest, to groups; route length also to routes)."""

    q: WordsParam
    lat: Lat | None = None
    lon: Lon | None = None
    radius_km: RadiusKm = Field(DEFAULT_SEARCH_RADIUS_KM, description="kilometres, with lat and lon")
    kind: SearchKind | None = Field(None, description="only outings, groups or routes (default: all three)")

    @model_validator(mode="after")
    def _pair(self) -> SearchQuery:
        """lat and lon together or not at all."""
        both_or_neither(self.lat, self.lon)
        return self


class EventHit(EventFeature):
    """An outing found by words."""

    kind: Literal["event"]


class GroupHit(BaseModel):
    """A group found by words (its geometry is the group's home)."""

    kind: Literal["group"]
    id: int
    name: str
    interest: str
    member_count: int
    distance_m: float | None = Field(None, description="only when a point was given")


class RouteHit(BaseModel):
    """A route found by words (its geometry is the route's start as others see it)."""

    kind: Literal["route"]
    id: int
    name: str
    activity: str
    length_m: float
    distance_m: float | None = Field(None, description="closest approach of the line; only when a point was given")


SearchCollection = FeatureCollection[EventHit | GroupHit | RouteHit]
