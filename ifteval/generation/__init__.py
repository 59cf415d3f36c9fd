"""Generation backends: local transformers (+ peft, accelerate data parallel) and OpenAI-compatible APIs."""
