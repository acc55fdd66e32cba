"""What the build needs from the machine: Node with marp-cli, a browser for PDF, an emoji font."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from marp_build.errors import BrowserNotFoundError, MarpNotFoundError

__all__ = [
    "Finding",
    "find_marp",
    "find_browser",
    "has_emoji_font",
    "diagnose",
    "install_browser",
    "BROWSER_INSTALL_HINT",
]

# Names marp-cli itself would look for, in the order we prefer them (Chromium-based first:
# PDF outlines and notes are best supported there).
_BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "microsoft-edge-stable",
    "firefox",
)
_APT_PACKAGES = ("chromium", "fonts-noto-color-emoji")
BROWSER_INSTALL_HINT = "sudo apt-get install -y " + " ".join(_APT_PACKAGES)


@dataclass(frozen=True)
class Finding:
    """One line of `marp-build doctor`: what was looked for, whether it is there, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def find_marp(root: Path) -> Path:
    """The project's pinned marp-cli (`npm ci` installs it under node_modules).

    Raises:
        MarpNotFoundError: marp-cli or Node is missing.
    """
    override = os.environ.get("MARP_CLI")
    candidate = Path(override) if override else root / "node_modules" / ".bin" / "marp"
    if not candidate.exists():
        msg = f"no se encontró marp-cli en {candidate}; ejecuta `npm ci` en {root} (o `make slides`, que lo instala)"
        raise MarpNotFoundError(msg)
    if shutil.which("node") is None:
        msg = "no se encontró Node.js (se necesita la versión 20 o posterior); instálalo con `sudo apt-get install -y nodejs`"
        raise MarpNotFoundError(msg)
    return candidate


def marp_version(root: Path) -> str:
    """Version of the installed marp-cli, read from its package.json (no Node process started)."""
    import json

    package = root / "node_modules" / "@marp-team" / "marp-cli" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "desconocida"


def find_browser() -> Path:
    """A browser marp-cli can print PDFs with; `CHROME_PATH` wins over the search.

    Raises:
        BrowserNotFoundError: none installed, with the command that installs one.
    """
    override = os.environ.get("CHROME_PATH")
    if override:
        if Path(override).exists():
            return Path(override)
        msg = f"CHROME_PATH apunta a {override}, que no existe; corrígelo o bórralo para buscar un navegador instalado"
        raise BrowserNotFoundError(msg)
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    msg = (
        "no hay un navegador para generar los PDF (Chrome, Chromium, Edge o Firefox); "
        f"instala uno con `{BROWSER_INSTALL_HINT}` o indica su ruta en CHROME_PATH"
    )
    raise BrowserNotFoundError(msg)


def has_emoji_font() -> bool:
    """True when fontconfig knows a colour emoji font (the PDFs need one to show emoji)."""
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False)
    return "emoji" in result.stdout.lower()


def diagnose(root: Path) -> list[Finding]:
    """Everything the build needs, each with the command that installs it when missing."""
    findings = []
    try:
        marp = find_marp(root)
        findings.append(Finding("marp-cli", True, f"{marp} (versión {marp_version(root)})"))
    except MarpNotFoundError as err:
        findings.append(Finding("marp-cli", False, str(err), "npm ci"))
    try:
        findings.append(Finding("navegador", True, str(find_browser())))
    except BrowserNotFoundError as err:
        findings.append(Finding("navegador", False, str(err), BROWSER_INSTALL_HINT))
    if has_emoji_font():
        findings.append(Finding("fuente de emoji", True, "hay una fuente de emoji a color"))
    else:
        findings.append(
            Finding(
                "fuente de emoji",
                False,
                "no hay una fuente de emoji: los PDF mostrarían cuadros vacíos",
                "sudo apt-get install -y fonts-noto-color-emoji",
            )
        )
    return findings


def install_browser() -> bool:
    """Install Debian's chromium and emoji font with apt, only when running as root on an apt system.

    Returns False (and installs nothing) when that is not possible, so the caller can print the command.
    """
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *_APT_PACKAGES], check=True, env=env)
    return True
