"""The vision pair check on the real bundled language models and on projector files
written with gguf's own writer (no vision model ships in a package these machines can
install): a fitting pair is listed, every mismatch is refused by name and reason
before llama.cpp ever sees it."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest

from app.core.config import user_paths
from app.core.images.vision import VisionPairError, check_pair, fit_for_batch

REAL = {"qwen2.5-coder-0.5b": 896, "qwen2.5-coder-1.5b": 1536}


def real_model(model_id: str) -> Path:
    path = user_paths().models / f"{model_id}.gguf"
    if not path.exists():
        from app.core.config import Paths
        from app.core.models import ModelRegistry

        root = user_paths().models
        ModelRegistry(Paths(root.parent / "c", root.parent / "d", root.parent / "k", root).ensure()).ensure(model_id)
    return path


def write_mmproj(path: Path, out: int, *, declared: bool = False, vision: bool = True, arch: str = "clip") -> Path:
    w = gguf.GGUFWriter(str(path), arch)
    w.add_bool("clip.has_vision_encoder", vision)
    w.add_string("clip.projector_type", "mlp")
    w.add_uint32("clip.vision.image_size", 336)
    w.add_uint32("clip.vision.patch_size", 14)
    if declared:
        w.add_uint32("clip.vision.projection_dim", out)
    w.add_tensor("mm.0.weight", np.zeros((32, 16), dtype=np.float16))  # 16 in -> 32 out
    w.add_tensor("mm.2.weight", np.zeros((out, 32), dtype=np.float16))  # 32 in -> out
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


@pytest.mark.parametrize("model_id", list(REAL))
def test_a_fitting_projector_is_accepted(tmp_path: Path, model_id: str) -> None:
    n = REAL[model_id]
    pair = check_pair(real_model(model_id), write_mmproj(tmp_path / "mmproj.gguf", n))
    assert (pair.architecture, pair.n_embd, pair.image_size, pair.patch_size) == ("qwen2", n, 336, 14)
    assert check_pair(real_model(model_id), write_mmproj(tmp_path / "d.gguf", n, declared=True)).n_embd == n


def test_a_projector_of_another_model_is_refused_with_both_sizes(tmp_path: Path) -> None:
    with pytest.raises(VisionPairError) as e:
        check_pair(real_model("qwen2.5-coder-1.5b"), write_mmproj(tmp_path / "mmproj-0.5b.gguf", 896))
    assert e.value.code == "vision_mismatch" and "mmproj-0.5b.gguf" in str(e.value)
    assert (e.value.params["projector"], e.value.params["n_embd"]) == (896, 1536)


def test_swapped_missing_and_wrong_files_are_named(tmp_path: Path) -> None:
    mmproj = write_mmproj(tmp_path / "mmproj.gguf", 896)
    model = real_model("qwen2.5-coder-0.5b")
    cases = [((mmproj, model), "vision_swapped"), ((model, tmp_path / "gone.gguf"), "vision_missing"),
             ((model, model), "vision_not_projector"),
             ((model, write_mmproj(tmp_path / "audio.gguf", 896, vision=False)), "vision_no_encoder")]
    (tmp_path / "text.gguf").write_text("not a gguf")
    cases.append(((model, tmp_path / "text.gguf"), "vision_not_gguf"))
    for (m, p), code in cases:
        with pytest.raises(VisionPairError) as e:
            check_pair(m, p)
        assert e.value.code == code, (m.name, p.name, e.value.code)
        assert e.value.params["name"] in (m.name, p.name)


def test_pictures_are_sized_to_fit_one_micro_batch() -> None:
    w, h = fit_for_batch(4000, 3000, patch=14, n_batch=512)
    assert w % 28 == 0 and h % 28 == 0 and (w / 28) * (h / 28) <= 512 and abs(w / h - 4 / 3) < 0.1
    assert fit_for_batch(280, 140, patch=14, n_batch=512) == (280, 140)  # small pictures stay as they are


def test_a_vision_pair_is_listed_as_seeing_pictures_and_a_mismatch_is_refused(tmp_path: Path) -> None:
    from app.core.config import Paths
    from app.core.llm.base import ModelError
    from app.core.models import ModelRegistry

    registry = ModelRegistry(Paths(tmp_path / "c", tmp_path / "d", tmp_path / "k", tmp_path / "m").ensure())
    model = real_model("qwen2.5-coder-0.5b")
    with pytest.raises(ModelError) as e:
        registry.add(model, mmproj=write_mmproj(tmp_path / "mmproj-1.5b.gguf", 1536))
    assert e.value.code == "vision_mismatch" and e.value.params["name"] == "mmproj-1.5b.gguf"
    assert registry.list()[-1].source == "bundled"  # nothing was listed
    mmproj = write_mmproj(tmp_path / "mmproj.gguf", 896)
    info = registry.add(model, mmproj=mmproj)
    again = registry.get(info.id)
    assert again.sees_images and again.mmproj == mmproj and again.available
    assert again.vision == {"mmproj": str(mmproj), "patch": 14, "merge": 1, "dynamic": False, "fixed_tokens": 578}
    mmproj.unlink()  # the projector went away: the model is not available, and says why
    assert not registry.get(info.id).available
    with pytest.raises(ModelError) as e:
        registry.ensure(info.id)
    assert e.value.code == "vision_missing"
