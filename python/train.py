"""Trains the Triage reference late-fusion model on a DatasetWriter dataset and exports the bundle.

    /usr/bin/python3 python/train.py --data /work/data/dataset --out models/reference

Everything is seeded (torch, numpy, random, deterministic algorithms, fixed thread count), so the same dataset,
seed and thread count give the same weights and the same bundle bytes. Modality dropout masks 0-2 modalities per
training sample (zero embedding, mask 0) so partial posts are scored honestly. Writes report.json and REPORT.md
(test-split accuracy: fused, each single modality, each modality masked) into the bundle.
"""
import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # TorchScript writes module constants in set order; fixed string hashing makes the .pt bytes reproducible.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse
import json
import time

import torch
import torch.nn.functional as F

from dataset import load_meta, load_split
from export import FIXTURE_BATCHES, export_bundle, seed_everything
from triage_model import MASK_ORDER, TriageModel

# Probability of masking 0, 1 or 2 of the 3 modalities of a training sample.
DROP_COUNT_PROBS = [0.5, 0.3, 0.2]


def log_mel(model: TriageModel, audio: torch.Tensor, chunk: int = 500) -> torch.Tensor:
    """The audio encoder's log-mel front end has no weights: compute it once for the whole split."""
    with torch.no_grad():
        return torch.cat([model.audio.features(audio[i:i + chunk]) for i in range(0, len(audio), chunk)])


def random_masks(n: int, g: torch.Generator) -> torch.Tensor:
    counts = torch.multinomial(torch.tensor(DROP_COUNT_PROBS), n, replacement=True, generator=g)
    order = torch.rand(n, 3, generator=g).argsort(dim=1)
    dropped = order < counts.unsqueeze(1)  # the first `count` modalities in a random order
    return (~dropped).float()


def mask_embedding(model: TriageModel, emb: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return emb * torch.matmul(mask, model.fusion.selector)


def train(model, train_split, train_mel, epochs, batch_size, lr, g):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(train_split) + batch_size - 1) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.15)
    n = len(train_split)
    for epoch in range(epochs):
        model.train()
        started = time.time()
        perm = torch.randperm(n, generator=g)
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            mask = random_masks(len(idx), g)
            emb = model.embed(train_split.tokens[idx], train_split.images[idx], train_mel[idx])
            logits = model.fuse(mask_embedding(model, emb, mask), mask)
            loss = F.cross_entropy(logits, train_split.labels[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            total += len(idx)
            correct += (logits.argmax(1) == train_split.labels[idx]).sum().item()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss_sum / total:.4f} "
              f"acc(with dropout) {correct / total:.4f} {time.time() - started:.1f}s", flush=True)


def embed_all(model, split, mel, chunk=256):
    model.eval()
    with torch.no_grad():
        return torch.cat([model.embed(split.tokens[i:i + chunk], split.images[i:i + chunk], mel[i:i + chunk])
                          for i in range(0, len(split), chunk)])


def evaluate(model, emb, labels, label_names) -> dict:
    """Accuracy with each subset of modalities present (the others masked: zero embedding, mask 0)."""
    def run(present):
        mask = torch.tensor([[1.0 if m in present else 0.0 for m in MASK_ORDER]]).expand(len(labels), -1)
        with torch.no_grad():
            pred = model.fuse(mask_embedding(model, emb, mask), mask).argmax(1)
        per_label = {}
        for k, name in enumerate(label_names):
            rows = labels == k
            per_label[name] = round((pred[rows] == k).float().mean().item(), 4) if rows.any() else None
        confusion = [[int(((labels == t) & (pred == p)).sum()) for p in range(len(label_names))]
                     for t in range(len(label_names))]
        return {"accuracy": round((pred == labels).float().mean().item(), 4), "perLabel": per_label,
                "confusion": confusion}

    report = {"fused": run(MASK_ORDER),
              "single": {m: run([m]) for m in MASK_ORDER},
              "masked": {m: run([o for o in MASK_ORDER if o != m]) for m in MASK_ORDER}}
    best_single = max(report["single"][m]["accuracy"] for m in MASK_ORDER)
    report["fusedMinusBestSingle"] = round(report["fused"]["accuracy"] - best_single, 4)
    return report


def write_markdown(path, report, meta, args):
    lines = ["# Triage reference model: training report", "",
             f"Dataset: {meta['splits']['train']} train / {meta['splits']['test']} test posts, "
             f"dataset seed {meta.get('seed')}. Training seed {args.seed}, {args.epochs} epochs, batch "
             f"{args.batch_size}, peak learning rate {args.lr:g}, {args.threads} threads.", "",
             "All numbers are accuracy on the held-out test split. A masked modality has a zero embedding and "
             "mask 0, exactly as at serving time.", "",
             "| modalities present | accuracy | " + " | ".join(meta["labels"]) + " |",
             "|---|---|" + "---|" * len(meta["labels"])]

    def row(title, r):
        cells = " | ".join("-" if r["perLabel"][n] is None else f"{r['perLabel'][n]:.3f}" for n in meta["labels"])
        lines.append(f"| {title} | **{r['accuracy']:.3f}** | {cells} |")

    row("all three (fused)", report["fused"])
    for m in MASK_ORDER:
        row(f"{m} only", report["single"][m])
    for m in MASK_ORDER:
        row(f"all but {m}", report["masked"][m])
    lines += ["", f"Fused minus best single modality: {100 * report['fusedMinusBestSingle']:.1f} points.", "",
              "Per-label columns are the accuracy on the test posts of that label (recall). Each harmful label "
              "needs a pair of modalities, so a single modality cannot separate them.", "",
              "Fused confusion matrix (rows = true, columns = predicted, order " + ", ".join(meta["labels"]) + "):",
              ""]
    lines += ["    " + " ".join(f"{v:5d}" for v in r) for r in report["fused"]["confusion"]]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset directory (dataset.json, train/, test/)")
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate of the one-cycle schedule")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--variant", choices=["small", "full"], default="small")
    p.add_argument("--min-gain", type=float, default=0.10,
                   help="fail unless fused accuracy beats the best single modality by this much")
    args = p.parse_args()

    seed_everything(args.seed, args.threads)
    meta = load_meta(args.data)
    train_split = load_split(args.data, meta, "train")
    test_split = load_split(args.data, meta, "test")
    model = TriageModel(int(meta["text"]["vocabSize"]), len(meta["labels"]),
                        int(meta["audio"]["sampleRate"]), args.variant)
    started, cpu_started = time.time(), time.process_time()
    train_mel, test_mel = log_mel(model, train_split.audio), log_mel(model, test_split.audio)
    g = torch.Generator().manual_seed(args.seed)
    train(model, train_split, train_mel, args.epochs, args.batch_size, args.lr, g)
    seconds = time.time() - started

    model.eval()
    report = evaluate(model, embed_all(model, test_split, test_mel), test_split.labels, meta["labels"])
    print(f"training took {seconds:.1f} s wall, {time.process_time() - cpu_started:.1f} s CPU")
    report.update({"epochs": args.epochs, "learningRate": args.lr, "batchSize": args.batch_size, "seed": args.seed,
                   "threads": args.threads, "datasetSeed": meta.get("seed"), "splits": meta["splits"]})
    print(json.dumps({k: report[k] for k in ("fused", "fusedMinusBestSingle")}))

    rows = max(FIXTURE_BATCHES)
    fixture_inputs = {"tokens": test_split.tokens[:rows].clone(), "images": test_split.images[:rows],
                      "audio": test_split.audio[:rows]}
    fixture_inputs["tokens"][3] = 0  # one post without text: the encoder must return a zero vector
    export_bundle(model, meta["labels"], meta["text"], meta["image"], meta["audio"], args.out, fixture_inputs,
                  fixture_source=f"the first {rows} test-split posts; row 3's tokens zeroed (a post without text)")
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    write_markdown(os.path.join(args.out, "REPORT.md"), report, meta, args)
    print(f"wrote bundle to {args.out}")
    if report["fusedMinusBestSingle"] < args.min_gain:
        raise SystemExit(f"fused accuracy beats the best single modality by only "
                         f"{report['fusedMinusBestSingle']:.3f} < {args.min_gain}")


if __name__ == "__main__":
    main()
