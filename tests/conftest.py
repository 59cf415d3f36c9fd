"""Test-wide settings: offline hubs, loopback only, and a private call cache per test session.

The converted embedded model stays in the user's models folder (converting it takes ~30 s), while
judge-call and generation caches go to a fresh temporary folder so tests never see stale answers.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

for _name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ[_name] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# One BLAS/OpenMP thread per process: tests start servers and launchers beside the test process, and
# oversubscribed OpenMP threads on 2 cores made generation 15x slower (measured: 87 s vs 5.5 s).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault(
    "IFTEVAL_MODELS_DIR",
    str(Path(os.environ.get("IFTEVAL_CACHE_DIR") or Path.home() / ".cache" / "ifteval") / "models"),
)
os.environ["IFTEVAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="ifteval-test-cache-")
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
    os.environ.pop(_name, None)
