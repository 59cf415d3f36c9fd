"""Experiment logging that works offline: Weights & Biases in offline mode, and a local folder in the
Hugging Face Hub's dataset layout (what lm-eval's `--hf_hub_log_args` pushes), uploaded later by the user.

W&B goes through lm-eval's own `WandbLogger` (the results tables and the config), plus one table of
ifteval sample rows per task. W&B is an optional dependency (`pip install 'ifteval[wandb]'`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ifteval.config import parse_key_values
from ifteval.errors import ConfigError
from ifteval.jsonl import read_jsonl
from ifteval.outputs import check_output_folder

HUB_KEYS = frozenset(
    {"local_dir", "details_repo_name", "hub_results_org", "point_of_contact", "leaderboard_url"}
)
PUSH_KEYS = frozenset({"push_results_to_hub", "push_samples_to_hub", "public_repo", "token", "gated",
                       "hub_repo_name", "results_repo_name"})


def check_wandb_args(init_args: Mapping[str, Any]) -> None:
    """Before any work: wandb importable, and no key in the arguments (it would reach the run config)."""
    try:
        import wandb  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            "--wandb-args needs Weights & Biases: pip install 'ifteval[wandb]' (or pip install wandb)"
        ) from exc
    secret = sorted(k for k in init_args if "key" in k.lower() or "token" in k.lower())
    if secret:
        raise ConfigError(
            f"--wandb-args '{secret[0]}': put the W&B key in WANDB_API_KEY, never on the command line"
        )


def log_to_wandb(
    results: Mapping[str, Any],
    samples: Mapping[str, Sequence[Mapping[str, Any]]],
    init_args: Mapping[str, Any],
    output_path: Path,
    config_args: Mapping[str, Any] | None = None,
) -> str:
    """Log one run to W&B; offline unless `mode=` or `WANDB_MODE` says otherwise. Returns the run folder
    (`wandb sync FOLDER` uploads an offline run later)."""
    import pandas as pd
    import wandb
    from lm_eval.loggers import WandbLogger

    args = dict(init_args)
    if "mode" not in args and not os.environ.get("WANDB_MODE"):
        args["mode"] = "offline"  # ifteval runs offline; the user syncs when they choose
    args.setdefault("dir", str(output_path))  # ./wandb would land wherever the command ran
    args.setdefault("job_type", "eval")
    Path(args["dir"]).mkdir(parents=True, exist_ok=True)
    logger = WandbLogger(args, dict(config_args or {}))
    try:
        logger.post_init(dict(results))
        logger.log_eval_result()
        for task, rows in samples.items():
            frame = pd.DataFrame([_flat(row) for row in rows])
            logger.run.log({f"{task}_samples": wandb.Table(dataframe=frame)})
        folder = str(Path(logger.run.dir).parent)
    finally:
        logger.run.finish()
    return folder


def _flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """A sample row with nested values (judge scores, details) as JSON text, so W&B tables take it."""
    plain = (str, int, float, bool)
    return {k: v if isinstance(v, plain) or v is None else json.dumps(v) for k, v in row.items()}


def check_hub_log_args(args: Mapping[str, Any]) -> None:
    pushing = sorted(k for k in args if k in PUSH_KEYS and args[k] not in (False, "", None))
    if pushing:
        raise ConfigError(
            f"--hf-hub-log-args {pushing[0]}: ifteval runs offline and exports the Hub layout to a local "
            "folder (local_dir=DIR); upload it later with: "
            "huggingface-cli upload ORG/NAME DIR --repo-type dataset"
        )
    unknown = sorted(set(args) - HUB_KEYS - PUSH_KEYS)
    if unknown:
        valid = ", ".join(sorted(HUB_KEYS))
        raise ConfigError(f"--hf-hub-log-args key '{unknown[0]}' is unknown; valid: {valid}")


def sanitize_model_name(name: str) -> str:
    """lm-eval's folder name for a model (`org__name`; a path keeps only safe characters)."""
    return re.sub(r"[\"<>:/|\\?*\[\]]+", "__", name)


def export_hub_layout(
    results: Mapping[str, Any],
    samples: Mapping[str, Sequence[Mapping[str, Any]]],
    args: Mapping[str, Any],
    output_path: Path,
) -> Path:
    """Write `DIR/<model>/results_<date>.json`, `DIR/<model>/samples_<task>_<date>.jsonl` and a dataset
    card whose `configs` let `datasets.load_dataset(DIR, "<task>")` read the samples (split `latest`)."""
    from huggingface_hub import DatasetCard, DatasetCardData

    folder = Path(args.get("local_dir") or output_path / "hub")
    config = results.get("config", {})
    model = str(config.get("model_args", {}).get("pretrained") or config.get("model_args", {}).get("model")
                or config.get("model") or "model")
    model_dir = sanitize_model_name(Path(model).name if Path(model).is_absolute() else model)
    date_id = datetime.now().isoformat().replace(":", "-")
    (folder / model_dir).mkdir(parents=True, exist_ok=True)
    results_file = folder / model_dir / f"results_{date_id}.json"
    results_file.write_text(json.dumps(results, indent=2, default=str, ensure_ascii=False) + "\n")
    configs = []
    for task, rows in samples.items():
        path = folder / model_dir / f"samples_{task}_{date_id}.jsonl"
        path.write_text("".join(json.dumps(_flat(r), ensure_ascii=False) + "\n" for r in rows))
        configs.append(_card_config(task, model_dir, f"samples_{task}_*.jsonl", date_id))
    configs.append(_card_config("results", model_dir, "results_*.json", date_id))
    card_data = DatasetCardData(configs=configs, pretty_name=f"ifteval evaluation of {model}")
    text = (
        f"---\n{card_data.to_yaml()}\n---\n\n# ifteval evaluation of {model}\n\n"
        f"Written by `ifteval run --hf-hub-log-args` (lm-eval's details layout). One config per task "
        f"(split `latest` and one split per run date), and `results`.\n"
    )
    if args.get("point_of_contact"):
        text += f"\nContact: {args['point_of_contact']}\n"
    DatasetCard(text).save(folder / "README.md")
    return folder


def _card_config(name: str, model_dir: str, pattern: str, date_id: str) -> dict[str, Any]:
    dated = pattern.replace("*", date_id)
    return {
        "config_name": name,
        "data_files": [
            {"split": date_id.replace("-", "_").replace(".", "_"), "path": [f"{model_dir}/{dated}"]},
            {"split": "latest", "path": [f"{model_dir}/{dated}"]},
        ],
    }


def check_logging_flags(wandb_args: str | None, wandb_config_args: str | None,
                        hub_args: str | None, inputs: Iterable[Path | None] = ()
                        ) -> tuple[dict, dict, dict | None]:
    """Parse and check `--wandb-args`, `--wandb-config-args`, `--hf-hub-log-args` before any work,
    including the folders they write (`dir`, `local_dir`): a bad one used to surface only after
    generation, as a traceback."""
    inputs = list(inputs)
    init = parse_key_values("--wandb-args", wandb_args)
    config = parse_key_values("--wandb-config-args", wandb_config_args)
    if wandb_args is not None:
        check_wandb_args(init)
        if init.get("dir"):
            check_output_folder(str(init["dir"]), "--wandb-args dir", inputs)
    hub = None
    if hub_args is not None:
        hub = parse_key_values("--hf-hub-log-args", hub_args)
        check_hub_log_args(hub)
        if hub.get("local_dir"):
            check_output_folder(str(hub["local_dir"]), "--hf-hub-log-args local_dir", inputs)
    return init, config, hub


def log_run(results: Mapping[str, Any], output_path: Path, wandb_init: Mapping[str, Any] | None,
            wandb_config: Mapping[str, Any], hub: Mapping[str, Any] | None) -> list[str]:
    """After a run: the W&B run and the Hub-layout export, from the run's own output files."""
    samples = {
        path.name.removeprefix("samples_").removesuffix(".jsonl"): [row for _, row in read_jsonl(path)]
        for path in sorted(Path(output_path).glob("samples_*.jsonl"))
    }
    lines = []
    if wandb_init is not None:
        folder = log_to_wandb(results, samples, wandb_init, Path(output_path), wandb_config)
        lines.append(f"wandb: run saved in {folder} (offline runs upload with: wandb sync {folder})")
    if hub is not None:
        folder = export_hub_layout(results, samples, hub, Path(output_path))
        lines.append(f"hub layout: {folder} (upload with: huggingface-cli upload ORG/NAME {folder} "
                     "--repo-type dataset)")
    return lines
