"""Sova's core as a small service: the model scheduler, the job runner, health and
recovery of each model, and the metrics every request leaves behind."""
