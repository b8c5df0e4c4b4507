"""deploy/nginx.conf in front of a real `streamlit run`: Streamlit's own doors stay shut without a password.

A real nginx (Debian's; started by the test on a loopback port with its own prefix, pid file,
logs and temp folders, in the foreground, so no root is needed) runs the shipped config with only
its ports and file paths changed. Its access log records, for each request, whether it was passed
to Streamlit ($upstream_addr), which is how the test knows an upload's bytes never reached it.
Without nginx the test is skipped, except under CI, where it fails (.ci/run installs nginx).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from benchmarks.streamlit_server import REPO_ROOT, free_port

from .conftest import VIEWPORT

SHIPPED = REPO_ROOT / "deploy" / "nginx.conf"
USER, PASSWORD = "mia", "proxy-test-pw"
LOAD_MS = 90_000
STARTUP_SECONDS = 20
LOG_SECONDS = 15
# What the test changes in the shipped file: its ports and file paths, nothing else.
STREAMLIT_UPSTREAM = "server 127.0.0.1:8501;"
LISTEN = "listen 443 ssl;"
CERTIFICATE = "/etc/ssl/cxmetrics/fullchain.pem"
KEY = "/etc/ssl/cxmetrics/privkey.pem"
PASSWORDS = "/etc/nginx/cxmetrics.htpasswd"
# Each logged request: method, path, status, the Streamlit address it went to ("-": none) and
# the bytes nginx read of it (request line, headers and body).
LOG_FORMAT = "'$request_method $uri $status upstream=$upstream_addr read=$request_length'"


def _nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not path:
        reason = "nginx not found (on Debian: apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the proxy test must run in CI)", pytrace=False)
        pytest.skip(reason)
    return path


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """Write a certificate for 127.0.0.1 and its key (Chromium is told to accept it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _password_file(folder: Path) -> Path:
    """An nginx password file with one user ({SSHA}: salted SHA-1, which nginx reads without crypt())."""
    salt = os.urandom(8)
    digest = hashlib.sha1(PASSWORD.encode() + salt).digest()
    path = folder / "htpasswd"
    path.write_text(f"{USER}:{{SSHA}}{base64.b64encode(digest + salt).decode()}\n", "ascii")
    return path


def render(shipped: str, *, listen_port: int, streamlit_port: int, cert: Path, key: Path, passwords: Path) -> str:
    """Return the shipped server config with the test's ports and paths; each token must occur exactly once."""
    changes = {
        STREAMLIT_UPSTREAM: f"server 127.0.0.1:{streamlit_port};",
        LISTEN: f"listen 127.0.0.1:{listen_port} ssl;",
        CERTIFICATE: str(cert),
        KEY: str(key),
        PASSWORDS: str(passwords),
    }
    for token, value in changes.items():
        assert shipped.count(token) == 1, f"deploy/nginx.conf should hold {token!r} once"
        shipped = shipped.replace(token, value)
    return shipped


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}:\n{log.read_text('utf-8', 'replace')}", pytrace=False)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not listen on {port} within {STARTUP_SECONDS} s", pytrace=False)
            time.sleep(0.1)


@pytest.fixture(scope="module")
def proxy(app_url, tmp_path_factory):
    """(proxy base URL, nginx access log path) for nginx running deploy/nginx.conf before the browser
    tests' real Streamlit (app_url: started once for all of them)."""
    nginx = _nginx()
    prefix = tmp_path_factory.mktemp("nginx")
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / folder).mkdir()
    cert, key = _self_signed(prefix)
    port = free_port()
    server = render(SHIPPED.read_text("utf-8"), listen_port=port, streamlit_port=int(app_url.rsplit(":", 1)[1]),
                    cert=cert, key=key, passwords=_password_file(prefix))
    (prefix / "cxmetrics.conf").write_text(server, "utf-8")
    access_log, error_log = prefix / "access.log", prefix / "error.log"
    (prefix / "nginx.conf").write_text(f"""
pid {prefix}/nginx.pid;
error_log {error_log} info;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    log_format probe {LOG_FORMAT};
    access_log {access_log} probe;
    include {prefix}/cxmetrics.conf;
}}
""", "utf-8")
    # Foreground and one process: nothing to daemonise, no switch to another user when run as root.
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(error_log),
               "-g", "daemon off; master_process off;"]
    checked = subprocess.run(command + ["-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, error_log)
        yield f"https://127.0.0.1:{port}", access_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _connection(base: str) -> http.client.HTTPSConnection:
    host, port = base.removeprefix("https://").split(":")
    return http.client.HTTPSConnection(host, int(port), timeout=30, context=ssl._create_unverified_context())


def _request(base: str, method: str, path: str, *, credentials: bool = False, headers: dict | None = None) -> int:
    connection = _connection(base)
    headers = dict(headers or {})
    if credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    connection.request(method, path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def _push_upload(base: str, path: str, declared: int, sent: int, credentials: bool = False) -> int:
    """Start a PUT of `declared` bytes, send the headers and `sent` bytes of the body, return the status."""
    connection = _connection(base)
    connection.putrequest("PUT", path)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(declared))
    if credentials:
        connection.putheader("Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
    connection.endheaders()
    try:
        connection.send(b"\0" * sent)
    except (BrokenPipeError, ConnectionResetError):
        pass  # nginx answered and closed before taking the rest: that is the point
    status = connection.getresponse().status
    connection.close()
    return status


def _logged(access_log: Path, start: str, count: int = 1) -> list[str]:
    """Return the access log's lines that start with `start` ("METHOD /path…"), once there are `count`.

    nginx writes a line when it is done with a request: for a refused upload, after it has
    discarded what the client sent; for a websocket, when it closes. Both come a moment after the
    client has its answer."""
    deadline = time.monotonic() + LOG_SECONDS
    while True:
        lines = [line for line in access_log.read_text("utf-8").splitlines() if line.startswith(start)]
        if len(lines) >= count:
            return lines
        assert time.monotonic() < deadline, f"nginx logged {len(lines)} of {count} {start!r}: {lines}"
        time.sleep(0.1)


def test_without_a_password_no_door_opens_and_no_upload_byte_reaches_streamlit(proxy):
    base, access_log = proxy
    for path in ("/", "/data", "/_stcore/health", "/_stcore/host-config", "/media/0123456789abcdef.png",
                 "/_stcore/metrics"):
        assert _request(base, "GET", path) in (401, 403), path
    assert _request(base, "GET", "/_stcore/stream", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}) == 401

    # The probe's attack: 150 MB pushed to a session's upload URL (refused on its size before the
    # password is even asked), and one within the upload limit (refused for want of the password).
    # Either way on the headers: the body is never passed on.
    assert _push_upload(base, "/_stcore/upload_file/some-session/huge", 150 << 20, 1 << 20) == 413
    assert _push_upload(base, "/_stcore/upload_file/some-session/fits", 40 << 20, 1 << 20) == 401
    [huge] = _logged(access_log, "PUT /_stcore/upload_file/some-session/huge ")
    [fits] = _logged(access_log, "PUT /_stcore/upload_file/some-session/fits ")
    assert " 413 upstream=- " in huge and " 401 upstream=- " in fits  # neither passed to Streamlit
    # Nothing at all was passed on without the password.
    assert all(" upstream=- " in line for line in access_log.read_text("utf-8").splitlines())


def test_with_a_password_the_metrics_stay_closed_and_a_too_large_upload_is_refused(proxy):
    base, access_log = proxy
    assert _request(base, "GET", "/_stcore/metrics", credentials=True) == 403
    assert _request(base, "GET", "/_stcore/health", credentials=True) == 200  # the password does open the rest
    assert _push_upload(base, "/_stcore/upload_file/a-session/big", 60 << 20, 1 << 20, credentials=True) == 413
    assert " 413 upstream=- " in _logged(access_log, "PUT /_stcore/upload_file/a-session/big ")[0]
    assert all(" upstream=- " in line for line in _logged(access_log, "GET /_stcore/metrics "))


def test_with_a_password_the_dashboard_works_through_the_proxy(proxy, browser, tmp_path, screenshots):
    base, access_log = proxy
    context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True,
                                  http_credentials={"username": USER, "password": PASSWORD})
    try:
        page = context.new_page()
        sockets = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.goto(base + "/")
        # Figures are drawn only from what the websocket brings.
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=LOAD_MS)
        assert any(url.endswith("/_stcore/stream") for url in sockets)

        # An upload through the proxy reaches the Data page (the XSRF cookie and header pass through).
        source = tmp_path / "through_proxy.csv"
        source.write_text("contact_id,customer_id,started_at,channel,contact_reason\n"
                          "P1,C1,2025-11-01 09:00:00,phone,Billing\n", "utf-8")
        page.goto(base + "/data")
        expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=LOAD_MS)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(source))
        expect(page.get_by_text("First rows as read (text, before typing):")).to_be_visible(timeout=LOAD_MS)
        page.screenshot(path=str(screenshots / "proxy_data_upload.png"))
    finally:
        context.close()
    # The upload and the websocket went through to Streamlit.
    assert _logged(access_log, "PUT /_stcore/upload_file/")[-1].split(" upstream=")[0].endswith(" 204")
    assert " upstream=127.0.0.1:" in _logged(access_log, "GET /_stcore/stream 101 ")[0]
