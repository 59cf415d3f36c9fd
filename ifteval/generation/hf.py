"""Local generation with transformers (+ a peft adapter): prompts in, completions out, batched by length.

Both `ifteval run` (through `IftevalLM`) and the `local` LLM judge generate through this one class, so
the model identity, batching and stop handling are the same everywhere.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ifteval.errors import IftevalError
from ifteval.generation.batching import auto_start_size, run_batches
from ifteval.generation.embedded import embedded_model_path
from ifteval.generation.params import GenerationParams, truncate_at_stops
from ifteval.generation.stopping import StopOnText, eos_ids, split_stops

DTYPES = ("auto", "float32", "bfloat16", "float16")


def resolve_pretrained(pretrained: str | Path | None) -> Path | str:
    """None (or 'embedded') means the embedded SmolLM2; anything else is a local folder or hub id."""
    if pretrained in (None, "", "embedded"):
        return embedded_model_path()
    path = Path(str(pretrained)).expanduser()
    if path.is_dir() and not (path / "config.json").is_file():
        raise IftevalError(
            f"model arg 'pretrained={pretrained}': the folder has no config.json, so it is not a "
            "transformers model folder (an adapter folder goes in 'peft=' instead)"
        )
    if not path.exists() and str(pretrained).startswith((".", "/", "~")):
        raise IftevalError(f"model arg 'pretrained={pretrained}': no such folder")
    return pretrained


def resolve_device(device: str | None) -> Any:
    """`device=` as a torch.device: checked to parse and to exist here (default: cuda when available)."""
    import torch

    if device in (None, ""):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(str(device))
    except (RuntimeError, ValueError) as exc:
        raise IftevalError(
            f"model arg 'device={device}' is not a torch device (e.g. cpu, cuda, cuda:1, mps)"
        ) from exc
    if resolved.type in ("cuda", "xpu"):
        backend = getattr(torch, resolved.type, None)
        available = backend.device_count() if backend is not None and backend.is_available() else 0
        if (resolved.index or 0) >= available:
            raise IftevalError(
                f"model arg 'device={device}': this machine has {available} {resolved.type} device(s); "
                "use device=cpu, or leave device out to pick cuda when available"
            )
    elif resolved.type == "mps" and not torch.backends.mps.is_available():
        raise IftevalError(f"model arg 'device={device}': MPS is not available here; use device=cpu")
    return resolved


# weights, configs, tokenizers (sentencepiece .model, tiktoken, merges .txt), chat templates, remote code
FINGERPRINTED_SUFFIXES = frozenset(
    {".safetensors", ".bin", ".pt", ".gguf", ".json", ".txt", ".model", ".tiktoken", ".jinja", ".py"}
)
CONTENT_HASH_LIMIT = 64 * 2**20  # files up to this size (adapters, configs) are hashed by content
_file_digests: dict[tuple[str, int, int], str] = {}


def folder_fingerprint(path: Path) -> str:
    """The identity of local weights, for the generation cache.

    Small files (adapters, configs, tokenizers) count by content, so two adapters saved in the same
    second never share a key; large base weights count by absolute path, size and nanosecond
    modification time, because hashing gigabytes on every start would cost more than it saves.
    """
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file() and file.suffix in FINGERPRINTED_SUFFIXES:
            digest.update(f"{file.relative_to(path)}:{_file_digest(file)}\n".encode())
    return digest.hexdigest()[:16]


def weights_fingerprint(name: str | Path) -> str:
    """The fingerprint of a local folder or of a hub id's cached snapshot (so a new revision of the same
    id gets a new key); the id itself only when no snapshot is cached (it downloads on first load)."""
    path = Path(str(name)).expanduser()
    if path.is_dir():
        return folder_fingerprint(path)
    snapshot = hub_snapshot(str(name))
    return folder_fingerprint(snapshot) if snapshot is not None else str(name)


def hub_snapshot(repo_id: str) -> Path | None:
    """The local snapshot folder the hub cache resolves `repo_id` to (offline), None if not cached."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached, not a valid id, or no hub client: key by the id
        return None


def _file_digest(file: Path) -> str:
    stat = file.stat()
    if stat.st_size > CONTENT_HASH_LIMIT:
        return f"stat:{file.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _file_digests:
        _file_digests[key] = hashlib.sha256(file.read_bytes()).hexdigest()
    return _file_digests[key]


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
        from transformers import AutoTokenizer

        if dtype not in DTYPES:
            raise IftevalError(f"model arg 'dtype={dtype}' is not one of {', '.join(DTYPES)}")
        if batch_size != "auto" and (not str(batch_size).isdigit() or int(batch_size) < 1):
            raise IftevalError(f"batch size '{batch_size}' must be a positive integer or 'auto'")
        self.pretrained = resolve_pretrained(pretrained)
        self.device = resolve_device(device)
        self.dtype = dtype
        self.batch_size = batch_size
        self.trust_remote_code = trust_remote_code
        self._auto_size: int | None = None  # the size `auto` settled on, reused by later calls
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                str(self.pretrained), trust_remote_code=trust_remote_code
            )
        except (OSError, ValueError, ImportError) as exc:
            raise _load_error(self.pretrained, exc) from exc
        self.tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._model: Any = None  # loaded on first generation: a fully cached run never loads weights
        self._loaded_adapters: dict[str, str] = {}  # adapter path -> peft adapter name
        self.adapter: str | None = None
        if peft:
            self.set_adapter(peft)

    @property
    def model(self) -> Any:
        """The transformers model (a PeftModel once an adapter was used), loaded on first access."""
        if self._model is None:
            self._model = self._load_model()
            if self.adapter is not None:
                self._activate(self.adapter)
        return self._model

    @property
    def model_loaded(self) -> bool:
        return self._model is not None

    def _load_model(self) -> Any:
        import torch
        from transformers import AutoModelForCausalLM

        torch_dtype = "auto" if self.dtype == "auto" else getattr(torch, self.dtype)
        try:
            model = AutoModelForCausalLM.from_pretrained(
                str(self.pretrained), dtype=torch_dtype, trust_remote_code=self.trust_remote_code
            )
        except (OSError, ValueError, ImportError) as exc:
            raise _load_error(self.pretrained, exc) from exc
        return model.to(self.device).eval()

    # -- identity -----------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """Everything about the model that changes its outputs (for the generation cache)."""
        weights = weights_fingerprint(self.pretrained)  # per call: a hub id resolves once downloaded
        adapter = weights_fingerprint(self.adapter) if self.adapter else None
        return {"model": str(self.pretrained), "weights": weights, "adapter": adapter, "dtype": self.dtype}

    # -- adapters -----------------------------------------------------------------------------
    def set_adapter(self, adapter: str | Path | None) -> None:
        """Switch the active peft adapter in place (None = the base model), loading each adapter once.

        Before the model is loaded this only records the choice (checked to exist), so a run whose
        generations are all cached never loads weights.
        """
        if adapter is None:
            self.adapter = None
            return
        adapter = str(adapter)
        local = Path(adapter)
        if local.exists() and not (local / "adapter_config.json").is_file():
            raise IftevalError(f"adapter '{adapter}' has no adapter_config.json (not a peft adapter folder)")
        if self._model is not None:
            self._activate(adapter)
        self.adapter = adapter

    def _activate(self, adapter: str) -> None:
        from peft import PeftModel

        name = self._loaded_adapters.get(adapter) or _adapter_name(adapter)
        try:
            if not isinstance(self._model, PeftModel):
                self._model = PeftModel.from_pretrained(self._model, adapter, adapter_name=name).eval()
            elif name not in self._model.peft_config:
                self._model.load_adapter(adapter, adapter_name=name)
            self._model.set_adapter(name)
        except RuntimeError as exc:  # load_state_dict: an adapter trained from another base model
            raise IftevalError(
                f"adapter '{adapter}' does not fit base model '{self.pretrained}' ({_mismatch(exc)}); "
                "was it trained from another base? Pass that base as pretrained=..."
            ) from exc
        except (OSError, ValueError) as exc:
            raise IftevalError(f"cannot load adapter '{adapter}': {_first_line(exc)}") from exc
        self._loaded_adapters[adapter] = name

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
        params: GenerationParams = GenerationParams(),  # noqa: B008 (frozen dataclass: immutable)
        chat: bool = True,
        progress: bool = False,
        on_batch: Callable[[list[int], list[str]], None] | None = None,
    ) -> list[str]:
        """Complete each prompt; `chat=False` means the prompt is already rendered (lm-eval did it).

        `on_batch(indices, completions)` is called after every batch (the cache stores results there).
        """
        texts = [self.render_chat(p) if chat else p for p in prompts]
        outputs: list[str] = [""] * len(texts)
        if not texts:
            return outputs
        lengths = [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))  # longest first: OOM shows early

        def store(indices: list[int], completions: list[str]) -> None:
            for i, text in zip(indices, completions, strict=True):
                outputs[i] = text
            if on_batch is not None:
                on_batch(indices, completions)

        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="generating", unit="prompt")
        auto = self.batch_size == "auto"
        size = (self._auto_size or auto_start_size(self.device.type)) if auto else int(self.batch_size)
        try:
            used = run_batches(
                order, size, auto, lambda b: self._generate_batch([texts[i] for i in b], params), store, bar
            )
        finally:
            if bar is not None:
                bar.close()
        if auto:
            self._auto_size = used
        return outputs

    def _generate_batch(self, texts: list[str], params: GenerationParams) -> list[str]:
        import torch
        from transformers import StoppingCriteriaList

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        encoded = {k: v.to(self.device) for k, v in encoded.items()}
        sampling: dict[str, Any] = {"do_sample": False}
        if params.temperature > 0:
            sampling = {"do_sample": True, "temperature": params.temperature}
        stops = [s for s in params.until if s]
        model = self._active_model()
        stop_ids, stop_texts = split_stops(self.tokenizer, stops)
        prompt_length = encoded["input_ids"].shape[1]
        criteria = StoppingCriteriaList(
            [StopOnText(self.tokenizer, stop_texts, prompt_length)] if stop_texts else []
        )
        with torch.inference_mode():
            output = model.generate(
                **encoded,
                max_new_tokens=params.max_gen_toks,
                pad_token_id=self.tokenizer.pad_token_id,
                eos_token_id=eos_ids(self.model, self.tokenizer, stop_ids),
                stopping_criteria=criteria,
                **sampling,
                **dict(params.generate_kwargs),
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


def _load_error(pretrained: object, exc: Exception) -> IftevalError:
    first_line = str(exc.args[0] if exc.args else exc).strip().splitlines()[0:1] or [type(exc).__name__]
    return IftevalError(
        f"cannot load model '{pretrained}': {first_line[0]}. Offline, "
        "pass a local folder (pretrained=PATH) or leave it out to use the embedded SmolLM2."
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _mismatch(exc: BaseException) -> str:
    """The first 'size mismatch for ...' line of torch's multi-screen load_state_dict error, shortened."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line.startswith("size mismatch"):
            return line if len(line) <= 300 else line[:297] + "..."
    return _first_line(exc)


def _adapter_name(path: str) -> str:
    return "a_" + hashlib.sha256(path.encode()).hexdigest()[:12]
