"""Exports tiny bundles whose text encoder Triage could not serve, or serves badly; prints one line per case:
"REFUSED <case>: <message>", "WARNED <case>: <message>" or "EXPORTED <case>". The exported last-step bundle is kept
in the directory given as the first argument. Run by ExportHelperTest with Debian's /usr/bin/python3."""
import os
import sys
import tempfile
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
from triage_bundle import AudioContract, BundleError, ImageContract, TextContract, export_bundle  # noqa: E402

MAX_TOKENS, VOCAB = 48, 100


class PerRow(nn.Module):
    """A Python loop over the batch: tracing unrolls it at the example's batch size."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(MAX_TOKENS, 8)

    def forward(self, tokens):
        return torch.stack([self.proj(tokens[i].float()) for i in range(tokens.shape[0])])


class LastNonPad(PerRow):
    """nonzero()[-1] fails on a row of padding only."""

    def forward(self, tokens):
        rows = []
        for row in tokens:
            rows.append(self.proj(row.float()) * (row != 0).nonzero()[-1].float())
        return torch.stack(rows)


class BatchCentred(PerRow):
    """Subtracts the batch mean: a row's output depends on its batch."""

    def forward(self, tokens):
        out = self.proj(tokens.float() / 100.0)
        return out - out.mean(0, keepdim=True)


class NaNOnSomeIds(PerRow):
    """The square root of (id - 50): NaN for the ids under 50 that random valid input has."""

    def forward(self, tokens):
        return self.proj(torch.sqrt(tokens.float() - 50.0))


class Float64(PerRow):
    """Returns float64: a .double() left in."""

    def forward(self, tokens):
        return self.proj(tokens.float() / 100.0).double()


class LastStep(nn.Module):
    """out[:, -1] of an RNN over right-padded ids: reads a padding step (exported, with a warning)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 8, padding_idx=0)
        self.rnn = nn.GRU(8, 8, batch_first=True)

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))
        return out[:, -1]


class FirstValues(nn.Module):
    """A stand-in image or audio encoder: the first 4 input values."""

    def forward(self, x):
        return x.flatten(1)[:, :4]


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(8 + 4 + 4, 2)

    def forward(self, emb, mask):
        return self.linear(emb)


def export(case, text, method, keep=None):
    with tempfile.TemporaryDirectory() as scratch:
        out = keep or scratch
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                export_bundle(out, text=text, image=FirstValues(), audio=FirstValues(), fusion=Head(), labels=["a", "b"],
                              name=case, method={"text": method},
                              text_contract=TextContract(vocab_size=VOCAB, max_tokens=MAX_TOKENS),
                              image_contract=ImageContract(size=4), audio_contract=AudioContract(8000, 160))
            for w in caught:
                if "triage_bundle" in w.filename:
                    print(f"WARNED {case}: {w.message}")
            print(f"EXPORTED {case}")
        except BundleError as e:
            print(f"REFUSED {case}: {e}")


torch.manual_seed(3)
export("frozen-batch", PerRow(), "trace")
export("per-row-scripted", PerRow(), "script")
export("fails-on-zeros", LastNonPad(), "script")
export("batch-dependent", BatchCentred(), "script")
export("nan-on-input", NaNOnSomeIds(), "script")
export("float64", Float64(), "script")
export("last-step", LastStep(), "trace", keep=sys.argv[1])
