"""Upload limits: a configurable size limit with a refusal that names it and how to change it, and
uploads streamed to disk in chunks rather than held whole in memory a second time."""

from __future__ import annotations

import io
import tomllib

import pytest

from cxmetrics.ingest import upload
from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.ingest.importer import ImportRefused

ROW = b"c1,2024-03-01 10:00\n"


class CountingStream(io.RawIOBase):
    """A file object of `size` bytes of CSV that records how much each read asked for and returned."""

    def __init__(self, size: int):
        self.size, self.position, self.reads = size, 0, []

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        self.reads.append(n)
        if n is None or n < 0:
            n = self.size - self.position
        n = min(n, self.size - self.position)
        header = b"contact_id,started_at\n" if self.position == 0 else b""
        body = (ROW * (n // len(ROW) + 2))[: max(0, n - len(header))]
        self.position += n
        return (header + body)[:n]

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset
        return offset


def test_the_streamlit_upload_limit_is_set_in_the_project_config():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == 50


@pytest.mark.parametrize("limit_mb, size", [(1, (1 << 20) + 1), (2, 5 << 20)])
def test_an_upload_over_the_limit_is_refused_naming_the_limit_and_how_to_raise_it(limit_mb, size):
    before = set(upload.upload_root().iterdir())
    for data in (b"x" * size, CountingStream(size)):
        with pytest.raises(ImportRefused) as refused:
            upload.store_upload(data, "big.csv", max_bytes=limit_mb << 20)
        message = str(refused.value)
        assert message == (
            f"the file is larger than the upload limit of {limit_mb} MB; load it with `python -m cxmetrics import`, "
            "or raise server.maxUploadSize in .streamlit/config.toml"
        )
    assert set(upload.upload_root().iterdir()) == before  # nothing of the refused uploads is left on disk


def test_a_large_upload_is_copied_in_chunks_and_refused_as_soon_as_it_passes_the_limit():
    stream = CountingStream(64 << 20)
    with pytest.raises(ImportRefused):
        upload.store_upload(stream, "huge.csv", max_bytes=3 << 20)
    assert set(stream.reads) == {upload.UPLOAD_CHUNK}  # never "read everything"
    assert stream.position <= (3 << 20) + upload.UPLOAD_CHUNK  # it stopped right after the limit


def test_an_upload_within_the_limit_is_stored_whole_from_a_stream():
    size = (2 << 20) + 123
    stream = CountingStream(size)
    stored = upload.store_upload(stream, "ok.csv", max_bytes=3 << 20)
    try:
        assert stored.path.stat().st_size == size
        assert max(stream.reads) == upload.UPLOAD_CHUNK
        assert stored.format == "csv" and stored.path.parent.parent == upload.upload_root()
    finally:
        stored.cleanup()


def test_without_a_limit_an_upload_of_any_size_is_stored():
    stored = upload.store_upload(CountingStream(5 << 20), "any.csv")
    try:
        assert stored.path.stat().st_size == 5 << 20
    finally:
        stored.cleanup()
