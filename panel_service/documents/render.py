"""Optional PDF rendering with LibreOffice (``soffice --headless --convert-to pdf``).

The service works without it: ``pdf_available()`` says whether ``soffice`` is installed,
and a PDF is refused (422 on ``format``) when it is not. Each conversion runs in a worker
thread, in a fresh temporary directory that is both its LibreOffice profile
(``-env:UserInstallation``; two LibreOffice processes must never share one) and its HOME,
under a time limit; at most ``MAX_CONCURRENT`` run at once, because each is a whole
office suite in memory. Fonts: install ``fonts-liberation`` and ``fonts-crosextra-carlito``
(metric-compatible with Arial and Calibri), or pages reflow.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess  # nosec B404 - a fixed program with fixed arguments, no shell
import tempfile
import threading
from pathlib import Path

import anyio.to_thread

from panel_service.errors import DomainError

TIMEOUT_SECONDS = 90.0
MAX_CONCURRENT = 2
_slots = threading.BoundedSemaphore(MAX_CONCURRENT)


class RenderFailed(DomainError):
    """LibreOffice did not produce the PDF (it failed or ran out of time)."""

    status_code = 503
    code = "render_failed"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """Whether LibreOffice is installed, so that documents can be rendered as PDF."""
    return soffice_path() is not None


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert one .docx to PDF (blocking: call it from a worker thread)."""
    program = soffice_path()
    if program is None:
        raise RenderFailed("PDF rendering needs LibreOffice, which is not installed")
    with _slots, tempfile.TemporaryDirectory(prefix="panel-pdf-") as work:
        root = Path(work)
        source = root / "document.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(root),
            str(source),
        ]
        environment = {**os.environ, "HOME": str(root)}
        # A session of its own, so that a timeout can end soffice and whatever it started.
        process = subprocess.Popen(  # noqa: S603  # nosec B603 - fixed arguments, no shell
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=work,
            start_new_session=True,
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RenderFailed(
                f"LibreOffice did not render the PDF within {timeout:.0f} seconds"
            ) from None
        result = root / "document.pdf"
        if process.returncode != 0 or not result.is_file():
            detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RenderFailed(f"LibreOffice could not render the PDF ({detail[0][:200]})")
        return result.read_bytes()


async def render_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """``docx_to_pdf`` off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(docx_to_pdf, docx, timeout))
