"""The export contract: the JSON Schema of one exported document, shipped with hoso."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema

DOC_TYPES = (
    "registration_certificate",
    "registration_declaration",
    "citizen_id",
    "driving_license",
    "unknown",
)


@functools.cache
def schema() -> dict[str, Any]:
    """The parsed JSON Schema (``hoso/schema/document.schema.json``)."""
    text = resources.files("hoso").joinpath("schema/document.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def field_names(doc_type: str) -> tuple[str, ...]:
    """Fields the schema lists for ``doc_type`` in their fixed order (none for ``unknown``)."""
    names: dict[str, list[str]] = schema()["$defs"]["fieldNames"]
    return tuple(names.get(doc_type, ()))


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    validator: jsonschema.protocols.Validator = cls(schema(), format_checker=cls.FORMAT_CHECKER)
    return validator


def validation_errors(record: dict[str, Any]) -> list[str]:
    """Every way ``record`` breaks the export contract; empty when it is valid."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
        for err in _validator().iter_errors(record)
    ]
