#!/usr/bin/env python3
"""PyTorch's speed on the diagnoser's network, for comparison with `faceatlas bench cnn` (inference and training).

Builds the same network as FaceAtlas's diagnoser in plain PyTorch (torchvision's ResNet-18 layout without its
classifier, fc 512->3 and a sigmoid attention head, output = attention x fc), and times inference at batch 1
and 32 (evaluation mode, no gradients) and training at batch 32 (cross-entropy, backward, SGD step with momentum
and weight decay) on 224x224 inputs, on as many threads as OpenBLAS would use (OPENBLAS_NUM_THREADS, default:
all cores). Needs `torch` (pip, CPU build); prints JSON.
"""
import json
import os
import sys
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                           if stride != 1 or cin != cout else None)

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (self.downsample(x) if self.downsample is not None else x))


class Diagnoser(nn.Module):
    def __init__(self, width=64, classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        layers, cin = [], width
        for i, cout in enumerate([width, 2 * width, 4 * width, 8 * width]):
            layers += [Block(cin, cout, 1 if i == 0 else 2), Block(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)
        self.alpha = nn.Linear(cin, 1)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        features = torch.flatten(nn.functional.adaptive_avg_pool2d(self.layers(x), 1), 1)
        return torch.sigmoid(self.alpha(features)) * self.fc(features)


def rate(batch, seconds, body):
    """Images per second of the fastest run after a warm-up run, and images per CPU second of the process."""
    body()
    best, best_cpu, start = float("inf"), float("inf"), time.perf_counter()
    while True:
        run, cpu = time.perf_counter(), time.process_time()
        body()
        best = min(best, time.perf_counter() - run)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        if time.perf_counter() - start >= seconds:
            return batch / best, batch / best_cpu


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count()))
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Diagnoser()
    one, many = torch.rand(1, 3, 224, 224) * 4 - 2, torch.rand(32, 3, 224, 224) * 4 - 2
    model.eval()
    with torch.inference_mode():
        single = rate(1, seconds, lambda: model(one))
        batched = rate(32, seconds, lambda: model(many))
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    labels = torch.arange(32) % 3

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(many), labels).backward()
        optimizer.step()

    training = rate(32, seconds, step)
    print(json.dumps({"pytorch": torch.__version__, "threads": threads,
                      "inferenceImagesPerSecondBatch1": single[0], "inferenceImagesPerSecondBatch32": batched[0],
                      "trainingImagesPerSecondBatch32": training[0],
                      "inferenceImagesPerCPUSecondBatch1": single[1], "inferenceImagesPerCPUSecondBatch32": batched[1],
                      "trainingImagesPerCPUSecondBatch32": training[1]}, indent=2))


if __name__ == "__main__":
    main()
