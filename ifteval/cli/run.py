"""`ifteval run`: generate on tasks with a model and score with gold metrics and judges."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ifteval.cli.common import (
    add_data_dir,
    add_include_path,
    add_limit,
    add_no_progress,
    seed_arg,
    split_list,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="generate on tasks and score the outputs",
        description="Generate on ifteval (or lm-eval) tasks and score with gold metrics and judges. "
        "Writes OUTPUT/results.json (lm-eval layout) and OUTPUT/samples_<task>.jsonl.",
    )
    parser.add_argument(
        "--model",
        default="hf",
        help="'hf' (default: transformers + peft), 'openai-chat' (any OpenAI-compatible server: "
        "--model-args model=NAME,base_url=URL) or 'lm-eval:NAME'",
    )
    parser.add_argument(
        "--model-args",
        default="",
        help="key=value,... e.g. pretrained=PATH,peft=ADAPTER,dtype=float32 (default: the embedded SmolLM2)",
    )
    parser.add_argument("--tasks", required=True, help="comma-separated task names, tags or groups")
    add_limit(parser)
    parser.add_argument("--batch-size", type=batch_size_arg, default=8,
                        help="generation batch size (a positive integer), or 'auto'")
    chat = parser.add_mutually_exclusive_group()
    chat.add_argument("--apply-chat-template", dest="chat", action="store_true", default=True,
                      help="wrap prompts in the model's chat template (default)")
    chat.add_argument("--no-chat-template", dest="chat", action="store_false", help="send raw prompts")
    parser.add_argument("--num-fewshot", type=int, default=None)
    parser.add_argument(
        "--seed", type=seed_arg, default=0, help="seed for python, numpy, torch and few-shot sampling"
    )
    parser.add_argument("--judges", default="", help="comma-separated judges to score the generations with")
    parser.add_argument("--judge-arg", action="append", default=[], metavar="JUDGE.KEY=VALUE",
                        help="override a judge's preset argument (repeatable), e.g. gpt4.model=NAME; a judge "
                        "given by path is named by its file stem")
    add_include_path(parser)
    parser.add_argument("--include-defaults", action="store_true",
                        help="also index lm-eval's built-in tasks (slow: ~14,000 tasks)")
    add_data_dir(parser)
    parser.add_argument("--output-path", required=True, type=Path, help="folder for results and samples")
    add_no_progress(parser)
    parser.add_argument(
        "--adapters",
        nargs="+",
        default=None,
        metavar="ADAPTER",
        help="peft adapter folders (or a quoted glob 'DIR/*') to sweep on one loaded base model; writes "
        "OUTPUT/<adapter>/ per adapter and OUTPUT/sweep.json + sweep.md",
    )
    parser.add_argument("--include-base", action="store_true",
                        help="with --adapters: also evaluate the base model alone (row 'base')")
    parser.add_argument("--no-cache", dest="use_cache", action="store_false",
                        help="neither read nor write the generation cache (default: on, so reruns resume)")
    lm_eval_options = parser.add_argument_group(
        "lm-eval options", "same meaning as in 'lm_eval run'; every flag also takes lm-eval's underscore "
        "spelling (--gen_kwargs, --model_args, --output_path, ...)")
    lm_eval_options.add_argument(
        "--gen-kwargs", default=None, metavar="KEY=VALUE,...",
        help="generation parameters merged into every task's generation_kwargs, e.g. "
        "max_gen_toks=32,temperature=0 (recorded in results.json and in the generation cache key)")
    lm_eval_options.add_argument("--system-instruction", default=None, metavar="TEXT",
                                 help="a system message before every prompt")
    lm_eval_options.add_argument(
        "--fewshot-as-multiturn", nargs="?", const=True, default=None, type=_true_or_false,
        metavar="true|false",
        help="few-shot examples as alternating chat turns (default: on with the chat template)")
    lm_eval_options.add_argument(
        "--wandb-args", default=None, metavar="KEY=VALUE,...",
        help="log the run to Weights & Biases (wandb.init arguments, e.g. project=ifteval); offline "
        "unless mode=online or WANDB_MODE says otherwise: upload later with 'wandb sync'")
    lm_eval_options.add_argument("--wandb-config-args", default=None, metavar="KEY=VALUE,...",
                                 help="extra W&B run config")
    lm_eval_options.add_argument(
        "--hf-hub-log-args", default=None, metavar="KEY=VALUE,...",
        help="export results and samples in the Hugging Face Hub's dataset layout to a local folder "
        "(local_dir=DIR, default OUTPUT/hub); upload it later with 'huggingface-cli upload'")
    lm_eval_options.add_argument(
        "--predict-only", action="store_true",
        help="write generations and samples only: no metrics, no judges (score later with 'ifteval judge')")
    parser.add_argument("--overwrite", action="store_true",
                        help="OUTPUT holds a different run: remove its results.json and samples files first")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from ifteval.config import RunConfig, parse_model_args
    from ifteval.errors import IftevalError
    from ifteval.generation.backends import close_process_group
    from ifteval.run_options import parse_gen_kwargs
    from ifteval.runner import print_table, run

    if args.include_base and not args.adapters:
        raise IftevalError(
            "--include-base adds the base model as a row of an adapter sweep; it needs --adapters "
            "(without adapters, a plain 'ifteval run' already evaluates the base model)"
        )
    from ifteval.outputs import check_output_folder
    from ifteval.run_checks import check_limit, check_model_args, check_num_fewshot

    check_output_folder(args.output_path, "--output-path", [args.data_dir, *args.include_path])
    from ifteval.tracking import check_logging_flags

    wandb_init, wandb_config, hub = check_logging_flags(args.wandb_args, args.wandb_config_args,
                                                        args.hf_hub_log_args,
                                                        [args.data_dir, *args.include_path])
    model_args = parse_model_args(args.model_args)
    check_model_args(model_args, args.model_args)
    config = RunConfig(
        tasks=split_list(args.tasks),
        output_path=args.output_path,
        model=args.model,
        model_args=model_args,
        limit=check_limit(args.limit),
        batch_size=args.batch_size,
        apply_chat_template=args.chat,
        num_fewshot=check_num_fewshot(args.num_fewshot),
        seed=args.seed,
        include_paths=args.include_path,
        include_defaults=args.include_defaults,
        judges=split_list(args.judges),
        judge_args=args.judge_arg,
        data_dir=args.data_dir,
        progress=args.progress,
        use_cache=args.use_cache,
        gen_kwargs=parse_gen_kwargs(args.gen_kwargs),
        system_instruction=args.system_instruction,
        fewshot_as_multiturn=args.fewshot_as_multiturn,
        predict_only=args.predict_only,
        overwrite=args.overwrite,
    )
    if args.adapters:
        from ifteval.sweep import format_table, run_sweep

        summary = run_sweep(config, args.adapters, include_base=args.include_base)
        close_process_group()  # data parallel: every rank done before any exits (no-op otherwise)
        if summary is not None:
            print(format_table(summary["rows"]))
            print(f"sweep: {args.output_path / 'sweep.json'}")
        return 0
    results = run(config)
    close_process_group()  # run() closed it already when it built the model; a no-op then
    if results is not None:
        print_table(results)
        print(f"results: {args.output_path / 'results.json'}")
        if args.wandb_args is not None or hub is not None:
            from ifteval.tracking import log_run

            wandb = wandb_init if args.wandb_args is not None else None
            for line in log_run(results, args.output_path, wandb, wandb_config, hub):
                print(line)
    return 0


def batch_size_arg(value: str) -> int | str:
    """--batch-size: a positive integer or 'auto' (argparse prints the error as usage, no traceback)."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a positive integer or 'auto'")
    return size


def _true_or_false(value: str) -> bool:
    """lm-eval's `--fewshot_as_multiturn [true|false]`."""
    if value.strip().lower() in ("true", "1", "yes"):
        return True
    if value.strip().lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"'{value}' is not true or false")
