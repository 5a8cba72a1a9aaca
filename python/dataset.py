"""Reads the Triage training dataset written by Java's dev.triage.demo.DatasetWriter.

Layout: DIR/dataset.json and DIR/{train,test}/{tokens,images,audio,labels}.bin, raw little-endian row-major arrays:
tokens int64 [N, maxTokens], images float32 [N, 3, size, size], audio float32 [N, clipSamples], labels int64 [N].
"""
import json
import os
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Split:
    tokens: torch.Tensor  # int64 [N, T]
    images: torch.Tensor  # float32 [N, 3, S, S]
    audio: torch.Tensor   # float32 [N, clip]
    labels: torch.Tensor  # int64 [N]

    def __len__(self):
        return self.labels.shape[0]


def load_meta(data_dir: str) -> dict:
    with open(os.path.join(data_dir, "dataset.json"), encoding="utf-8") as f:
        return json.load(f)


def _read(path: str, dtype: str, shape) -> torch.Tensor:
    expected = int(np.prod(shape))
    array = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder("<"))
    if array.size != expected:
        raise ValueError(f"{path}: expected {expected} values for shape {list(shape)}, found {array.size}")
    return torch.from_numpy(array.astype(dtype).reshape(shape))


def load_split(data_dir: str, meta: dict, name: str) -> Split:
    n = int(meta["splits"][name])
    t = int(meta["text"]["maxTokens"])
    s = int(meta["image"]["size"])
    clip = int(meta["audio"]["clipSamples"])
    d = os.path.join(data_dir, name)
    split = Split(
        tokens=_read(os.path.join(d, "tokens.bin"), "int64", (n, t)),
        images=_read(os.path.join(d, "images.bin"), "float32", (n, 3, s, s)),
        audio=_read(os.path.join(d, "audio.bin"), "float32", (n, clip)),
        labels=_read(os.path.join(d, "labels.bin"), "int64", (n,)),
    )
    vocab = int(meta["text"]["vocabSize"])
    if split.tokens.min() < 0 or split.tokens.max() >= vocab:
        raise ValueError(f"{d}/tokens.bin: token ids outside [0, {vocab})")
    if split.labels.min() < 0 or split.labels.max() >= len(meta["labels"]):
        raise ValueError(f"{d}/labels.bin: label index outside [0, {len(meta['labels'])})")
    return split
