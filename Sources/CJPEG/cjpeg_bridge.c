#include "cjpeg_bridge.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/* libjpeg reports errors through a callback that must not return: jump back instead. */
struct bridge_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t message_size;
};

static void bridge_error_exit(j_common_ptr info) {
    struct bridge_error *error = (struct bridge_error *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    snprintf(error->message, error->message_size, "%s", text);
    longjmp(error->jump, 1);
}

static void bridge_output_message(j_common_ptr info) {
    (void)info; /* warnings are not printed */
}

int faceatlas_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                          unsigned char **pixels, int *width, int *height, int *channels,
                          char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    struct bridge_error error;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = bridge_error_exit;
    error.manager.output_message = bridge_output_message;
    error.message = message;
    error.message_size = message_size;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(buffer);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t w = info.output_width, h = info.output_height, c = (size_t)info.output_components;
    if (w == 0 || h == 0 || w * h > max_pixels || (c != 1 && c != 3)) {
        snprintf(message, message_size, "the image is %zu x %zu pixels with %zu channels, which FaceAtlas does not read",
                 w, h, c);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    buffer = malloc(w * h * c);
    if (!buffer) {
        snprintf(message, message_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + (size_t)info.output_scanline * w * c;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *pixels = buffer;
    *width = (int)w;
    *height = (int)h;
    *channels = (int)c;
    return 0;
}

void faceatlas_jpeg_free(unsigned char *pixels) {
    free(pixels);
}
