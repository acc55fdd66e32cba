"""Stage 2: check parsed data against a JSON Schema shipped in `marp_build/schemas/`, all errors at once."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from marp_build.errors import Issue, SchemaError
from marp_build.load import CourseSource

__all__ = ["load_schema", "schema_issues", "validate"]

_TYPE_NAMES = {
    "string": "texto",
    "integer": "un número entero",
    "number": "un número",
    "object": "un conjunto de campos (clave: valor)",
    "array": "una lista (líneas que empiezan con «- »)",
    "boolean": "true o false",
    "null": "vacío",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema from the package data, e.g. `load_schema("course")`."""
    text = resources.files("marp_build").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "(raíz)"


def _spanish(error: ValidationError) -> str:
    """jsonschema speaks English; users of this course read Spanish, and need to know how to fix it."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return "falta el campo obligatorio " + ", ".join(f"'{name}'" for name in missing)
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed)) if isinstance(value, dict) else []
        return (
            "campo desconocido " + ", ".join(f"'{name}'" for name in extra)
            + "; revisa si está mal escrito (se permiten: " + ", ".join(allowed) + ")"
        )
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return "debe ser " + " o ".join(_TYPE_NAMES.get(t, t) for t in wanted) + f", no {value!r}"
    if kind == "minLength":
        return "no puede estar vacío"
    if kind == "minItems":
        return f"necesita al menos {expected} elemento(s)"
    if kind == "minimum":
        return f"debe ser {expected} o más, no {value!r}"
    if kind == "maximum":
        return f"debe ser {expected} o menos, no {value!r}"
    if kind == "enum":
        return "debe ser uno de: " + ", ".join(map(str, expected)) + f" (no {value!r})"
    if kind == "format" and expected == "date":
        return f"la fecha {value!r} no existe en el calendario; revisa el día y el mes (AAAA-MM-DD)"
    if kind == "format":
        return f"el valor {value!r} no tiene el formato {expected}"
    if kind == "pattern":
        description = error.schema.get("description")
        hint = f" ({description})" if description else ""
        return f"el valor {value!r} no tiene el formato esperado{hint}"
    return error.message


def schema_issues(source: CourseSource, schema_name: str, display: str) -> list[Issue]:
    """Every violation as `display:LINE: path.to.field: what is wrong`, sorted by position in the file."""
    # Formats are checked too: "2026-02-30" matches the date pattern but is not a date.
    validator = Draft202012Validator(load_schema(schema_name), format_checker=Draft202012Validator.FORMAT_CHECKER)
    found = []
    for error in validator.iter_errors(source.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Point at the first unknown key itself: that is the line to fix.
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if extra:
                found.append((source.line_of((*path, extra[0])), _dotted(path), _spanish(error)))
                continue
        found.append((source.line_of(path), _dotted(path), _spanish(error)))
    return [Issue(display, line, f"{where}: {what}", "esquema") for line, where, what in sorted(found)]


def validate(source: CourseSource, schema_name: str = "course", display: str = "course.yaml") -> Any:
    """Return the data when it follows the schema.

    Raises:
        SchemaError: with every violation, not only the first.
    """
    issues = schema_issues(source, schema_name, display)
    if issues:
        raise SchemaError(issues)
    return source.data
