"""Generates the single `validar_datos.py` attendees download from the modules of this package.

Like SQLite's `sqlite3.c` or pip's `get-pip.py`: developers edit small modules, users get one file that runs
with a bare Python. The modules are joined in dependency order; their `from datacheck.x import …` lines
disappear (everything lives in one namespace) and their standard-library imports move to the top. Because
one namespace holds every module, two modules defining the same top-level name would silently overwrite
each other: the generator refuses that (`AmalgamationError`), as it refuses anything it cannot join safely.

`bundle_files()` is what the course build ships: the file and the Colab notebook that embeds it.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "datacheck"
OUTPUT_NAME = "validar_datos.py"
# Modules that build or start the tool rather than being part of it.
_TOOLING = frozenset(("__init__", "__main__", "amalgamate", "notebook"))
MIN_PYTHON = (3, 11)

_HEADER = '''#!/usr/bin/env python3
"""validar_datos.py: revisa tus datos de entrenamiento antes de subirlos y convierte una hoja de ejemplos.

Uso, en una terminal abierta en la carpeta de tus archivos:
  python validar_datos.py datos.jsonl
      revisa un JSONL de chat o de preferencias, o un CSV de clasificador
  python validar_datos.py datos.jsonl --validacion validacion.jsonl
      revisa también el archivo de validación y que no repita ejemplos del de entrenamiento
  python validar_datos.py convertir hoja.csv datos.jsonl
      convierte una hoja de ejemplos (columnas sistema, pregunta, respuesta) en JSONL de chat y lo revisa
  python validar_datos.py explicar rol-invalido
      explica un código de hallazgo y cómo corregirlo
  python validar_datos.py --help
      todas las opciones

Necesita Python {min_python} o más nuevo y nada más; si instalas tiktoken («pip install tiktoken»), cuenta los
tokens exactos en lugar de estimarlos.
"""

# GENERATED FILE, do not edit: `datacheck/amalgamate.py` writes it from the modules of the `datacheck`
# package; edit those and build again. Modules, in this order:
{modules}
'''

_FOOTER = '''

if __name__ == "__main__":
    for _stream in (sys.stdout, sys.stderr):
        try:  # a Windows console may not print every character of a user's file
            _stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    sys.exit(main())
'''

_VERSION_CHECK = '''
if sys.version_info < {min_python!r}:
    sys.exit(f"validar_datos.py necesita Python {dotted} o más nuevo y este es Python {{sys.version.split()[0]}}; "
             "instala uno más nuevo desde python.org o usa el cuaderno de Google Colab del curso.")
'''


class AmalgamationError(Exception):
    """The package cannot be joined into one file safely (a name clash, an import it cannot move, a cycle)."""


@dataclass
class _Module:
    name: str
    path: Path
    body: list[str] = field(default_factory=list)  # kept top-level statements, with their comments
    defines: dict[str, int] = field(default_factory=dict)  # top-level name -> line
    depends: dict[str, set[str]] = field(default_factory=dict)  # module -> names imported from it
    imports: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)  # name -> (module, attr, line)


def _parse(path: Path) -> _Module:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    module = _Module(path.stem, path)
    where = f"{PACKAGE}/{path.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AmalgamationError(f"{where}:{node.lineno}: relative import; write `from {PACKAGE}.módulo import …`")
    top_level_imports = {id(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top_level_imports:
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(n == PACKAGE or n.startswith(PACKAGE + ".") for n in names):
                raise AmalgamationError(f"{where}:{node.lineno}: import of {PACKAGE} inside a function or block; "
                                        "move it to the top of the module")
    previous_end = 0
    for index, node in enumerate(tree.body):
        chunk = "\n".join(lines[previous_end:node.end_lineno])
        previous_end = node.end_lineno or previous_end
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, ast.ImportFrom):
            _import_from(module, node, where)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    raise AmalgamationError(f"{where}:{node.lineno}: `import {alias.name}`; write "
                                            f"`from {PACKAGE}.módulo import nombre` instead")
                bound = alias.asname or alias.name.split(".")[0]
                _bind_import(module, bound, (alias.name if alias.asname else bound, None, node.lineno), where)
            continue
        if _is_dunder_all(node):
            continue
        for name in _defined_names(node, where):
            if name in module.defines:
                raise AmalgamationError(f"{where}:{node.lineno}: {name} is defined twice in the module")
            module.defines[name] = node.lineno
        module.body.append(chunk)
    return module


def _import_from(module: _Module, node: ast.ImportFrom, where: str) -> None:
    target = node.module or ""
    if target == "__future__":
        if [a.name for a in node.names] != ["annotations"]:
            raise AmalgamationError(f"{where}:{node.lineno}: only `from __future__ import annotations` is supported")
        return
    if target == PACKAGE:
        raise AmalgamationError(f"{where}:{node.lineno}: import from the module that defines the name "
                                f"(`from {PACKAGE}.módulo import …`), not from the package")
    if target.startswith(PACKAGE + "."):
        dependency = target[len(PACKAGE) + 1:]
        for alias in node.names:
            if alias.asname and alias.asname != alias.name:
                raise AmalgamationError(f"{where}:{node.lineno}: `{alias.name} as {alias.asname}`: in one file a "
                                        "name cannot be renamed on import; use the name itself")
        module.depends.setdefault(dependency, set()).update(a.name for a in node.names)
        return
    for alias in node.names:
        if alias.name == "*":
            raise AmalgamationError(f"{where}:{node.lineno}: `from {target} import *` hides which names it binds")
        _bind_import(module, alias.asname or alias.name, (target, alias.name, node.lineno), where)


def _bind_import(module: _Module, bound: str, spec: tuple[str, str | None, int], where: str) -> None:
    known = module.imports.get(bound)
    if known is not None and known[:2] != spec[:2]:
        raise AmalgamationError(f"{where}:{spec[2]}: {bound} is imported twice from different places")
    module.imports[bound] = spec


def _is_dunder_all(node: ast.stmt) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _defined_names(node: ast.stmt, where: str) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = []
        for target in targets:
            for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                if not isinstance(item, ast.Name):
                    raise AmalgamationError(f"{where}:{node.lineno}: only plain names can be assigned at the top "
                                            "level of a module")
                names.append(item.id)
        return names
    if isinstance(node, ast.If) and _is_main_guard(node):
        raise AmalgamationError(f"{where}:{node.lineno}: `if __name__ == \"__main__\"` in a module; the generated "
                                "file has its own entry point")
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return []  # a string standing as a comment
    raise AmalgamationError(f"{where}:{node.lineno}: the generator joins only imports, functions, classes and "
                            f"assignments at the top level of a module, not {type(node).__name__}")


def _is_main_guard(node: ast.If) -> bool:
    return "__name__" in ast.unparse(node.test)


def _order(modules: dict[str, _Module]) -> list[_Module]:
    """Dependencies first (and alphabetical among equals, so the output never changes by itself)."""
    for module in modules.values():
        for dependency, names in module.depends.items():
            if dependency not in modules:
                raise AmalgamationError(f"{PACKAGE}/{module.name}.py imports {PACKAGE}.{dependency}, which is not "
                                        "a module joined into the file")
            missing = sorted(names - modules[dependency].defines.keys())
            if missing:
                raise AmalgamationError(f"{PACKAGE}/{module.name}.py imports {', '.join(missing)} from "
                                        f"{PACKAGE}.{dependency}, which does not define it at the top level")
    done: list[_Module] = []
    placed: set[str] = set()
    waiting = sorted(modules)
    while waiting:
        ready = [name for name in waiting if set(modules[name].depends) <= placed]
        if not ready:
            raise AmalgamationError(f"the modules {', '.join(waiting)} import each other in a cycle; "
                                    "one file needs an order")
        for name in ready:
            done.append(modules[name])
            placed.add(name)
            waiting.remove(name)
    return done


def _check_clashes(modules: list[_Module]) -> dict[str, tuple[str, str | None, int]]:
    """Every top-level name has one meaning across the modules; returns the standard-library imports."""
    owners: dict[str, str] = {}
    for module in modules:
        for name, line in module.defines.items():
            if name in owners:
                raise AmalgamationError(
                    f"name clash: {name} is defined at the top level of both {PACKAGE}/{owners[name]}.py and "
                    f"{PACKAGE}/{module.name}.py ({PACKAGE}/{module.name}.py:{line}); in the single "
                    f"{OUTPUT_NAME} one would replace the other: rename one of them"
                )
            owners[name] = f"{module.name}"
    imports: dict[str, tuple[str, str | None, int]] = {}
    import_owner: dict[str, str] = {}
    for module in modules:
        for name, spec in module.imports.items():
            if name in owners:
                raise AmalgamationError(
                    f"name clash: {name} is imported in {PACKAGE}/{module.name}.py and defined in "
                    f"{PACKAGE}/{owners[name]}.py; rename one of them"
                )
            known = imports.get(name)
            if known is not None and known[:2] != spec[:2]:
                raise AmalgamationError(
                    f"name clash: {name} means {_describe(known)} in {PACKAGE}/{import_owner[name]}.py and "
                    f"{_describe(spec)} in {PACKAGE}/{module.name}.py; import it under one meaning"
                )
            imports[name] = spec
            import_owner[name] = module.name
    return imports


def _describe(spec: tuple[str, str | None, int]) -> str:
    return spec[0] if spec[1] is None else f"{spec[0]}.{spec[1]}"


def _import_lines(imports: dict[str, tuple[str, str | None, int]]) -> list[str]:
    plain = sorted({(spec[0], name) for name, spec in imports.items() if spec[1] is None})
    lines = [f"import {mod}" if mod == name else f"import {mod} as {name}" for mod, name in plain]
    grouped: dict[str, list[str]] = {}
    for name, (mod, attr, _) in imports.items():
        if attr is not None:
            grouped.setdefault(mod, []).append(attr if attr == name else f"{attr} as {name}")
    for mod in sorted(grouped):
        lines.append(f"from {mod} import {', '.join(sorted(grouped[mod]))}")
    return lines


def single_file(package_dir: Path | None = None) -> str:
    """The text of `validar_datos.py`: every module of the package joined into one script.

    Raises:
        AmalgamationError: two modules define the same top-level name, a module imports the package in a way
            one file cannot reproduce, or the modules import each other in a cycle.
    """
    folder = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    parsed = {path.stem: _parse(path) for path in sorted(folder.glob("*.py")) if path.stem not in _TOOLING}
    if not parsed:
        raise AmalgamationError(f"{folder}: no modules to join")
    modules = _order(parsed)
    imports = _check_clashes(modules)
    imports.setdefault("sys", ("sys", None, 0))  # the version check and the entry point use it
    if "main" not in {name for m in modules for name in m.defines}:
        raise AmalgamationError(f"no module defines main(): {OUTPUT_NAME} needs an entry point")
    dotted = ".".join(map(str, MIN_PYTHON))
    parts = [
        _HEADER.format(min_python=dotted, modules=textwrap.fill(
            ", ".join(f"{m.name}.py" for m in modules), width=110, initial_indent="# ", subsequent_indent="# ")),
        "from __future__ import annotations\n",
        "\n".join(_import_lines(imports)),
        _VERSION_CHECK.format(min_python=MIN_PYTHON, dotted=dotted),
    ]
    for module in modules:
        body = "\n".join(module.body).strip("\n")
        banner = f"# ==== {PACKAGE}/{module.name}.py "
        parts.append(f"\n{banner:=<110}\n\n{body}\n")
    text = "\n".join(parts) + _FOOTER
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    compile(text, OUTPUT_NAME, "exec")  # a join that does not even parse must not be shipped
    return text


def bundle_files() -> dict[str, bytes]:
    """What the course bundle ships under datos/: the single file and the Colab notebook that embeds it."""
    from datacheck.notebook import validator_notebook

    text = single_file()
    return {
        f"codigo/{OUTPUT_NAME}": text.encode("utf-8"),
        "codigo/validar_datos_colab.ipynb": validator_notebook(text),
    }
