# syntax=docker/dockerfile:1
# Panel Service for production: PostgreSQL (DATABASE_URL) as the database, run as non-root.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY panel_service ./panel_service
RUN /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PANEL_HOST=0.0.0.0 \
    PANEL_PORT=8000
RUN groupadd --system --gid 10001 panel \
    && useradd --system --uid 10001 --gid panel --home-dir /app --no-create-home panel
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY templates ./templates
COPY fixtures ./fixtures
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
# DATABASE_URL must name the PostgreSQL server; migrations run before serving.
CMD ["sh", "-c", "panel-service migrate && exec panel-service serve"]
