"""Task resolution over ifteval's folders only: tags, globs, did-you-mean, unreadable files named."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ifteval.errors import ConfigError, UnknownNameError
from ifteval.tasks.manager import resolve_task_names, task_manager
from ifteval.tasks.sources import ALPACA_CATEGORIES

PAPER_TASKS = {
    "ifteval_mnli", "ifteval_qnli", "ifteval_sst2", "ifteval_stsb",
    "ifteval_conll2003", "ifteval_squadv2", "ifteval_xsum",
}  # fmt: skip


@pytest.fixture(scope="module")
def manager():  # noqa: ANN201
    return task_manager()


def test_builtins_are_not_indexed_and_indexing_is_fast() -> None:
    import lm_eval.tasks  # noqa: F401 -- time the indexing, not the one-off import

    start = time.perf_counter()
    tm = task_manager()
    elapsed = time.perf_counter() - start
    assert len(tm.all_subtasks) == 20
    assert "hellaswag" not in tm.all_tasks and "sst2" not in tm.all_tasks
    assert elapsed < 1.0, elapsed  # ~0.05 s here; the built-in index alone took 13.7 s


def test_groups_expand_to_the_paper_tasks(manager) -> None:  # noqa: ANN001
    assert set(resolve_task_names("ifteval_gold", manager)) == PAPER_TASKS
    alpaca = sorted(f"ifteval_alpaca_{c}" for c in ALPACA_CATEGORIES)
    assert resolve_task_names("ifteval_alpaca", manager) == alpaca
    assert set(resolve_task_names("ifteval", manager)) == PAPER_TASKS | set(alpaca)


def test_lists_globs_and_duplicates(manager) -> None:  # noqa: ANN001
    assert resolve_task_names("ifteval_sst2, ifteval_mnli,ifteval_sst2", manager) == [
        "ifteval_sst2",
        "ifteval_mnli",
    ]
    assert resolve_task_names(["ifteval_alpaca_c*"], manager) == [
        "ifteval_alpaca_classify", "ifteval_alpaca_code",
        "ifteval_alpaca_context_answer", "ifteval_alpaca_create",
    ]  # fmt: skip


def test_unknown_task_suggests_the_closest(manager) -> None:  # noqa: ANN001
    with pytest.raises(UnknownNameError, match=r"unknown task 'ifteval_sst'\. Did you mean 'ifteval_sst2'"):
        resolve_task_names("ifteval_sst", manager)


def test_unreadable_yaml_is_named_when_a_task_is_missing(tmp_path: Path) -> None:
    (tmp_path / "my_task.yaml").write_text("task: my_task\ndoc_to_text: [unclosed\n")
    tm = task_manager([tmp_path])
    with pytest.raises(UnknownNameError) as err:
        resolve_task_names("my_task", tm)
    assert "my_task.yaml" in str(err.value)


def test_include_path_adds_a_user_task(tmp_path: Path) -> None:
    (tmp_path / "my_sst2.yaml").write_text(
        "include: "
        + str(Path("ifteval_tasks/glue/ifteval_sst2.yaml").resolve())
        + "\ntask: my_sst2\ntag: mine\n"
    )
    tm = task_manager([tmp_path])
    assert resolve_task_names("mine", tm) == ["my_sst2"]


def test_missing_include_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        task_manager([tmp_path / "nope"])


def test_every_task_builds_in_lm_eval_with_prompt_and_reference(manager) -> None:  # noqa: ANN001
    loaded = manager.load(sorted(PAPER_TASKS) + ["ifteval_alpaca_translate"])["tasks"]
    sst2 = loaded["ifteval_sst2"]
    doc = next(iter(sst2.test_docs()))
    assert sst2.doc_to_text(doc).startswith(
        "Classify the following sentence as negative or positive.\n\nSentence: "
    )
    conll = loaded["ifteval_conll2003"]
    doc = next(iter(conll.test_docs()))
    assert conll.doc_to_text(doc).endswith("Text: " + " ".join(doc["tokens"]))
    tr = loaded["ifteval_alpaca_translate"]
    doc = next(iter(tr.test_docs()))
    assert tr.doc_to_text(doc) == doc["instruction"] + "\n\n" + doc["input"]
    for name, task in loaded.items():
        doc = next(iter(task.test_docs()))
        assert isinstance(task.doc_to_target(doc), str), name
        assert task.config.generation_kwargs["do_sample"] is False
