"""Exports a tiny bundle whose text encoder takes (input_ids, attention_mask) and mean-pools the embeddings of the
masked positions only (id 0 has an embedding of its own, so reading padding would show), to the directory given as the
first argument. Writes unpadded.json there: a right-padded row of ids and the encoder's output for the same ids
without padding, which Triage must reproduce. Prints "REFUSED inputs: <message>" for a TextContract whose inputs
Triage cannot feed, then "EXPORTED masked". Run by ExportHelperTest with Debian's /usr/bin/python3."""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
from triage_bundle import AudioContract, ImageContract, TextContract, export_bundle  # noqa: E402

MAX_TOKENS, VOCAB = 8, 64


class MaskedMeanText(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 8)
        self.proj = nn.Linear(8, 6)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        pooled = (self.embedding(input_ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.proj(pooled)


class MeanColourImage(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, 4)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.proj(pixels.mean(dim=(2, 3)))


class LevelAudio(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(2, 3)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return self.proj(torch.stack([wave.mean(1), wave.abs().mean(1)], dim=1))


class LinearFusion(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6 + 4 + 3 + 3, 2)

    def forward(self, embedding: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.proj(torch.cat([embedding, mask], dim=1))


def main(out_dir: str) -> None:
    try:
        TextContract(vocab_size=VOCAB, max_tokens=MAX_TOKENS, inputs=("input_ids", "token_type_ids"))
    except ValueError as e:
        print(f"REFUSED inputs: {e}")
    torch.manual_seed(7)
    contract = TextContract(vocab_size=VOCAB, max_tokens=MAX_TOKENS, inputs=("input_ids", "attention_mask"))
    export_bundle(out_dir, text=MaskedMeanText(), image=MeanColourImage(), audio=LevelAudio(), fusion=LinearFusion(),
                  labels=["ok", "spam"], name="masked-text", version="1.0.0", text_contract=contract,
                  image_contract=ImageContract(size=8), audio_contract=AudioContract(sample_rate=8000,
                                                                                    clip_samples=800))
    text = torch.jit.load(os.path.join(out_dir, "text_encoder.pt"))
    ids = torch.tensor([[5, 9, 17]])
    padded = torch.zeros(1, MAX_TOKENS, dtype=torch.int64)
    padded[0, :3] = ids[0]
    with torch.no_grad():
        unpadded = text(ids, torch.ones_like(ids))
        masked = text(*contract.arguments(padded))
        unmasked = text(padded, torch.ones_like(padded))
    assert (masked - unpadded).abs().max().item() < 1e-6, "the mask hides the padding"
    assert (unmasked - unpadded).abs().max().item() > 1e-3, "without the mask the padding would show"
    with open(os.path.join(out_dir, "unpadded.json"), "w", encoding="utf-8") as f:
        json.dump({"paddedIds": padded[0].tolist(), "row": unpadded[0].tolist()}, f)
    print("EXPORTED masked")


if __name__ == "__main__":
    main(sys.argv[1])
