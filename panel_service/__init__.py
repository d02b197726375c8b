"""Panel Service: MARACs and domestic-abuse perpetrator panels."""

import os

# Piccolo finds the engine through this module path; set before any table is queried.
os.environ.setdefault("PICCOLO_CONF", "panel_service.piccolo_conf")
