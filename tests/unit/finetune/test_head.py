"""The fused output layer gives the log-softmax's target values and gradients without
ever holding all the logits."""

from __future__ import annotations

import pytest
import torch

from app.core.finetune import gguf_model
from app.core.finetune.gguf_model import Head


def test_target_logprobs_and_gradients_match_a_plain_log_softmax(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf_model, "HEAD_SLICE_ROWS", 7)  # several slices, the last one short
    gen = torch.Generator().manual_seed(3)
    weight = torch.randn(30, 8, generator=gen).half()
    targets = torch.tensor([0, 6, 7, 13, 29, 29])  # at slice edges, and repeated
    hidden = torch.randn(6, 8, generator=gen, requires_grad=True)
    scale = torch.arange(1.0, 7.0)

    got = Head(weight).logprobs(hidden, targets)
    (got * scale).sum().backward()
    grad_got = hidden.grad.clone()

    hidden.grad = None
    want = torch.log_softmax(hidden @ weight.float().T, dim=-1).gather(1, targets[:, None])[:, 0]
    (want * scale).sum().backward()

    assert torch.allclose(got, want, atol=1e-5)
    assert torch.allclose(grad_got, hidden.grad, atol=1e-5)
    assert bool((got < 0).all())


def test_large_logits_and_no_grad_give_the_same_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """The running maximum rescales what was summed before it (logits in the hundreds
    would overflow a plain exp), and without a gradient nothing extra is carried."""
    monkeypatch.setattr(gguf_model, "HEAD_SLICE_ROWS", 5)
    gen = torch.Generator().manual_seed(5)
    weight = (torch.randn(23, 4, generator=gen) * 8).half()
    targets = torch.tensor([1, 22, 11])
    hidden = torch.randn(3, 4, generator=gen) * 20
    want = torch.log_softmax(hidden @ weight.float().T, dim=-1).gather(1, targets[:, None])[:, 0]

    with torch.no_grad():
        got = Head(weight).logprobs(hidden.requires_grad_(), targets)

    assert torch.isfinite(got).all()
    assert torch.allclose(got, want, atol=1e-4)
