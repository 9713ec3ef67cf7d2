"""Local LoRA fine-tuning from rated answers: the training process, GGUF adapters, their evaluation and versions."""
