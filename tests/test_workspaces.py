"""The workspace registry: names, the listing, hostile names from a URL, the default, removal."""

from __future__ import annotations

import pytest

from cxmetrics.store import workspaces
from cxmetrics.store.workspaces import UnknownWorkspace


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A workspaces folder whose user file (CXMETRICS_DB) is `cx.duckdb`, not yet there."""
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "cx.duckdb"))
    return tmp_path


def touch(path):
    path.write_bytes(b"")
    return path


def names():
    return [w.name for w in workspaces.listing()]


def test_the_user_workspace_is_the_cxmetrics_db_file_and_the_sample_sits_beside_it(folder):
    assert workspaces.user_workspace() == workspaces.Workspace("cx", folder / "cx.duckdb")
    assert workspaces.sample_workspace() == workspaces.Workspace("sample", folder / "sample.duckdb")
    assert workspaces.sample_workspace().is_sample and not workspaces.user_workspace().is_sample


def test_without_cxmetrics_db_the_workspaces_are_under_data(monkeypatch):
    from cxmetrics.store.db import PROJECT_ROOT

    monkeypatch.delenv("CXMETRICS_DB", raising=False)
    assert workspaces.user_workspace() == workspaces.Workspace("cx", PROJECT_ROOT / "data" / "cx.duckdb")
    assert workspaces.sample_workspace().path == PROJECT_ROOT / "data" / "sample.duckdb"


def test_a_user_file_whose_name_is_no_workspace_name_is_called_cx(tmp_path, monkeypatch):
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "my data.db"))
    assert workspaces.user_workspace() == workspaces.Workspace("cx", tmp_path / "my data.db")
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "sample.duckdb"))  # never the sample's name
    assert workspaces.user_workspace().name == "cx"


def test_the_listing_holds_the_files_present_user_first_sample_last(folder):
    assert names() == []
    touch(folder / "sample.duckdb")
    touch(folder / "cx.duckdb")
    touch(folder / "Zeta.duckdb")
    touch(folder / "alpha-2_b.duckdb")
    # Not workspaces: a write-ahead log, other suffixes, names that do not fit, a folder.
    touch(folder / "cx.duckdb.wal")
    touch(folder / "notes.txt")
    touch(folder / "two.dots.duckdb")
    touch(folder / "-dash.duckdb")
    touch(folder / "space name.duckdb")
    (folder / "dir.duckdb").mkdir()
    assert names() == ["cx", "alpha-2_b", "Zeta", "sample"]


@pytest.mark.parametrize("hostile", [
    "../x", "..", ".", "/etc/passwd", "/tmp/cx", "cx.duckdb", "cx\x00", "sa\x00mple", "sample/../cx", "c x",
    "", None, 7, ["cx"], "x" * 65, "..\\cx", "%2e%2e", "cx\n",
])
def test_a_hostile_name_is_never_resolved(folder, hostile):
    touch(folder / "cx.duckdb")
    touch(folder / "sample.duckdb")
    with pytest.raises(UnknownWorkspace):
        workspaces.resolve(hostile)


def test_a_name_is_resolved_only_when_its_file_is_present(folder):
    touch(folder / "cx.duckdb")
    assert workspaces.resolve("cx").path == folder / "cx.duckdb"
    with pytest.raises(UnknownWorkspace, match="no workspace called 'sample'"):
        workspaces.resolve("sample")  # a good name, but no file (yet)
    outside = folder.parent / "outside.duckdb"
    touch(outside)
    try:
        with pytest.raises(UnknownWorkspace):
            workspaces.resolve("outside")  # a file elsewhere is never a workspace
    finally:
        outside.unlink()


def test_the_default_is_the_sample_until_the_user_workspace_holds_data(folder):
    assert workspaces.default(user_has_data=False).name == "sample"
    touch(folder / "cx.duckdb")
    assert workspaces.default(user_has_data=False).name == "sample"  # made empty by a check, never loaded
    assert workspaces.default(user_has_data=True).name == "cx"


def test_removing_the_sample_deletes_its_file_and_log_and_nothing_else(folder):
    sample = touch(folder / "sample.duckdb")
    wal = touch(folder / "sample.duckdb.wal")
    own = touch(folder / "cx.duckdb")
    workspaces.remove(workspaces.resolve("sample"))
    assert not sample.exists() and not wal.exists() and own.exists()
    assert names() == ["cx"]
    with pytest.raises(UnknownWorkspace):
        workspaces.remove(workspaces.resolve("cx"))  # the user's own workspace is not removed from here
    assert own.exists()
