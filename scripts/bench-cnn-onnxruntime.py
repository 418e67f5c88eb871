#!/usr/bin/env python3
"""onnxruntime's speed on the diagnoser's network, for comparison with `faceatlas bench cnn`.

Builds the same network as FaceAtlas's diagnoser (torchvision ResNet-18 layout, fc 512->3 and a sigmoid
attention head, output = attention x fc) as an ONNX graph with random weights, and times inference at
batch 1 and 32 on 224x224 inputs with onnxruntime on the CPU, using as many threads as OpenBLAS does
(OPENBLAS_NUM_THREADS, default: all cores). Needs `onnx` and `onnxruntime` (pip); prints JSON.
"""
import json
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1)
nodes, inits = [], []
count = [0]


def name(prefix):
    count[0] += 1
    return f"{prefix}_{count[0]}"


def const(array, prefix):
    n = name(prefix)
    inits.append(numpy_helper.from_array(array.astype(np.float32), n))
    return n


def conv(x, cin, cout, k, stride, pad):
    w = const(rng.normal(0, (2 / (cout * k * k)) ** 0.5, (cout, cin, k, k)), "w")
    y = name("conv")
    nodes.append(helper.make_node("Conv", [x, w], [y], kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4))
    return y


def bn(x, c):
    args = [const(rng.uniform(0.5, 1.5, c), "g"), const(rng.uniform(-0.2, 0.2, c), "b"),
            const(rng.uniform(-0.2, 0.2, c), "m"), const(rng.uniform(0.5, 1.5, c), "v")]
    y = name("bn")
    nodes.append(helper.make_node("BatchNormalization", [x] + args, [y], epsilon=1e-5))
    return y


def op(kind, inputs, **attributes):
    y = name(kind.lower())
    nodes.append(helper.make_node(kind, inputs, [y], **attributes))
    return y


def block(x, cin, cout, stride):
    out = op("Relu", [bn(conv(x, cin, cout, 3, stride, 1), cout)])
    out = bn(conv(out, cout, cout, 3, 1, 1), cout)
    shortcut = bn(conv(x, cin, cout, 1, stride, 0), cout) if stride != 1 or cin != cout else x
    return op("Relu", [op("Add", [out, shortcut])])


def network(width=64, classes=3):
    x = op("MaxPool", [op("Relu", [bn(conv("input", 3, width, 7, 2, 3), width)])], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    cin = width
    for i, cout in enumerate([width, 2 * width, 4 * width, 8 * width]):
        x = block(x, cin, cout, 1 if i == 0 else 2)
        x = block(x, cout, cout, 1)
        cin = cout
    features = op("Flatten", [op("GlobalAveragePool", [x])])
    logits = op("Gemm", [features, const(rng.uniform(-0.04, 0.04, (classes, cin)), "fc"), const(np.zeros(classes), "fcb")], transB=1)
    alpha = op("Sigmoid", [op("Gemm", [features, const(rng.uniform(-0.04, 0.04, (1, cin)), "al"), const(np.zeros(1), "alb")], transB=1)])
    nodes.append(helper.make_node("Mul", [alpha, logits], ["output"]))
    graph = helper.make_graph(nodes, "diagnoser", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", classes])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def rate(session, batch, seconds):
    """Images per second of the fastest run after a warm-up run, and images per CPU second of the process
    (as `faceatlas bench cnn`)."""
    x = rng.uniform(-2, 2, (batch, 3, 224, 224)).astype(np.float32)
    session.run(None, {"input": x})
    best, best_cpu, start = float("inf"), float("inf"), time.perf_counter()
    while True:
        run, cpu = time.perf_counter(), time.process_time()
        session.run(None, {"input": x})
        best = min(best, time.perf_counter() - run)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        if time.perf_counter() - start >= seconds:
            return batch / best, batch / best_cpu


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count()))
    model = network()
    onnx.checker.check_model(model)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    one, many = rate(session, 1, seconds), rate(session, 32, seconds)
    print(json.dumps({"onnxruntime": ort.__version__, "threads": threads,
                      "inferenceImagesPerSecondBatch1": one[0], "inferenceImagesPerSecondBatch32": many[0],
                      "inferenceImagesPerCPUSecondBatch1": one[1], "inferenceImagesPerCPUSecondBatch32": many[1]}, indent=2))


if __name__ == "__main__":
    main()
