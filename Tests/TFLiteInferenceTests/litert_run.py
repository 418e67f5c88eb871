"""Runs a .tflite model with Google's LiteRT interpreter (ai-edge-litert on PyPI, TensorFlow Lite's own runtime)
on float32 inputs read from raw little-endian files, for TFLiteInterpreterTests to compare FaceAtlas's outputs with.
Usage: litert_run.py MODEL INPUT.f32... ; prints JSON: a list of outputs, each a flat list of floats."""
import json, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

model, inputs = sys.argv[1], sys.argv[2:]
# Reference kernels: no XNNPACK delegate, so the comparison is with TensorFlow Lite's plain float path.
it = Interpreter(model_path=model, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
it.allocate_tensors()
for detail, path in zip(it.get_input_details(), inputs):
    it.set_tensor(detail["index"], np.fromfile(path, dtype="<f4").reshape(detail["shape"]))
it.invoke()
print(json.dumps([it.get_tensor(d["index"]).astype(np.float64).ravel().tolist() for d in it.get_output_details()]))
