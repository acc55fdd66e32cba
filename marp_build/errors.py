"""One error class per pipeline stage; only the CLI prints them and picks the exit code."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from subprocess import list2cmdline

__all__ = [
    "MarpBuildError",
    "CourseFileError",
    "SchemaError",
    "TemplateError",
    "MarpNotFoundError",
    "BrowserNotFoundError",
    "MarpError",
    "BundleError",
    "DataError",
    "UsageError",
    "UnsafeOutputError",
    "UnsafeSourceError",
]


class MarpBuildError(Exception):
    """A problem in the user's sources or environment: printed without a traceback."""

    exit_code = 1


class UsageError(MarpBuildError):
    """The command was called wrongly (missing file, bad option)."""

    exit_code = 2


class UnsafeOutputError(MarpBuildError):
    """The output folder is one a build could hurt (the course, its sources, someone else's files)."""


class UnsafeSourceError(MarpBuildError):
    """A source file leads outside the project (a symbolic link): it is never read or published."""


class CourseFileError(MarpBuildError):
    """course.yaml cannot be read or parsed."""


class SchemaError(MarpBuildError):
    """A file does not follow its JSON Schema; carries every violation, not just the first."""

    def __init__(self, issues: Sequence[str]):
        self.issues = list(issues)
        super().__init__("\n".join(self.issues))


class TemplateError(MarpBuildError):
    """A Jinja template failed to compile or render (syntax, undefined name, missing partial)."""


class MarpNotFoundError(MarpBuildError):
    """marp-cli (or Node) is not installed where we look for it."""


class BrowserNotFoundError(MarpBuildError):
    """No Chrome, Chromium, Edge or Firefox to print PDFs with."""


class MarpError(MarpBuildError):
    """marp-cli ran but failed or warned."""

    @classmethod
    def from_process(cls, cmd: Sequence[str], process: subprocess.CompletedProcess[str], why: str) -> MarpError:
        output = "\n".join(part.strip() for part in (process.stdout, process.stderr) if part and part.strip())
        msg = f"{why}\nComando: {list2cmdline(list(cmd))}\nSalida de marp-cli:\n{output or '(vacía)'}"
        return cls(msg)


class BundleError(MarpBuildError):
    """Assembling dist/ (zip, landing page, copying) failed."""


class DataError(MarpBuildError):
    """A data file (dataset, catalog) is unreadable or invalid."""
