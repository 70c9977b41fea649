#!/usr/bin/python3
# Runs under Debian's /usr/bin/python3 (python3-torch 1.13), not the tests'
# Python: it writes torch_opset9.onnx, committed beside it.
"""A small CNN exported by torch.onnx at opset 9 with a dynamic batch, as
older exporters wrote models: BatchNorm folded into Conv, Upsample (nearest),
`x.view(x.size(0), -1)` as Shape/Gather/Unsqueeze/Concat/Reshape, then Gemm
and Softmax (opset-9 semantics: 2-D coerced at axis 1), and a LogSoftmax over
dimension 1 of a 3-D view (Transpose, LogSoftmax, Transpose). Weights are
random (seed 0); the test compares whittle with ONNX Runtime, not accuracy."""
import os

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = nn.functional.max_pool2d(x, 2)
        x = torch.relu(self.conv2(self.up(x)))
        x = self.pool(x)
        x = x.view(x.size(0), -1)
        probabilities = torch.softmax(self.fc(x), dim=1)
        grouped = torch.log_softmax(x.view(x.size(0), 4, -1), dim=1)
        return probabilities, grouped


torch.manual_seed(0)
net = Net().eval()
with torch.no_grad():  # non-trivial BatchNorm statistics to fold
    net.bn1.running_mean.uniform_(-0.5, 0.5)
    net.bn1.running_var.uniform_(0.5, 2.0)
torch.onnx.export(
    net, torch.randn(2, 3, 16, 16),
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "torch_opset9.onnx"),
    opset_version=9, input_names=["x"], output_names=["probs", "grouped"],
    dynamic_axes={"x": {0: "batch"}, "probs": {0: "batch"},
                  "grouped": {0: "batch"}})
