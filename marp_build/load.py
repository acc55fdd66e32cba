"""Stage 1: read course.yaml into plain data, remembering the line of every value for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from marp_build.errors import CourseFileError, Issue

__all__ = ["CourseSource", "load_course", "load_yaml"]

Path_ = tuple[str | int, ...]


# libyaml's parser when PyYAML has it (it does in the pinned wheels): the facts registry and course.yaml
# parse about ten times faster than with the pure-Python one, with the same nodes and line marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader that keeps dates as text: `revisado: 2026-11-30` must stay the string the schema expects."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class CourseSource:
    """The parsed file plus where each value came from."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """Line of the value at `path`, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _record_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], duplicates: list[tuple[int, int, str]]) -> None:
    # 1-based line of the value (for a mapping entry we point at its key, where the user looks).
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                # PyYAML keeps the last value silently; the first one would be lost without a word.
                duplicates.append((line, seen[key], ".".join(map(str, (*path, key)))))
                continue
            seen[key] = line
            child = (*path, key)
            lines[child] = line
            _record_lines(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, duplicates)


def load_yaml(path: Path, display: str | None = None) -> CourseSource:
    """Parse a YAML file, keeping line numbers.

    Raises:
        CourseFileError: the file is missing, unreadable or not valid YAML.
    """
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        msg = "no existe; crea el archivo del curso o indica otra carpeta con --raiz"
        raise CourseFileError(Issue(display, None, msg)) from err
    except IsADirectoryError as err:
        msg = "es una carpeta, no un archivo; indica la carpeta del curso con --raiz"
        raise CourseFileError(Issue(display, None, msg)) from err
    except PermissionError as err:
        msg = "no se puede leer (permiso denegado); revisa los permisos del archivo"
        raise CourseFileError(Issue(display, None, msg)) from err
    except UnicodeDecodeError as err:
        msg = "no está en UTF-8; guárdalo con codificación UTF-8"
        raise CourseFileError(Issue(display, None, msg)) from err
    try:
        loader = _Loader(text)  # parsed once: the nodes give the line numbers, then the values
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "YAML no válido"
        msg = (f"error de sintaxis YAML ({problem}); revisa la sangría, los dos puntos y las comillas "
               "(una comilla sin cerrar puede estar en una línea anterior)")
        issue = Issue(display, mark.line + 1, msg, column=mark.column + 1) if mark else Issue(display, None, msg)
        raise CourseFileError(issue) from err
    except yaml.YAMLError as err:
        raise CourseFileError(Issue(display, None, f"error de sintaxis YAML ({err})")) from err
    lines: dict[Path_, int] = {}
    duplicates: list[tuple[int, int, str]] = []
    if node is not None:
        _record_lines(node, (), lines, duplicates)
    if duplicates:
        raise CourseFileError(*(
            Issue(display, line, f"la clave '{key}' está repetida (ya aparece en la línea {first}); "
                  "deja una sola: si no, la primera se pierde sin aviso", "clave-repetida")
            for line, first, key in duplicates
        ))
    return CourseSource(path=path, data=data, lines=lines)


def load_course(root: Path) -> CourseSource:
    """Read `course.yaml` from the course folder (see `load_yaml`)."""
    return load_yaml(root / "course.yaml", "course.yaml")
