"""Which lm-eval `LM` generates for a run: our transformers backend (data parallel through accelerate),
an OpenAI-compatible server, or any lm-eval model; one place that maps `--model`/`--model-args` to it."""

from __future__ import annotations

import os
import sys
from typing import Any

from ifteval.config import RunConfig
from ifteval.errors import IftevalError, UnknownNameError, did_you_mean
from ifteval.generation.cache import GenerationCache
from ifteval.generation.hf import HFGenerator


def distributed_accelerator() -> Any | None:
    """An `Accelerator` when launched with several processes (accelerate launch), else None."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    from accelerate import Accelerator

    accelerator = Accelerator()
    if accelerator.device.type == "cpu" and "OMP_NUM_THREADS" not in os.environ:
        # N processes on one CPU share its cores; oversubscribed OpenMP threads spin and made
        # generation ~15x slower here (87 s vs 5.5 s for the same batch).
        import torch

        local_processes = int(os.environ.get("LOCAL_WORLD_SIZE", accelerator.num_processes))
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // local_processes))
    return accelerator


def close_process_group() -> None:
    """End an `accelerate launch` run's process group: wait for every rank, then destroy the group.

    Call it after the last collective, on success only. Without it, a rank that finished first exited
    while gloo's worker threads still held finished work (tensors with Python references); freeing them
    during interpreter finalization aborts the process now and then (SIGABRT, `terminate called without
    an active exception`: 2 runs in 12, see pytorch/pytorch#190489), and the launcher then killed rank 0
    before it wrote results. After the barrier no rank needs another, so each may exit in its own time.
    Not on an error: a rank inside a collective the failed rank never joins would hang the barrier (and
    gloo's teardown); the launcher stops the other ranks within 0.1 s of a rank's failure instead.
    """
    if "torch" not in sys.modules:  # torch was never imported: there is no process group
        return
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def build_lm(config: RunConfig, accelerator: Any | None = None) -> Any:
    """The lm-eval `LM` for `--model`: our HF backend, or any lm-eval model as `lm-eval:NAME`."""
    if config.model == "hf":
        # lazy: lm-eval's LM base class (~0.5 s) loads only when a model is built, not for everyone who
        # imports the runner (the report, the Python API's judge and meta)
        from ifteval.generation.lm import IftevalLM

        args = dict(config.model_args)
        known = {"pretrained", "peft", "dtype", "device", "trust_remote_code"}
        unknown = sorted(set(args) - known)
        if unknown:
            raise IftevalError(
                f"unknown --model-args key '{unknown[0]}' for --model hf; "
                f"valid keys: {', '.join(sorted(known))}"
            )
        if accelerator is not None and "device" not in args:
            args["device"] = str(accelerator.device)
        generator = HFGenerator(batch_size=config.batch_size, **args)
        cache = generation_cache(config)
        return IftevalLM(generator, distributed=accelerator, progress=config.progress, cache=cache)
    if config.model == "openai-chat":
        from ifteval.generation.openai_chat import OpenAIChatLM  # lazy: lm-eval, as IftevalLM above

        if accelerator is not None:
            raise IftevalError(
                "--model openai-chat runs as one process: start it with plain 'ifteval run' (the "
                "server scales through max_concurrency); under 'accelerate launch' every process "
                "would send the same documents again"
            )

        return OpenAIChatLM.from_model_args(
            config.model_args, use_cache=config.use_cache, progress=config.progress
        )
    if config.model.startswith("lm-eval:"):
        name = config.model.split(":", 1)[1]
        model_class = lm_eval_model(name)
        try:
            return model_class.create_from_arg_obj(dict(config.model_args), {"batch_size": config.batch_size})
        except OSError as exc:  # offline and not on disk: one line, not transformers' 69-line traceback
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise IftevalError(
                f"--model lm-eval:{name} cannot load '{config.model_args.get('pretrained', '')}': {first} "
                "Offline, pass a local folder (pretrained=PATH; the embedded model is "
                "pretrained=$(ifteval model path))"
            ) from exc
    raise IftevalError(
        f"unknown --model '{config.model}'; choose 'hf', 'openai-chat' or 'lm-eval:<lm-eval model name>'"
    )


def lm_eval_model(name: str) -> Any:
    """lm-eval's model class registered as `name`; an unknown name is an `UnknownNameError` with the
    closest registered names (lm-eval's own ValueError lists all ~40 of them on one line)."""
    import lm_eval.api.registry as registry

    if len(registry.model_registry) == 0:
        import lm_eval.models  # noqa: F401 - registers lm-eval's models

    names = sorted(registry.model_registry.keys())
    if name not in names:
        hint = did_you_mean(name, names) or f" Registered: {', '.join(names[:12])}, ..."
        raise UnknownNameError(f"unknown lm-eval model '{name}' in --model lm-eval:{name}.{hint}")
    try:
        return registry.get_model(name)
    except (ImportError, ValueError) as exc:  # a lazy entry whose package is not installed
        raise IftevalError(f"--model lm-eval:{name}: cannot load lm-eval's model: {exc}") from exc


def generation_cache(config: RunConfig) -> Any | None:
    if not config.use_cache:
        return None

    return GenerationCache()
