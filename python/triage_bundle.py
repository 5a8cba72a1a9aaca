"""Writes a Triage model bundle from your own PyTorch modules: model.json, four TorchScript files, parity fixtures.

    from triage_bundle import AudioContract, ImageContract, TextContract, export_bundle

    export_bundle("my-bundle", text=text_encoder, image=image_encoder, audio=audio_encoder, fusion=fusion_head,
                  labels=["ok", "spam"], name="my-model", version="1.0.0",
                  text_contract=TextContract(vocab_size=30522, max_tokens=64),
                  image_contract=ImageContract(size=224), audio_contract=AudioContract(sample_rate=16000,
                                                                                      clip_samples=16000))

then check it as Triage will run it:  triage model check my-bundle

The modules (see README, "The model bundle"): text int64[B, maxTokens] -> float32[B, Wt] (ids right-padded with 0;
with TextContract(inputs=("input_ids", "attention_mask")) it takes (ids, mask), the mask int64 1 where the id is not 0);
image float32[B, 3, size, size] -> [B, Wi]; audio float32[B, clipSamples] -> [B, Wa]; fusion (float32[B, Wt+Wi+Wa]
with zeros where a modality is missing, mask float32[B, 3] in the order TEXT, IMAGE, AUDIO) -> logits [B, labels].

Each module is traced (or scripted: method="script", or a dict per module) with an example batch of one size and
checked at another, so a batch size frozen by tracing (a Python loop over the batch, a literal in .view) or one path
of data-dependent control flow recorded by tracing is refused here, not found in production. Every module must also
accept an all-zero batch (Triage feeds one when it loads the bundle, and a post without text is all padding) and
give a row's output alone and in a batch within BATCH_TOLERANCE. model.json is written last: a directory with one
holds a complete bundle that passed these checks. Needs torch and numpy only.
"""
import json
import os
import shutil
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch

MASK_ORDER = ["TEXT", "IMAGE", "AUDIO"]
FILES = {"text": "text_encoder.pt", "image": "image_encoder.pt", "audio": "audio_encoder.pt",
         "fusion": "fusion_head.pt"}
TOKENIZER_FILE = "tokenizer.json"
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
BATCH_TOLERANCE = 1e-5  # a row's output alone vs in a batch; also what `triage model check` allows by default
TRACE_TOLERANCE = 1e-4  # traced vs eager module on the second example batch
EXAMPLE_BATCHES = (2, 5)
FIXTURE_BATCHES = (1, 3, 8)
MODULE_INPUTS = (("text", "tokens"), ("image", "images"), ("audio", "audio"))
INPUT_IDS = "input_ids"
ATTENTION_MASK = "attention_mask"
TEXT_INPUTS = ((INPUT_IDS,), (INPUT_IDS, ATTENTION_MASK))  # what Triage can feed a text encoder


def attention_mask(tokens: torch.Tensor) -> torch.Tensor:
    """The mask Triage passes with right-padded ids: 1 where the id is not 0 (special tokens included), else 0."""
    return (tokens != 0).to(torch.int64)


@dataclass
class TextContract:
    """Token ids in [0, vocab_size), right-padded with 0 to max_tokens, from Triage's own tokenizer (hash-ngram-v1)
    or, with tokenizer_file set, from a Hugging Face tokenizer.json (copied into the bundle; its id 0 must be its
    padding token, as BERT's [PAD]). inputs: the text encoder's forward arguments, ("input_ids",) or
    ("input_ids", "attention_mask"): then it is called with the ids and attention_mask(ids)."""
    vocab_size: int
    max_tokens: int
    tokenizer: str = "hash-ngram-v1"
    tokenizer_file: Optional[str] = None
    inputs: Sequence[str] = (INPUT_IDS,)

    def __post_init__(self):
        if self.tokenizer_file is not None:
            self.tokenizer = "huggingface"
        self.inputs = tuple(self.inputs)
        if self.inputs not in TEXT_INPUTS:
            raise ValueError(f"TextContract.inputs must be one of {list(TEXT_INPUTS)}, got {self.inputs}")

    def arguments(self, tokens: torch.Tensor) -> tuple:
        """The text encoder's forward arguments for a batch of right-padded ids, as Triage passes them."""
        return (tokens, attention_mask(tokens)) if ATTENTION_MASK in self.inputs else (tokens,)

    def json(self, width: int) -> dict:
        spec = {"file": FILES["text"], "tokenizer": self.tokenizer, "vocabSize": int(self.vocab_size),
                "maxTokens": int(self.max_tokens), "outputWidth": width}
        if self.tokenizer_file is not None:
            spec["tokenizerFile"] = TOKENIZER_FILE
        if self.inputs != (INPUT_IDS,):
            spec["inputs"] = list(self.inputs)
        return spec


@dataclass
class ImageContract:
    """RGB pixels resized to size x size, normalized as (v/255 - mean) / std."""
    size: int
    mean: Sequence[float] = field(default_factory=lambda: list(IMAGENET_MEAN))
    std: Sequence[float] = field(default_factory=lambda: list(IMAGENET_STD))
    channel_order: str = "RGB"

    def json(self, width: int) -> dict:
        return {"file": FILES["image"], "size": int(self.size), "channelOrder": self.channel_order,
                "mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std], "outputWidth": width}


@dataclass
class AudioContract:
    """A mono waveform in [-1, 1] at sample_rate, zero-padded or cropped to clip_samples."""
    sample_rate: int
    clip_samples: int

    def json(self, width: int) -> dict:
        return {"file": FILES["audio"], "sampleRate": int(self.sample_rate), "clipSamples": int(self.clip_samples),
                "outputWidth": width}


class BundleError(Exception):
    """A module that Triage could not serve as it is; the message says which and why."""


def export_bundle(out_dir: str, *, text: torch.nn.Module, image: torch.nn.Module, audio: torch.nn.Module,
                  fusion: torch.nn.Module, labels: Sequence[str], text_contract: TextContract,
                  image_contract: ImageContract, audio_contract: AudioContract, name: str, version: str = "1.0.0",
                  method: Union[str, Dict[str, str]] = "trace", example_batches: Sequence[int] = EXAMPLE_BATCHES,
                  fixture_batches: Sequence[int] = FIXTURE_BATCHES, fixture_inputs: Optional[dict] = None,
                  fixture_source: str = "", seed: int = 0) -> dict:
    """Exports the four modules (in eval mode) to out_dir and returns the manifest written as model.json.

    method: "trace" or "script", or a dict naming one per module ("text", "image", "audio", "fusion"); missing
    ones are traced. example_batches: the two batch sizes a traced module is traced at and checked at.
    fixture_inputs: {"tokens", "images", "audio"} tensors of at least max(fixture_batches) rows (your test data);
    random valid inputs when None. Raises BundleError (and writes no model.json) when a check fails.
    """
    if len(example_batches) != 2 or example_batches[0] == example_batches[1] or min(example_batches) < 2:
        raise ValueError("example_batches: two different batch sizes, both >= 2 (a batch of 1 hides a frozen batch)")
    os.makedirs(out_dir, exist_ok=True)
    generator = torch.Generator().manual_seed(seed)
    methods = method if isinstance(method, dict) else {key: method for key in FILES}
    eager = {"text": text.eval(), "image": image.eval(), "audio": audio.eval(), "fusion": fusion.eval()}
    widths = {}
    examples = {}
    for key, _ in MODULE_INPUTS:
        examples[key] = [(random_inputs(key, b, text_contract, image_contract, audio_contract, generator),)
                         for b in example_batches]
        if key == "text":
            examples[key] = [text_contract.arguments(tokens) for (tokens,) in examples[key]]
        with torch.no_grad():
            widths[key] = int(eager[key](*examples[key][0]).shape[1])
    fusion_width = sum(widths.values())
    examples["fusion"] = [random_fusion_inputs(b, [widths[k] for k, _ in MODULE_INPUTS], generator)
                          for b in example_batches]

    modules = {}
    for key in FILES:
        path = os.path.join(out_dir, FILES[key])
        compiled = _compile(key, eager[key], methods.get(key, "trace"), examples[key])
        compiled.save(path)
        modules[key] = torch.jit.load(path)
        _check_zero_input(key, modules[key], examples[key][0])
    _check_fusion_width(modules["fusion"], fusion_width, len(labels))
    _warn_if_short_texts_look_alike(modules["text"], text_contract, generator)
    # From here on the text encoder is called with ids alone, as Triage's callers do; the mask is derived.
    text_module = modules["text"]
    modules["text"] = lambda tokens: text_module(*text_contract.arguments(tokens))

    if fixture_inputs is None:
        rows = max(fixture_batches)
        fixture_inputs = {name: random_inputs(key, rows, text_contract, image_contract, audio_contract, generator)
                          for key, name in MODULE_INPUTS}
        fixture_source = fixture_source or f"random valid inputs (seed {seed})"
    drift = check_batch_invariance(modules, fixture_inputs, fixture_batches)
    if drift["labelsDiffer"] or max(v for k, v in drift.items() if k != "labelsDiffer") > BATCH_TOLERANCE:
        raise BundleError(f"a row's output changes with its batch beyond {BATCH_TOLERANCE} (max abs diff from the "
                          f"row alone, batches {list(fixture_batches)}): {drift}. A BatchNorm or Dropout left in "
                          "training mode, or anything that mixes rows, does this")
    write_fixtures(modules, fixture_inputs, out_dir, fixture_batches, fixture_source, text_contract.inputs)
    if text_contract.tokenizer_file is not None:
        shutil.copyfile(text_contract.tokenizer_file, os.path.join(out_dir, TOKENIZER_FILE))

    manifest = {"name": name, "version": version, "labels": list(labels),
                "text": text_contract.json(widths["text"]), "image": image_contract.json(widths["image"]),
                "audio": audio_contract.json(widths["audio"]),
                "fusion": {"file": FILES["fusion"], "inputWidth": fusion_width, "maskOrder": list(MASK_ORDER)}}
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def _compile(key: str, module: torch.nn.Module, method: str, examples: List[tuple]) -> torch.jit.ScriptModule:
    """Traces (at the first example's batch size) or scripts the module, then checks it at the second size."""
    if method == "script":
        compiled = torch.jit.script(module)
    elif method == "trace":
        with torch.no_grad():
            compiled = torch.jit.trace(module, examples[0], check_trace=False)
    else:
        raise ValueError(f"{key}: method must be 'trace' or 'script', got {method!r}")
    first, second = examples[0][0].shape[0], examples[1][0].shape[0]
    with torch.no_grad():
        out = compiled(*examples[1])
        expected = module(*examples[1])
    if expected.dtype != torch.float32:
        raise BundleError(f"{key}: returns {str(expected.dtype).replace('torch.', '')}; Triage reads float32 "
                          "[batch, width] (drop the .double(), or end forward with .float())")
    if not torch.isfinite(expected).all():
        raise BundleError(f"{key}: returns non-finite values (NaN or infinity) on valid random input (a batch of "
                          f"{second}): every output must be finite (a division by a count, a log or sqrt of 0 or "
                          "less?)")
    if out.dim() != 2 or out.shape[0] != second:
        raise BundleError(f"{key}: the {method}d module returns shape {list(out.shape)} for a batch of {second} "
                          f"({method}d at a batch of {first}): it must return [batch, width]. "
                          + ("Tracing froze the batch size (a Python loop over the batch, or a literal batch size "
                             "in view/reshape): make forward batch-agnostic, or use method='script'"
                             if method == "trace" else ""))
    diff = (out - expected).abs().max().item()
    if not diff <= TRACE_TOLERANCE:
        raise BundleError(f"{key}: the {method}d module differs from the eager one by {diff:.3g} on a batch of "
                          f"{second}: tracing records one path of data-dependent control flow (an `if` on tensor "
                          "values, a loop over lengths); use method='script' for this module")
    return compiled


def _check_zero_input(key: str, module: torch.jit.ScriptModule, example: tuple) -> None:
    for rows in (1, 3):
        zeros = tuple(torch.zeros((rows,) + tuple(a.shape[1:]), dtype=a.dtype) for a in example)
        try:
            with torch.no_grad():
                out = module(*zeros)
        except Exception as e:  # noqa: BLE001 - anything TorchScript raises
            raise BundleError(f"{key}: fails on an all-zero batch of {rows} (Triage feeds one when it loads the "
                              f"bundle; for text it is a post without text, all padding): {_cause(e)}") from e
        if out.shape[0] != rows or not torch.isfinite(out).all():
            raise BundleError(f"{key}: on an all-zero batch of {rows} it returns shape {list(out.shape)}"
                              + ("" if torch.isfinite(out).all() else " with non-finite values"))


def _cause(error: Exception) -> str:
    """A TorchScript error's last line, which names the cause (the lines before are the interpreter's traceback)."""
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    return lines[-1] if lines and lines[0].startswith("The following operation failed") else str(error)


def _check_fusion_width(fusion: torch.jit.ScriptModule, input_width: int, labels: int) -> None:
    with torch.no_grad():
        out = fusion(torch.zeros(2, input_width), torch.ones(2, 3))
    if out.shape[1] != labels:
        raise BundleError(f"fusion: returns {out.shape[1]} logits, but there are {labels} labels")


def _warn_if_short_texts_look_alike(text: torch.jit.ScriptModule, contract: TextContract,
                                    generator: torch.Generator) -> None:
    """The same symptom `triage model check` warns about: reading the last step of right-padded ids."""
    tokens = torch.zeros(4, contract.max_tokens, dtype=torch.int64)
    tokens[:, :2] = torch.randint(1, contract.vocab_size, (4, 2), generator=generator)
    with torch.no_grad():
        out = text(*contract.arguments(tokens))
    if (out - out[:1]).abs().max().item() < 1e-4:
        warnings.warn("text: 4 different two-token texts give the same output. Ids are right-padded with 0, so "
                      "out[:, -1] reads a padding step: take each row's last non-pad step, or pool over non-pad steps")


def random_inputs(key: str, rows: int, text: TextContract, image: ImageContract, audio: AudioContract,
                  generator: torch.Generator) -> torch.Tensor:
    """Random inputs that keep the contract: right-padded ids of random length (the first row full), normalized
    pixels, a waveform in [-0.5, 0.5]."""
    if key == "text":
        t = int(text.max_tokens)
        tokens = torch.randint(1, int(text.vocab_size), (rows, t), generator=generator)
        lengths = torch.randint(1, t + 1, (rows,), generator=generator)
        lengths[0] = t
        return tokens * (torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1))
    if key == "image":
        s = int(image.size)
        pixels = torch.rand(rows, 3, s, s, generator=generator)
        mean = torch.tensor(list(image.mean)).view(1, 3, 1, 1)
        std = torch.tensor(list(image.std)).view(1, 3, 1, 1)
        return (pixels - mean) / std
    return (torch.rand(rows, int(audio.clip_samples), generator=generator) * 2 - 1) * 0.5


def random_fusion_inputs(rows: int, widths: List[int], generator: torch.Generator) -> tuple:
    mask = fixture_masks(rows)
    outputs = [torch.randn(rows, w, generator=generator) for w in widths]
    return masked_embedding(outputs, mask), mask


def fixture_masks(n: int) -> torch.Tensor:
    """Row 0 has every modality; later rows cycle through all 8 mask patterns, the empty one included."""
    rows = [[1.0, 1.0, 1.0]] + [[float((i >> b) & 1) for b in range(3)] for i in range(n - 1)]
    return torch.tensor(rows[:n], dtype=torch.float32)


def masked_embedding(outputs, mask: torch.Tensor) -> torch.Tensor:
    """The fusion head's input: the encoders' outputs concatenated, each segment times its modality's mask."""
    column_mask = torch.cat([mask[:, m:m + 1].expand(-1, o.shape[1]) for m, o in enumerate(outputs)], dim=1)
    return torch.cat(outputs, dim=1) * column_mask


def _write(array: torch.Tensor, directory: str, file: str, dtype: str) -> dict:
    data = array.detach().cpu().numpy().astype(np.dtype(dtype).newbyteorder("<"))
    data.tofile(os.path.join(directory, file))
    return {"file": file, "dtype": dtype, "shape": list(data.shape)}


def write_fixtures(modules: dict, inputs: dict, out_dir: str, batches=FIXTURE_BATCHES, source: str = "",
                   text_inputs: Sequence[str] = (INPUT_IDS,)) -> None:
    """Parity fixtures in out_dir/fixtures, the format `triage model check` reads (dev.triage.model.ParityFixtures):
    the inputs (largest batch, shared: batch b uses the first b rows) and the modules' outputs per batch. The text
    module is called with the ids alone; with "attention_mask" in text_inputs the fixtures hold the mask too."""
    fdir = os.path.join(out_dir, "fixtures")
    os.makedirs(fdir, exist_ok=True)
    rows = max(batches)
    desc = {"inputs": {
        "tokens": _write(inputs["tokens"][:rows], fdir, "tokens.bin", "int64"),
        "images": _write(inputs["images"][:rows], fdir, "images.bin", "float32"),
        "audio": _write(inputs["audio"][:rows], fdir, "audio.bin", "float32"),
    }, "source": source, "batches": [], "notes": "Batch b uses the first b rows of each input. fusionEmbedding is the concatenation "
                               "of the text, image and audio outputs with masked segments zeroed; logits are "
                               "fusion_head(fusionEmbedding, fusionMask). Little-endian, row-major."}
    if ATTENTION_MASK in text_inputs:
        desc["inputs"]["attentionMask"] = _write(attention_mask(inputs["tokens"][:rows]), fdir, "attention_mask.bin",
                                                 "int64")
    with torch.no_grad():
        for b in batches:
            text = modules["text"](inputs["tokens"][:b])
            image = modules["image"](inputs["images"][:b])
            audio = modules["audio"](inputs["audio"][:b])
            mask = fixture_masks(b)
            emb = masked_embedding([text, image, audio], mask)
            logits = modules["fusion"](emb, mask)
            desc["batches"].append({"batchSize": b, "outputs": {
                "text": _write(text, fdir, f"text_b{b}.bin", "float32"),
                "image": _write(image, fdir, f"image_b{b}.bin", "float32"),
                "audio": _write(audio, fdir, f"audio_b{b}.bin", "float32"),
                "fusionEmbedding": _write(emb, fdir, f"fusion_emb_b{b}.bin", "float32"),
                "fusionMask": _write(mask, fdir, f"fusion_mask_b{b}.bin", "float32"),
                "logits": _write(logits, fdir, f"logits_b{b}.bin", "float32"),
            }})
    with open(os.path.join(fdir, "fixtures.json"), "w", encoding="utf-8") as f:
        json.dump(desc, f, indent=2)
        f.write("\n")


def check_batch_invariance(modules: dict, inputs: dict, batches=FIXTURE_BATCHES) -> dict:
    """The batch composition guarantee, measured on the exported (TorchScript) modules.

    Scores each of the first max(batches) rows alone (every module at batch 1), then the first b rows as one batch
    (every module at batch b) for each b in batches. Returns, per encoder, the max abs difference of a row's
    embedding in a batch from the same row's alone; for "logits" and "scores" (softmax) the same, end to end
    (encoders, then the fusion head on their masked outputs, fixture_masks); "labelsDiffer" counts rows whose
    arg-max label differs. The guarantee is 0 label differences and every difference <= BATCH_TOLERANCE.
    """
    rows = max(batches)
    mask = fixture_masks(rows)

    def run(lo: int, hi: int):
        outputs = [modules[key](inputs[name][lo:hi]) for key, name in MODULE_INPUTS]
        return outputs + [modules["fusion"](masked_embedding(outputs, mask[lo:hi]), mask[lo:hi])]

    names = [key for key, _ in MODULE_INPUTS] + ["logits"]
    drift = {name: 0.0 for name in names + ["scores"]}
    drift["labelsDiffer"] = 0
    with torch.no_grad():
        alone = [torch.cat(parts) for parts in zip(*[run(i, i + 1) for i in range(rows)])]
        for b in batches:
            for name, got, ref in zip(names, run(0, b), alone):
                drift[name] = max(drift[name], (got - ref[:b]).abs().max().item())
            logits, ref = got, alone[-1][:b]
            drift["scores"] = max(drift["scores"], (logits.softmax(1) - ref.softmax(1)).abs().max().item())
            drift["labelsDiffer"] += int((logits.argmax(1) != ref.argmax(1)).sum())
    return drift
