"""LoRA weights as a GGUF adapter that llama.cpp loads (``llama_adapter_lora_init``).

The file holds, per adapted matrix, ``blk.N.<tensor>.weight.lora_a`` (ggml shape
{n_in, r}, i.e. peft's ``lora_A`` as stored) and ``….lora_b`` ({r, n_out}, peft's
``lora_B``), with ``general.type=adapter``, ``adapter.type=lora`` and
``adapter.lora.alpha``; llama.cpp scales by alpha / r as peft does. Written to a
temporary name and renamed, so a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from app.core.finetune.gguf_model import TARGETS

# peft names: base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight
#           (or ….lora_A.default.weight inside a live model)
_PEFT = re.compile(r"layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.\w+)?\.weight$")


def gguf_tensors(state: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The adapter's GGUF tensors from a peft state dict (names of either form)."""
    out: dict[str, np.ndarray] = {}
    for name, value in state.items():
        m = _PEFT.search(name)
        if m is None or m.group(2) not in TARGETS:
            continue
        layer, module, ab = m.groups()
        array = value.detach().float().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
        out[f"blk.{layer}.{TARGETS[module]}.weight.lora_{ab.lower()}"] = np.ascontiguousarray(array, np.float32)
    return out


def write_adapter(path: Path, state: Mapping[str, Any], alpha: float, architecture: str = "qwen2",
                  name: str = "sova-lora") -> Path:
    """Write the adapter atomically; returns ``path``."""
    import gguf

    tensors = gguf_tensors(state)
    if not tensors:
        raise ValueError("the state has no LoRA weights")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    writer = gguf.GGUFWriter(str(tmp), architecture)
    writer.add_string("general.type", "adapter")
    writer.add_string("general.name", name)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    for key in sorted(tensors, key=_order):
        writer.add_tensor(key, tensors[key])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def _order(key: str) -> tuple[int, str]:
    parts = key.split(".")
    return int(parts[1]), key
