"""The disk cache shared by processes: opening a fresh cache while another process writes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from ifteval.runtime.cache import DiskCache


def test_a_fresh_cache_opens_while_another_process_holds_a_write_lock(tmp_path: Path) -> None:
    """Regression: the WAL switch answered "database is locked" at once (no busy handler), so rank 1 of
    a 2-process `accelerate launch` died opening the generation cache rank 0 was creating."""
    path = tmp_path / "gen.sqlite"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE other (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO other VALUES (1)")
    threading.Timer(0.3, lambda: writer.execute("COMMIT")).start()
    cache = DiskCache("gen", root=tmp_path, timeout_s=10)
    cache.put({"k": 1}, "v")
    assert cache.get({"k": 1}) == "v"
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
