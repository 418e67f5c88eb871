#ifndef FACEATLAS_CJPEG_BRIDGE_H
#define FACEATLAS_CJPEG_BRIDGE_H

#include <stddef.h>

/// Decodes a JPEG held in memory with libjpeg into 8-bit gray (1 channel) or RGB (3 channels)
/// rows, top row first. Returns 0 and sets *pixels (free with faceatlas_jpeg_free), *width,
/// *height and *channels; on failure returns -1 with libjpeg's message in `message`.
/// Images larger than `max_pixels` are refused before decoding.
int faceatlas_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                          unsigned char **pixels, int *width, int *height, int *channels,
                          char *message, size_t message_size);

/// Frees pixels returned by faceatlas_jpeg_decode.
void faceatlas_jpeg_free(unsigned char *pixels);

#endif
