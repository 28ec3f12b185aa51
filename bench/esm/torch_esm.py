#!/usr/bin/env python3
"""Plain PyTorch ESM-2 forward pass (fair-esm ESM2 / HF EsmModel semantics) on a HF safetensors
checkpoint, for the side-by-side benchmark with Tessera's C# engine.

  torch_esm.py bench DIR BATCH LENGTH THREADS REPEATS   one result line, residues/s
  torch_esm.py compare DIR LENGTH CSHARP_HIDDEN.npy     max abs difference vs the C# output
  torch_esm.py blas                                     which BLAS library torch loaded

Inputs follow the formula in EsmBench/BenchmarkTokens.cs: token[b][1+i] = 4 + (131 b + 17 i + 7) mod 20.
"""
import json
import math
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}


def load_safetensors(path):
    with open(path, "rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
        data = handle.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            array = bits.view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=DTYPES[info["dtype"]])
        tensors[name] = torch.from_numpy(array.astype(np.float32) if array.dtype != np.int64 else array.copy()).reshape(info["shape"])
    return tensors


class Esm2:
    def __init__(self, directory):
        with open(f"{directory}/config.json") as handle:
            self.config = json.load(handle)
        weights = load_safetensors(f"{directory}/model.safetensors")
        prefix = "esm." if "esm.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
        self.layers = self.config["num_hidden_layers"]
        self.heads = self.config["num_attention_heads"]
        self.hidden = self.config["hidden_size"]
        self.eps = self.config.get("layer_norm_eps", 1e-5)
        self.mask_id = self.config.get("mask_token_id", 32)
        # Q, K, V fused per layer, as an optimised PyTorch deployment would do.
        self.qkv = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            self.qkv.append((torch.cat([self.w[p + n + ".weight"] for n in ("query", "key", "value")]),
                             torch.cat([self.w[p + n + ".bias"] for n in ("query", "key", "value")])))

    @staticmethod
    def rotate_half(x):
        x1, x2 = x.chunk(2, dim=-1)
        return torch.cat((-x2, x1), dim=-1)

    def forward(self, tokens, padding_mask):
        w, h, heads = self.w, self.hidden, self.heads
        d = h // heads
        batch, t = tokens.shape
        x = F.embedding(tokens, w["embeddings.word_embeddings.weight"])
        if self.config.get("token_dropout", True):
            is_mask = (tokens == self.mask_id)
            x = x.masked_fill(is_mask.unsqueeze(-1), 0.0)
            src_lengths = (~padding_mask).sum(-1)
            observed = is_mask.sum(-1).to(x.dtype) / src_lengths
            x = x * (1 - 0.15 * 0.8) / (1 - observed)[:, None, None]
        x = x * (1 - padding_mask.unsqueeze(-1).type_as(x))
        key_mask = torch.zeros(batch, 1, 1, t).masked_fill(padding_mask[:, None, None, :], float("-inf"))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            inv_freq = w[p + "attention.self.rotary_embeddings.inv_freq"]
            freqs = torch.outer(torch.arange(t, dtype=inv_freq.dtype), inv_freq)
            emb = torch.cat((freqs, freqs), dim=-1)
            cos, sin = emb.cos()[None, None], emb.sin()[None, None]
            y = F.layer_norm(x, (h,), w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"], self.eps)
            qkv = F.linear(y, *self.qkv[i]).view(batch, t, 3, heads, d).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0] * d ** -0.5, qkv[1], qkv[2]
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            scores = torch.matmul(q, k.transpose(-1, -2)) + key_mask
            context = torch.matmul(scores.softmax(-1), v).transpose(1, 2).reshape(batch, t, h)
            x = x + F.linear(context, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
            y = F.layer_norm(x, (h,), w[p + "LayerNorm.weight"], w[p + "LayerNorm.bias"], self.eps)
            y = F.gelu(F.linear(y, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
            x = x + F.linear(y, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
        return F.layer_norm(x, (h,), w["encoder.emb_layer_norm_after.weight"], w["encoder.emb_layer_norm_after.bias"], self.eps)


def benchmark_tokens(batch, length):
    tokens = torch.empty(batch, length + 2, dtype=torch.long)
    tokens[:, 0] = 0
    tokens[:, -1] = 2
    b = torch.arange(batch)[:, None]
    i = torch.arange(length)[None, :]
    tokens[:, 1:-1] = 4 + (131 * b + 17 * i + 7) % 20
    return tokens


def loaded_blas():
    names = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in path or "lapack" in path or "mkl" in path:
                names.add(path)
    return sorted(names)


def main():
    command = sys.argv[1]
    if command == "blas":
        torch.matmul(torch.ones(64, 64), torch.ones(64, 64))
        print("torch", torch.__version__, "BLAS libraries mapped:", ", ".join(loaded_blas()) or "none found")
        return
    model = Esm2(sys.argv[2])
    if command == "bench":
        batch, length, threads, repeats = map(int, sys.argv[3:7])
        torch.set_num_threads(threads)
        tokens = benchmark_tokens(batch, length)
        padding = tokens == 1
        times = []
        with torch.inference_mode():
            for _ in range(1 if batch * length >= 8192 else 3):
                model.forward(tokens, padding)
            for _ in range(repeats):
                start = time.perf_counter()
                model.forward(tokens, padding)
                times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"torch batch={batch} length={length} threads={threads} median_s={median:.5f} residues_per_s={batch * length / median:.0f}")
    elif command == "compare":
        length = int(sys.argv[3])
        tokens = benchmark_tokens(1, length)
        with torch.inference_mode():
            reference = model.forward(tokens, tokens == 1)[0].numpy()
        csharp = np.load(sys.argv[4])
        print(f"cross-check length={length}: max |C# - PyTorch| = {np.abs(csharp - reference).max():.2e} over {reference.size} values")


if __name__ == "__main__":
    main()
