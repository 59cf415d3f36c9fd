"""The paper's specialization experiments (Section 3, A.5, C.1, C.2): mixtures, LoRA fine-tuning, curves.

- ``mix``: the base instruction set plus N target-task rows, rendered by lm-eval in the task's A.1 format;
- ``finetune``: one LoRA adapter per mixture with TRL's ``SFTTrainer`` (paper A.5 defaults);
- ``curve``: every adapter evaluated in one sweep over one loaded base model, then ``phases``
  (format point, task point) read from the curves.

File formats (each has one writer here and is read by the next command):
``MIX/<name>/{train.jsonl, validation.jsonl, manifest.json}``, ``ADAPTERS/<name>/ifteval_adapter.json``
and ``CURVE/curve.json``; see docs/specialization.md.
"""
