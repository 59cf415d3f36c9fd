"""lm-eval's run flags with lm-eval's meaning, underscore spellings, group rows (issue 14 items 1-2)."""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
from pathlib import Path

import pytest

from ifteval.cli import build_parser, main


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                found.extend(_all_parsers(sub))
    return found


def test_every_multi_word_flag_takes_lm_evals_underscore_spelling() -> None:
    checked = 0
    for parser in _all_parsers(build_parser()):
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and "-" in option[2:]:
                    alias = "--" + option[2:].replace("-", "_")
                    assert parser._option_string_actions[alias] is action, (parser.prog, option)
                    checked += 1
    assert checked > 20  # every command: run, judge, meta, tasks, judges, explain, model


def test_an_lm_eval_command_line_parses_as_the_dashed_one() -> None:
    parser = build_parser()
    line = (
        "run --tasks ifteval_sst2 --model_args pretrained=X --gen_kwargs max_gen_toks=32,temperature=0 "
        "--batch_size 4 --num_fewshot 0 --output_path o --system_instruction hi --fewshot_as_multiturn false "
        "--predict_only --apply_chat_template"
    )
    lm_eval_style = parser.parse_args(line.split())
    dashed = parser.parse_args([w.replace("_", "-") if w.startswith("--") else w for w in line.split()])
    assert vars(lm_eval_style) == vars(dashed)
    assert dashed.fewshot_as_multiturn is False and dashed.predict_only and dashed.batch_size == 4


def test_gen_kwargs_parse_like_lm_eval_and_name_a_bad_key() -> None:
    from ifteval.errors import IftevalError
    from ifteval.run_options import parse_gen_kwargs

    assert parse_gen_kwargs("max_gen_toks=32,temperature=0") == {"max_gen_toks": 32, "temperature": 0}
    assert parse_gen_kwargs({"top_k": 5}) == {"top_k": 5}
    with pytest.raises(IftevalError, match="--gen-kwargs key 'max_tokens' is not a generation parameter"):
        parse_gen_kwargs("max_tokens=3")
    with pytest.raises(IftevalError, match="max_gen_toks=-1 must be a positive integer"):
        parse_gen_kwargs("max_gen_toks=-1")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--predict-only", "--judges", "gold"], "--predict-only writes generations and samples only"),
        (["--fewshot_as_multiturn", "--no-chat-template"], "--fewshot-as-multiturn puts few-shot"),
        (["--gen_kwargs", "temprature=0"], "--gen-kwargs key 'temprature'"),
    ],
)
def test_contradictory_options_are_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code = main(["run", "--tasks", "ifteval_sst2", "--output_path", str(tmp_path / "o"), *extra])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_gen_kwargs_system_instruction_and_the_gold_group_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One run with lm-eval spellings: gen_kwargs reach every generation (so its cache key) and
    results.json, the system instruction reaches every prompt, and the group row is the task mean."""
    from transformers import AutoTokenizer

    import ifteval.generation.lm as lm_module

    seen: list[tuple[str, int]] = []
    original = lm_module.generate_cached

    def spy(prompts, params, identity, cache, generate):  # noqa: ANN001, ANN202
        seen.extend((prompt, params.max_gen_toks) for prompt in prompts)
        return original(prompts, params, identity, cache, generate)

    monkeypatch.setattr(lm_module, "generate_cached", spy)
    out = tmp_path / "out"
    code = main(["run", "--tasks", "ifteval_gold", "--limit", "1", "--gen_kwargs",
                 "max_gen_toks=4,temperature=0", "--system_instruction", "Answer in one word.",
                 "--output_path", str(out), "--no-progress"])
    assert code == 0
    table = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert results["config"]["gen_kwargs"] == {"max_gen_toks": 4, "temperature": 0}
    assert len(seen) == 7 and {toks for _, toks in seen} == {4}  # 7 tasks x 1 doc, all capped
    assert all("Answer in one word." in prompt for prompt, _ in seen)
    # recorded as lm-eval's results.json records them, and the samples keep the model's exact input
    assert results["system_instruction"] == "Answer in one word."
    assert results["system_instruction_sha"] == hashlib.sha256(b"Answer in one word.").hexdigest()
    assert results["fewshot_as_multiturn"] is results["config"]["apply_chat_template"] is True
    rows = [json.loads(line) for line in (out / "samples_ifteval_sst2.jsonl").read_text().splitlines()]
    (row,) = rows
    assert row["rendered_prompt"] in [prompt for prompt, _ in seen]  # the string the model was given
    assert row["prompt"] in row["rendered_prompt"] and "Answer in one word." not in row["prompt"]
    tokenizer = AutoTokenizer.from_pretrained(results["config"]["model_identity"]["model"])
    for task in results["group_subtasks"]["ifteval_gold"]:
        for line in (out / f"samples_{task}.jsonl").read_text().splitlines():
            assert len(tokenizer(json.loads(line)["prediction"])["input_ids"]) <= 4
    # the group row: lm-eval's aggregation of each task's `score`, an unweighted task mean
    tasks = results["group_subtasks"]["ifteval_gold"]
    assert len(tasks) == 7
    want = statistics.mean(results["results"][t]["score,none"] for t in tasks)
    assert results["groups"]["ifteval_gold"]["score,none"] == pytest.approx(want)
    assert results["group_aggregation"]["ifteval_gold"] == "score: task mean (unweighted) over 7 tasks"
    assert "group ifteval_gold: score: task mean (unweighted) over 7 tasks" in table
    xsum = results["results"]["ifteval_xsum"]
    assert xsum["score,none"] == xsum["rouge2,none"]


@pytest.mark.slow
def test_predict_only_writes_generations_without_metrics(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "--tasks", "ifteval_sst2", "--limit", "2", "--predict_only", "--gen_kwargs",
                 "max_gen_toks=4", "--output_path", str(out), "--no-progress"]) == 0
    rows = [json.loads(line) for line in (out / "samples_ifteval_sst2.jsonl").read_text().splitlines()]
    assert [row["doc_id"] for row in rows] == [0, 1] and all(isinstance(r["prediction"], str) for r in rows)
    assert all("acc" not in row and "score" not in row for row in rows)
    results = json.loads((out / "results.json").read_text())
    assert "acc,none" not in results["results"]["ifteval_sst2"]


def test_a_hub_id_not_on_disk_is_one_line_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: `--model lm-eval:hf` with a hub id offline printed a 69-line traceback."""
    code = main(["run", "--model", "lm-eval:hf", "--model_args", "pretrained=nobody/not-on-disk",
                 "--tasks", "ifteval_sst2", "--output_path", str(tmp_path / "o")])
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ifteval: error:")]
    assert code == 2 and len(err) == 1
    assert "cannot load 'nobody/not-on-disk'" in err[0] and "pretrained=$(ifteval model path)" in err[0]
