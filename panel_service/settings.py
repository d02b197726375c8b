"""Settings read from the environment once, then cached."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    messaging: MessagingSettings = field(default_factory=lambda: read_messaging_settings({}))

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))


def _int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    raw = environ.get(name, "").strip()
    return int(raw) if raw else default


def _list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class MessagingSettings:
    """Email, Slack, links and reminders (``PANEL_SMTP_*``, ``PANEL_SLACK_*``, ...)."""

    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_security: str = "starttls"
    """``starttls``, ``tls`` (implicit, port 465) or ``none`` (needs ``smtp_allow_plaintext``)."""
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_ca_file: str = ""
    smtp_allow_plaintext: bool = False
    """Development only (the demo's local mail sink): send without TLS."""
    mail_from: str = "marac-coordinator@panel.example"
    """The coordinator mailbox: the sender, and the ORGANIZER of calendar invites."""
    mail_from_name: str = "MARAC coordinator"
    public_url: str = "http://127.0.0.1:8000"
    """Where people reach the service: links in emails and Slack start with it."""
    secure_domains: tuple[str, ...] = ("gov.uk", "nhs.net", "police.uk", "cjsm.net")
    """Domains (and their subdomains) whose addresses may receive documents."""
    link_secret: str = ""
    """Signs one-click action links; empty: a random key per process (links die on restart)."""
    link_valid_days: int = 14
    dispatcher: bool = True
    """Send from inside the server process (switch off when a ``worker`` runs instead)."""
    poll_seconds: float = 5.0
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    lease_seconds: float = 300.0
    """How long a claimed message is left to its dispatcher before another takes it over."""
    action_reminder_days: int = 3
    chaser_every_days: int = 7
    chasers_before_escalation: int = 2
    voice_reminder_days: int = 5
    """Days before a meeting the IDVA is reminded of a missing victim's voice."""
    voice_warning_days: int = 3
    """Days before a meeting the coordination team is told on Slack of missing voices."""
    slack_token: str = ""
    slack_channel: str = ""
    slack_base_url: str = "https://slack.com/api/"
    slack_signing_secret: str = ""
    demo_mail_sink: bool = False
    """``make run``: start an SMTP sink on smtp_host:smtp_port and the page that shows it."""
    mail_sink_dir: Path = PROJECT_ROOT / "var" / "mail"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_token and self.slack_channel)


def read_messaging_settings(environ: Mapping[str, str]) -> MessagingSettings:
    """Messaging settings from ``environ`` (defaults for anything not set)."""
    defaults = MessagingSettings()

    def text(name: str, default: str) -> str:
        return environ.get(name, "").strip() or default

    def number(name: str, default: float) -> float:
        raw = environ.get(name, "").strip()
        return float(raw) if raw else default

    def flag(name: str, default: bool) -> bool:
        raw = environ.get(name, "").strip()
        return raw == "1" if raw else default

    domains = environ.get("PANEL_SECURE_DOMAINS")
    return MessagingSettings(
        smtp_host=text("PANEL_SMTP_HOST", defaults.smtp_host),
        smtp_port=_int("PANEL_SMTP_PORT", defaults.smtp_port, environ),
        smtp_security=text("PANEL_SMTP_SECURITY", defaults.smtp_security).lower(),
        smtp_username=text("PANEL_SMTP_USERNAME", ""),
        smtp_password=environ.get("PANEL_SMTP_PASSWORD", ""),
        smtp_ca_file=text("PANEL_SMTP_CA_FILE", ""),
        smtp_allow_plaintext=flag("PANEL_SMTP_ALLOW_PLAINTEXT", False),
        mail_from=text("PANEL_MAIL_FROM", defaults.mail_from),
        mail_from_name=text("PANEL_MAIL_FROM_NAME", defaults.mail_from_name),
        public_url=text("PANEL_PUBLIC_URL", defaults.public_url).rstrip("/"),
        secure_domains=defaults.secure_domains if domains is None else _list(domains),
        link_secret=environ.get("PANEL_LINK_SECRET", ""),
        link_valid_days=_int("PANEL_LINK_VALID_DAYS", defaults.link_valid_days, environ),
        dispatcher=flag("PANEL_DISPATCHER", True),
        poll_seconds=number("PANEL_OUTBOX_POLL_SECONDS", defaults.poll_seconds),
        max_attempts=_int("PANEL_OUTBOX_MAX_ATTEMPTS", defaults.max_attempts, environ),
        backoff_seconds=number("PANEL_OUTBOX_BACKOFF_SECONDS", defaults.backoff_seconds),
        lease_seconds=number("PANEL_OUTBOX_LEASE_SECONDS", defaults.lease_seconds),
        action_reminder_days=_int(
            "PANEL_ACTION_REMINDER_DAYS", defaults.action_reminder_days, environ
        ),
        chaser_every_days=_int("PANEL_CHASER_EVERY_DAYS", defaults.chaser_every_days, environ),
        chasers_before_escalation=_int(
            "PANEL_CHASERS_BEFORE_ESCALATION", defaults.chasers_before_escalation, environ
        ),
        voice_reminder_days=_int(
            "PANEL_VOICE_REMINDER_DAYS", defaults.voice_reminder_days, environ
        ),
        voice_warning_days=_int("PANEL_VOICE_WARNING_DAYS", defaults.voice_warning_days, environ),
        slack_token=environ.get("PANEL_SLACK_TOKEN", "").strip(),
        slack_channel=text("PANEL_SLACK_CHANNEL", ""),
        slack_base_url=text("PANEL_SLACK_BASE_URL", defaults.slack_base_url),
        slack_signing_secret=environ.get("PANEL_SLACK_SIGNING_SECRET", "").strip(),
        demo_mail_sink=flag("PANEL_DEMO_MAIL_SINK", False),
        mail_sink_dir=Path(text("PANEL_MAIL_SINK_DIR", str(defaults.mail_sink_dir))),
    )


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
        messaging=read_messaging_settings(os.environ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return read_settings()
