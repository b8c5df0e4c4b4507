"""Who may open the dashboard and who may change data: the sign-in settings, password hashes and roles.

Pure: the settings come in as plain mappings (the app passes `st.secrets` and the environment),
so every rule is tested without Streamlit. Three modes, chosen by what is configured:

- `oidc`: `[auth]` in `.streamlit/secrets.toml` (Streamlit's own OpenID Connect settings, used
  by `st.login`). Whoever the identity provider signs in is a viewer if the `viewers` list
  admits them, an analyst if the `analysts` list names them.
- `password`: no `[auth]`, but a viewer and/or analyst password hash. One shared password per role.
- `off`: nothing configured (the local sample setup): everyone is an analyst, as "local".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

VIEWER, ANALYST = "viewer", "analyst"
ROLES = (VIEWER, ANALYST)
MODES = ("off", "password", "oidc")

HASH_SCHEME = "pbkdf2_sha256"
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about a third of a second per guess on one core.
DEFAULT_ITERATIONS = 600_000
MIN_ITERATIONS = 1_000
SALT_BYTES = 16

MAX_FAILURES = 5  # wrong passwords in a row from one client before it has to wait
LOCKOUT_SECONDS = 30.0
# A client's wrong passwords are forgotten this long after its last one, so a typo next week
# does not start with someone else's count.
FAILURE_MEMORY_SECONDS = 15 * 60.0
MAX_TRACKED_CLIENTS = 10_000  # bounds the throttle's memory whatever the number of addresses
SERVER_WIDE = "*"  # the throttle's key when the client's address is unknown (local, behind a proxy)
MAX_NAME_LENGTH = 60

ENV_VIEWER_HASH = "CXMETRICS_VIEWER_PASSWORD_HASH"
ENV_ANALYST_HASH = "CXMETRICS_ANALYST_PASSWORD_HASH"
ENV_ANALYSTS = "CXMETRICS_ANALYSTS"
ENV_VIEWERS = "CXMETRICS_VIEWERS"
# The OIDC client keys Streamlit needs in [auth] or in a provider's [auth.NAME] table.
_OIDC_KEYS = ("client_id", "client_secret", "server_metadata_url")


class AccessConfigError(ValueError):
    """The sign-in settings cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class User:
    """Who is using the app: the name the audit log records, the role, and how they signed in."""

    name: str
    role: str
    via: str  # local | password | oidc

    @property
    def is_analyst(self) -> bool:
        return self.role == ANALYST


LOCAL_USER = User("local", ANALYST, "local")


@dataclass(frozen=True)
class AccessConfig:
    """The parsed sign-in settings."""

    mode: str = "off"
    providers: tuple[str, ...] = ()  # OIDC: "" is the unnamed [auth] provider, else [auth.NAME]
    analysts: tuple[str, ...] = ()  # e-mail addresses, "@domain" or "*"
    viewers: tuple[str, ...] = ()  # empty: anyone the provider signs in may read
    viewer_hash: str | None = None
    analyst_hash: str | None = None

    @property
    def enabled(self) -> bool:
        return self.mode != "off"


def load_config(secrets: Mapping | None = None, env: Mapping[str, str] | None = None) -> AccessConfig:
    """Return the sign-in settings from the secrets (`[auth]`, `[access]`) and the environment.

    An environment variable, when set, wins over the same setting in `[access]`. Raises
    AccessConfigError for a setting that cannot be right (fail closed: the app then lets no one in).
    """
    secrets = secrets or {}
    env = os.environ if env is None else env
    section = secrets.get("access") or {}
    if not isinstance(section, Mapping):
        raise AccessConfigError("[access] in secrets.toml must be a table")
    analysts = _entries(env.get(ENV_ANALYSTS) or section.get("analysts"), "analysts")
    viewers = _entries(env.get(ENV_VIEWERS) or section.get("viewers"), "viewers")
    viewer_hash = _checked_hash(env.get(ENV_VIEWER_HASH) or section.get("viewer_password_hash"), "viewer")
    analyst_hash = _checked_hash(env.get(ENV_ANALYST_HASH) or section.get("analyst_password_hash"), "analyst")
    providers = oidc_providers(secrets.get("auth"))
    if providers:
        return AccessConfig("oidc", providers, analysts, viewers, None, None)
    if viewer_hash or analyst_hash:
        return AccessConfig("password", (), analysts, viewers, viewer_hash, analyst_hash)
    return AccessConfig()


def oidc_providers(auth) -> tuple[str, ...]:
    """Return the OIDC providers configured in `[auth]`: "" for the unnamed one, else each [auth.NAME]."""
    if not auth:
        return ()
    if not isinstance(auth, Mapping):
        raise AccessConfigError("[auth] in secrets.toml must be a table")
    if "redirect_uri" not in auth or "cookie_secret" not in auth:
        raise AccessConfigError("[auth] in secrets.toml needs redirect_uri and cookie_secret")
    providers = []
    if all(key in auth for key in _OIDC_KEYS):
        providers.append("")
    for name, value in auth.items():
        if isinstance(value, Mapping):
            missing = [key for key in _OIDC_KEYS if key not in value]
            if missing:
                raise AccessConfigError(f"[auth.{name}] in secrets.toml lacks {', '.join(missing)}")
            providers.append(str(name))
    if not providers:
        raise AccessConfigError(f"[auth] in secrets.toml needs {', '.join(_OIDC_KEYS)} (or an [auth.NAME] provider)")
    return tuple(providers)


def _entries(value, what: str) -> tuple[str, ...]:
    """Return a list setting as lower-case entries; a string is split at commas."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise AccessConfigError(f"{what} must be a list of e-mail addresses or @domains")
    entries = []
    for item in items:
        text = str(item).strip().lower()
        if not text:
            continue
        if text != "*" and "@" not in text:
            raise AccessConfigError(f"{what}: {text!r} is neither an e-mail address, an @domain nor *")
        entries.append(text)
    return tuple(entries)


# --- who can reach the server -------------------------------------------------------------------

# Host names that mean this machine without a look-up (Debian's /etc/hosts names ::1 ip6-localhost).
_LOCAL_NAMES = ("localhost", "ip6-localhost")


def reachable_beyond_loopback(address: str | None) -> bool:
    """Return True when a server bound to `address` (Streamlit's `server.address`) can be reached
    from other machines.

    Unset or empty means every interface (Streamlit's default). A host name other than
    localhost is not resolved here: it counts as reachable (fail closed)."""
    text = (address or "").strip().lower()
    if text.startswith("unix://"):
        return False  # reached through the file system, so from this machine only
    text = text.removeprefix("[").removesuffix("]")
    if text in _LOCAL_NAMES:
        return False
    try:
        return not ipaddress.ip_address(text).is_loopback
    except ValueError:
        return True


def open_network_refusal(config: AccessConfig, address: str | None) -> str | None:
    """Return why the dashboard must stay closed (sign-in off on a server others can reach), or None.

    With sign-in off everyone is an analyst who can load and delete data: right on one's own
    machine, never on a network."""
    if config.enabled or not reachable_beyond_loopback(address):
        return None
    where = f"address {address.strip()}" if address and address.strip() else "every network interface"
    return (f"Sign-in is off and this server listens on {where}, so anyone on the network could "
            "load and delete data. Either turn sign-in on (docs/reliability.md, \"A shared server\") "
            "or serve this machine only: server.address = \"127.0.0.1\" in .streamlit/config.toml.")


def pages_folder_problem(app_dir: Path) -> str | None:
    """Return why the dashboard must not start when a `pages/` folder sits beside `app.py`, else None.

    Streamlit treats such a folder as its older automatic navigation until `app.py` has run once:
    on a freshly started server a first request to `/data` would run `pages/data.py` alone, past
    the sign-in gate. The pages live in `views/`; nothing may be in `pages/`.
    """
    folder = Path(app_dir) / "pages"
    if not folder.exists():
        return None
    return (f"a folder named pages/ is beside app.py ({folder}): Streamlit would serve its files past the "
            "sign-in gate, so the dashboard does not start. Move its pages into views/ and list them in app.py, "
            "then delete or rename the pages/ folder")


# --- password hashes ----------------------------------------------------------------------------


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """Return `pbkdf2_sha256$ITERATIONS$SALT$HASH` (base64) for a password, with a random salt."""
    if not password:
        raise ValueError("the password is empty")
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"use at least {MIN_ITERATIONS} iterations")
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join([HASH_SCHEME, str(iterations), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Return True when `password` matches the stored hash (constant-time comparison)."""
    iterations, salt, expected = _parse_hash(stored)
    digest = hashlib.pbkdf2_hmac("sha256", (password or "").encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def _parse_hash(stored: str) -> tuple[int, bytes, bytes]:
    parts = str(stored).strip().split("$")
    if len(parts) != 4 or parts[0] != HASH_SCHEME:
        raise AccessConfigError(f"a password hash looks like {HASH_SCHEME}$ITERATIONS$SALT$HASH (make one with "
                                "python -m cxmetrics hash-password)")
    try:
        iterations = int(parts[1])
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except ValueError as exc:
        raise AccessConfigError(f"a password hash is damaged: {exc}") from None
    if iterations < MIN_ITERATIONS or not salt or len(digest) != hashlib.sha256().digest_size:
        raise AccessConfigError("a password hash is damaged: wrong iterations, salt or length")
    return iterations, salt, digest


def _checked_hash(value, role: str) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        _parse_hash(str(value))
    except AccessConfigError as exc:
        raise AccessConfigError(f"the {role} password hash: {exc}") from None
    return str(value).strip()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- who gets which role ------------------------------------------------------------------------


def password_user(config: AccessConfig, password: str, name: str = "") -> User | None:
    """Return the user a shared password signs in (analyst password first), or None when it matches neither.

    Both hashes are always checked, so the time taken does not tell which role a guess was near.
    """
    is_analyst = bool(config.analyst_hash) and verify_password(password, config.analyst_hash)
    is_viewer = bool(config.viewer_hash) and verify_password(password, config.viewer_hash)
    if not (is_analyst or is_viewer):
        return None
    role = ANALYST if is_analyst else VIEWER
    shown = clean_name(name)
    label = f"{role} password"
    return User(f"{shown} ({label})" if shown else label, role, "password")


def oidc_user(config: AccessConfig, email: str | None, email_verified: bool | None = None) -> User | None:
    """Return the user an identity provider signed in, or None when the settings do not admit them.

    An address the provider says is unverified is refused: anyone can type one into an account.
    """
    address = (email or "").strip().lower()
    if not address or "@" not in address or email_verified is False:
        return None
    if matches(address, config.analysts):
        return User(address, ANALYST, "oidc")
    if not config.viewers or matches(address, config.viewers):
        return User(address, VIEWER, "oidc")
    return None


def matches(address: str, entries: tuple[str, ...]) -> bool:
    """Return True when an e-mail address is named by an entry: itself, its "@domain", or "*"."""
    address = address.strip().lower()
    domain = "@" + address.rsplit("@", 1)[-1]
    return any(entry == "*" or entry == address or (entry.startswith("@") and entry == domain) for entry in entries)


def clean_name(name: str | None) -> str:
    """Return a typed-in name fit for the audit log: printable, one line, at most 60 characters."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", name or "")
        if ch.isspace() or unicodedata.category(ch)[0] != "C"  # no control or bidi-override characters
    )
    return re.sub(r"\s+", " ", text).strip()[:MAX_NAME_LENGTH].strip()


def retry_after(failures: int, last_failure_at: float | None, now: float) -> float:
    """Return how many seconds a session must wait before its next password try (0: it may try now)."""
    if failures < MAX_FAILURES or last_failure_at is None:
        return 0.0
    return max(0.0, LOCKOUT_SECONDS - (now - last_failure_at))


class SignInThrottle:
    """Wrong-password counts per client address, shared by every session of the server process.

    Kept outside the browser session on purpose: a reload starts a new session, and a count held
    in the session let a guesser reset the wait that way. Safe to call from several script-run
    threads at once; holds at most `max_clients` addresses (the one whose last failure is oldest
    is forgotten first) and forgets an address FAILURE_MEMORY_SECONDS after its last failure.
    """

    def __init__(self, max_clients: int = MAX_TRACKED_CLIENTS):
        self._max_clients = max_clients
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # oldest failure first

    def wait(self, client: str | None, now: float) -> float:
        """Return how many seconds `client` must wait before its next try (0: it may try now)."""
        with self._lock:
            self._forget_before(now - FAILURE_MEMORY_SECONDS)
            failures, last = self._failures.get(client or SERVER_WIDE, (0, None))
        return retry_after(failures, last, now)

    def failed(self, client: str | None, now: float) -> float:
        """Count a wrong password from `client`; return the wait before its next try."""
        key = client or SERVER_WIDE
        with self._lock:
            self._forget_before(now - FAILURE_MEMORY_SECONDS)
            failures = self._failures.pop(key, (0, None))[0] + 1
            self._failures[key] = (failures, now)
            while len(self._failures) > self._max_clients:
                self._failures.popitem(last=False)
        return retry_after(failures, now, now)

    def succeeded(self, client: str | None) -> None:
        """Forget `client`'s wrong passwords after a right one."""
        with self._lock:
            self._failures.pop(client or SERVER_WIDE, None)

    def clients(self) -> int:
        """Return how many addresses the throttle holds."""
        with self._lock:
            return len(self._failures)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def _forget_before(self, cutoff: float) -> None:
        while self._failures:
            key, (_, last) = next(iter(self._failures.items()))
            if last >= cutoff:
                return
            del self._failures[key]
