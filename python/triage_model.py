"""The reference late-fusion network of Triage: three encoders and a fusion head.

Each module is exported on its own to TorchScript; the Java side (dev.triage.model) runs them with DJL.
Forward signatures (B = batch):
  TextEncoder(tokens int64[B, T])          -> float32[B, 128]  (hidden state at the last non-pad step)
  SmallImageEncoder(pixels float32[B,3,H,W]) -> float32[B, 128]
  ResNet18ImageEncoder(pixels [B,3,224,224]) -> float32[B, 512]  (the "full" variant)
  AudioEncoder(wave float32[B, N])          -> float32[B, 128]  (log-mel computed inside)
  FusionHead(emb float32[B, Wt+Wi+Wa], mask float32[B, 3]) -> logits float32[B, L]
Mask order is TEXT, IMAGE, AUDIO; a missing modality has a zero embedding and mask 0.

Every module runs natively batched in float32, with the same code path in training and evaluation (only
BatchNorm switches from batch statistics to running statistics in eval mode, as usual). Batch composition: a row
scored alone, in a batch of 7 or in a batch of 32 gets the same label, and outputs (embeddings, logits, scores)
within 1e-5 of each other; they are not bit-identical, because libtorch picks matrix-multiply and convolution
kernels, and so the summation order, by batch size. The same input in the same batch gives bit-identical output.
export.py checks the 1e-5 bound on every export (check_batch_invariance).
"""
from typing import List

import torch
import torch.nn as nn
import torchaudio
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

MASK_ORDER = ["TEXT", "IMAGE", "AUDIO"]


class TextEncoder(nn.Module):
    """Embedding + 2-layer LSTM; returns the LSTM output at the last non-pad step (right-padded tokens).

    float32 throughout; the batch size changes the rounding of the LSTM's matrix multiplies, within the module
    docstring's 1e-5 bound.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden: int = 128, layers: int = 2):
        super().__init__()
        self.output_width = hidden
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden, num_layers=layers, batch_first=True)
        with torch.no_grad():  # forget-gate bias 1: remembers early tokens (words come before trigrams)
            for layer in range(layers):
                getattr(self.lstm, f"bias_ih_l{layer}")[hidden:2 * hidden].fill_(1.0)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        lengths = (tokens != 0).sum(dim=1)
        x = self.embedding(tokens)
        # Packing skips the pad steps (2x faster on short posts); rows keep their order.
        packed = pack_padded_sequence(x, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        last = (lengths - 1).clamp(min=0).view(-1, 1, 1).expand(-1, 1, out.size(2))
        hidden = out.gather(1, last).squeeze(1)
        # An all-pad row (no text) encodes to the zero vector (+0.0, not -0.0).
        return hidden.masked_fill((lengths == 0).unsqueeze(1), 0.0)


class ResidualBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_ch)
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_ch, out_ch, 1, stride=stride, bias=False), nn.BatchNorm2d(out_ch))
        else:
            self.shortcut = nn.Sequential()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.shortcut(x))


class GlobalAvgPool(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


class SmallImageEncoder(nn.Module):
    """A small ResNet-style CNN: stem conv, three residual blocks, global average pool, Linear (batched)."""

    def __init__(self, width: int = 128):
        super().__init__()
        self.output_width = width
        self.trunk = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            ResidualBlock(16, 16, 1), ResidualBlock(16, 32, 2), ResidualBlock(32, 64, 2),
            GlobalAvgPool())
        self.fc = nn.Linear(64, width)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.fc(self.trunk(pixels))


class ResNet18ImageEncoder(nn.Module):
    """torchvision ResNet-18 (random init, no download) without its classifier: 512 features (batched)."""

    def __init__(self):
        super().__init__()
        import torchvision
        net = torchvision.models.resnet18(weights=None)
        net.fc = nn.Identity()
        self.net = net
        self.output_width = 512

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.net(pixels)


class LogMel(nn.Module):
    """16 kHz waveform [B, N] -> log-mel [B, 1, 64, frames]."""

    def __init__(self, sample_rate: int = 16000):
        super().__init__()
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=sample_rate, n_fft=400, hop_length=160, n_mels=64)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return torch.log(self.mel(wave) + 1e-6).unsqueeze(1)


class AudioEncoder(nn.Module):
    """Log-mel spectrogram (inside the model), three strided conv layers, pooling, flatten, Linear (batched)."""

    def __init__(self, sample_rate: int = 16000, width: int = 128):
        super().__init__()
        self.output_width = width
        self.features = LogMel(sample_rate)
        self.head = AudioHead(width)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(wave))


class AudioHead(nn.Module):
    """The trainable part of the audio encoder, on a log-mel [B, 1, 64, frames]."""

    def __init__(self, width: int):
        super().__init__()
        # Strided convs: 64 x 101 -> 8 x 13, then pooled to 4 x 4 (mel band x time) and flattened.
        self.trunk = nn.Sequential(
            nn.BatchNorm2d(1),
            nn.Conv2d(1, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d((4, 4)), nn.Flatten())
        self.fc = nn.Linear(64 * 4 * 4, width)

    def forward(self, logmel: torch.Tensor) -> torch.Tensor:
        return self.fc(self.trunk(logmel))


class FusionHead(nn.Module):
    """Masked concatenation of the three embeddings, plus the mask itself, through one Linear."""

    def __init__(self, widths: List[int], num_labels: int):
        super().__init__()
        self.widths = widths
        self.input_width = sum(widths)
        self.linear = nn.Linear(self.input_width + len(widths), num_labels)
        # [3, W]: row m selects the columns of modality m, so mask @ selector gives a per-column mask.
        selector = torch.zeros(len(widths), self.input_width)
        start = 0
        for m, w in enumerate(widths):
            selector[m, start:start + w] = 1.0
            start += w
        self.register_buffer("selector", selector)

    def forward(self, emb: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        column_mask = torch.matmul(mask, self.selector)
        return self.linear(torch.cat([emb * column_mask, mask], dim=1))


class TriageModel(nn.Module):
    """The four modules together, for training and evaluation (exported separately)."""

    def __init__(self, vocab_size: int, num_labels: int, sample_rate: int = 16000, variant: str = "small"):
        super().__init__()
        self.text = TextEncoder(vocab_size)
        self.image = SmallImageEncoder() if variant == "small" else ResNet18ImageEncoder()
        self.audio = AudioEncoder(sample_rate)
        self.fusion = FusionHead(
            [self.text.output_width, self.image.output_width, self.audio.output_width], num_labels)

    def embed(self, tokens, pixels, logmel):
        """Encoder outputs, with the audio encoder's log-mel precomputed (it has no trainable weights)."""
        return torch.cat([self.text(tokens), self.image(pixels), self.audio.head(logmel)], dim=1)

    def fuse(self, emb: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.fusion(emb, mask)
