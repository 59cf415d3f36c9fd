"""A disk cache for anything computed by a model call (LLM judge replies, generations).

One SQLite file per namespace under `ifteval.paths.cache_dir()/cache/`, in WAL mode with a busy timeout,
so several threads and processes can read and write at once. Keys are the sha256 of the canonical JSON of
everything that changes the answer; values are JSON. A value is written as soon as it is computed, so a
killed run loses nothing it finished and a rerun makes no repeated call.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ifteval.errors import ConfigError
from ifteval.paths import cache_dir
from ifteval.secrets import mask

_NAMESPACE = re.compile(r"^[A-Za-z0-9_.-]+$")
# Key fields that must never reach the disk: a secret in a key would sit in plain text beside its answer.
_FORBIDDEN_KEY_FIELDS = {"api_key", "authorization", "password", "token", "secret"}
_BATCH = 500  # SQLite's default limit on host parameters is 999


def cache_key(key: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of `key` (sorted keys, no spaces): stable across runs and machines."""
    _check_no_secret(key)
    text = json.dumps(key, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_no_secret(key: Mapping[str, Any]) -> None:
    for field_name in key:
        if str(field_name).lower() in _FORBIDDEN_KEY_FIELDS:
            raise ConfigError(f"cache key field '{field_name}' looks like a secret; secrets are never cached")


class DiskCache:
    """`DiskCache(namespace).get(key) / .put(key, value) / .get_many(keys)`; thread- and process-safe."""

    def __init__(self, namespace: str, root: Path | None = None, timeout_s: float = 60.0) -> None:
        if not _NAMESPACE.match(namespace):
            raise ConfigError(f"cache namespace '{namespace}' may only use letters, digits, '_', '-' and '.'")
        folder = Path(root) if root is not None else cache_dir() / "cache"
        folder.mkdir(parents=True, exist_ok=True)
        self.namespace = namespace
        self.path = folder / f"{namespace}.sqlite"
        self._timeout_s = timeout_s
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS entries ("
                " key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                " created REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        """One connection per thread and process (SQLite connections must not cross either)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        conn = sqlite3.connect(self.path, timeout=self._timeout_s, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self._timeout_s * 1000)}")
        self._switch_to_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _switch_to_wal(self, conn: sqlite3.Connection) -> None:
        """Retry the WAL switch while another process holds a lock, up to the cache's timeout.

        SQLite answers `PRAGMA journal_mode = WAL` with "database is locked" at once, without its busy
        handler, while another connection writes; two ranks opening a fresh cache together hit this
        (rank 1 of a 2-process run died on it and took the launch down).
        """
        deadline = time.monotonic() + self._timeout_s
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def get(self, key: Mapping[str, Any], default: Any = None) -> Any:
        """The cached value for `key`, or `default` when it was never stored."""
        row = self._connect().execute("SELECT value FROM entries WHERE key = ?", (cache_key(key),)).fetchone()
        return default if row is None else json.loads(row[0])

    def get_many(self, keys: Sequence[Mapping[str, Any]], default: Any = None) -> list[Any]:
        """Values for many keys in one pass, in order; `default` where missing."""
        digests = [cache_key(k) for k in keys]
        found: dict[str, Any] = {}
        conn = self._connect()
        unique = list(dict.fromkeys(digests))
        for start in range(0, len(unique), _BATCH):
            chunk = unique[start : start + _BATCH]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, value FROM entries WHERE key IN ({marks})"
            for digest, value in conn.execute(query, chunk):
                found[digest] = json.loads(value)
        return [found.get(d, default) for d in digests]

    def put(self, key: Mapping[str, Any], value: Any) -> None:
        """Store `value` (JSON-serialisable) under `key`, replacing any earlier value; durable on return."""
        self.put_many([(key, value)])

    def put_many(self, items: Iterable[tuple[Mapping[str, Any], Any]]) -> None:
        now = time.time()
        # values are masked too: a reply that quotes a configured credential is stored without it
        rows = [
            (cache_key(k), mask(json.dumps(v, ensure_ascii=False, allow_nan=False)), now) for k, v in items
        ]
        if not rows:
            return
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO entries (key, value, created) VALUES (?, ?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def __contains__(self, key: Mapping[str, Any]) -> bool:
        sentinel = object()
        return self.get(key, sentinel) is not sentinel

    def __bool__(self) -> bool:
        """Always true: an empty cache is still a cache (`cache or default` must not drop it)."""
        return True

    def __len__(self) -> int:
        return int(self._connect().execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
