"""`ifteval mix`: deterministic, nested, train-split-only mixtures rendered in the tasks' own prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifteval.cli import main
from ifteval.tasks import content_key, split_of
from tests.specialize.helpers import read_jsonl, write_data_dir

SST2_PROMPT = "Classify the following sentence as negative or positive.\n\nSentence: "


def _mix(out: Path, *extra: str) -> int:
    return main(["mix", "--target", "ifteval_sst2", "--output", str(out), *extra])


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _alpaca_splits(data: Path) -> dict[str, str]:
    """Rendered prompt -> split of every Alpaca row (the YAML's prompt: instruction, blank line, input)."""
    out = {}
    for row in read_jsonl(data / "alpaca_gpt4.jsonl"):
        prompt = row["instruction"] + (f"\n\n{row['input']}" if row["input"] else "")
        out[prompt] = split_of(content_key(row, ("instruction", "input")))
    return out


def test_no_validation_or_test_row_enters_a_mixture(tmp_path: Path) -> None:
    data = write_data_dir(tmp_path / "data")
    out = tmp_path / "mixes"
    for variant in ("human", "random"):
        assert (
            _mix(out, "--sizes", "0,40,120", "--repeats", "2", "--variant", variant, "--data-dir", str(data))
            == 0
        )
    alpaca = _alpaca_splits(data)
    base_train = sum(s == "train" for s in alpaca.values())
    folders = sorted(p for p in out.iterdir())
    assert len(folders) == 12
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        train = read_jsonl(folder / "train.jsonl")
        for row in train:
            if row["kind"] == "target":
                sentence = row["prompt"].removeprefix(SST2_PROMPT)
                assert split_of(content_key({"sentence": sentence}, ("sentence",))) == "train", sentence
            else:
                assert alpaca[row["prompt"]] == "train", row["prompt"]
        assert sum(r["kind"] == "base" for r in train) == base_train  # every base train row, none other
        assert sum(r["kind"] == "target" for r in train) == manifest["n"]
        for row in read_jsonl(folder / "validation.jsonl"):
            if row["task"] == "ifteval_sst2":
                sentence = row["prompt"].removeprefix(SST2_PROMPT)
                assert split_of(content_key({"sentence": sentence}, ("sentence",))) == "validation"
            else:
                assert alpaca[row["prompt"]] == "validation"
        assert manifest["smoke"] == []


def test_same_seed_is_byte_identical_and_samples_are_nested(tmp_path: Path) -> None:
    data = write_data_dir(tmp_path / "data")
    args = ("--sizes", "10,25", "--repeats", "2", "--data-dir", str(data), "--base-size", "20")
    assert _mix(tmp_path / "a", *args) == 0
    assert _mix(tmp_path / "b", *args) == 0
    assert _mix(tmp_path / "c", *args, "--seed", "1") == 0
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert a.keys() == c.keys() and a != c

    def targets(name: str) -> set[str]:
        return {
            r["prompt"] for r in read_jsonl(tmp_path / "a" / name / "train.jsonl") if r["kind"] == "target"
        }

    small, large = targets("ifteval_sst2-human-n00010-r0"), targets("ifteval_sst2-human-n00025-r0")
    assert len(small) == 10 and len(large) == 25 and small < large
    assert targets("ifteval_sst2-human-n00010-r1") != small  # another repeat, another sample
    manifest = json.loads((tmp_path / "a" / "ifteval_sst2-human-n00025-r1" / "manifest.json").read_text())
    assert (manifest["target"], manifest["variant"], manifest["n"], manifest["repeat"], manifest["seed"]) == (
        "ifteval_sst2",
        "human",
        25,
        1,
        0,
    )
    assert manifest["rows"]["train"] == 45 and manifest["rows"]["base"] == 20
    import hashlib

    text = (tmp_path / "a" / "ifteval_sst2-human-n00025-r1" / "train.jsonl").read_bytes()
    assert manifest["hashes"]["train.jsonl"] == hashlib.sha256(text).hexdigest()


def test_random_labels_come_from_the_label_set(tmp_path: Path) -> None:
    data = write_data_dir(tmp_path / "data")
    out = tmp_path / "mixes"
    assert (
        _mix(
            out,
            "--sizes",
            "100",
            "--repeats",
            "1",
            "--variant",
            "random",
            "--data-dir",
            str(data),
            "--base-size",
            "0",
        )
        == 0
    )
    rows = read_jsonl(out / "ifteval_sst2-random-n00100-r0" / "train.jsonl")
    truth = {json.loads(line)["sentence"]: json.loads(line)["label"] for line in (data / "sst2.jsonl").open()}
    labels = [r["completion"] for r in rows]
    assert set(labels) == {"negative", "positive"}
    wrong = sum(
        ("positive" if truth[r["prompt"].removeprefix(SST2_PROMPT)] else "negative") != r["completion"]
        for r in rows
    )
    assert 25 <= wrong <= 75  # drawn at random: about half disagree with the human label


def test_synthetic_then_human_keeps_the_order(tmp_path: Path) -> None:
    data = write_data_dir(tmp_path / "data")
    synthetic = tmp_path / "synthetic.jsonl"
    synthetic.write_text(
        "".join(json.dumps({"sentence": f"synthetic line {i} .", "label": i % 2}) + "\n" for i in range(12))
    )
    out = tmp_path / "mixes"

    def mix_five(variant: str, *extra: str) -> int:
        """One mixture of N=5 human rows with the synthetic file, in `variant`."""
        return _mix(out, "--sizes", "5", "--repeats", "1", "--variant", variant,
                    "--synthetic", str(synthetic), "--data-dir", str(data), *extra)

    assert mix_five("synthetic+human", "--synthetic-size", "8", "--base-size", "6") == 0
    folder = out / "ifteval_sst2-synthetic_human-n00005-r0"
    kinds = [r["kind"] for r in read_jsonl(folder / "train.jsonl")]
    assert kinds[-5:] == ["target"] * 5 and sorted(kinds[:-5]) == ["base"] * 6 + ["synthetic"] * 8
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["ordered"] is True and manifest["sources"]["synthetic"]["file"] == str(synthetic)

    assert mix_five("synthetic", "--base-size", "0") == 0
    rows = read_jsonl(out / "ifteval_sst2-synthetic-n00005-r0" / "train.jsonl")
    assert [r["kind"] for r in rows] == ["synthetic"] * 5
    assert all(r["prompt"].startswith(SST2_PROMPT + "synthetic line") for r in rows)


def test_smoke_sets_warn_that_train_and_test_overlap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _mix(tmp_path / "mixes", "--sizes", "0,4", "--repeats", "1", "--leave-out", "code") == 0
    assert "overlap the test split" in capsys.readouterr().err
    folder = tmp_path / "mixes" / "ifteval_sst2-human-n00004-r0"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["smoke"] == ["alpaca_gpt4", "sst2"]
    # --leave-out drops a category from the base set, from training and validation rows alike
    base_tasks = manifest["sources"]["base"]["tasks"]
    assert len(base_tasks) == 12 and "ifteval_alpaca_code" not in base_tasks
    rows = read_jsonl(folder / "train.jsonl") + read_jsonl(folder / "validation.jsonl")
    assert {r["task"] for r in rows} == {"ifteval_sst2", *base_tasks}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--sizes", "5000"], "--sizes 5000: the train split of ifteval_sst2 has only"),
        (["--variant", "synthetic"], "--variant synthetic needs --synthetic FILE"),
        (["--leave-out", "poetry"], "--leave-out poetry: not an Alpaca category"),
        (
            ["--synthetic", "nothere.jsonl", "--variant", "synthetic"],
            "--synthetic nothere.jsonl: no such file",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    data = write_data_dir(tmp_path / "data", sentences=40)
    assert _mix(tmp_path / "mixes", "--data-dir", str(data), *extra) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1


def test_a_synthetic_row_copied_from_the_test_split_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_data_dir(tmp_path / "data")
    test_row = next(
        json.loads(line)
        for line in (data / "sst2.jsonl").open()
        if split_of(content_key(json.loads(line), ("sentence",))) == "test"
    )
    synthetic = tmp_path / "synthetic.jsonl"
    synthetic.write_text(json.dumps(test_row) + "\n" + json.dumps({"sentence": "new .", "label": 1}) + "\n")
    code = _mix(
        tmp_path / "mixes",
        "--data-dir",
        str(data),
        "--sizes",
        "1",
        "--variant",
        "synthetic",
        "--synthetic",
        str(synthetic),
    )
    assert code == 2
    assert "is also in ifteval_sst2 test" in capsys.readouterr().err
