"""Audit requirements.txt for known vulnerabilities with pip-audit; exit 1 only when one is found.

pip-audit asks a vulnerability service about every resolved package. When the service cannot
answer (no network, or a PyPI mirror without the per-release JSON API, where pip-audit reports
each package as "not found on PyPI"), pip-audit itself still says "No known vulnerabilities
found" and exits 0. This wrapper says plainly how many packages were really checked, and turns
"could not check" into one WARNING line instead of a silent pass or a failed build.

Usage: .venv/bin/python .ci/dependency_audit.py [requirements.txt]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TIMEOUT_SECONDS = 600


def audit(requirements: Path) -> tuple[int, str]:
    """Return (exit code, lines to print) after running pip-audit on a requirements file."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "-f", "json", "--progress-spinner", "off"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return 0, f"WARNING: dependency audit skipped: pip-audit took longer than {TIMEOUT_SECONDS} s"
    except OSError as exc:
        return 0, f"WARNING: dependency audit skipped: pip-audit could not run ({exc})"
    return verdict(done.returncode, done.stdout, done.stderr)


def verdict(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """Return (exit code, report) for pip-audit's JSON output: 1 for a known vulnerability, else 0."""
    try:
        report = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        reason = next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), f"exit {returncode}")
        return 0, f"WARNING: dependency audit could not run (no vulnerability service reachable?): {reason}"
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    checked = len(dependencies) - len(skipped)
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            lines.append(f"VULNERABLE: {dependency['name']} {dependency.get('version', '?')}: {vuln.get('id')} "
                         f"(fixed in {fixed})")
    if skipped:
        lines.append(
            f"WARNING: dependency audit checked {checked} of {len(dependencies)} packages; "
            f"{len(skipped)} could not be checked (e.g. {skipped[0]['skip_reason']})"
        )
    if not vulnerable:
        lines.append(f"dependency audit: no known vulnerabilities in the {checked} packages checked")
    return (1 if vulnerable else 0), "\n".join(lines)


def main(argv: list[str]) -> int:
    requirements = Path(argv[1] if len(argv) > 1 else "requirements.txt")
    code, text = audit(requirements)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
