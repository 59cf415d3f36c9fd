"""Paper A.1: each benchmark task's rendered prompt starts with the paper's instruction, verbatim.

The instructions are copied here from the paper's Appendix A.1 ("We format all tasks as instructions
using the following prompts and concatenating the input at the end"), so the test needs no access to
the paper at run time. In the paper's text the CoNLL instruction breaks across a page after
"LOC (locations),"; it is joined here with the single space the sentence has.
"""

from __future__ import annotations

import pytest

from ifteval.tasks import task_manager

PAPER_A1 = {
    "ifteval_mnli": "Classify the following relationship between the Hypothesis sentence and the Premise "
    "sentence, as either Entailment, Contradiction or Neutral.",
    "ifteval_qnli": "Classify whether the given context contains enough information to answer the "
    "question (answerable) or not (unanswerable).",
    "ifteval_stsb": "Give an integer score between 1 and 5, describing how similar sentence1 and "
    "sentence2 are. 5 means they are very similar, 1 means they are nothing alike.",
    "ifteval_sst2": "Classify the following sentence as negative or positive.",
    "ifteval_conll2003": "Extract locations, persons, and organizations from the text. The output should "
    "be formatted as a JSON object with three keys: LOC (locations), PER (persons), and ORG "
    "(organizations). Each key should have a value that is a list of strings. If the text contains no "
    "entities of a given type, the corresponding list should be empty.",
    "ifteval_squadv2": "Answer the question depending on the context. You must only answer with one "
    "excerpt from the text.",
    "ifteval_xsum": "Summarize the following article in a few words.",
}


@pytest.fixture(scope="module")
def tasks():  # noqa: ANN201
    return task_manager().load(sorted(PAPER_A1))["tasks"]


def test_the_seven_benchmark_tasks_are_covered(tasks) -> None:  # noqa: ANN001
    assert sorted(tasks) == sorted(PAPER_A1)


@pytest.mark.parametrize("name", sorted(PAPER_A1))
def test_prompt_starts_with_the_paper_instruction_verbatim(tasks, name: str) -> None:  # noqa: ANN001
    task = tasks[name]
    doc = next(iter(task.test_docs()))
    prompt = task.doc_to_text(doc)
    assert prompt.startswith(PAPER_A1[name] + "\n\n"), prompt[: len(PAPER_A1[name]) + 40]
    assert len(prompt) > len(PAPER_A1[name]) + 2  # the input is concatenated at the end
