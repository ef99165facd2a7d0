"""A small JSON Schema checker for the subset `hub.widget.openapi` uses (jsonschema is not installed).

Supports $ref (local), type (one or a list), properties, required, items, enum, minimum,
maximum and pattern; other keywords are rejected so the document cannot drift past it.
"""

from __future__ import annotations

import re
from typing import Any

KNOWN = {
    "$ref",
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "minimum",
    "maximum",
    "pattern",
    "format",
    "description",
}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, TYPES[kind])


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _check_object(document: dict[str, Any], schema: dict[str, Any], value: Any, path: str) -> list[str]:
    errors = [f"{path}.{name}: missing" for name in schema.get("required", []) if name not in value]
    extra = set(value) - set(schema.get("properties", {}))
    errors += [f"{path}.{name}: not in the schema" for name in sorted(extra)]
    for name, sub in schema.get("properties", {}).items():
        if name in value:
            errors += errors_of(document, sub, value[name], f"{path}.{name}")
    return errors


def _check_scalar(schema: dict[str, Any], value: Any, path: str) -> list[str]:
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        errors.append(f"{path}: {value} < {schema['minimum']}")
    if "maximum" in schema and isinstance(value, int | float) and value > schema["maximum"]:
        errors.append(f"{path}: {value} > {schema['maximum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    return errors


def errors_of(document: dict[str, Any], schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it conforms)."""
    schema = _resolve(document, schema)
    unknown = set(schema) - KNOWN
    if unknown:
        return [f"{path}: the checker does not know {sorted(unknown)}"]
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(_is(kind, value) for kind in kinds):
        return [f"{path}: {type(value).__name__} is not {kinds}"]
    if isinstance(value, dict):
        return _check_object(document, schema, value, path)
    if isinstance(value, list):
        return [
            e
            for i, item in enumerate(value)
            for e in errors_of(document, schema.get("items", {}), item, f"{path}[{i}]")
        ]
    return _check_scalar(schema, value, path)


def response_schema(
    document: dict[str, Any], path: str, method: str, status: int, media: str = "application/json"
) -> dict[str, Any]:
    operation = document["paths"][path][method]
    return dict(operation["responses"][str(status)]["content"][media]["schema"])
