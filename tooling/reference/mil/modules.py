"""PyTorch reference modules for @osfm/mil (SPEC §6.2, §6.4, §13.1).

Parameter names here are the safetensors tensor names @osfm/mil reads and writes, so weights move
both ways. Run with Debian's /usr/bin/python3 (python3-torch).
"""
import math

import torch
from torch import nn


class MILTransformer(nn.Module):
    """NB06/NB08 aggregator: pos/scale MLP added to features, 6 pre-norm layers, final LN, masked max-pool, BYOL heads."""

    def __init__(self, dim=768, depth=6, heads=8, ff_mult=4, dropout=0.1, pos_hidden=384):
        super().__init__()
        self.pos = nn.Sequential(nn.Linear(3, pos_hidden), nn.GELU(), nn.Linear(pos_hidden, dim))
        layer = nn.TransformerEncoderLayer(
            dim, heads, dim * ff_mult, dropout=dropout, activation="relu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.proj_global = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, dim))
        self.pred_global = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, dim))

    def forward(self, x, pos, pad_mask):
        """x: [B, T, dim]; pos: [B, T, 3] (x mm, y mm, scale µm/px); pad_mask: [B, T] bool, True = padding."""
        h = x + self.pos(pos)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        tokens = self.norm(h)
        masked = tokens.masked_fill(pad_mask.unsqueeze(-1), float("-inf"))
        g = masked.max(dim=1).values
        g_proj = self.proj_global(g)
        return g, g_proj, self.pred_global(g_proj), tokens


class MFRDecoder(nn.Module):
    """Masked feature reconstruction decoder (training only)."""

    def __init__(self, dim=768, dec_dim=384, depth=2, heads=4, ff=1536, dropout=0.1):
        super().__init__()
        self.in_proj = nn.Linear(dim, dec_dim)
        self.mask_token = nn.Parameter(torch.zeros(dec_dim))
        nn.init.trunc_normal_(self.mask_token, std=0.02)
        layer = nn.TransformerEncoderLayer(
            dec_dim, heads, ff, dropout=dropout, activation="relu", batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dec_dim)
        self.out_proj = nn.Linear(dec_dim, dim)

    def forward(self, tokens, mfr_mask, pad_mask):
        """tokens: [B, T, dim]; mfr_mask: [B, T] bool, True = masked; pad_mask: [B, T] bool."""
        h = self.in_proj(tokens)
        h = torch.where(mfr_mask.unsqueeze(-1), self.mask_token.expand_as(h), h)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.out_proj(self.norm(h))


def top_k(n):
    """k = clamp(floor(0.15 n), min 24), capped at n, at least 1."""
    return max(1, min(n, max(24, math.floor(0.15 * n))))


class MultiHeadPool(nn.Module):
    """One scale of the PANDA MIL model: post-norm transformer block, token scorer, top-k softmax pooling."""

    def __init__(self, dim=768, heads=8, ff=1536, dropout=0.1, scorer_hidden=384):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.norm1 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff, dim))
        self.norm2 = nn.LayerNorm(dim)
        self.scorer = nn.Sequential(nn.Linear(dim, scorer_hidden), nn.ReLU(), nn.Linear(scorer_hidden, 1))

    def forward(self, x, pad_mask):
        a, _ = self.attn(x, x, x, key_padding_mask=pad_mask, need_weights=False)
        h = self.norm1(x + a)
        h = self.norm2(h + self.ffn(h))
        scores = self.scorer(h).squeeze(-1).masked_fill(pad_mask, -1e4)
        pooled = []
        for b in range(x.shape[0]):
            n = int((~pad_mask[b]).sum())
            k = top_k(n)
            s, idx = scores[b].topk(k)
            w = torch.softmax(s, dim=0)
            pooled.append((w.unsqueeze(-1) * h[b, idx]).sum(0))
        return torch.stack(pooled)


class AttentionMil(nn.Module):
    """NB11 ISUP grading model: one MultiHeadPool per scale, fused 1536→512→512→6."""

    def __init__(self, dim=768, n_classes=6, dropout=0.15):
        super().__init__()
        self.pool05 = MultiHeadPool(dim)
        self.pool20 = MultiHeadPool(dim)
        self.fusion = nn.Sequential(
            nn.Linear(2 * dim, 512), nn.LayerNorm(512), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(512, 512), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(512, n_classes),
        )

    def forward(self, x05, pad05, x20, pad20):
        return self.fusion(torch.cat([self.pool05(x05, pad05), self.pool20(x20, pad20)], dim=-1))


if __name__ == "__main__":
    count = lambda m: sum(p.numel() for p in m.parameters())
    print({"MILTransformer": count(MILTransformer()), "MFRDecoder": count(MFRDecoder()), "AttentionMil": count(AttentionMil())})
