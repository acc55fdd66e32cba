"""Shared fixtures: scenario courses copied to a temporary folder (tests never write into the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COURSES = Path(__file__).parent / "courses"


def _link_node_modules(dest: Path) -> None:
    # marp-cli is installed once per checkout by `npm ci`; scenarios share it.
    if (REPO / "node_modules").is_dir() and not (dest / "node_modules").exists():
        (dest / "node_modules").symlink_to(REPO / "node_modules")


def copy_scenario(dest: Path, name: str = "minimal") -> Path:
    """Copy a scenario from tests/courses/ (an overlay on `minimal`) plus the real partials and themes."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REPO / "partials", dest / "partials")
    shutil.copytree(REPO / "themes", dest / "themes")
    shutil.copytree(COURSES / "minimal", dest, dirs_exist_ok=True)
    if name != "minimal":
        shutil.copytree(COURSES / name, dest, dirs_exist_ok=True)
    _link_node_modules(dest)
    return dest


@pytest.fixture
def make_course(tmp_path: Path):
    """A scenario course in a temporary folder: `make_course("bad-yaml")`."""

    def make(name: str = "minimal") -> Path:
        return copy_scenario(tmp_path / "curso", name)

    return make


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory) -> Path:
    """The minimal course built once with the real marp-cli (read-only: copy it before changing it)."""
    from marp_build.build import build

    root = copy_scenario(tmp_path_factory.mktemp("construido") / "curso")
    build(root)
    return root


@pytest.fixture
def built_copy(built_minimal: Path, tmp_path: Path) -> Path:
    """A private copy of the built minimal course (dist/ and cache included) to change freely."""
    dest = tmp_path / "curso"
    shutil.copytree(built_minimal, dest, symlinks=True)
    return dest


@pytest.fixture
def real_course(tmp_path: Path) -> Path:
    """A copy of the real course (course.yaml, decks, partials, themes, data_templates)."""
    dest = tmp_path / "curso-real"
    dest.mkdir()
    shutil.copy2(REPO / "course.yaml", dest / "course.yaml")
    for folder in ("decks", "partials", "themes", "data_templates", "hechos"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    _link_node_modules(dest)
    return dest


def pytest_collection_modifyitems(items):
    """Tests that use a built course run the real marp-cli: they are end-to-end (`make test-rapido` skips them)."""
    for item in items:
        if {"built_minimal", "built_copy", "built", "real_built"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
