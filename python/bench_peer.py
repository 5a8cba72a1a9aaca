#!/usr/bin/python3
"""Python peer of `triage bench`: scores the benchmark's pre-produced posts one record at a time.

A plain confluent_kafka Consumer (confluent-kafka 1.7's AvroConsumer cannot read string keys) reads the text, image
and audio topics from the beginning, decodes values with confluent_kafka.avro's MessageSerializer through the schema
registry, preprocesses each event as it arrives (hash-ngram-v1 tokenizer, PIL image decode + resize, WAV decode +
torchaudio resample), joins a post's events by correlation id in a dict, and when a post is complete scores it with
the bundle's TorchScript modules at batch size 1 (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1).

Several processes can share the work: each is given partitions (the same numbers on the three co-partitioned topics).
Protocol with the caller: after loading the model and assigning partitions the script prints "ready" and waits for a
line on stdin before it starts consuming; at the end it writes a JSON object to --out:
{"scored": N, "first_ms": epoch ms of the first record read, "last_ms": epoch ms of the last post scored,
 "labels": {correlation id: label}}. Exit code 3 means a module is missing (torch, confluent_kafka, PIL, ...).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402

MODALITIES = ("TEXT", "IMAGE", "AUDIO")


def tokenize(text, vocab_size, max_tokens):
    """hash-ngram-v1, as documented on dev.triage.encode.TextTokenizer."""
    s = unicodedata.normalize("NFKC", text).lower()
    words, cur = [], ""
    for ch in s:
        cat = unicodedata.category(ch)
        if cat[0] in "LM" or cat == "Nd":
            cur += ch
        elif cur:
            words.append(cur)
            cur = ""
    if cur:
        words.append(cur)
    if not words:
        raise ValueError("text has no letters or digits")
    toks = ["w:" + w for w in words[:max_tokens]]
    for w in words:
        if len(toks) >= max_tokens:
            break
        b = "<" + w + ">"
        toks += ["g:" + b[i:i + 3] for i in range(len(b) - 2)]
    ids = []
    for t in toks[:max_tokens]:
        h = 0x811C9DC5
        for x in t.encode("utf-8"):
            h = ((h ^ x) * 0x01000193) & 0xFFFFFFFF
        ids.append(1 + h % (vocab_size - 1))
    return ids + [0] * (max_tokens - len(ids))


def read_wav(data, np):
    """(samples [frames, channels] float32 in [-1, 1], sample rate) of a RIFF/WAVE file: PCM 8/16/24/32 or float."""
    if len(data) < 12 or data[0:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    pos, fmt, pcm = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", body[0:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if tag == 0xFFFE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            pcm = body
        pos += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise ValueError("WAV without fmt or data chunk")
    tag, channels, rate, bits = fmt
    width = bits // 8
    frames = len(pcm) // (width * channels)
    pcm = pcm[:frames * width * channels]
    if tag == 3:
        x = np.frombuffer(pcm, dtype="<f4" if bits == 32 else "<f8").astype(np.float32)
        x = np.nan_to_num(np.clip(x, -1.0, 1.0))
    elif bits == 8:
        x = (np.frombuffer(pcm, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif bits == 16:
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    elif bits == 24:
        b = np.frombuffer(pcm, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v)).astype(np.float32) / float(1 << 23)
    elif bits == 32:
        x = np.frombuffer(pcm, dtype="<i4").astype(np.float32) / float(1 << 31)
    else:
        raise ValueError("unsupported WAV sample size %d" % bits)
    return x.reshape(frames, channels), rate


class Bundle:
    """The bundle's four TorchScript modules, and Python preprocessing for its input contracts."""

    def __init__(self, directory, torch, np, Image, torchaudio):
        self.torch, self.np, self.Image, self.torchaudio = torch, np, Image, torchaudio
        with open(os.path.join(directory, "model.json")) as f:
            m = json.load(f)
        self.labels = m["labels"]
        self.text_spec, self.image_spec, self.audio_spec = m["text"], m["image"], m["audio"]
        load = lambda spec: torch.jit.load(os.path.join(directory, spec["file"])).eval()  # noqa: E731
        self.text, self.image, self.audio = load(m["text"]), load(m["image"]), load(m["audio"])
        self.fusion = load(m["fusion"])
        self.widths = [m["text"]["outputWidth"], m["image"]["outputWidth"], m["audio"]["outputWidth"]]
        self.mean = np.array(m["image"]["mean"], dtype=np.float32)
        self.std = np.array(m["image"]["std"], dtype=np.float32)
        self.resamplers = {}

    def preprocess(self, modality, record):
        np = self.np
        if modality == "TEXT":
            t = self.text_spec
            return np.array(tokenize(record["text"], t["vocabSize"], t["maxTokens"]), dtype=np.int64)
        if modality == "IMAGE":
            return self.pixels(record["image"])
        if record.get("encoding", "WAV") != "WAV":
            raise ValueError("only WAV audio in the benchmark feed")
        return self.wave(record["audio"])

    def pixels(self, data):
        np, Image = self.np, self.Image
        size = self.image_spec["size"]
        img = Image.open(io.BytesIO(data))
        img.load()
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            img = img.convert("RGBA")
            white = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(white, img)
        img = img.convert("RGB")
        shrinking = img.size[0] >= size and img.size[1] >= size
        img = img.resize((size, size), Image.BOX if shrinking else Image.BILINEAR)
        x = (np.asarray(img, dtype=np.float32) / 255.0 - self.mean) / self.std
        x = x.transpose(2, 0, 1)
        if self.image_spec["channelOrder"].upper() == "BGR":
            x = x[::-1]
        return np.ascontiguousarray(x)

    def wave(self, data):
        np, torch = self.np, self.torch
        rate_out, clip = self.audio_spec["sampleRate"], self.audio_spec["clipSamples"]
        samples, rate = read_wav(bytes(data), np)
        mono = samples.mean(axis=1)
        if rate != rate_out:
            need = int(np.ceil(clip * rate / rate_out)) + 64
            resample = self.resamplers.get(rate)
            if resample is None:
                resample = self.resamplers[rate] = self.torchaudio.transforms.Resample(rate, rate_out)
            mono = resample(torch.from_numpy(np.ascontiguousarray(mono[:need]))).numpy()
        mono = np.clip(mono[:clip], -1.0, 1.0).astype(np.float32)
        return np.pad(mono, (0, clip - len(mono))) if len(mono) < clip else mono

    def score(self, tensors):
        """Label of one post, from its {modality: tensor}: each encoder at batch size 1, then the fusion head."""
        torch = self.torch
        parts, mask = [], []
        with torch.inference_mode():
            for modality, module, width in zip(MODALITIES, (self.text, self.image, self.audio), self.widths):
                x = tensors.get(modality)
                if x is None:
                    parts.append(torch.zeros(1, width))
                    mask.append(0.0)
                else:
                    parts.append(module(torch.from_numpy(x).unsqueeze(0)))
                    mask.append(1.0)
            logits = self.fusion(torch.cat(parts, dim=1), torch.tensor([mask]))
            return self.labels[int(torch.softmax(logits, dim=1).argmax(dim=1)[0])]

    def warm_up(self):
        np = self.np
        zeros = {"TEXT": np.ones(self.text_spec["maxTokens"], dtype=np.int64),
                 "IMAGE": np.zeros((3, self.image_spec["size"], self.image_spec["size"]), dtype=np.float32),
                 "AUDIO": np.zeros(self.audio_spec["clipSamples"], dtype=np.float32)}
        for _ in range(3):
            self.score(zeros)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--topics", required=True, help="text,image,audio topic names")
    p.add_argument("--partitions", required=True, help="comma-separated partition numbers to read")
    p.add_argument("--bundle", required=True)
    p.add_argument("--max-posts", type=int, default=0, help="stop after this many posts (0 = read everything)")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    try:
        import numpy as np
        import torch
        import torchaudio
        from PIL import Image
        from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
        from confluent_kafka.avro import CachedSchemaRegistryClient
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    except ImportError as e:
        print("bench_peer: missing Python module: %s" % e, file=sys.stderr)
        return 3
    torch.set_num_threads(1)
    bundle = Bundle(args.bundle, torch, np, Image, torchaudio)
    bundle.warm_up()

    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "triage-bench-peer",
                         "enable.auto.commit": False, "enable.partition.eof": True})
    names = args.topics.split(",")
    modality_of = dict(zip(names, MODALITIES))
    parts = [int(x) for x in args.partitions.split(",") if x != ""]
    assigned = [TopicPartition(t, q, OFFSET_BEGINNING) for t in names for q in parts]
    consumer.assign(assigned)
    pending = {(tp.topic, tp.partition) for tp in assigned}
    print("ready", flush=True)
    sys.stdin.readline()

    posts, labels = {}, {}
    first_ms = last_ms = None
    try:
        while pending and (args.max_posts <= 0 or len(labels) < args.max_posts):
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard((msg.topic(), msg.partition()))
                    continue
                raise RuntimeError(str(msg.error()))
            if first_ms is None:
                first_ms = time.time() * 1000.0
            record = serializer.decode_message(msg.value())
            cid = msg.key().decode("utf-8")
            modality = modality_of[msg.topic()]
            post = posts.setdefault(cid, {})
            post[modality] = bundle.preprocess(modality, record)
            expected = record.get("expectedModalities") or MODALITIES
            if all(m in post for m in expected):
                labels[cid] = bundle.score(posts.pop(cid))
                last_ms = time.time() * 1000.0
    finally:
        consumer.close()
    with open(args.out, "w") as f:
        json.dump({"scored": len(labels), "first_ms": first_ms, "last_ms": last_ms, "labels": labels,
                   "unfinished": len(posts)}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
