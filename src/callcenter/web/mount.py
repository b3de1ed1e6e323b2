"""Mounts the web console: the built SPA when present, else the placeholder page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

_HERE = Path(__file__).resolve().parent
BUILT_DIR = _HERE / "dist"
PLACEHOLDER_DIR = _HERE / "static"


def mount_web(app: FastAPI) -> None:
    directory = BUILT_DIR if (BUILT_DIR / "index.html").is_file() else PLACEHOLDER_DIR
    app.mount("/", StaticFiles(directory=directory, html=True), name="web")
