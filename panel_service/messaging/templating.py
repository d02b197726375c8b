"""Jinja2 environments over ``templates/<folder>`` (beside the Word templates), autoescaped
for HTML and strict about missing values."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from panel_service.settings import get_settings


@cache
def _environment(directory: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def environment(folder: str) -> Environment:
    """The environment for ``templates/<folder>`` (``email``, ``web``)."""
    return _environment(get_settings().templates_dir.parent / folder)
