"""PyTorch side of `npm run bench:train`: the same backbone, ArcFace head, loss and SGD step as facelossbench
builds in tfjs, timed the same way. Mirrors plugins/backbones/convnet.ts, plugins/backbones/iresnet.ts,
harness/backbone-layers.ts (embedding block, BN eps 1e-5 / momentum 0.1, PReLU per channel),
plugins/losses/arcface.ts + harness/loss-kit.ts (cosine head) and harness/training/sgd.ts.

Usage: python3 torch_train_step.py JSON_CONFIG   -> prints one JSON line {"msPerStep": median ms, ...}
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), nn.ReLU()]


def embedding_block(channels, spatial, embedding_dim):
    """BN -> flatten -> FC -> BN, as SeededLayers.embedding (dropout rate 0 is skipped there too)."""
    return nn.Sequential(
        nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1),
        nn.Flatten(),
        nn.Linear(channels * spatial * spatial, embedding_dim),
        nn.BatchNorm1d(embedding_dim, eps=1e-5, momentum=0.1),
    )


def convnet(in_channels, size, embedding_dim, width=32, stages=3):
    layers, c = [], in_channels
    for stage in range(stages):
        f = width * 2 ** stage
        layers += conv_bn_relu(c, f) + conv_bn_relu(f, f)
        layers.append(nn.MaxPool2d(2, 2))
        c, size = f, size // 2
    return nn.Sequential(*layers, embedding_block(c, size, embedding_dim))


class IBasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5, momentum=0.1)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.prelu = nn.PReLU(cout, init=0.25)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
            )

    def forward(self, x):
        y = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return y + (self.downsample(x) if self.downsample is not None else x)


BLOCKS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3]}


def iresnet(in_channels, size, embedding_dim, depth=18, width_scale=1.0):
    widths = [max(1, round(w * width_scale)) for w in (64, 128, 256, 512)]
    layers = [nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
              nn.BatchNorm2d(widths[0], eps=1e-5, momentum=0.1), nn.PReLU(widths[0], init=0.25)]
    c = widths[0]
    for stage, count in enumerate(BLOCKS[depth]):
        for i in range(count):
            stride = 2 if i == 0 else 1
            layers.append(IBasicBlock(c, widths[stage], stride))
            c = widths[stage]
            size = (size + 1) // 2 if stride == 2 else size
    return nn.Sequential(*layers, embedding_block(c, size, embedding_dim))


class ArcFaceHead(nn.Module):
    """s*cos(theta_y + m) for the target, s*(cos theta_y - m sin m) where theta_y + m > pi, s*cos theta_j otherwise."""

    def __init__(self, embedding_dim, num_classes, s=64.0, m=0.5):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(embedding_dim, num_classes) * 0.01)
        self.s, self.m = s, m

    def forward(self, x, labels):
        x = x * torch.rsqrt(torch.clamp((x * x).sum(1, keepdim=True), min=1e-12))
        w = self.weight * torch.rsqrt(torch.clamp((self.weight * self.weight).sum(0, keepdim=True), min=1e-12))
        cos = x @ w
        mask = F.one_hot(labels, cos.shape[1]).to(cos.dtype)
        target = (cos * mask).sum(1)
        sin = torch.sqrt(torch.clamp(1 - target * target, min=1e-7))
        above = (target > math.cos(math.pi - self.m)).to(cos.dtype)
        margin = above * (target * math.cos(self.m) - sin * math.sin(self.m)) + (1 - above) * (target - self.m * math.sin(self.m))
        logits = cos + mask * (margin - target).unsqueeze(1)
        return logits * self.s


def main():
    cfg = json.loads(sys.argv[1])
    torch.manual_seed(cfg.get("seed", 1))
    torch.set_num_threads(cfg["threads"])
    h, w, c = cfg["inputShape"]
    params = cfg.get("params", {})
    if cfg["backbone"] == "convnet":
        model = convnet(c, h, cfg["embeddingDim"], params.get("width", 32), params.get("stages", 3))
    elif cfg["backbone"] == "iresnet":
        model = iresnet(c, h, cfg["embeddingDim"], params.get("depth", 18), params.get("widthScale", 1.0))
    else:
        raise SystemExit(f"no PyTorch mirror for backbone {cfg['backbone']}")
    head = ArcFaceHead(cfg["embeddingDim"], cfg["numClasses"])
    opt = torch.optim.SGD(list(model.parameters()) + list(head.parameters()), lr=cfg["lr"], momentum=0.9, weight_decay=5e-4)
    images = torch.randn(cfg["batch"], c, h, w)
    labels = torch.arange(cfg["batch"]) % cfg["numClasses"]
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(head(model(images), labels), labels)
        loss.backward()
        opt.step()
        return loss.item()

    # The same warm-up rule as the TypeScript side: at least `warmup` steps and at least `warmupSeconds`.
    warmup_start, done = time.perf_counter(), 0
    while done < cfg["warmup"] or time.perf_counter() - warmup_start < cfg.get("warmupSeconds", 0):
        step()
        done += 1
    times = []
    for _ in range(cfg["steps"]):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    # The median, as the TypeScript side reports: robust to a burst of load in one step.
    print(json.dumps({"msPerStep": statistics.median(times), "stepsMs": times, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
