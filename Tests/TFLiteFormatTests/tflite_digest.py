"""Digest of a .tflite model read by the `tflite` package (TensorFlow's generated FlatBuffer code),
for TFLiteModelTests to compare with FaceAtlas's own reader. Prints JSON."""
import json, sys
import numpy as np
import tflite

buf = open(sys.argv[1], "rb").read()
model = tflite.Model.GetRootAsModel(buf, 0)
g = model.Subgraphs(0)
codes = []
for i in range(model.OperatorCodesLength()):
    c = model.OperatorCodes(i)
    codes.append(max(c.DeprecatedBuiltinCode(), c.BuiltinCode()))
tensors = []
for i in range(g.TensorsLength()):
    t = g.Tensors(i)
    data = model.Buffers(t.Buffer()).DataAsNumpy() if t.Buffer() > 0 else 0
    total = None
    if not isinstance(data, int) and data.size > 0:
        kind = {0: np.float32, 1: np.float16, 2: np.int32}.get(t.Type())
        if kind is not None:
            total = float(np.frombuffer(data.tobytes(), dtype=kind).astype(np.float64).sum())
    tensors.append({"name": t.Name().decode(), "shape": t.ShapeAsNumpy().tolist() if t.ShapeLength() else [],
                    "type": t.Type(), "buffer": t.Buffer(), "sum": total})
ops = []
for i in range(g.OperatorsLength()):
    o = g.Operators(i)
    ops.append({"code": codes[o.OpcodeIndex()], "inputs": o.InputsAsNumpy().tolist() if o.InputsLength() else [],
                "outputs": o.OutputsAsNumpy().tolist() if o.OutputsLength() else [], "optionsType": o.BuiltinOptionsType()})
print(json.dumps({"inputs": g.InputsAsNumpy().tolist(), "outputs": g.OutputsAsNumpy().tolist(), "tensors": tensors, "operators": ops}))
