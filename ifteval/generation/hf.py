"""Local generation with transformers (+ a peft adapter): prompts in, completions out, batched by length.

Both `ifteval run` (through `IftevalLM`) and the `local` LLM judge generate through this one class, so
the model identity, batching and stop handling are the same everywhere.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ifteval.errors import IftevalError

DTYPES = ("auto", "float32", "bfloat16", "float16")


@dataclass(frozen=True)
class GenerationParams:
    """What changes a completion besides the model and the prompt (part of every cache key)."""

    max_gen_toks: int = 256
    until: tuple[str, ...] = ()
    temperature: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"max_gen_toks": self.max_gen_toks, "until": list(self.until), "temperature": self.temperature}


def resolve_pretrained(pretrained: str | Path | None) -> Path | str:
    """None (or 'embedded') means the embedded SmolLM2; anything else is a local folder or hub id."""
    if pretrained in (None, "", "embedded"):
        from ifteval.generation.embedded import embedded_model_path

        return embedded_model_path()
    return pretrained


def truncate_at_stops(text: str, until: Sequence[str]) -> str:
    """Cut a completion at the first stop sequence, as lm-eval's `until` means."""
    cut = len(text)
    for stop in until:
        if stop:
            index = text.find(stop)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]


def folder_fingerprint(path: Path) -> str:
    """A cheap identity for local weights: file names, sizes and modification times."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin", ".json", ".model", ".gguf"}:
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


class HFGenerator:
    """A causal LM from transformers, optionally with one or more peft adapters switched in place."""

    def __init__(
        self,
        pretrained: str | Path | None = None,
        peft: str | Path | None = None,
        dtype: str = "auto",
        batch_size: int | str = 8,
        device: str | None = None,
        trust_remote_code: bool = False,
    ) -> None:
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if dtype not in DTYPES:
            raise IftevalError(f"model arg 'dtype={dtype}' is not one of {', '.join(DTYPES)}")
        self.pretrained = resolve_pretrained(pretrained)
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.dtype = dtype
        self.batch_size = batch_size
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.pretrained), trust_remote_code=trust_remote_code)
            torch_dtype = "auto" if dtype == "auto" else getattr(torch, dtype)
            model = AutoModelForCausalLM.from_pretrained(
                str(self.pretrained), dtype=torch_dtype, trust_remote_code=trust_remote_code
            )
        except OSError as exc:
            raise IftevalError(
                f"cannot load model '{self.pretrained}': {exc.args[0] if exc.args else exc}. Offline, "
                "pass a local folder (pretrained=PATH) or leave it out to use the embedded SmolLM2."
            ) from exc
        self.tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = model.to(self.device).eval()
        self.adapter: str | None = None
        if peft:
            self.set_adapter(peft)

    # -- identity -----------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """Everything about the model that changes its outputs (for the generation cache)."""
        path = Path(str(self.pretrained))
        weights = folder_fingerprint(path) if path.is_dir() else str(self.pretrained)
        adapter = None
        if self.adapter:
            adapter_path = Path(self.adapter)
            adapter = folder_fingerprint(adapter_path) if adapter_path.is_dir() else self.adapter
        return {"model": str(self.pretrained), "weights": weights, "adapter": adapter, "dtype": self.dtype}

    # -- adapters -----------------------------------------------------------------------------
    def set_adapter(self, adapter: str | Path | None) -> None:
        """Switch the active peft adapter in place (None = the base model), loading it once."""
        from peft import PeftModel

        if adapter is None:
            self.adapter = None
            return
        name = _adapter_name(str(adapter))
        try:
            if not isinstance(self.model, PeftModel):
                self.model = PeftModel.from_pretrained(self.model, str(adapter), adapter_name=name).eval()
            elif name not in self.model.peft_config:
                self.model.load_adapter(str(adapter), adapter_name=name)
            self.model.set_adapter(name)
        except (OSError, ValueError) as exc:
            raise IftevalError(f"cannot load adapter '{adapter}': {exc}") from exc
        self.adapter = str(adapter)

    def _active_model(self) -> Any:
        from peft import PeftModel

        if isinstance(self.model, PeftModel) and self.adapter is None:
            return _DisabledAdapter(self.model)
        return self.model

    # -- generation ---------------------------------------------------------------------------
    def render_chat(self, prompt: str) -> str:
        """A prompt as one user turn in the model's chat template (plain text if it has none)."""
        if not getattr(self.tokenizer, "chat_template", None):
            return prompt
        return self.tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
        )

    def generate(
        self,
        prompts: Sequence[str],
        params: GenerationParams = GenerationParams(),
        chat: bool = True,
        progress: bool = False,
    ) -> list[str]:
        """Complete each prompt; `chat=False` means the prompt is already rendered (lm-eval did it)."""
        texts = [self.render_chat(p) if chat else p for p in prompts]
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # longest first: OOM shows early
        outputs: list[str] = [""] * len(texts)
        batch_size = self._batch_size()
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        iterator: Any = batches
        if progress:
            from tqdm import tqdm

            iterator = tqdm(batches, desc="generating", unit="batch")
        for batch in iterator:
            completions = self._generate_batch([texts[i] for i in batch], params)
            for i, text in zip(batch, completions, strict=True):
                outputs[i] = text
        return outputs

    def _batch_size(self) -> int:
        if self.batch_size == "auto":
            return 16 if self.device.type == "cpu" else 64
        return max(1, int(self.batch_size))

    def _generate_batch(self, texts: list[str], params: GenerationParams) -> list[str]:
        import torch

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        encoded = {k: v.to(self.device) for k, v in encoded.items()}
        sampling: dict[str, Any] = {"do_sample": False}
        if params.temperature > 0:
            sampling = {"do_sample": True, "temperature": params.temperature}
        stops = [s for s in params.until if s]
        with torch.inference_mode():
            output = self._active_model().generate(
                **encoded,
                max_new_tokens=params.max_gen_toks,
                pad_token_id=self.tokenizer.pad_token_id,
                stop_strings=stops or None,
                tokenizer=self.tokenizer if stops else None,
                **sampling,
            )
        new_tokens = output[:, encoded["input_ids"].shape[1] :]
        decoded = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return [truncate_at_stops(text, stops) for text in decoded]


class _DisabledAdapter:
    """The base model of a PeftModel for one call (adapters stay loaded for the next)."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def generate(self, **kwargs: Any) -> Any:
        with self._model.disable_adapter():
            return self._model.generate(**kwargs)


def _adapter_name(path: str) -> str:
    return "a_" + hashlib.sha256(path.encode()).hexdigest()[:12]
