"""A worked example of bringing your own model: the classic late-fusion network, exported with triage_bundle.

  text   token ids -> Embedding(vocab, 100) -> LSTM(100 -> 128), the output at each row's last non-pad step
  image  torchvision ResNet-18 without its classifier (random weights: nothing is downloaded) -> 512
  audio  MelSpectrogram (inside the module) -> log -> two strided convolutions -> average pool -> 32
  fusion Linear(128 + 512 + 32 = 672 -> 10 labels) on the masked concatenation

Untrained (fixed seed): it shows the export and the checks, not accuracy. Then check the bundle as Triage runs it:

    /usr/bin/python3 python/examples/classic_fusion.py --out /tmp/classic
    ./triage model check /tmp/classic
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torchaudio
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from triage_bundle import AudioContract, ImageContract, TextContract, export_bundle  # noqa: E402

LABELS = ["safe", "spam", "scam", "harassment", "hate", "violence", "self-harm", "nudity", "drugs", "weapons"]


class LstmTextEncoder(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 100, padding_idx=0)
        self.lstm = nn.LSTM(100, 128, batch_first=True)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(self.embedding(tokens))
        # Ids are right-padded with 0: out[:, -1] would be a padding step. Take each row's last real token.
        lengths = (tokens != 0).sum(dim=1)
        last = (lengths - 1).clamp(min=0).view(-1, 1, 1).expand(-1, 1, out.size(2))
        hidden = out.gather(1, last).squeeze(1)
        return hidden * (lengths > 0).unsqueeze(1).to(hidden.dtype)  # a post without text: zeros


class ResNet18ImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18(weights=None)
        self.net.fc = nn.Identity()

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.net(pixels)


class MelConvAudioEncoder(nn.Module):
    def __init__(self, sample_rate: int):
        super().__init__()
        self.mel = torchaudio.transforms.MelSpectrogram(sample_rate=sample_rate, n_fft=400, hop_length=160, n_mels=64)
        self.convs = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return self.convs(torch.log(self.mel(wave) + 1e-6).unsqueeze(1))


class LinearFusionHead(nn.Module):
    """Takes the mask too, as every fusion head must; the embedding's missing segments are already zero."""

    def __init__(self, input_width: int, labels: int):
        super().__init__()
        self.linear = nn.Linear(input_width, labels)

    def forward(self, embedding: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.linear(embedding)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--image-size", type=int, default=224, help="image side in pixels (ResNet-18 takes any >= 32)")
    p.add_argument("--fixture-batches", default="1,3,8", help="batch sizes of the parity fixtures")
    p.add_argument("--seed", type=int, default=20261202)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    vocab, sample_rate = 8192, 16000
    manifest = export_bundle(
        args.out, name="classic-fusion-untrained", version="1.0.0", labels=LABELS,
        text=LstmTextEncoder(vocab), image=ResNet18ImageEncoder(), audio=MelConvAudioEncoder(sample_rate),
        fusion=LinearFusionHead(128 + 512 + 32, len(LABELS)),
        text_contract=TextContract(vocab_size=vocab, max_tokens=48),
        image_contract=ImageContract(size=args.image_size),
        audio_contract=AudioContract(sample_rate=sample_rate, clip_samples=sample_rate),
        fixture_batches=[int(b) for b in args.fixture_batches.split(",")], seed=args.seed)
    print(f"wrote {manifest['name']} to {args.out}: widths {manifest['text']['outputWidth']} + "
          f"{manifest['image']['outputWidth']} + {manifest['audio']['outputWidth']} = "
          f"{manifest['fusion']['inputWidth']} -> {len(manifest['labels'])} labels")


if __name__ == "__main__":
    main()
