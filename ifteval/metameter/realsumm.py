"""REALSumm's official score files as plain rows: one row per (document, system) summary.

REALSumm (Bhandari et al., EMNLP 2020, neulab/REALSumm, CC-BY 4.0) ships `scores_dicts/abs.pkl` (14
abstractive systems) and `ext.pkl` (11 extractive systems) over the same 100 CNN/DailyMail documents. The
authors' own analysis mixes both (25 systems) and renames the copy of `bart_out.txt` in `ext` to
`bart_out_ext.txt`; `read_official` does the same, so figures match theirs. The rows it returns are what
`ifteval judge` reads (prompt, prediction, reference, id) plus `doc_id`, `system`, the human score
`litepyramid_recall`, `kind` (abstractive or extractive system) and the authors' metric columns, so no
other export layout exists.

Pickles run code when read: only the two official file names are ever unpickled.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

from ifteval.errors import DataError

OFFICIAL_FILES = ("abs.pkl", "ext.pkl")
HUMAN = "litepyramid_recall"
_TAG = re.compile(r"\s*</?t>\s*")


def plain_text(tagged: str) -> str:
    """`<t> s1 </t> <t> s2 </t>` -> "s1\\ns2": one sentence a line, as ROUGE-Lsum expects."""
    sentences = [s.strip() for s in _TAG.split(tagged or "") if s.strip()]
    return "\n".join(sentences)


def _official_paths(source: Path) -> list[Path]:
    if source.is_dir():
        found = [source / name for name in OFFICIAL_FILES if (source / name).is_file()]
        if not found:
            raise DataError(f"{source} holds neither {' nor '.join(OFFICIAL_FILES)}; pass the folder with"
                            " REALSumm's scores_dicts files (github.com/neulab/REALSumm)")
        return found
    if source.name not in OFFICIAL_FILES:
        raise DataError(f"{source}: only REALSumm's official {' or '.join(OFFICIAL_FILES)} are read (pickles"
                        " run code when loaded); pass one of them or their folder")
    if not source.is_file():
        raise DataError(f"{source} does not exist; download scores_dicts/{source.name} from neulab/REALSumm")
    return [source]


def read_official(source: str | Path, documents: int | None = None) -> list[dict]:
    """Rows from `abs.pkl`, `ext.pkl` or their folder (both, 25 systems), sorted by document then system.

    `documents` keeps the first N document ids (a slice for tests). System names drop `.txt`; the `ext`
    copy of `bart_out` becomes `bart_out_ext` when both files are read, as in the authors' notebook.
    """
    paths = _official_paths(Path(source))
    rows: dict[tuple[int, str], dict] = {}
    for path in paths:
        with path.open("rb") as fh:
            raw = pickle.load(fh)  # noqa: S301 - only the official REALSumm files reach this line
        if not isinstance(raw, dict):
            raise DataError(f"{path} is not a REALSumm score dictionary (doc_id -> document)")
        for doc_key, doc in raw.items():
            doc_id = int(doc.get("doc_id", doc_key))
            for system_file, entry in (doc.get("system_summaries") or {}).items():
                system = system_file.removesuffix(".txt")
                if len(paths) > 1 and path.name == "ext.pkl" and system == "bart_out":
                    system = "bart_out_ext"
                scores = dict(entry.get("scores") or {})
                if HUMAN not in scores:
                    raise DataError(f"{path}: document {doc_id}, system {system_file} has no '{HUMAN}'")
                rows[(doc_id, system)] = {
                    "id": f"realsumm-{doc_id}-{system}",
                    "task": "realsumm",
                    "doc_id": doc_id,
                    "system": system,
                    "kind": "abstractive" if path.name == "abs.pkl" else "extractive",
                    "prompt": "",
                    "prediction": plain_text(entry.get("system_summary", "")),
                    "reference": plain_text(doc.get("ref_summ", "")),
                    HUMAN: scores.pop(HUMAN),
                    **dict(sorted(scores.items())),
                }
    keep = set(sorted({d for d, _ in rows})[:documents]) if documents is not None else None
    return [rows[k] for k in sorted(rows) if keep is None or k[0] in keep]
