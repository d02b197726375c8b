"""Agendas and agency action lists as Word documents (and PDF where LibreOffice is
installed), built on the organisation's base documents in ``templates/docx``."""
