"""What `check` reports: one record per problem, with where it is, how bad it is and how to fix it.

Every check module (check, design, facts, wordlist) returns these; the CLI prints them or `--json` dumps them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    level: str  # "error" | "warning"
    code: str
    message: str

    def format(self) -> str:
        # The JSON keeps "error"/"warning"; people read Spanish.
        level = "aviso" if self.level == "warning" else self.level
        return f"{self.file}:{self.line}: {level}: [{self.code}] {self.message}"
