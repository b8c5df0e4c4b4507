"""The docs keep up with the product: every metric, command and option is documented, and every
SQL file says what a row means."""

import re

import pytest

from cxmetrics.cli import build_parser
from cxmetrics.store.db import PROJECT_ROOT, SQL_DIR
from cxmetrics.engine.metrics import METRIC_FIELDS

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [PROJECT_ROOT / "README.md", *(PROJECT_ROOT / "docs").glob("*.md")])
METRICS_DOC = (PROJECT_ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", METRIC_FIELDS)
def test_every_metric_field_is_defined_in_the_docs(field):
    assert f"`{field}`" in METRICS_DOC


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_and_option_is_documented(name):
    assert f"python -m cxmetrics {name}" in DOCS
    for action in _subcommands()[name]._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in DOCS, f"{name} {option} is not documented"


@pytest.mark.parametrize("path", sorted(SQL_DIR.rglob("*.sql")), ids=lambda p: str(p.relative_to(SQL_DIR)))
def test_every_sql_file_opens_with_what_it_returns_and_its_params(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- "), "a SQL file opens with a -- line saying what a row means"
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    body = re.sub(r"--[^\n]*", "", text)
    for param in set(re.findall(r"\$([A-Za-z_]\w*)", body)) - {"set", "col", "why", "low", "high"}:
        if not re.search(r"_\d", param):
            assert f"${param}" in header, f"${param} is used but not named in the header"
