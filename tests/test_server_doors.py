"""The upload limit is one figure: in the config, the Data page's refusal, deploy/nginx.conf and the docs.

The proxy's own checks run in tests/browser/test_proxy_browser.py; here, that the shipped files
agree, so raising the limit in one place and not the others fails a test rather than a user.
"""

from __future__ import annotations

import re
import tomllib

from cxmetrics.ingest import upload
from cxmetrics.store.db import PROJECT_ROOT

CONFIG = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
LIMIT_MB = CONFIG["server"]["maxUploadSize"]
RELIABILITY = (PROJECT_ROOT / "docs" / "reliability.md").read_text("utf-8")
NGINX = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text("utf-8")
# Streamlit accepts a request body this much over the limit for the multipart framing
# (_MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES in streamlit/web/server/starlette/starlette_routes.py).
MULTIPART_MB = 1


def test_the_docs_give_the_figure_and_the_page_s_refusal_word_for_word():
    assert f"`server.maxUploadSize` in `.streamlit/config.toml`: **{LIMIT_MB} MB**" in RELIABILITY
    refusal = upload.too_large(LIMIT_MB << 20).replace("`", "")  # the docs quote it in one code span
    assert " ".join(refusal.split()) in " ".join(RELIABILITY.split())


def test_nginx_refuses_what_streamlit_would_refuse():
    [body] = re.findall(r"^\s*client_max_body_size (\d+)m;", NGINX, flags=re.M)
    assert int(body) == LIMIT_MB + MULTIPART_MB
    assert f"server.maxUploadSize ({LIMIT_MB} MB)" in NGINX


def test_the_proxy_closes_the_metrics_and_asks_for_a_password_before_anything_else():
    server = NGINX[NGINX.index("server {"):]
    first_location = server.index("location ")
    assert server.index("auth_basic ") < first_location  # server-wide, not per location
    assert "auth_basic off" not in NGINX
    assert re.search(r"location = /_stcore/metrics \{\s*return 403;\s*\}", NGINX)
