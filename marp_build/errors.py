"""One error class per pipeline stage; only the CLI prints them and picks the exit code.

Errors carry `Issue` records (file, line, column, code, message), not text: the CLI formats them once,
`check` turns them into findings without reading a message back.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from subprocess import list2cmdline

__all__ = [
    "Issue",
    "MarpBuildError",
    "CourseFileError",
    "SchemaError",
    "TemplateError",
    "MarpNotFoundError",
    "BrowserNotFoundError",
    "MarpError",
    "RemoteRequestError",
    "BundleError",
    "DataError",
    "UsageError",
    "UnsafeOutputError",
    "UnsafeSourceError",
]


@dataclass(frozen=True)
class Issue:
    """One problem, where it is and what to do: `file:line:column: message`."""

    file: str
    line: int | None
    message: str
    code: str = ""
    column: int | None = None

    def format(self) -> str:
        where = self.file
        if where and self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}" if where else self.message


class MarpBuildError(Exception):
    """A problem in the user's sources or environment: printed without a traceback.

    Built from `Issue` records (or plain messages, for problems that belong to no file).
    """

    exit_code = 1
    code = "error"

    def __init__(self, *issues: Issue | str):
        self.issues = [i if isinstance(i, Issue) else Issue("", None, i, self.code) for i in issues]
        super().__init__("\n".join(i.format() for i in self.issues))


class UsageError(MarpBuildError):
    """The command was called wrongly (missing file, bad option)."""

    exit_code = 2
    code = "uso"


class UnsafeOutputError(MarpBuildError):
    """The output folder is one a build could hurt (the course, its sources, someone else's files)."""

    code = "salida"


class UnsafeSourceError(MarpBuildError):
    """A source file leads outside the project (a symbolic link): it is never read or published."""

    code = "enlace-simbolico"


class CourseFileError(MarpBuildError):
    """course.yaml (or another YAML source) cannot be read or parsed."""

    code = "yaml"


class SchemaError(MarpBuildError):
    """A file does not follow its JSON Schema; carries every violation, not just the first."""

    code = "esquema"

    def __init__(self, issues: Sequence[Issue | str]):
        super().__init__(*issues)


class TemplateError(MarpBuildError):
    """A Jinja template failed to compile or render (syntax, undefined name, missing partial)."""

    code = "plantilla"


class MarpNotFoundError(MarpBuildError):
    """marp-cli (or Node) is not installed where we look for it."""


class BrowserNotFoundError(MarpBuildError):
    """No Chrome, Chromium, Edge or Firefox to print PDFs with."""


class MarpError(MarpBuildError):
    """marp-cli ran but failed or warned."""

    code = "conversion"

    @classmethod
    def from_process(cls, cmd: Sequence[str], process: subprocess.CompletedProcess[str], why: str) -> MarpError:
        output = "\n".join(part.strip() for part in (process.stdout, process.stderr) if part and part.strip())
        msg = f"{why}\nComando: {list2cmdline(list(cmd))}\nSalida de marp-cli:\n{output or '(vacía)'}"
        return cls(msg)


class RemoteRequestError(MarpError):
    """A printed page asked the network for something (refused): `blocked` is {deck id: URLs}.

    The build turns it into one record per deck naming the template line the first URL comes from.
    """

    code = "recurso-remoto"

    def __init__(self, blocked: dict[str, list[str]], fmt: str, *issues: Issue | str):
        self.blocked = blocked
        self.fmt = fmt
        super().__init__(*(issues or [self.message(deck, fmt, urls) for deck, urls in blocked.items()]))

    @staticmethod
    def message(deck: str, fmt: str, urls: Sequence[str]) -> str:
        return (f"{deck}: una diapositiva pide {', '.join(sorted(set(urls)))} a internet al generar {fmt.upper()}: "
                "los PDF se generan sin conexión (en el aula puede no haberla); guarda el archivo en decks/img/ y "
                "enlázalo como img/…")


class BundleError(MarpBuildError):
    """Assembling dist/ (zip, landing page, copying) failed."""

    code = "paquete"


class DataError(MarpBuildError):
    """A data file (dataset, catalog) is unreadable or invalid."""

    code = "datos"
