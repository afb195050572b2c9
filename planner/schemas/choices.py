"""The closed vocabularies of the domain; the models' check constraints and the schemas' Literal types share them."""

from __future__ import annotations

from typing import Literal, get_args

Interest = Literal["hiking", "cycling", "running", "climbing", "trail_running", "mountain_biking", "walking", "other"]
Visibility = Literal["public", "private"]
Role = Literal["owner", "organiser", "member"]
Activity = Literal["hiking", "walking", "running", "trail_running", "cycling", "mountain_biking"]
Difficulty = Literal["easy", "moderate", "hard", "expert"]

INTERESTS: tuple[str, ...] = get_args(Interest)
VISIBILITIES: tuple[str, ...] = get_args(Visibility)
ROLES: tuple[str, ...] = get_args(Role)
ACTIVITIES: tuple[str, ...] = get_args(Activity)
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)
