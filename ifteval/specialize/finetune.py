"""`ifteval finetune`: one LoRA adapter per mixture, trained by TRL's ``SFTTrainer`` with peft (paper A.5).

No training loop of ours: this module turns a mixture folder into a dataset, paper defaults into an
``SFTConfig`` and a ``LoraConfig``, and leaves optimisation, gradient accumulation, distribution
(``accelerate launch``), checkpointing, resuming and early stopping to transformers and TRL.

Paper A.5 defaults: min(400 steps, one epoch); an effective batch of 128 through gradient accumulation
(8 for a mixture of fewer than 128 rows); learning rate 5e-4, linear decay, 100 warm-up steps; early
stopping on validation cross-entropy. The mixture's row order is the training order (a sequential
sampler), so ``synthetic+human`` trains on the synthetic rows before the human ones.

Each adapter folder holds peft's files plus ``ifteval_adapter.json`` (written last: its presence means
finished, and a rerun skips the folder); a killed job resumes from ``<adapter>/checkpoints/``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ifteval.errors import IftevalError
from ifteval.generation.embedded import embedded_model_path
from ifteval.specialize.mix import (
    TRAIN_FILE,
    VALIDATION_FILE,
    find_mixtures,
    read_manifest,
    read_mixture_rows,
)
from ifteval.writers import atomic_write_text

ADAPTER_META = "ifteval_adapter.json"
ADAPTER_FORMAT = "ifteval-adapter/1"
CHECKPOINTS = "checkpoints"
SMALL_DATA_BATCH = 8  # A.5: "datasets with less than 128 samples ... we select a batch size of 8"


@dataclass(frozen=True)
class TrainSpec:
    """Training settings; every default is the paper's A.5 unless said otherwise.

    max_steps: upper bound on optimiser steps (A.5: 400); epochs: the other bound (A.5: one epoch);
    batch_size: the effective batch (A.5: 128) reached with per_device_batch_size x accumulation x
    processes; eval_steps / patience: validation cross-entropy every eval_steps, stop after `patience`
    evaluations without improvement (the paper does not give these two; ours are 50 and 3).
    LoRA: r, alpha, dropout and target modules (None: peft's default for the architecture).
    """

    max_steps: int = 400
    epochs: float = 1.0
    batch_size: int = 128
    per_device_batch_size: int = 8
    learning_rate: float = 5e-4
    warmup_steps: int = 100
    eval_steps: int = 50
    patience: int = 3
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_target_modules: tuple[str, ...] | None = None
    max_length: int = 1024
    seed: int = 0
    chat_template: bool = True
    keep_checkpoints: bool = False
    progress: bool = True
    dtype: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # recorded, e.g. the launcher's world size


def check_train_spec(spec: TrainSpec) -> None:
    for name, value in (
        ("--max-steps", spec.max_steps),
        ("--batch-size", spec.batch_size),
        ("--per-device-batch-size", spec.per_device_batch_size),
        ("--eval-steps", spec.eval_steps),
        ("--lora-r", spec.lora_r),
        ("--max-length", spec.max_length),
    ):
        if value < 1:
            raise IftevalError(f"{name} {value}: need a positive integer")
    if spec.epochs <= 0:
        raise IftevalError(f"--epochs {spec.epochs:g}: need a positive number")
    if not (0 < spec.learning_rate < 1):
        raise IftevalError(f"--lr {spec.learning_rate:g}: need a learning rate in (0, 1)")
    if spec.warmup_steps < 0 or spec.patience < 0:
        raise IftevalError("--warmup-steps and --patience need counts >= 0")


def plan_steps(rows: int, spec: TrainSpec, world_size: int = 1) -> dict[str, int]:
    """Batch, gradient accumulation and step count for a mixture of `rows` rows (A.5's rule).

    >>> plan_steps(41_000, TrainSpec())["max_steps"]   # one epoch is 321 steps: fewer than 400
    321
    """
    batch = spec.batch_size if rows >= spec.batch_size else min(SMALL_DATA_BATCH, spec.batch_size)
    per_device = min(spec.per_device_batch_size, max(1, batch // world_size))  # batch 8 on 2 GPUs: 4 each
    if batch % (per_device * world_size):
        raise IftevalError(
            f"--batch-size {batch} is not a multiple of --per-device-batch-size {per_device} x "
            f"{world_size} process(es); choose sizes that divide it"
        )
    epoch_steps = math.ceil(rows * spec.epochs / batch)
    return {
        "batch_size": batch,
        "per_device_batch_size": per_device,
        "gradient_accumulation_steps": batch // (per_device * world_size),
        "max_steps": max(1, min(spec.max_steps, epoch_steps)),
    }


def _conversational(rows: Sequence[dict[str, Any]], chat: bool) -> list[dict[str, Any]]:
    """Mixture rows -> TRL's prompt-completion format (chat messages, or plain text without a template).

    Loss is on the completion only (TRL's default for this format), as the answer is what is learned.
    """
    if chat:
        return [
            {
                "prompt": [{"role": "user", "content": r["prompt"]}],
                "completion": [{"role": "assistant", "content": r["completion"]}],
            }
            for r in rows
        ]
    return [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]


def load_base(model_args: dict[str, Any], dtype: str | None = None) -> tuple[Any, Any, str]:
    """(model, tokenizer, name) of the base: ``pretrained=`` or the embedded SmolLM2."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    pretrained = model_args.get("pretrained")
    if not pretrained:
        pretrained = str(embedded_model_path())
    if "peft" in model_args:
        raise IftevalError("--model-args peft=...: finetune trains a new adapter on the base; drop peft=")
    dtype = dtype or model_args.get("dtype") or "float32"
    if not hasattr(torch, str(dtype)):
        raise IftevalError(f"--model-args dtype={dtype}: not a torch dtype (float32, bfloat16, float16)")
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(pretrained))
        model = AutoModelForCausalLM.from_pretrained(str(pretrained), dtype=getattr(torch, str(dtype)))
    except OSError as exc:
        first = (str(exc).splitlines() or [""])[0]
        raise IftevalError(f"--model-args pretrained={pretrained}: cannot load the model ({first})") from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer, str(pretrained)


def build_trainer(
    model: Any,
    tokenizer: Any,
    train_rows: Sequence[dict[str, Any]],
    validation_rows: Sequence[dict[str, Any]],
    spec: TrainSpec,
    plan: dict[str, int],
    output_dir: Path,
) -> Any:
    """An ``SFTTrainer`` with the paper's schedule; the benchmark builds the same one by hand."""
    import datasets
    from peft import LoraConfig
    from transformers import EarlyStoppingCallback
    from trl import SFTConfig, SFTTrainer

    evaluate = bool(validation_rows)
    eval_steps = min(spec.eval_steps, plan["max_steps"])
    config = SFTConfig(
        output_dir=str(output_dir),
        max_steps=plan["max_steps"],
        per_device_train_batch_size=plan["per_device_batch_size"],
        per_device_eval_batch_size=plan["per_device_batch_size"],
        gradient_accumulation_steps=plan["gradient_accumulation_steps"],
        learning_rate=spec.learning_rate,
        lr_scheduler_type="linear",
        warmup_steps=spec.warmup_steps,
        train_sampling_strategy="sequential",  # the mixture's row order is the training order
        eval_strategy="steps" if evaluate else "no",
        eval_steps=eval_steps,
        save_strategy="steps",
        save_steps=eval_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluate,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        logging_steps=max(1, min(10, plan["max_steps"])),
        report_to="none",
        seed=spec.seed,
        max_length=spec.max_length,
        disable_tqdm=not spec.progress,
        use_cpu=not _has_accelerator(),
        dataset_num_proc=None,
    )
    lora = LoraConfig(
        r=spec.lora_r,
        lora_alpha=spec.lora_alpha,
        lora_dropout=spec.lora_dropout,
        target_modules=list(spec.lora_target_modules) if spec.lora_target_modules else None,
        task_type="CAUSAL_LM",
    )
    chat = spec.chat_template
    callbacks = (
        [EarlyStoppingCallback(early_stopping_patience=spec.patience)] if evaluate and spec.patience else []
    )
    return SFTTrainer(
        model=model,
        args=config,
        train_dataset=datasets.Dataset.from_list(_conversational(train_rows, chat)),
        eval_dataset=datasets.Dataset.from_list(_conversational(validation_rows, chat)) if evaluate else None,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=callbacks,
    )


def _has_accelerator() -> bool:
    import torch

    return torch.cuda.is_available()


def read_adapter_meta(folder: Path) -> dict[str, Any] | None:
    """The adapter's ``ifteval_adapter.json``; None when absent (not finished); a bad file is an error."""
    path = folder / ADAPTER_META
    if not path.is_file():
        return None
    try:
        meta = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise IftevalError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(meta, dict) or meta.get("format") != ADAPTER_FORMAT:
        raise IftevalError(
            f"{path}: field 'format': expected {ADAPTER_FORMAT!r} (written by 'ifteval finetune')"
        )
    for key in ("n", "repeat", "target"):
        if key not in meta:
            raise IftevalError(f"{path}: missing field '{key}'")
    return meta


def finetune_all(
    mixtures_root: Path, output: Path, model_args: dict[str, Any], spec: TrainSpec
) -> list[dict[str, Any]]:
    """Train an adapter for each mixture under `mixtures_root` into ``output/<mixture name>/``.

    Finished adapters (``ifteval_adapter.json`` present, same mixture hashes) are skipped; an
    unfinished one resumes from its last checkpoint. Returns each adapter's metadata.
    """
    check_train_spec(spec)
    folders = find_mixtures(mixtures_root)
    if output.exists() and not output.is_dir():
        raise IftevalError(f"--output {output}: exists and is not a folder")
    if output.resolve() == mixtures_root.resolve() or mixtures_root.resolve() in output.resolve().parents:
        raise IftevalError(f"--output {output}: must not be inside the mixtures folder {mixtures_root}")
    manifests = [read_manifest(f) for f in folders]  # every mixture checked before any training
    from tqdm.auto import tqdm

    done: list[dict[str, Any]] = []
    model = tokenizer = None
    bar = tqdm(
        list(zip(folders, manifests, strict=True)), desc="adapters", unit="adapter", disable=not spec.progress
    )
    for folder, manifest in bar:
        target = output / folder.name
        meta = read_adapter_meta(target)
        if meta is not None:
            if meta["mixture"]["hashes"] != manifest["hashes"]:
                raise IftevalError(
                    f"{target}: trained on another mixture than {folder} (hashes differ); "
                    "choose another --output or delete that adapter"
                )
            done.append(meta)
            continue
        bar.set_postfix_str(folder.name)
        if model is None:
            model, tokenizer, base_name = load_base(model_args, spec.dtype)
            if spec.chat_template and not getattr(tokenizer, "chat_template", None):
                raise IftevalError(
                    f"the tokenizer of {base_name} has no chat template; pass --no-chat-template "
                    "(and evaluate with 'ifteval curve --no-chat-template')"
                )
        meta = train_one(folder, manifest, target, model, tokenizer, base_name, spec)
        done.append(meta)
        # a fresh base for the next adapter: peft wrapped (and trained) this one in place
        model = None
    return done


def train_one(
    folder: Path,
    manifest: dict[str, Any],
    target: Path,
    model: Any,
    tokenizer: Any,
    base_name: str,
    spec: TrainSpec,
) -> dict[str, Any]:
    """Train, save the adapter, then write ``ifteval_adapter.json`` (main process only)."""
    import shutil

    from transformers.trainer_utils import get_last_checkpoint

    train_rows = read_mixture_rows(folder, TRAIN_FILE)
    validation_rows = read_mixture_rows(folder, VALIDATION_FILE)
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    plan = plan_steps(len(train_rows), spec, world_size)
    checkpoints = target / CHECKPOINTS
    trainer = build_trainer(model, tokenizer, train_rows, validation_rows, spec, plan, checkpoints)
    last = get_last_checkpoint(str(checkpoints)) if checkpoints.is_dir() else None
    result = trainer.train(resume_from_checkpoint=last)
    state = trainer.state
    meta = {
        "format": ADAPTER_FORMAT,
        "target": manifest["target"],
        "variant": manifest["variant"],
        "n": manifest["n"],
        "repeat": manifest["repeat"],
        "seed": manifest["seed"],
        "base_model": base_name,
        "chat_template": spec.chat_template,
        "mixture_path": str(folder.resolve()),
        "mixture": manifest,
        "steps": state.global_step,
        "planned_steps": plan["max_steps"],
        "stopped_early": state.global_step < plan["max_steps"],
        "resumed_from": Path(last).name if last else None,
        "best_validation_loss": state.best_metric,
        "train_loss": result.training_loss,
        "training": {**_public_spec(spec), **plan, "world_size": world_size},
        "versions": _versions(),
    }
    if trainer.is_world_process_zero():
        trainer.model.save_pretrained(str(target))  # the best checkpoint's weights (load_best_model_at_end)
        atomic_write_text(
            target / ADAPTER_META, json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n"
        )
        if not spec.keep_checkpoints:
            shutil.rmtree(checkpoints, ignore_errors=True)
    trainer.accelerator.wait_for_everyone()
    return meta


def _public_spec(spec: TrainSpec) -> dict[str, Any]:
    out = asdict(spec)
    out.pop("progress", None)
    out.pop("extra", None)
    return out


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for package in ("ifteval", "trl", "transformers", "peft", "torch", "accelerate"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out
