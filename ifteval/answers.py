"""Gold answers as people write them, for every task and judge that accepts several (SQuAD v2 and the
lexical judges' alternatives): one parser, so a reference means the same to `gold`, `f1` and the LLM judge.
`Sample` reads its `references` with it, so it sits on the base floor beside `types.py`.

- a list of strings is its answers; blank answers are dropped and none left means unanswerable, `[""]`
  (as the official SQuAD v2 script treats `[]`);
- a string holding a JSON list of strings (what `ifteval run` writes for squadv2) is that list;
- a SQuAD mapping `{"text": [...], "answer_start": [...]}` is its texts;
- any other string is ONE answer, `"Denver Broncos"`; the empty string means unanswerable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ifteval.errors import DataError

UNANSWERABLE = [""]


def gold_answers(reference: object) -> list[str]:
    """The gold answers in a reference (see the module docstring); `[""]` means unanswerable."""
    value = reference
    if isinstance(value, str):
        value = _json_list(value)
        if isinstance(value, str):
            return [value] if value.strip() else list(UNANSWERABLE)
    if isinstance(value, Mapping) and "text" in value:
        value = value["text"]
    if isinstance(value, Sequence) and not isinstance(value, str) and all(isinstance(a, str) for a in value):
        return [a for a in value if a.strip()] or list(UNANSWERABLE)
    raise DataError(
        f"reference must be a string, a list of answer strings or a JSON list of them, got {reference!r}"
    )


def _json_list(text: str) -> str | list[str]:
    """`text` parsed when it is a JSON list of strings; otherwise `text` itself (an answer)."""
    if not text.lstrip().startswith("["):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return value
    return text
