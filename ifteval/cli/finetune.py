"""`ifteval finetune`: train one LoRA adapter per mixture folder (TRL SFTTrainer + peft, paper A.5)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ifteval.cli.common import add_no_progress, fmt_or_na, seed_arg, split_list


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "finetune",
        help="train one LoRA adapter per mixture (TRL SFTTrainer, paper A.5 defaults)",
        description="Train a LoRA adapter on each mixture under MIXTURES into OUTPUT/<mixture>/. "
        "Defaults are the paper's A.5: min(400 steps, one epoch), effective batch 128, lr 5e-4 linear, "
        "100 warm-up steps, early stopping on validation loss. Finished adapters are skipped; a killed "
        "job resumes from its last checkpoint. Runs under 'accelerate launch -m ifteval finetune ...'.",
    )
    parser.add_argument(
        "mixtures", type=Path, help="a folder of mixtures (from 'ifteval mix') or one mixture"
    )
    parser.add_argument(
        "--model-args", default="", help="pretrained=PATH[,dtype=bfloat16] (default: the embedded SmolLM2)"
    )
    parser.add_argument("--output", required=True, type=Path, help="folder for the adapter folders")
    parser.add_argument("--max-steps", type=int, default=400, help="upper bound on steps (default 400)")
    parser.add_argument("--epochs", type=float, default=1.0, help="the other bound, in epochs (default 1)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=128,
        help="effective batch via gradient accumulation (default 128; 8 below 128 rows)",
    )
    parser.add_argument("--per-device-batch-size", type=int, default=8)
    parser.add_argument(
        "--lr", type=float, default=5e-4, help="peak learning rate, linear decay (default 5e-4)"
    )
    parser.add_argument("--warmup-steps", type=int, default=100)
    parser.add_argument(
        "--eval-steps", type=int, default=50, help="validation loss every N steps (default 50)"
    )
    parser.add_argument(
        "--patience",
        type=int,
        default=3,
        help="early stopping after N evaluations without improvement (0: off; default 3)",
    )
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--lora-alpha", type=int, default=32)
    parser.add_argument("--lora-dropout", type=float, default=0.05)
    parser.add_argument(
        "--lora-target-modules",
        default=None,
        help="comma-separated module names (default: peft's choice for the architecture)",
    )
    parser.add_argument("--max-length", type=int, default=1024, help="tokens per row (longer rows are cut)")
    parser.add_argument("--seed", type=seed_arg, default=0)
    chat = parser.add_mutually_exclusive_group()
    chat.add_argument(
        "--apply-chat-template",
        dest="chat",
        action="store_true",
        default=True,
        help="train on chat-formatted rows, as 'ifteval run' evaluates (default)",
    )
    chat.add_argument("--no-chat-template", dest="chat", action="store_false", help="train on raw prompts")
    parser.add_argument("--keep-checkpoints", action="store_true", help="keep OUTPUT/<adapter>/checkpoints/")
    add_no_progress(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.config import parse_model_args
    from ifteval.outputs import check_output_folder
    from ifteval.specialize.finetune import TrainSpec, finetune_all

    check_output_folder(args.output, "--output", [args.mixtures])  # before the model loads
    model_args = parse_model_args(args.model_args)
    targets = args.lora_target_modules
    spec = TrainSpec(
        max_steps=args.max_steps,
        epochs=args.epochs,
        batch_size=args.batch_size,
        per_device_batch_size=args.per_device_batch_size,
        learning_rate=args.lr,
        warmup_steps=args.warmup_steps,
        eval_steps=args.eval_steps,
        patience=args.patience,
        lora_r=args.lora_r,
        lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout,
        lora_target_modules=tuple(split_list(targets)) if targets else None,
        max_length=args.max_length,
        seed=args.seed,
        chat_template=args.chat,
        keep_checkpoints=args.keep_checkpoints,
        progress=args.progress,
    )
    metas = finetune_all(args.mixtures, args.output, model_args, spec)
    if int(os.environ.get("RANK", "0")) != 0:  # under `accelerate launch`, one summary is enough
        return 0
    for meta in metas:
        loss = meta["best_validation_loss"]
        print(
            f"{meta['target']} {meta['variant']} N={meta['n']} repeat={meta['repeat']}: "
            f"{meta['steps']} steps, best validation loss {fmt_or_na(loss)}"
        )
    print(f"adapters: {args.output}")
    return 0
