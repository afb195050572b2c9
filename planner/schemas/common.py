"""The shared parts of the schemas: base classes, field types, GeoJSON shapes and ValidationError -> ServiceError."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from annotated_types import Interval
from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from planner.errors import N_, ServiceError

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers
INVALID_JSON = N_("Send a JSON object with Content-Type: application/json.")

# pydantic error types -> our snake_case codes, for query strings (bodies answer "invalid_field").
QUERY_CODES = {
    "missing": "missing_parameter",
    "float_parsing": "invalid_number",
    "float_type": "invalid_number",
    "finite_number": "invalid_number",
    "int_parsing": "invalid_integer",
    "int_type": "invalid_integer",
    "int_from_float": "invalid_integer",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "literal_error": "invalid_choice",
    "bool_parsing": "invalid_flag",
    "bool_type": "invalid_flag",
}

# Codes raised by our own validators (PydanticCustomError types) that pass through unchanged.
CUSTOM_CODES = frozenset(
    {
        "invalid_field",
        "invalid_time",
        "invalid_timezone",
        "invalid_range",
        "invalid_bbox",
        "invalid_datetime",
        "invalid_email",
        "weak_password",
        "invalid_password",
        "invalid_display_name",
        "invalid_activity",
    }
)


class Body(BaseModel):
    """A JSON request body (or the dict a web form hands a service); unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")
    codes: ClassVar[Mapping[str, str]] = {}
    default_code: ClassVar[str] = "invalid_field"


class Query(BaseModel):
    """Query-string parameters; blank values count as absent."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    codes: ClassVar[Mapping[str, str]] = QUERY_CODES
    default_code: ClassVar[str] = "invalid_parameter"


class Out(BaseModel):
    """A response shape (documentation and the schema responses are checked against)."""

    model_config = ConfigDict(extra="allow")


M = TypeVar("M", bound=BaseModel)


# Sentences for the pydantic error types people meet (N_ templates; %(field)s is the field, the rest pydantic's
# context). A list's limits are keyed by pydantic's field_type, one of several choices as literal_error_many.
TEMPLATES = {
    "missing": N_("'%(field)s' is required."),
    "string_type": N_("'%(field)s': input should be a valid string."),
    "string_too_short": N_("'%(field)s' must not be empty."),
    "string_too_long": N_("'%(field)s' must be at most %(max_length)s characters."),
    "greater_than": N_("'%(field)s' must be more than %(gt)s."),
    "greater_than_equal": N_("'%(field)s' must be at least %(ge)s."),
    "less_than": N_("'%(field)s' must be less than %(lt)s."),
    "less_than_equal": N_("'%(field)s' must be at most %(le)s."),
    "literal_error": N_("'%(field)s' must be one of: %(expected)s."),
    "literal_error_many": N_("'%(field)s' must be one of: %(choices)s or %(last)s."),
    "finite_number": N_("'%(field)s' must be a finite number."),
    "float_parsing": N_("'%(field)s' must be a number."),
    "float_type": N_("'%(field)s' must be a number."),
    "int_parsing": N_("'%(field)s' must be a whole number."),
    "int_type": N_("'%(field)s' must be a whole number."),
    "int_from_float": N_("'%(field)s' must be a whole number."),
    "int_parsing_size": N_("'%(field)s': unable to parse input string as an integer, exceeded maximum size."),
    "bool_parsing": N_("'%(field)s' must be true or false."),
    "bool_type": N_("'%(field)s' must be true or false."),
    "list_type": N_("'%(field)s': input should be a valid list."),
    "dict_type": N_("'%(field)s': input should be a valid dictionary."),
    "model_type": N_("'%(field)s': input should be a valid dictionary or instance of %(class_name)s."),
    "too_long_list": N_(
        "'%(field)s': list should have at most %(max_length)s items after validation, not %(actual_length)s."
    ),
}
# Any other pydantic error: its own words (English) after the field.
OTHER = N_("'%(field)s': %(detail)s.")
OTHER_WITHOUT_FIELD = N_("%(detail)s.")


def _template(error: Any, field: str | None) -> tuple[str, dict[str, Any]]:
    """An N_ template and its parameters for one pydantic error (ours carry theirs in ctx)."""
    ctx = error.get("ctx") or {}
    if "template" in ctx:
        return ctx["template"], {**ctx["params"], "field": field}
    params: dict[str, Any] = {key: str(value) for key, value in ctx.items()}
    params["field"] = field
    kind = error["type"]
    if kind == "literal_error" and " or " in params["expected"]:
        kind = "literal_error_many"
        params["choices"], params["last"] = params["expected"].rsplit(" or ", 1)
    elif kind in ("too_long", "too_short"):
        kind = f"{kind}_{params['field_type'].lower()}"
    if field and kind in TEMPLATES:
        return TEMPLATES[kind], params
    detail = error["msg"].rstrip(".")
    if not field:
        return OTHER_WITHOUT_FIELD, {**params, "detail": detail}
    return OTHER, {**params, "detail": f"{detail[0].lower()}{detail[1:]}"}


def service_error(model: type[BaseModel], error: ValidationError) -> ServiceError:
    """The ServiceError (400) for the first error of a ValidationError, naming its field."""
    first = error.errors(include_url=False)[0]
    ctx = first.get("ctx") or {}
    field = ctx.get("field") or (str(first["loc"][0]) if first["loc"] else None)
    codes: Mapping[str, str] = getattr(model, "codes", {})
    if first["type"] in codes:
        code = codes[first["type"]]
    elif first["type"] in CUSTOM_CODES:
        code = first["type"]
    else:
        code = getattr(model, "default_code", "invalid_field")
    template, params = _template(first, field)
    return ServiceError(code, template, field, **params)


def parse(model: type[M], data: Any) -> M:
    """data validated as model; a 400 ServiceError naming the first bad field otherwise."""
    if not isinstance(data, Mapping):
        raise ServiceError("invalid_json", INVALID_JSON)
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise service_error(model, error) from None


def parse_query(model: type[M], args: Mapping[str, Any]) -> M:
    """Query parameters validated as model, blank values dropped first."""
    return parse(model, {key: str(value).strip() for key, value in args.items() if str(value).strip()})


def fail(code: str, template: str, field: str | None = None, **params: Any) -> PydanticCustomError:
    """A validation error with our code and a whole-sentence N_ template with its parameters; %(field)s is the
    field named here (when the error is about another one than where it arose) or else where it arose."""
    return PydanticCustomError(
        code, "{template}", {"template": template, "params": params, **({"field": field} if field else {})}
    )


NON_FINITE = frozenset({"nan", "inf", "infinity"})


def _not_bool(value: Any) -> Any:
    """value, unless it is a bool (pydantic would read True as 1) or text naming nan or infinity."""
    if isinstance(value, bool):
        raise fail("float_type", N_("'%(field)s' must be a number."))
    if isinstance(value, str) and value.strip().lower().lstrip("+-") in NON_FINITE:
        raise fail("finite_number", N_("'%(field)s' must be a finite number."))
    return value


def _text(value: Any) -> Any:
    """A trimmed string; 400 for non-strings and NUL characters."""
    if not isinstance(value, str) or "\x00" in value:
        raise fail("invalid_field", N_("'%(field)s' must be text."))
    return value.strip()


TRIMMED = BeforeValidator(_text)  # Annotated[str, StringConstraints(...), TRIMMED]: trimmed text, no NUL


# Constraints before the validator, so pydantic puts them into the number schema (and its JSON schema) itself.
Number = Annotated[float, AllowInfNan(False), BeforeValidator(_not_bool)]
Lat = Annotated[float, Interval(ge=-90, le=90), AllowInfNan(False), BeforeValidator(_not_bool)]
Lon = Annotated[float, Interval(ge=-180, le=180), AllowInfNan(False), BeforeValidator(_not_bool)]
Id = Annotated[int, Interval(ge=1, le=MAX_ID), BeforeValidator(_not_bool)]


class LatLon(Out):
    """A point as an object."""

    lat: float
    lon: float


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="snake_case, stable")
    message: str = Field(description="a human sentence")
    field: str | None = Field(description="the input field at fault, or null")


class Error(BaseModel):
    """Every 4xx answer of the API."""

    error: ErrorDetail


class PointGeometry(BaseModel):
    """A GeoJSON Point: [lon, lat]."""

    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=3)


P = TypeVar("P")


class Feature(BaseModel, Generic[P]):
    """A GeoJSON Point Feature with typed properties."""

    type: Literal["Feature"]
    geometry: PointGeometry
    properties: P


class FeatureCollection(BaseModel, Generic[P]):
    """A GeoJSON FeatureCollection of Point features."""

    model_config = ConfigDict(extra="allow")
    type: Literal["FeatureCollection"]
    features: list[Feature[P]]


def _blank_none(value: Any) -> Any:
    """None for "" (what an empty form field sends), else value."""
    return None if value == "" else value


BLANK_IS_NULL = BeforeValidator(_blank_none)  # Annotated[X | None, BLANK_IS_NULL]: "" counts as null


def _without_null(schema: dict[str, Any], model: type) -> None:
    """Drop the null alternative from the JSON schema of the model's not_null fields (absent is fine, null is not)."""
    for name in getattr(model, "not_null", ()):
        prop = schema.get("properties", {}).get(name, {})
        options = [option for option in prop.get("anyOf", ()) if option.get("type") != "null"]
        if len(options) == 1:
            del prop["anyOf"]
            prop.update(options[0])
        prop.pop("default", None)


class Patch(Body):
    """A PATCH body: every field may be left out, but the not_null ones may not be sent as null."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_without_null)
    not_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_nulls(self) -> Patch:
        """400 for a not_null field sent as null."""
        for name in self.not_null:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise fail("invalid_field", N_("'%(field)s' cannot be null; leave it out to keep it."), name)
        return self


def both_or_neither(lat: float | None, lon: float | None) -> None:
    """A validation error naming the missing half of a lat/lon pair."""
    if (lat is None) != (lon is None):
        missing = "lat" if lat is None else "lon"
        raise fail("invalid_field", N_("Give both 'lat' and 'lon'."), missing)


def _iso_datetime(value: Any) -> Any:
    """A datetime from ISO 8601 text (an offset is optional); 400 for anything else."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail("invalid_time", N_("'%(field)s' must be ISO 8601, e.g. 2026-12-05T08:30:00+08:00."))


# A date-time as sent: with an offset, or without one meaning local time where the service says.
LocalDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
