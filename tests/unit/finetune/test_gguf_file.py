"""The memory-mapped GGUF reader agrees with the gguf library's own reader."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest
from gguf.quants import dequantize, quantize

from app.core.finetune.gguf_file import GGUFError, GGUFFile
from app.core.finetune.gguf_model import UnsupportedModel, read_info


def write_model(path: Path) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    tensors = {
        "token_embd.weight": rng.standard_normal((50, 64)).astype(np.float32),
        "blk.0.attn_q.weight": rng.standard_normal((64, 64)).astype(np.float32),
        "blk.0.attn_norm.weight": rng.standard_normal(64).astype(np.float32),
    }
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_block_count(1)
    w.add_embedding_length(64)
    w.add_feed_forward_length(128)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    w.add_context_length(2048)
    w.add_rope_freq_base(1e6)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_token_list([f"tok{i}" for i in range(50)])  # a string array, skipped
    w.add_token_scores([0.5] * 50)  # a number array, skipped
    w.add_string("tokenizer.chat_template", "{{ messages }} ✓")
    w.add_tensor("token_embd.weight", quantize(tensors["token_embd.weight"], gguf.GGMLQuantizationType.Q8_0),
                 raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("blk.0.attn_q.weight", tensors["blk.0.attn_q.weight"].astype(np.float16))
    w.add_tensor("blk.0.attn_norm.weight", tensors["blk.0.attn_norm.weight"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return tensors


def test_metadata_and_tensors_match_the_library_reader(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    write_model(path)
    ours = GGUFFile(path)
    theirs = gguf.GGUFReader(str(path))

    assert ours.metadata["general.architecture"] == "qwen2"
    assert ours.metadata["qwen2.embedding_length"] == 64
    assert ours.metadata["tokenizer.chat_template"] == "{{ messages }} ✓"
    assert ours.metadata["tokenizer.ggml.tokens"] == 50  # arrays: their length only
    assert [t.name for t in ours] == [t.name for t in theirs.tensors]
    for mine, ref in zip(ours, theirs.tensors):
        assert mine.dims == tuple(int(d) for d in ref.shape)
        assert mine.qtype == int(ref.tensor_type)
        got = dequantize(ours.data(mine), gguf.GGMLQuantizationType(mine.qtype))
        want = dequantize(ref.data, ref.tensor_type)
        assert got.shape == want.shape and np.array_equal(got, want), mine.name


def test_read_info_gives_the_shape(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    write_model(path)
    info = read_info(path)
    assert (info.n_layers, info.n_embd, info.n_ff, info.n_head, info.n_head_kv, info.vocab) == (1, 64, 128, 4, 2, 50)
    assert info.tied and info.rope_base == 1e6


@pytest.mark.parametrize("content", [b"", b"GGUF", b"NOPE" + bytes(40), b"GGUF\x03\x00\x00\x00" + bytes(3)])
def test_broken_files_are_refused_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(UnsupportedModel):
        read_info(path)


def test_a_truncated_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    write_model(path)
    path.write_bytes(path.read_bytes()[:200])  # cut inside the metadata
    with pytest.raises(GGUFError):
        GGUFFile(path)


def test_a_model_cut_inside_its_tensors_names_the_tensor(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    write_model(path)
    path.write_bytes(path.read_bytes()[:-100])
    file = GGUFFile(path)
    with pytest.raises(GGUFError, match="attn_norm"):
        file.data(file.tensors[-1])
