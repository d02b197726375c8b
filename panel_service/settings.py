"""Settings read from the environment once, then cached."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting the service reads, with its default."""

    database_url: str
    """Empty for the embedded SQLite database, else ``postgresql://…``."""
    sqlite_path: Path
    sqlite_busy_timeout_ms: int
    sqlite_readers: int
    postgres_pool_min: int
    postgres_pool_max: int
    host: str
    port: int
    debug: bool
    max_page_size: int
    max_request_body_bytes: int
    session_idle_minutes: int
    session_absolute_hours: int
    trust_proxy: bool = False
    """Believe ``X-Forwarded-Proto``/``-For``: only when every request arrives via our proxy."""
    sign_in_rate_per_minute: int = 10
    """Sign-in and TOTP attempts allowed per client address and path each minute."""
    token_rate_per_minute: int = 20
    """API-token requests allowed per client address each minute."""
    templates_dir: Path = PROJECT_ROOT / "templates" / "docx"
    """The base Word documents (``base.docx``, optionally one per kind of document)."""
    rfgv_calculation: str = "panel_service.cases.rfgv:ILLUSTRATIVE"
    """The RFG-V calculation, as ``module:attribute`` (a force installs its own weights)."""

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _templates_dir() -> Path:
    """``PANEL_TEMPLATES_DIR``, else the repository's ``templates/docx``; an installed
    package (the Docker image) has no repository around it, so there the working
    directory's ``templates/docx`` is used."""
    raw = os.environ.get("PANEL_TEMPLATES_DIR", "").strip()
    if raw:
        return Path(raw)
    in_repository = PROJECT_ROOT / "templates" / "docx"
    return in_repository if in_repository.is_dir() else Path.cwd() / "templates" / "docx"


def read_settings() -> Settings:
    """Build settings from the current environment (uncached: tests use this)."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "").strip(),
        sqlite_path=Path(
            os.environ.get("PANEL_SQLITE_PATH", str(PROJECT_ROOT / "var" / "panel.sqlite3"))
        ),
        sqlite_busy_timeout_ms=_int("PANEL_SQLITE_BUSY_TIMEOUT_MS", 5000),
        sqlite_readers=_int("PANEL_SQLITE_READERS", 2),
        postgres_pool_min=_int("PANEL_POSTGRES_POOL_MIN", 2),
        postgres_pool_max=_int("PANEL_POSTGRES_POOL_MAX", 10),
        host=os.environ.get("PANEL_HOST", "127.0.0.1"),
        port=_int("PANEL_PORT", 8000),
        debug=os.environ.get("PANEL_DEBUG", "") == "1",
        max_page_size=_int("PANEL_MAX_PAGE_SIZE", 200),
        max_request_body_bytes=_int("PANEL_MAX_REQUEST_BODY_BYTES", 1_000_000),
        session_idle_minutes=_int("PANEL_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("PANEL_SESSION_ABSOLUTE_HOURS", 12),
        trust_proxy=os.environ.get("PANEL_TRUST_PROXY", "") == "1",
        sign_in_rate_per_minute=_int("PANEL_SIGN_IN_RATE_PER_MINUTE", 10),
        token_rate_per_minute=_int("PANEL_TOKEN_RATE_PER_MINUTE", 20),
        templates_dir=_templates_dir(),
        rfgv_calculation=os.environ.get("PANEL_RFGV_CALCULATION", "").strip()
        or "panel_service.cases.rfgv:ILLUSTRATIVE",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return read_settings()
