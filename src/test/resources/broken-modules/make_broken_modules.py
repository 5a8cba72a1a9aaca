"""Writes the text encoders the model tests load in place of the reference bundle's (int64 [B, 48] -> [B, 128]):
four broken ones and a working one that is not the reference's (its parity fixtures do not match it).

    /usr/bin/python3 src/test/resources/broken-modules/make_broken_modules.py
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_TOKENS, WIDTH = 48, 128


class PerRow(torch.nn.Module):
    """Encodes row by row in a Python loop: torch.jit.trace unrolls the loop at the example's batch size."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(MAX_TOKENS, WIDTH)

    def forward(self, tokens):
        return torch.stack([self.proj(tokens[i].float()) for i in range(tokens.shape[0])])


class LastNonPad(torch.nn.Module):
    """Reads each row's last non-pad position with nonzero()[-1]: fails on a row of padding only."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(MAX_TOKENS, WIDTH)

    def forward(self, tokens):
        rows = []
        for row in tokens:
            last = (row != 0).nonzero()[-1]
            rows.append(self.proj(row.float()) * last.float())
        return torch.stack(rows)


class BatchCentred(torch.nn.Module):
    """Subtracts the batch mean, as a BatchNorm left in training mode would: a row's output depends on its batch."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(MAX_TOKENS, WIDTH)

    def forward(self, tokens):
        out = self.proj(tokens.float() / 8192)
        return out - out.mean(0, keepdim=True) + 0.5 * out


class MeanOverWords(torch.nn.Module):
    """Averages over the non-pad positions by dividing by their count: 0/0, NaN, on a row of padding only."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(MAX_TOKENS, WIDTH)

    def forward(self, tokens):
        words = (tokens != 0).float().sum(1, keepdim=True)
        return self.proj(tokens.float() / 8192) * words / words


def main():
    torch.manual_seed(1)
    example = torch.randint(1, 8192, (1, MAX_TOKENS))
    torch.jit.trace(PerRow().eval(), example).save(os.path.join(HERE, "frozen_batch_text_encoder.pt"))
    torch.jit.script(LastNonPad().eval()).save(os.path.join(HERE, "last_non_pad_text_encoder.pt"))
    torch.jit.script(BatchCentred().eval()).save(os.path.join(HERE, "batch_centred_text_encoder.pt"))
    torch.jit.script(PerRow().eval()).save(os.path.join(HERE, "other_text_encoder.pt"))
    torch.jit.script(MeanOverWords().eval()).save(os.path.join(HERE, "nan_on_padding_text_encoder.pt"))


if __name__ == "__main__":
    main()
