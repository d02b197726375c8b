"""Piccolo's configuration (``PICCOLO_CONF=panel_service.piccolo_conf``)."""

from piccolo.conf.apps import AppRegistry

from panel_service.db import build_engine
from panel_service.settings import get_settings

DB = build_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["panel_service.piccolo_app"])
