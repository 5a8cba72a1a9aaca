"""Exports a TriageModel to a Triage model bundle: four TorchScript modules, model.json and parity fixtures.

For your own modules use triage_bundle.export_bundle (this script shares its fixture writer and batch check).

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

from triage_bundle import BATCH_TOLERANCE, FILES, check_batch_invariance, write_fixtures
from triage_model import MASK_ORDER, TriageModel

LABELS = ["safe", "spam", "harassment", "violence"]
DEFAULT_TEXT = {"tokenizer": "hash-ngram-v1", "vocabSize": 8192, "maxTokens": 48}
DEFAULT_AUDIO = {"sampleRate": 16000, "clipSamples": 16000}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
FIXTURE_BATCHES = [1, 7, 32]


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
