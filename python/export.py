"""Exports a TriageModel to a Triage model bundle: four TorchScript modules, model.json and parity fixtures.

As a script it exports an UNTRAINED model (random init, fixed seed) with random fixture inputs. That checks the
export -> DJL load -> parity path, e.g. for the full-size variant (ResNet-18 at 224 px):

    /usr/bin/python3 python/export.py --variant full --out /tmp/bundle-full

Trained bundles are written by train.py, which calls export_bundle() with test-split fixture inputs.
"""
import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # TorchScript writes module constants in set order; fixed string hashing makes the .pt bytes reproducible.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse
import json
import random

import numpy as np
import torch

from triage_model import MASK_ORDER, TriageModel

LABELS = ["safe", "spam", "harassment", "violence"]
DEFAULT_TEXT = {"tokenizer": "hash-ngram-v1", "vocabSize": 8192, "maxTokens": 48}
DEFAULT_AUDIO = {"sampleRate": 16000, "clipSamples": 16000}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
FIXTURE_BATCHES = [1, 7, 32]
BATCH_TOLERANCE = 1e-5  # the batch composition guarantee, see triage_model
FILES = {"text": "text_encoder.pt", "image": "image_encoder.pt", "audio": "audio_encoder.pt",
         "fusion": "fusion_head.pt"}


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)


def manifest(name, version, labels, text, image, audio, widths) -> dict:
    """model.json, exactly the shape of dev.triage.model.ModelManifest."""
    return {
        "name": name,
        "version": version,
        "labels": list(labels),
        "text": {"file": FILES["text"], "tokenizer": text["tokenizer"], "vocabSize": int(text["vocabSize"]),
                 "maxTokens": int(text["maxTokens"]), "outputWidth": widths[0]},
        "image": {"file": FILES["image"], "size": int(image["size"]), "channelOrder": image["channelOrder"],
                  "mean": [float(v) for v in image["mean"]], "std": [float(v) for v in image["std"]],
                  "outputWidth": widths[1]},
        "audio": {"file": FILES["audio"], "sampleRate": int(audio["sampleRate"]),
                  "clipSamples": int(audio["clipSamples"]), "outputWidth": widths[2]},
        "fusion": {"file": FILES["fusion"], "inputWidth": sum(widths), "maskOrder": list(MASK_ORDER)},
    }


def _script(module: torch.nn.Module, path: str) -> torch.jit.ScriptModule:
    scripted = torch.jit.script(module.eval())
    scripted.save(path)
    return torch.jit.load(path)


def fixture_masks(n: int) -> torch.Tensor:
    """Row 0 has every modality; later rows cycle through all 8 mask patterns, the empty one included."""
    rows = [[1.0, 1.0, 1.0]] + [[float((i >> b) & 1) for b in range(3)] for i in range(n - 1)]
    return torch.tensor(rows[:n], dtype=torch.float32)


def _write(array: torch.Tensor, directory: str, file: str, dtype: str) -> dict:
    data = array.detach().cpu().numpy().astype(np.dtype(dtype).newbyteorder("<"))
    data.tofile(os.path.join(directory, file))
    return {"file": file, "dtype": dtype, "shape": list(data.shape)}


def write_fixtures(modules: dict, inputs: dict, out_dir: str, batches=FIXTURE_BATCHES, source: str = "") -> None:
    """Inputs (largest batch, shared: batch b uses the first b rows) and the exported modules' outputs per batch."""
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
    with torch.no_grad():
        for b in batches:
            text = modules["text"](inputs["tokens"][:b])
            image = modules["image"](inputs["images"][:b])
            audio = modules["audio"](inputs["audio"][:b])
            mask = fixture_masks(b)
            emb = _masked_embedding([text, image, audio], mask)
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
    arg-max label differs. The guarantee (see triage_model) is 0 label differences and every difference <= 1e-5.
    """
    rows = max(batches)
    keys = (("text", "tokens"), ("image", "images"), ("audio", "audio"))
    mask = fixture_masks(rows)

    def run(lo: int, hi: int):
        outputs = [modules[key](inputs[name][lo:hi]) for key, name in keys]
        return outputs + [modules["fusion"](_masked_embedding(outputs, mask[lo:hi]), mask[lo:hi])]

    names = [key for key, _ in keys] + ["logits"]
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


def _masked_embedding(outputs, mask: torch.Tensor) -> torch.Tensor:
    """The fusion head's input: the encoders' outputs concatenated, each segment times its modality's mask."""
    column_mask = torch.cat([mask[:, m:m + 1].expand(-1, o.shape[1]) for m, o in enumerate(outputs)], dim=1)
    return torch.cat(outputs, dim=1) * column_mask


def export_bundle(model: TriageModel, labels, text, image, audio, out_dir: str, fixture_inputs: dict,
                  name: str = "triage-reference", version: str = "2.0.0", batches=FIXTURE_BATCHES,
                  fixture_source: str = "") -> dict:
    """Writes the TorchScript modules, checks the batch composition guarantee, writes the fixtures and, last,
    model.json; returns the manifest. Fails (AssertionError, no model.json) when the check fails."""
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    modules = {
        "text": _script(model.text, os.path.join(out_dir, FILES["text"])),
        "image": _script(model.image, os.path.join(out_dir, FILES["image"])),
        "audio": _script(model.audio, os.path.join(out_dir, FILES["audio"])),
        "fusion": _script(model.fusion, os.path.join(out_dir, FILES["fusion"])),
    }
    drift = check_batch_invariance(modules, fixture_inputs, batches)
    print("batch composition (max abs diff from the row alone, batches " + ",".join(map(str, batches)) + "): "
          + ", ".join(f"{k} {v:.3g}" for k, v in drift.items()), flush=True)
    if drift["labelsDiffer"] or max(v for k, v in drift.items() if k != "labelsDiffer") > BATCH_TOLERANCE:
        raise AssertionError(f"exported modules change with batch composition beyond {BATCH_TOLERANCE}: {drift}")
    write_fixtures(modules, fixture_inputs, out_dir, batches, fixture_source)
    # model.json last: a directory with one holds a complete bundle that passed the checks.
    widths = [model.text.output_width, model.image.output_width, model.audio.output_width]
    m = manifest(name, version, labels, text, image, audio, widths)
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(m, f, indent=2)
        f.write("\n")
    return m


def random_inputs(rows: int, text: dict, image: dict, audio: dict, seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    t = int(text["maxTokens"])
    tokens = torch.randint(1, int(text["vocabSize"]), (rows, t), generator=g)
    lengths = torch.randint(0, t + 1, (rows,), generator=g)
    lengths[0] = t
    tokens = tokens * (torch.arange(t).unsqueeze(0) < lengths.unsqueeze(1))
    s = int(image["size"])
    return {"tokens": tokens,
            "images": torch.randn(rows, 3, s, s, generator=g),
            "audio": (torch.rand(rows, int(audio["clipSamples"]), generator=g) * 2 - 1) * 0.5}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--variant", choices=["small", "full"], default="small",
                   help="small: CNN at 64 px (shipped default); full: ResNet-18 at 224 px")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batches", default=",".join(map(str, FIXTURE_BATCHES)), help="fixture batch sizes")
    args = p.parse_args()
    seed_everything(args.seed, args.threads)
    size = 64 if args.variant == "small" else 224
    image = {"size": size, "channelOrder": "RGB", "mean": IMAGENET_MEAN, "std": IMAGENET_STD}
    model = TriageModel(DEFAULT_TEXT["vocabSize"], len(LABELS), DEFAULT_AUDIO["sampleRate"], args.variant)
    batches = [int(b) for b in args.batches.split(",")]
    inputs = random_inputs(max(batches), DEFAULT_TEXT, image, DEFAULT_AUDIO, args.seed)
    name = "triage-untrained-" + args.variant
    export_bundle(model, LABELS, DEFAULT_TEXT, image, DEFAULT_AUDIO, args.out, inputs, name=name, batches=batches,
                  fixture_source=f"random inputs (seed {args.seed}) for an untrained model")
    print(f"wrote untrained {args.variant} bundle to {args.out}")


if __name__ == "__main__":
    main()
