"""CI's dependency audit (.ci/dependency_audit.py): fails on a known vulnerability, warns when it
could not check, and never passes silently on packages it did not check."""

from __future__ import annotations

import importlib.util
import json

import pytest

from cxmetrics.store.db import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("dependency_audit", PROJECT_ROOT / ".ci" / "dependency_audit.py")
dependency_audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dependency_audit)

CLEAN = {"name": "duckdb", "version": "2.0.0", "vulns": []}
SKIPPED = {"name": "pandas", "skip_reason": "Dependency not found on PyPI and could not be audited: pandas (3.1.1)"}
VULNERABLE = {"name": "jinja2", "version": "2.10", "vulns": [
    {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "aliases": ["CVE-2019-10906"], "description": "sandbox escape"}]}


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


@pytest.mark.parametrize(
    "returncode, stdout, stderr, code, lines",
    [
        (0, report(CLEAN, CLEAN), "", 0, ["dependency audit: no known vulnerabilities in the 2 packages checked"]),
        (1, report(CLEAN, VULNERABLE), "", 1, ["VULNERABLE: jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)"]),
        (0, report(SKIPPED, SKIPPED), "", 0, [
            "WARNING: dependency audit checked 0 of 2 packages; 2 could not be checked "
            "(e.g. Dependency not found on PyPI and could not be audited: pandas (3.1.1))",
            "dependency audit: no known vulnerabilities in the 0 packages checked",
        ]),
        (1, report(SKIPPED, VULNERABLE), "", 1, [
            "VULNERABLE: jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)",
            "WARNING: dependency audit checked 1 of 2 packages; 1 could not be checked "
            "(e.g. Dependency not found on PyPI and could not be audited: pandas (3.1.1))",
        ]),
        (1, "", "Traceback (most recent call last):\n  ...\nsocket.gaierror: [Errno -2] Name or service not known\n", 0,
         ["WARNING: dependency audit could not run (no vulnerability service reachable?): "
          "socket.gaierror: [Errno -2] Name or service not known"]),
        (2, "", "", 0, ["WARNING: dependency audit could not run (no vulnerability service reachable?): exit 2"]),
    ],
)
def test_verdict(returncode, stdout, stderr, code, lines):
    assert dependency_audit.verdict(returncode, stdout, stderr) == (code, "\n".join(lines))


def test_pip_audit_is_pinned_and_ci_runs_the_audit_before_the_tests():
    dev = (PROJECT_ROOT / "requirements-dev.txt").read_text().splitlines()
    assert any(line.startswith("pip-audit==") for line in dev)
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert ci.index(".ci/dependency_audit.py requirements.txt") < ci.index("make test")
