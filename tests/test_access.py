"""Sign-in settings, password hashes and roles (cxmetrics.core.access), without Streamlit."""

from __future__ import annotations

import base64

import pytest

from cxmetrics.core import access
from cxmetrics.core.access import ANALYST, LOCAL_USER, VIEWER, AccessConfig, AccessConfigError, User

FAST = 1_000  # iterations for tests; the real default is access.DEFAULT_ITERATIONS
SALT = b"0123456789abcdef"
ANALYST_HASH = access.hash_password("analyst-secret", FAST, SALT)
VIEWER_HASH = access.hash_password("viewer-secret", FAST, SALT)
OIDC = {
    "redirect_uri": "https://cx.example.com/oauth2callback",
    "cookie_secret": "s3cret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
}


# --- hashes ------------------------------------------------------------------------------------


def test_hash_has_scheme_iterations_salt_and_sha256_digest():
    scheme, iterations, salt, digest = access.hash_password("pw", FAST, SALT).split("$")
    assert (scheme, iterations) == ("pbkdf2_sha256", "1000")
    assert base64.b64decode(salt) == SALT
    assert len(base64.b64decode(digest)) == 32


def test_default_hash_uses_the_owasp_iterations_and_a_random_salt():
    first, second = access.hash_password("pw"), access.hash_password("pw")
    assert first.split("$")[1] == str(access.DEFAULT_ITERATIONS) == "600000"
    assert first != second  # a fresh salt each time
    assert access.verify_password("pw", first) and access.verify_password("pw", second)


@pytest.mark.parametrize(
    "password, expected",
    [("analyst-secret", True), ("analyst-secre", False), ("Analyst-secret", False), ("", False),
     ("analyst-secret ", False)],
)
def test_verify_password(password, expected):
    assert access.verify_password(password, ANALYST_HASH) is expected


def test_verify_uses_a_constant_time_comparison(monkeypatch):
    calls = []
    real = access.hmac.compare_digest
    monkeypatch.setattr(access.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert access.verify_password("analyst-secret", ANALYST_HASH)
    assert len(calls) == 1


@pytest.mark.parametrize(
    "stored",
    ["plain-text-password", "pbkdf2_sha256$1000$c2FsdA==", "md5$1000$c2FsdA==$AAAA",
     "pbkdf2_sha256$ten$c2FsdA==$" + "A" * 44, "pbkdf2_sha256$10$c2FsdA==$" + base64.b64encode(b"x" * 32).decode(),
     "pbkdf2_sha256$1000$c2FsdA==$c2hvcnQ=", "pbkdf2_sha256$1000$!!!$" + base64.b64encode(b"x" * 32).decode()],
)
def test_a_damaged_hash_is_a_config_error(stored):
    with pytest.raises(AccessConfigError):
        access.verify_password("x", stored)


@pytest.mark.parametrize("password, iterations", [("", FAST), ("pw", 10)])
def test_hash_refuses_an_empty_password_or_too_few_iterations(password, iterations):
    with pytest.raises(ValueError):
        access.hash_password(password, iterations)


# --- configuration -------------------------------------------------------------------------------


def test_nothing_configured_means_sign_in_off_and_everyone_an_analyst():
    config = access.load_config({}, {})
    assert config == AccessConfig() and config.mode == "off" and not config.enabled
    assert LOCAL_USER == User("local", ANALYST, "local") and LOCAL_USER.is_analyst


def test_password_hashes_from_the_secrets():
    config = access.load_config(
        {"access": {"viewer_password_hash": VIEWER_HASH, "analyst_password_hash": ANALYST_HASH}}, {}
    )
    assert (config.mode, config.viewer_hash, config.analyst_hash) == ("password", VIEWER_HASH, ANALYST_HASH)


def test_the_environment_wins_over_the_secrets():
    config = access.load_config(
        {"access": {"analyst_password_hash": VIEWER_HASH, "analysts": ["a@x.org"]}},
        {access.ENV_ANALYST_HASH: ANALYST_HASH, access.ENV_ANALYSTS: "b@y.org, @team.org"},
    )
    assert config.analyst_hash == ANALYST_HASH
    assert config.analysts == ("b@y.org", "@team.org")


def test_auth_section_turns_on_oidc_and_passwords_are_then_ignored():
    config = access.load_config(
        {"auth": OIDC, "access": {"analysts": ["Ana@Example.com"], "analyst_password_hash": ANALYST_HASH}}, {}
    )
    assert config.mode == "oidc" and config.providers == ("",)
    assert config.analysts == ("ana@example.com",)
    assert config.analyst_hash is None


def test_named_oidc_providers():
    auth = {"redirect_uri": OIDC["redirect_uri"], "cookie_secret": "s",
            "google": {k: OIDC[k] for k in access._OIDC_KEYS}, "microsoft": {k: OIDC[k] for k in access._OIDC_KEYS}}
    assert access.oidc_providers(auth) == ("google", "microsoft")


@pytest.mark.parametrize(
    "secrets, env, message",
    [
        ({"auth": {"client_id": "x"}}, {}, "redirect_uri"),
        ({"auth": {"redirect_uri": "u", "cookie_secret": "c"}}, {}, "client_id"),
        ({"auth": {"redirect_uri": "u", "cookie_secret": "c", "okta": {"client_id": "x"}}}, {}, r"\[auth.okta\]"),
        ({"access": {"analyst_password_hash": "letmein"}}, {}, "analyst password hash"),
        ({}, {access.ENV_VIEWER_HASH: "letmein"}, "viewer password hash"),
        ({"access": {"analysts": ["bob"]}}, {}, "analysts"),
        ({"access": {"viewers": 3}}, {}, "viewers"),
        ({"access": "on"}, {}, "must be a table"),
    ],
)
def test_settings_that_cannot_be_right_are_refused(secrets, env, message):
    with pytest.raises(AccessConfigError, match=message):
        access.load_config(secrets, env)


# --- roles ---------------------------------------------------------------------------------------

PASSWORDS = AccessConfig("password", viewer_hash=VIEWER_HASH, analyst_hash=ANALYST_HASH)


@pytest.mark.parametrize(
    "config, password, name, expected",
    [
        (PASSWORDS, "analyst-secret", "", User("analyst password", ANALYST, "password")),
        (PASSWORDS, "viewer-secret", "Mia", User("Mia (viewer password)", VIEWER, "password")),
        (PASSWORDS, "analyst-secret", "  Ana\n\tLyst\x00 ", User("Ana Lyst (analyst password)", ANALYST, "password")),
        (PASSWORDS, "wrong", "Mia", None),
        (PASSWORDS, "", "", None),
        (AccessConfig("password", analyst_hash=ANALYST_HASH), "viewer-secret", "", None),
        (AccessConfig("password", viewer_hash=VIEWER_HASH), "analyst-secret", "", None),
        (AccessConfig("password", viewer_hash=VIEWER_HASH), "viewer-secret", "", User("viewer password", VIEWER, "password")),
    ],
)
def test_password_user(config, password, name, expected):
    assert access.password_user(config, password, name) == expected


def test_the_same_password_for_both_roles_gives_the_analyst():
    config = AccessConfig("password", viewer_hash=ANALYST_HASH, analyst_hash=ANALYST_HASH)
    assert access.password_user(config, "analyst-secret").role == ANALYST


OPEN_OIDC = AccessConfig("oidc", ("",), analysts=("ana@example.com", "@cx.example.com"))
CLOSED_OIDC = AccessConfig("oidc", ("",), analysts=("ana@example.com",), viewers=("@example.com", "guest@other.org"))


@pytest.mark.parametrize(
    "config, email, verified, expected",
    [
        (OPEN_OIDC, "ana@example.com", True, User("ana@example.com", ANALYST, "oidc")),
        (OPEN_OIDC, "ANA@Example.COM", None, User("ana@example.com", ANALYST, "oidc")),
        (OPEN_OIDC, "bo@cx.example.com", True, User("bo@cx.example.com", ANALYST, "oidc")),
        (OPEN_OIDC, "bo@evil-cx.example.com", True, User("bo@evil-cx.example.com", VIEWER, "oidc")),
        (OPEN_OIDC, "anyone@gmail.com", True, User("anyone@gmail.com", VIEWER, "oidc")),
        (CLOSED_OIDC, "anyone@gmail.com", True, None),
        (CLOSED_OIDC, "mia@example.com", True, User("mia@example.com", VIEWER, "oidc")),
        (CLOSED_OIDC, "mia@sub.example.com", True, None),  # a domain entry is that domain only
        (CLOSED_OIDC, "guest@other.org", True, User("guest@other.org", VIEWER, "oidc")),
        (CLOSED_OIDC, "ana@example.com", True, User("ana@example.com", ANALYST, "oidc")),
        (CLOSED_OIDC, "ana@example.com", False, None),  # the provider says the address is unverified
        (CLOSED_OIDC, None, True, None),
        (CLOSED_OIDC, "no-at-sign", True, None),
        (AccessConfig("oidc", ("",), viewers=("*",)), "x@y.z", True, User("x@y.z", VIEWER, "oidc")),
    ],
)
def test_oidc_user(config, email, verified, expected):
    assert access.oidc_user(config, email, verified) == expected


@pytest.mark.parametrize(
    "failures, last, now, wait",
    [(0, None, 100.0, 0.0), (4, 100.0, 100.0, 0.0), (5, 100.0, 100.0, 30.0), (5, 100.0, 110.0, 20.0),
     (9, 100.0, 131.0, 0.0), (5, None, 100.0, 0.0)],
)
def test_retry_after(failures, last, now, wait):
    assert access.retry_after(failures, last, now) == wait


def wrong_passwords(throttle, client, times, now=100.0):
    for _ in range(times):
        wait = throttle.failed(client, now)
    return wait


def test_the_throttle_counts_per_client_with_an_injected_clock():
    throttle = access.SignInThrottle()
    assert wrong_passwords(throttle, "10.0.0.1", access.MAX_FAILURES - 1) == 0.0
    assert throttle.failed("10.0.0.1", 100.0) == access.LOCKOUT_SECONDS
    assert throttle.wait("10.0.0.1", 110.0) == access.LOCKOUT_SECONDS - 10
    assert throttle.wait("10.0.0.2", 110.0) == 0.0  # another address is not held up
    assert throttle.wait("10.0.0.1", 100.0 + access.LOCKOUT_SECONDS) == 0.0
    throttle.succeeded("10.0.0.1")
    assert throttle.wait("10.0.0.1", 100.0) == 0.0


def test_an_unknown_address_counts_server_wide():
    throttle = access.SignInThrottle()
    wrong_passwords(throttle, None, access.MAX_FAILURES)
    assert throttle.wait(None, 101.0) > 0
    assert throttle.wait(access.SERVER_WIDE, 101.0) > 0


def test_the_throttle_forgets_old_failures_and_holds_a_bounded_number_of_clients():
    throttle = access.SignInThrottle(max_clients=3)
    wrong_passwords(throttle, "a", access.MAX_FAILURES, now=0.0)
    assert throttle.wait("a", access.FAILURE_MEMORY_SECONDS + 1) == 0.0
    assert throttle.clients() == 0
    for index, client in enumerate("bcde"):
        throttle.failed(client, 10.0 + index)
    assert throttle.clients() == 3
    wrong_passwords(throttle, "e", access.MAX_FAILURES - 1, now=20.0)
    assert throttle.wait("e", 20.0) == access.LOCKOUT_SECONDS


def test_the_throttle_counts_every_failure_from_many_threads():
    import threading

    throttle = access.SignInThrottle()
    threads = [threading.Thread(target=wrong_passwords, args=(throttle, "x", 50)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle._failures["x"][0] == 400


@pytest.mark.parametrize(
    "typed, kept",
    [("Mia", "Mia"), ("", ""), (None, ""), ("a\u202eb", "ab"), ("x" * 80, "x" * 60), ("  two   words ", "two words")],
)
def test_clean_name(typed, kept):
    assert access.clean_name(typed) == kept
