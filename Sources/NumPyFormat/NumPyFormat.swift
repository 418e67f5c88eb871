// NumPyFormat
