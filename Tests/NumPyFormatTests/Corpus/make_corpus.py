"""Regenerates the seed files of the NumPyFormat tests (run from this folder with NumPy 2.x).

The files are small .npy/.npz files written by NumPy itself; the tests check their
exact values and use them as seeds for the mutation test.
"""
import numpy as np
from numpy.lib import format as fmt

np.save('f8_fortran_bigendian.npy', np.asfortranarray(np.array([[0.5, -1.25, 3.0], [1e10, -0.0, 2.5e-3]], dtype='>f8')))
np.save('unicode_2d.npy', np.array([['a', 'héllo'], ['日本', '😀']]))
with open('i2_version3.npy', 'wb') as f:
    fmt.write_array(f, np.array([-32768, -1, 0, 1, 32767], dtype='<i2'), version=(3, 0))
with open('u4_version2.npy', 'wb') as f:
    fmt.write_array(f, np.arange(6, dtype='<u4').reshape(3, 2), version=(2, 0))
np.save('bool_0d.npy', np.bool_(True))
arrays = dict(shape=np.linspace(-1, 1, 5, dtype='<f4'), exp=np.arange(6, dtype='<f8').reshape(2, 3),
              flags=np.array([True, False, True]), meta=np.array('{"schema": 1, "units": "mm"}'))
np.savez('savez.npz', **arrays)
np.savez_compressed('savez_compressed.npz', **arrays)
