"""PDF rendering through LibreOffice: optional, bounded in time, and cleaned up after."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from panel_service.documents import render
from panel_service.documents.base import DocumentBuilder
from panel_service.settings import PROJECT_ROOT

BASE = PROJECT_ROOT / "templates" / "docx" / "base.docx"
needs_libreoffice = pytest.mark.skipif(
    not render.pdf_available(),
    reason="LibreOffice (soffice) is not installed here; .ci/run installs it",
)


def _docx() -> bytes:
    doc = DocumentBuilder(BASE, "Northtown MARAC", "Render test")
    doc.title("Render test")
    return doc.save()


def test_without_soffice_pdf_is_unavailable_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert not render.pdf_available()
    with pytest.raises(render.RenderFailed, match="not installed"):
        render.docx_to_pdf(_docx())


@needs_libreoffice
def test_a_conversion_gives_a_pdf_and_leaves_no_files_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(render.tempfile, "tempdir", str(tmp_path))
    pdf = render.docx_to_pdf(_docx())
    assert pdf.startswith(b"%PDF-")
    assert list(tmp_path.iterdir()) == []


@needs_libreoffice
def test_a_conversion_that_runs_out_of_time_is_ended_with_everything_it_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(render.tempfile, "tempdir", str(tmp_path))
    with pytest.raises(render.RenderFailed, match="within"):
        render.docx_to_pdf(_docx(), timeout=0.05)
    # No LibreOffice process is left running on the profile it was given.
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in running
    assert list(tmp_path.iterdir()) == []
