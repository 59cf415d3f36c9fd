"""`ifteval run` argument mistakes end in one error line (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifteval.cli import main
from tests.generation.helpers import TASK


def _run(tmp_path: Path, *extra: str) -> list[str]:
    return ["run", "--tasks", TASK, "--limit", "1", "--output-path", str(tmp_path / "out"), *extra]


@pytest.mark.parametrize("value", ["abc", "0", "-3", "2.5"])
def test_bad_batch_size_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """Regression: `--batch-size abc` raised ValueError from int() with a traceback."""
    with pytest.raises(SystemExit) as info:
        main(_run(tmp_path, "--batch-size", value))
    assert info.value.code == 2
    assert f"argument --batch-size: '{value}' is not a positive integer or 'auto'" in capsys.readouterr().err


def test_batch_size_accepts_integers_and_auto() -> None:
    from ifteval.cli.run import batch_size_arg

    assert batch_size_arg("4") == 4
    assert batch_size_arg("auto") == "auto"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        # regression: lm-eval's ValueError from its registry came out as a traceback
        (("--model", "lm-eval:hff"), "model 'hff' in --model lm-eval:hff. Did you mean 'hf'?"),
        (("--model", "lm-eval:nonexistent"), "unknown lm-eval model 'nonexistent'"),
        # regression: torch.device('banana') raised RuntimeError; cuda without CUDA failed at .to(device)
        (("--model-args", "device=banana"), "'device=banana' is not a torch device"),
        (("--model-args", "device=cuda:99"), "'device=cuda:99': this machine has"),
    ],
)
def test_bad_model_choices_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    assert main(_run(tmp_path, *extra)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_include_base_without_adapters_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: --include-base without --adapters was silently ignored."""
    assert main(_run(tmp_path, "--include-base")) == 2
    assert "--include-base adds the base model as a row of an adapter sweep; it needs --adapters" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "out").exists()


def test_cuda_without_cuda_is_refused() -> None:
    import torch

    from ifteval.errors import IftevalError
    from ifteval.generation.hf import resolve_device

    if torch.cuda.is_available():
        assert resolve_device("cuda").type == "cuda"
    else:
        with pytest.raises(IftevalError, match="'device=cuda': this machine has 0 cuda device"):
            resolve_device("cuda")
    assert str(resolve_device("cpu")) == "cpu"
