#pragma once
// DlibBridge: a plain C API over dlib 19.24 for FaceAtlas's tracker: the HOG frontal face
// detector and the 68-point shape predictor (iBUG 300-W markup).
//
// Conventions shared by every function:
// - Images are 8-bit grayscale, row-major from the top row: `pixels[y * stride + x]`, with
//   `stride >= width`. Coordinates are 0-based pixels, x right, y down, as in dlib (the centre
//   of the top-left pixel is (0, 0)); a box's right and bottom edges are inclusive (dlib's
//   `rectangle`).
// - Functions that can fail return a negative number (or NULL) and write a NUL-terminated
//   message to `err` (at most `err_size` bytes). No C++ exception crosses this API.
// - A detector is not thread-safe (dlib's detector keeps scratch state): use one per thread.
//   A shape predictor is read-only after loading and may be shared by threads.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// dlib's HOG + linear SVM frontal face detector (`get_frontal_face_detector()`).
typedef struct fa_face_detector fa_face_detector;
/// A loaded shape predictor (an ensemble of regression trees, Kazemi & Sullivan 2014).
typedef struct fa_shape_predictor fa_shape_predictor;

/// One detected face: a box in full-image pixels and dlib's detection score (the SVM margin;
/// positive for a detection at dlib's default threshold, about 0...3 in practice).
typedef struct fa_face_detection {
    double left, top, right, bottom;
    double score;
} fa_face_detection;

/// The dlib version the bridge was compiled against, e.g. "19.24.0".
const char *fa_dlib_version(void);

/// Creates the frontal face detector (deserialized from the model dlib embeds, about 1 ms).
/// Returns NULL on failure.
fa_face_detector *fa_face_detector_create(char *err, size_t err_size);

/// Frees a detector (NULL is allowed).
void fa_face_detector_destroy(fa_face_detector *detector);

/// Detects faces inside the region (`roi_left`, `roi_top`, `roi_width`, `roi_height`) of the
/// image, after scaling that region by `scale` (bilinear; 1 leaves it as it is; the detector
/// finds faces of about 80 px and more in the scaled region). The region is clipped to the
/// image. Detections whose score is below `threshold` are dropped (dlib's default is 0).
///
/// Writes up to `capacity` detections to `out`, best score first, with boxes in the
/// coordinates of the whole, unscaled image. Returns the number of detections found (which
/// may exceed `capacity`), or -1 on error.
int fa_face_detect(fa_face_detector *detector,
                   const uint8_t *pixels, int32_t width, int32_t height, int32_t stride,
                   int32_t roi_left, int32_t roi_top, int32_t roi_width, int32_t roi_height,
                   double scale, double threshold,
                   fa_face_detection *out, int32_t capacity,
                   char *err, size_t err_size);

/// Loads a shape predictor from a dlib `.dat` file (e.g.
/// /usr/share/dlib/shape_predictor_68_face_landmarks.dat, about 100 MB and 1 s).
/// Returns NULL on failure (missing file, not a shape predictor, truncated).
fa_shape_predictor *fa_shape_predictor_load(const char *path, char *err, size_t err_size);

/// Frees a shape predictor (NULL is allowed).
void fa_shape_predictor_destroy(fa_shape_predictor *predictor);

/// The number of points the predictor places (68 for the iBUG model).
int32_t fa_shape_predictor_point_count(const fa_shape_predictor *predictor);

/// Places the predictor's points for the face in the box (`left`, `top`, `right`, `bottom`,
/// full-image pixels, as the detector gives them). Writes 2 * point_count values
/// (x0 y0 x1 y1 ...) to `xy`, which holds `capacity` doubles. Returns the number of points
/// written, or -1 on error.
int32_t fa_shape_predict(const fa_shape_predictor *predictor,
                         const uint8_t *pixels, int32_t width, int32_t height, int32_t stride,
                         double left, double top, double right, double bottom,
                         double *xy, int32_t capacity,
                         char *err, size_t err_size);

#ifdef __cplusplus
}
#endif
