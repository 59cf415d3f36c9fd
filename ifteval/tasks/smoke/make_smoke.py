"""Write the bundled smoke sets: hand-written examples in each source's hub schema (offline fallback).

Run ``python -m ifteval.tasks.smoke.make_smoke`` after editing the examples below; the output is
deterministic (fixed order, sorted keys), so a rerun without edits changes no file. The examples are
written for this project, in the style of the real datasets; they test the pipeline, not a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ----------------------------------------------------------------------------- GLUE SST-2
# (sentence, label) with 0 = negative, 1 = positive.
SST2 = [
    ("a warm , funny and thoroughly engaging film .", 1),
    ("the plot is a tangle of clichés that never comes together .", 0),
    ("one of the most beautifully shot movies of the year .", 1),
    ("tedious , overlong and curiously flat .", 0),
    ("the performances are uniformly excellent , especially the young lead .", 1),
    ("it feels like a first draft that nobody bothered to revise .", 0),
    ("a small gem that rewards patient viewers .", 1),
    ("the jokes land with a dull thud .", 0),
    ("smart , sharp and surprisingly moving .", 1),
    ("a muddled mess of a thriller .", 0),
    ("the director knows exactly when to hold back .", 1),
    ("even the soundtrack seems bored .", 0),
    ("an uplifting story told with real affection .", 1),
    ("i kept checking my watch .", 0),
    ("the cast has terrific chemistry .", 1),
    ("characters so thin you could read a newspaper through them .", 0),
    ("a genuinely scary horror movie , which is rarer than it should be .", 1),
    ("the dialogue is stilted and the pacing is glacial .", 0),
    ("it is the kind of film that stays with you for days .", 1),
    ("a lazy sequel that adds nothing to the original .", 0),
    ("clever , heartfelt and never condescending to its young audience .", 1),
    ("the special effects can not save a script this weak .", 0),
    ("a triumph of style and substance .", 1),
    ("by the end i no longer cared who the killer was .", 0),
    ("funny in a way that feels effortless .", 1),
    ("an ugly , joyless exercise in cynicism .", 0),
    ("the best documentary i have seen in years .", 1),
    ("the twist is obvious from the first scene .", 0),
    ("a charming romance with a sharp comic edge .", 1),
    ("it wastes a talented cast on a story that goes nowhere .", 0),
]


def sst2_rows() -> list[dict]:
    return [{"sentence": s, "label": y, "idx": i} for i, (s, y) in enumerate(SST2)]


WRITERS: dict[str, Callable[[], list[dict]]] = {
    "sst2": sst2_rows,
}


def write_all(out_dir: Path = HERE) -> dict[str, int]:
    """Write every ``<source>.jsonl``; returns the row count per source."""
    counts = {}
    for name, make in WRITERS.items():
        rows = make()
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
        (out_dir / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts[name] = len(rows)
    return counts


if __name__ == "__main__":
    for source, n in write_all().items():
        print(f"{source}: {n} rows")
