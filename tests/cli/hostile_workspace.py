"""Builds the folder of good and hostile inputs that `test_hostile.py` points every command at.

Good inputs come from the real commands where one command reads another's output (`judged.jsonl` is
written by `ifteval judge`); the rest are files a user would bring (samples, labels, tables, task YAML).
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

from ifteval.cli import main

BAD_UTF8 = b"\xff\xfe\xc3\x28 not utf-8 \x80"

SAMPLES = [
    {"doc_id": i, "task": "ifteval_sst2", "prompt": f"Classify sentence {i}.", "prediction": pred,
     "reference": ref}
    for i, (pred, ref) in enumerate(
        [("positive", "positive"), ("negative", "positive"), ("negative", "negative"),
         ("positive film", "negative"), ("a positive one", "positive"), ("negative", "negative")]
    )
]
HUMAN = [0.9, 0.2, 0.8, 0.1, 0.7, 0.95]

TASK_HEAD = """\
task: {name}
output_type: generate_until
custom_dataset: !function ifteval.tasks.hooks.load_split_dataset
dataset_kwargs:
  source: {source}
training_split: train
validation_split: validation
test_split: test
generation_kwargs:
  until: ["<|im_end|>"]
  do_sample: false
  max_gen_toks: 4
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
process_results: !function ifteval.tasks.hooks.process_results_sst2
doc_to_target: !function ifteval.tasks.hooks.target_sst2
metadata:
  version: 1.0
"""


def _task(folder: Path, name: str, text: str, source: str = "sst2", raw: bytes | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(TASK_HEAD.format(name=name, source=source) + text, encoding="utf-8")


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def build(root: Path) -> None:
    """Write every input the cases use under `root` (good ones through the real commands)."""
    _jsonl(root / "samples.jsonl", SAMPLES)
    assert main(["judge", str(root / "samples.jsonl"), "--judges", "rouge1,exact_match",
                 "--output", str(root / "judged.jsonl")]) == 0
    _jsonl(root / "labels.jsonl", [{"doc_id": r["doc_id"], "task": r["task"], "human": h}
                                   for r, h in zip(SAMPLES, HUMAN, strict=True)])
    labels = (root / "labels.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (root / "labels_text_score.jsonl").write_text(  # a bad label on line 5: named there, not in the data
        "".join(labels[:4]) + labels[4].replace('"human": 0.7', '"human": "abc"') + "".join(labels[5:]))
    (root / "labels_inf_score.jsonl").write_text("".join(labels[:2]) + labels[2].replace("0.8", "Infinity")
                                                 + "".join(labels[3:]))
    # one task, two systems: labels keyed by doc_id alone need a 'system' column (not a 'task' one)
    (root / "table_sweep.csv").write_text("doc_id,task,system,rouge1\n" + "".join(
        f"{d},ifteval_sst2,{s},{(d + 2 * i) / 10}\n"
        for d in range(3) for i, s in enumerate(("base", "lora"))))
    _jsonl(root / "labels_doc_only.jsonl", [{"doc_id": d, "human": h} for d, h in enumerate(HUMAN[:3])])
    _jsonl(root / "labels_bool.jsonl", [{"doc_id": r["doc_id"], "task": r["task"], "human": i % 2 == 0}
                                        for i, r in enumerate(SAMPLES)])
    rows = ["task,human,rouge1,bleu"] + [f"t{i % 2},{h},{(i * 7 % 10) / 10},{(i * 3 % 10) / 10}"
                                         for i, h in enumerate(HUMAN * 2)]
    (root / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "table_inf.csv").write_text("\n".join(rows[:3] + ["t0,0.5,-inf,0.1"] + rows[3:]) + "\n")
    _jsonl(root / "table_bool.jsonl", [{"task": "t", "human": True, "rouge1": 0.1 * i} for i in range(4)])
    (root / "empty.csv").write_bytes(b"")
    (root / "header_only.csv").write_text("task,human,rouge1\n")
    (root / "fake.parquet").write_text("task,human\nt,1\n")
    (root / "notes.txt").write_text("not a table\n")
    (root / "bad_utf8.jsonl").write_bytes(json.dumps(SAMPLES[0]).encode() + b"\n" + BAD_UTF8 + b"\n")
    (root / "bad_utf8.csv").write_bytes(b"task,human,rouge1\nt," + BAD_UTF8 + b",0.1\n")
    (root / "labels_bad_utf8.jsonl").write_bytes(b'{"doc_id": 0, "human": 1}\n' + BAD_UTF8 + b"\n")
    _jsonl(root / "scores_list.jsonl", [{**SAMPLES[0], "scores": [0.1, 0.2]}])
    _jsonl(root / "scores_text.jsonl", [{**SAMPLES[0], "scores": "high"}])
    _jsonl(root / "not_object.jsonl", [])
    (root / "not_object.jsonl").write_text("[1, 2]\n")
    (root / "broken.jsonl").write_text('{"prompt": "x", "prediction": \n')
    _jsonl(root / "no_prompt.jsonl", [{"prediction": "x"}])
    (root / "link_to_table.csv").symlink_to("table.csv")  # relative: copies of the folder stay whole
    (root / "a_file").write_text("I am a file, not a folder\n")
    (root / "existing_dir").mkdir()
    (root / "existing_dir" / "keep.txt").write_text("keep me\n")
    locked = root / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    # a run folder written by 'ifteval judge' rows in the run layout
    (root / "runlike").mkdir()
    _jsonl(root / "runlike" / "samples_ifteval_sst2.jsonl", SAMPLES)
    # task YAML
    tasks = root / "tasks"
    _task(tasks / "jinja_syntax", "hostile_jinja_syntax", 'doc_to_text: "Sentence: {{ sentence "\n')
    _task(tasks / "jinja_undefined", "hostile_jinja_undefined", 'doc_to_text: "Sentence: {{ sentnce }}"\n')
    _task(tasks / "unknown_source", "hostile_unknown_source", 'doc_to_text: "{{sentence}}"\n',
          source="no_such_source")
    _task(tasks / "bad_utf8", "hostile_bad_utf8", "",
          raw=TASK_HEAD.format(name="hostile_bad_utf8", source="sst2").encode() + b"doc_to_text: \""
          + BAD_UTF8 + b'"\n')
    _task(tasks / "good", "hostile_good", 'doc_to_text: "Sentence: {{sentence}}"\n')
    (root / "data_empty_csv").mkdir()
    (root / "data_empty_csv" / "sst2.csv").write_bytes(b"")
    (root / "data_fake_parquet").mkdir()
    (root / "data_fake_parquet" / "sst2.parquet").write_text("sentence,label\nok,1\n")
    data = root / "data_bad_utf8"
    data.mkdir()
    (data / "sst2.jsonl").write_bytes(b'{"idx": 0, "label": 1, "sentence": "ok"}\n' + BAD_UTF8 + b"\n")


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` (links by target), so a case can prove nothing was written."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[rel] = "dir"
    return out
