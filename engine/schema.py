"""The JSON Schema of `ttx/1`, generated from the models (never written by hand)."""

from __future__ import annotations

from typing import Any

from .script import Exercise

SCHEMA_ID = "https://coalition-ttx.invalid/schema/ttx-1.json"


def json_schema() -> dict[str, Any]:
    schema = Exercise.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **schema}
