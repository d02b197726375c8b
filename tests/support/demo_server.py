"""The demo as ``make run`` starts it, in a subprocess: ``panel-service migrate``,
``load-demo``, then ``serve`` with the Makefile's ``DEMO_MAIL_ENV`` (the SMTP sink inside
the service and ``/demo/mail``), on 127.0.0.1 with free ports, a temporary SQLite file and a
temporary mail directory. The environment is read from the Makefile itself, so a change
there is what this tests, not a copy of it.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = ROOT / "Makefile"
HOST = "127.0.0.1"
DEMO_PASSWORD = "panel-demo-password"  # the README's published demo password
COMMAND_SECONDS = 120.0
READY_SECONDS = 30.0
STOP_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _shell_defaults(text: str, environ: Mapping[str, str]) -> str:
    """``${NAME:-default}`` as the shell expands it."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: environ.get(m.group(1)) or m.group(2), text)


def make_run_environment(overrides: Mapping[str, str]) -> dict[str, str]:
    """The variables ``DEMO_MAIL_ENV`` sets for ``make run``'s ``serve``, with the Makefile's
    own variables (``DEMO_SMTP_PORT`` ...) and the shell's (``PANEL_PORT``) taken from
    ``overrides`` where given, as ``make run DEMO_SMTP_PORT=...`` would."""
    text = re.sub(r"\\\n[ \t]*", " ", MAKEFILE.read_text(encoding="utf-8"))
    make_vars = dict(re.findall(r"^(\w+) *\?= *(.*?) *$", text, flags=re.MULTILINE))
    make_vars.update(overrides)
    found = re.search(r"^DEMO_MAIL_ENV *= *(.*?) *$", text, flags=re.MULTILINE)
    assert found, "the Makefile no longer defines DEMO_MAIL_ENV"
    line = re.sub(r"\$\((\w+)\)", lambda m: make_vars[m.group(1)], found.group(1))
    line = _shell_defaults(line.replace("$$", "$"), overrides)
    environment = {}
    for word in shlex.split(line):
        name, equals, value = word.partition("=")
        assert equals and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), word
        environment[name] = value
    return environment


def _command(*arguments: str) -> list[str]:
    """``panel-service`` from the environment running the tests (``.venv/bin``)."""
    script = Path(sys.executable).parent / "panel-service"
    if script.is_file():
        return [str(script), *arguments]
    return [sys.executable, "-c", "from panel_service.cli import main; main()", *arguments]


@dataclass
class DemoServer:
    """A running demo: its address, its mail directory, its log."""

    base_url: str
    mail_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, characters: int = 4000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return "(no log)"

    def client(self) -> httpx.Client:
        # trust_env=False: a proxy from the environment must never carry loopback requests.
        return httpx.Client(base_url=self.base_url, timeout=30, trust_env=False)

    def sign_in(self, email: str) -> httpx.Client:
        """A client signed in as a demo user (two-factor is off for demo accounts), sending
        the session's CSRF token with every request, as the README says."""
        client = self.client()
        response = client.post(
            "/api/auth/sign-in", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, (email, response.status_code, response.text)
        signed_in = response.json()
        assert signed_in["two_factor"] == "verified", signed_in
        # Plain http to 127.0.0.1: the development cookie, not the __Host- one.
        assert "panel_session" in client.cookies, client.cookies
        client.headers["X-CSRF-Token"] = signed_in["csrf_token"]
        return client


def _clean_environment(directory: Path, http_port: int, smtp_port: int) -> dict[str, str]:
    """The caller's environment without any service setting (the test suite's own
    ``DATABASE_URL``, ``PANEL_DISPATCHER=0`` ...), then exactly what ``make run`` gives:
    the default SQLite database (here a temporary file) and ``DEMO_MAIL_ENV``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PANEL_") and name != "DATABASE_URL"
    }
    shell = {"PANEL_HOST": HOST, "PANEL_PORT": str(http_port)}
    environment.update(shell)
    environment.update(
        PANEL_SQLITE_PATH=str(directory / "panel.sqlite3"),
        PANEL_MAIL_SINK_DIR=str(directory / "mail"),
        PYTHONUNBUFFERED="1",
    )
    environment.update(make_run_environment({**shell, "DEMO_SMTP_PORT": str(smtp_port)}))
    return environment


def _run(arguments: list[str], environment: dict[str, str]) -> None:
    finished = subprocess.run(
        _command(*arguments),
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    assert finished.returncode == 0, (arguments, finished.stdout[-2000:], finished.stderr[-2000:])


def _wait_until_ready(server: DemoServer) -> None:
    deadline = time.monotonic() + READY_SECONDS
    with server.client() as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise AssertionError(f"the demo server exited at start:\n{server.log_tail()}")
            try:
                if client.get("/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise AssertionError(
        f"the demo server was not ready in {READY_SECONDS} s:\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_SECONDS)


@contextmanager
def demo_server(directory: Path) -> Iterator[DemoServer]:
    """``make run`` in ``directory``: migrate, load the demo, serve until the block ends
    (then SIGTERM, a bounded wait, and a kill if it has not stopped)."""
    http_port = free_port()
    smtp_port = free_port()
    while smtp_port == http_port:
        smtp_port = free_port()
    environment = _clean_environment(directory, http_port, smtp_port)
    _run(["migrate"], environment)
    _run(["load-demo"], environment)
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command("serve"),
            env=environment,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = DemoServer(
        base_url=f"http://{HOST}:{http_port}",
        mail_dir=Path(environment["PANEL_MAIL_SINK_DIR"]),
        log=log,
        process=process,
    )
    try:
        _wait_until_ready(server)
        assert environment["PANEL_PUBLIC_URL"] == server.base_url, environment
        yield server
    finally:
        _stop(process)
