"""The base model for training, read from the same GGUF file llama.cpp runs.

Weights are dequantized one tensor at a time into a transformers ``Qwen2ForCausalLM``
built on the meta device, so loading never holds two copies (transformers' own GGUF
loader peaks near twice the model). The transformer's linear layers are bfloat16 where
the CPU multiplies bfloat16 natively (``bf16_native``: AVX512-BF16 or AMX; the training
step then runs under bfloat16 autocast, twice as fast as float32 on this machine's
Xeon with the same losses to two decimals) and float32 elsewhere (bfloat16 emulated is
no faster). The 151,936-row embedding and output matrices, which training never
changes, stay float16: the embedding is a lookup, and the output layer (``Head``)
multiplies only the positions that carry a loss, in float32 slices, under autocast too,
fused with the log-softmax. That keeps the 1.5B model's training process under 8 GB.

Texts are tokenized by llama.cpp itself (a vocabulary-only load) with the GGUF's chat
template, so training sees exactly the tokens inference sees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from app.core.finetune.gguf_file import GGUFError, GGUFFile

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

ARCHITECTURES = ("qwen2",)  # GGUF architectures the loader maps to transformers
HEAD_SLICE_ROWS = 16384  # output rows cast to float32 at a time

_LAYER_NAMES = {
    "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
}
# GGUF layer tensor -> the module name LoRA targets use (and back, for the adapter file).
TARGETS = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
           "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}


class UnsupportedModel(Exception):
    """The GGUF's architecture cannot be trained here (the message says which)."""


def hf_name(gguf_name: str) -> str | None:
    """The transformers parameter name of a GGUF tensor (None: not a model weight)."""
    if gguf_name == "token_embd.weight":
        return "model.embed_tokens.weight"
    if gguf_name == "output_norm.weight":
        return "model.norm.weight"
    if gguf_name == "output.weight":
        return "lm_head.weight"
    parts = gguf_name.split(".")
    if len(parts) == 4 and parts[0] == "blk" and parts[2] in _LAYER_NAMES:
        return f"model.layers.{parts[1]}.{_LAYER_NAMES[parts[2]]}.{parts[3]}"
    return None


@dataclass(frozen=True)
class BaseInfo:
    architecture: str
    n_layers: int
    n_embd: int
    n_ff: int
    n_head: int
    n_head_kv: int
    vocab: int
    rope_base: float
    rms_eps: float
    context: int
    tied: bool  # no output.weight: the embedding doubles as the output layer


def read_info(path: Path, file: GGUFFile | None = None) -> BaseInfo:
    """The model's shape from the GGUF metadata. Raises UnsupportedModel."""
    try:
        file = file or GGUFFile(path)
    except (OSError, GGUFError) as exc:
        raise UnsupportedModel(str(exc)) from exc
    get = file.metadata.get
    arch = get("general.architecture", "")
    if arch not in ARCHITECTURES:
        raise UnsupportedModel(f"training supports {', '.join(ARCHITECTURES)} models, not {arch or 'unknown'}")
    names = {t.name: t for t in file.tensors}
    if "token_embd.weight" not in names:
        raise UnsupportedModel("the GGUF has no token embedding")
    embd = names["token_embd.weight"]
    return BaseInfo(
        architecture=arch,
        n_layers=int(get(f"{arch}.block_count")),
        n_embd=int(get(f"{arch}.embedding_length")),
        n_ff=int(get(f"{arch}.feed_forward_length")),
        n_head=int(get(f"{arch}.attention.head_count")),
        n_head_kv=int(get(f"{arch}.attention.head_count_kv")),
        vocab=int(embd.dims[1]),
        rope_base=float(get(f"{arch}.rope.freq_base", 10000.0)),
        rms_eps=float(get(f"{arch}.attention.layer_norm_rms_epsilon", 1e-6)),
        context=int(get(f"{arch}.context_length", 32768)),
        tied="output.weight" not in names,
    )


class Head:
    """The output layer on chosen positions, fused with the log-softmax: float16 weights,
    float32 maths in slices, gradient to the hidden states only (the weights are frozen).

    It returns the log-probability of each position's target token in one pass over the
    151,936 output rows, never holding all the logits: an online log-sum-exp, and, when
    a gradient is wanted, the softmax-weighted sum of the rows carried along with it
    (rescaled as the running maximum grows), so backward is a multiplication. Full
    logits, their log-softmax and its gradient cost ~2 MB a token of answer (0.8 GB for
    a 400-token answer), which pushed a long example of the 1.5B past 8 GB even with
    checkpointing; this also casts each float16 slice once a step instead of twice."""

    def __init__(self, weight: "torch.Tensor") -> None:
        self.weight = weight  # (vocab, n_embd), float16

    def logprobs(self, hidden: "torch.Tensor", targets: "torch.Tensor") -> "torch.Tensor":
        """log p(targets[i] | hidden[i]) for each position ``i`` (a tensor of positions)."""
        import torch

        weight = self.weight
        want_grad = torch.is_grad_enabled() and hidden.requires_grad

        # Always float32, also under bfloat16 autocast: the log-softmax over 150,000
        # logits is what the loss and the verdict's figures are made of.
        class _Fn(torch.autograd.Function):
            @staticmethod
            def forward(ctx: Any, h: "torch.Tensor") -> "torch.Tensor":
                ctx.dtype = h.dtype
                with torch.autocast("cpu", enabled=False):
                    h = h.float()
                    n = h.shape[0]
                    top = torch.full((n,), float("-inf"))  # running maximum logit
                    total = torch.zeros(n)  # sum of exp(logit - top)
                    picked = torch.zeros(n)
                    mix = torch.zeros_like(h) if want_grad else None  # sum of exp(logit - top) * row
                    for i in range(0, weight.shape[0], HEAD_SLICE_ROWS):
                        rows = weight[i:i + HEAD_SLICE_ROWS].float()
                        part = h @ rows.T
                        inside = (targets >= i) & (targets < i + rows.shape[0])
                        picked[inside] = part[inside, targets[inside] - i]
                        new_top = torch.maximum(top, part.amax(dim=-1))
                        shrink = torch.exp(top - new_top)
                        part = torch.exp(part - new_top[:, None])
                        total = total * shrink + part.sum(dim=-1)
                        if mix is not None:
                            mix = mix * shrink[:, None] + part @ rows
                        top = new_top
                    if mix is not None:
                        # d log p(t) / d h = row(t) - sum softmax(j) * row(j)
                        ctx.save_for_backward(weight[targets].float() - mix / total[:, None])
                return picked - top - torch.log(total)

            @staticmethod
            def backward(ctx: Any, grad: "torch.Tensor") -> "torch.Tensor":
                (dh,) = ctx.saved_tensors
                return (dh * grad.float()[:, None]).to(ctx.dtype)

        return _Fn.apply(hidden)


class HalfEmbedding:
    """A float16 embedding table whose rows come out float32 (a torch module)."""

    @staticmethod
    def build(weight: "torch.Tensor") -> "torch.nn.Module":
        import torch

        class _Embedding(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.register_buffer("weight", weight, persistent=False)

            def forward(self, ids: "torch.Tensor") -> "torch.Tensor":
                return torch.nn.functional.embedding(ids, self.weight).float()

        return _Embedding()


@dataclass
class BaseModel:
    """A loaded base model: the transformer (without its output layer) and the head."""

    model: Any  # transformers Qwen2ForCausalLM; its lm_head is unused
    head: Head
    info: BaseInfo
    bf16: bool = False  # linear layers in bfloat16: run it under ``autocast()``

    def autocast(self) -> Any:
        """The context its forward passes run in (bfloat16 autocast, or nothing)."""
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16)

    def hidden(self, input_ids: "torch.Tensor") -> "torch.Tensor":
        return self.model.model(input_ids=input_ids, use_cache=False).last_hidden_state


def bf16_native() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AVX512-BF16; every CPU with AMX has it)."""
    from app.core.diagnostics import cpu_flags

    return cpu_flags().get("AVX512BF16", False)


def load(path: Path, progress: Callable[[float], None] = lambda f: None, bf16: bool = False) -> BaseModel:
    """Read a GGUF into a trainable model (see the module docstring), its linear layers
    bfloat16 when ``bf16``. Raises UnsupportedModel."""
    import numpy as np
    import torch
    from gguf.constants import GGMLQuantizationType
    from gguf.quants import dequantize
    from transformers import Qwen2Config, Qwen2ForCausalLM

    file = GGUFFile(path)
    info = read_info(path, file)
    config = Qwen2Config(
        vocab_size=info.vocab, hidden_size=info.n_embd, intermediate_size=info.n_ff,
        num_hidden_layers=info.n_layers, num_attention_heads=info.n_head, num_key_value_heads=info.n_head_kv,
        rope_theta=info.rope_base, rms_norm_eps=info.rms_eps, max_position_embeddings=info.context,
        tie_word_embeddings=info.tied, attn_implementation="sdpa",
    )
    with torch.device("meta"):
        model = Qwen2ForCausalLM(config)
    params = dict(model.named_parameters())
    tensors = file.tensors
    embed = head = None
    for i, t in enumerate(tensors):
        name = hf_name(t.name)
        array = dequantize(file.data(t), GGMLQuantizationType(t.qtype))
        if name == "model.embed_tokens.weight":
            embed = torch.from_numpy(array.astype(np.float16))
        elif name == "lm_head.weight":
            head = torch.from_numpy(array.astype(np.float16))
        elif name in params:
            param = params[name]
            value = torch.from_numpy(np.array(array, dtype=np.float32)).reshape(param.shape)  # a copy: the GGUF is read-only
            if bf16 and value.dim() == 2:  # the linear layers (norms stay float32)
                value = value.to(torch.bfloat16)
            module_name, _, attr = name.rpartition(".")
            module = model.get_submodule(module_name)
            setattr(module, attr, torch.nn.Parameter(value, requires_grad=False))
        else:
            log.debug("GGUF tensor %s is not used for training", t.name)
        del array
        # The pages read so far would otherwise count on top of the model being built
        # (1.1 GB for the 1.5B): the load, not training, set the process's peak.
        file.release()
        progress((i + 1) / len(tensors))
    if embed is None:
        raise UnsupportedModel("the GGUF has no token embedding")
    model.model.embed_tokens = HalfEmbedding.build(embed)
    model.lm_head = torch.nn.Identity()  # the Head below replaces it
    # Rotary tables are buffers computed at init: rebuild them off the meta device.
    rotary = model.model.rotary_emb
    model.model.rotary_emb = type(rotary)(config=config)
    for name, buf in list(model.named_buffers()):
        if buf.is_meta:
            raise UnsupportedModel(f"the loader left {name} unset")
    model.eval()
    return BaseModel(model, Head(head if head is not None else embed), info, bf16)


# ---- tokens --------------------------------------------------------------------------


class ChatTokens:
    """Token ids of chat-formatted conversations, as llama.cpp makes them."""

    def __init__(self, path: Path) -> None:
        from llama_cpp import Llama
        from llama_cpp import llama_chat_format as lcf

        self.llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise UnsupportedModel("the model has no chat template")
        model = self.llm._model
        eos_id, bos_id = self.llm.token_eos(), self.llm.token_bos()
        self.eos = eos_id
        self._formatter = lcf.Jinja2ChatFormatter(
            template=template,
            eos_token=model.token_get_text(eos_id) if eos_id != -1 else "",
            bos_token=model.token_get_text(bos_id) if bos_id != -1 else "",
            stop_token_ids=[eos_id],
        )

    def prompt(self, messages: Sequence[Mapping[str, str]]) -> list[int]:
        """The tokens of ``messages`` followed by the assistant's turn opening."""
        result = self._formatter(messages=[dict(m) for m in messages])
        return self.llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)

    def completion(self, text: str) -> list[int]:
        """The tokens of an answer, ending with the end-of-turn token."""
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False) + [self.eos]

    def example(self, messages: Sequence[Mapping[str, str]], completion: str,
                max_tokens: int) -> tuple[list[int], int] | None:
        """(tokens, where the answer starts) for a prompt and an answer, keeping the
        last ``max_tokens``; None when the answer alone does not fit."""
        prompt = self.prompt(messages)
        answer = self.completion(completion)
        if len(answer) >= max_tokens:
            return None
        tokens = (prompt + answer)[-max_tokens:]
        return tokens, len(tokens) - len(answer)
