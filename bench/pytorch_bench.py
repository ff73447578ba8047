#!/usr/bin/env python3
"""PyTorch reference for `lthc bench`: the same four measurements on the same model.

ResNet-20 for CIFAR (ResNet v1, 1x1-conv + BN projection shortcuts, as lthc's
models), batch 128, synthetic inputs in [0, 1], normalisation inside the model.
  train        forward + backward + SGD(momentum 0.9) update, BN batch statistics
  pgd          one PGD linf step: forward + input gradient, BN running statistics
  adversarial  PGD linf n=2 (random start, BN running statistics) + training step
  inference    forward, BN running statistics
With --frozen, one more:
  inferenceFrozen  the same forward as TorchScript, frozen and optimize_for_inference'd
                   (conv+BN folded, oneDNN layouts): what a PyTorch user deploying a
                   model gets, as opposed to eager PyTorch, which the bars compare with
Prints wall-clock img/s and img/s per CPU-second (process time over all threads).

Usage: python3 bench/pytorch_bench.py [--threads 2] [--batch 128] [--steps 3] [--depth 20] [--width 1] [--frozen] [--json]
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNet(nn.Module):
    def __init__(self, depth=20, width=1, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        w = [16 * width, 32 * width, 64 * width]
        self.register_buffer("mean", torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.247, 0.2435, 0.2616]).view(1, 3, 1, 1))
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for stage, cout in enumerate(w):
            for i in range(n):
                blocks.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = F.relu(self.bn(self.conv(x)))
        x = self.blocks(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def pgd(model, x, y, eps, steps):
    """PGD linf with random start; BN in eval mode (running statistics, never updated)."""
    was_training = model.training
    model.eval()
    delta = torch.empty_like(x).uniform_(-eps, eps)
    x_adv = (x + delta).clamp(0, 1)
    a = eps / steps
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y)
        (g,) = torch.autograd.grad(loss, x_adv)
        with torch.no_grad():
            x_adv = (x_adv + a * g.sign()).clamp(0, 1)
            x_adv = (x + (x_adv - x).clamp(-eps, eps)).clamp(0, 1)
    model.train(was_training)
    return x_adv.detach()


def timed(fn, steps, batch):
    fn()
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        fn()
    wall = (time.perf_counter() - t0) / steps
    cpu = (time.process_time() - c0) / steps
    return {"imagesPerSec": batch / wall, "imagesPerCpuSec": batch / cpu, "msPerStep": wall * 1000}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--depth", type=int, default=20)
    p.add_argument("--width", type=int, default=1)
    p.add_argument("--pgd-steps", type=int, default=2)
    p.add_argument("--frozen", action="store_true", help="also time frozen TorchScript inference")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ResNet(args.depth, args.width)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch,))
    eps = 8 / 255

    def train_step(inputs=x):
        model.train()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(inputs), y).backward()
        opt.step()

    def pgd_step():
        pgd(model, x, y, eps, 1)

    def adversarial_step():
        train_step(pgd(model, x, y, eps, args.pgd_steps))

    def inference():
        model.eval()
        with torch.no_grad():
            model(x)

    results = {}
    for name, fn in [("train", train_step), ("pgd", pgd_step), ("adversarial", adversarial_step), ("inference", inference)]:
        results[name] = timed(fn, args.steps, args.batch)
    if args.frozen:
        model.eval()
        with torch.no_grad():
            frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, x)))

            def frozen_inference():
                with torch.no_grad():
                    frozen(x)

            results["inferenceFrozen"] = timed(frozen_inference, args.steps, args.batch)
    report = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "model": f"resnet-{args.depth}" if args.width == 1 else f"wrn-{args.depth}-{args.width}",
        "parameters": sum(p.numel() for p in model.parameters()),
        "batch": args.batch,
        "results": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"PyTorch {report['torch']}, {report['threads']} threads, {report['model']} ({report['parameters']:,} parameters), batch {args.batch}")
    for name, r in results.items():
        print(f"  {name:12} {r['imagesPerSec']:9.1f} img/s  {r['imagesPerCpuSec']:9.1f} img/cpu-s  {r['msPerStep']:8.0f} ms/step")


if __name__ == "__main__":
    main()
