// DlibBridge: see include/DlibBridge.h. Every entry point catches every exception.

#include "DlibBridge.h"

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/revision.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace fa_bridge {

/// A read-only view of a caller's 8-bit gray buffer that dlib's generic image functions accept,
/// so that nothing is copied for a detection at scale 1 or for the shape predictor. The
/// accessors live beside the type so that dlib's templates find them by argument-dependent lookup.
struct gray_view {
    const uint8_t *data;
    long rows, columns, stride;
};

inline long num_rows(const gray_view &img) { return img.rows; }
inline long num_columns(const gray_view &img) { return img.columns; }
inline long width_step(const gray_view &img) { return img.stride; }
inline const void *image_data(const gray_view &img) { return img.data; }
// A view is only ever read; dlib's generic code names the non-const accessors, which hand out
// the same memory, and resizing is refused.
inline void *image_data(gray_view &img) { return const_cast<uint8_t *>(img.data); }
inline void set_image_size(gray_view &, long, long) { throw dlib::error("a gray_view cannot be resized"); }

}  // namespace fa_bridge

namespace dlib {
template <> struct image_traits<fa_bridge::gray_view> { typedef unsigned char pixel_type; };
}  // namespace dlib

using fa_bridge::gray_view;

struct fa_face_detector {
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    dlib::array2d<unsigned char> region, scaled;  // scratch buffers, reused between calls
};

struct fa_shape_predictor {
    dlib::shape_predictor predictor;
};

namespace {

void set_error(char *err, size_t err_size, const std::string &message) {
    if (err == nullptr || err_size == 0) return;
    std::snprintf(err, err_size, "%s", message.c_str());
}

bool check_image(const uint8_t *pixels, int32_t width, int32_t height, int32_t stride, char *err, size_t err_size) {
    if (pixels == nullptr || width <= 0 || height <= 0 || stride < width) {
        set_error(err, err_size, "invalid image: " + std::to_string(width) + " x " + std::to_string(height) +
                                     " pixels with a row stride of " + std::to_string(stride));
        return false;
    }
    return true;
}

}  // namespace

extern "C" const char *fa_dlib_version(void) {
    static const std::string version = std::to_string(DLIB_MAJOR_VERSION) + "." + std::to_string(DLIB_MINOR_VERSION) +
                                       "." + std::to_string(DLIB_PATCH_VERSION);
    return version.c_str();
}

extern "C" fa_face_detector *fa_face_detector_create(char *err, size_t err_size) {
    try {
        return new fa_face_detector();
    } catch (const std::exception &e) {
        set_error(err, err_size, std::string("cannot create dlib's face detector: ") + e.what());
    } catch (...) {
        set_error(err, err_size, "cannot create dlib's face detector: unknown error");
    }
    return nullptr;
}

extern "C" void fa_face_detector_destroy(fa_face_detector *detector) {
    delete detector;
}

extern "C" int fa_face_detect(fa_face_detector *detector,
                              const uint8_t *pixels, int32_t width, int32_t height, int32_t stride,
                              int32_t roi_left, int32_t roi_top, int32_t roi_width, int32_t roi_height,
                              double scale, double threshold,
                              fa_face_detection *out, int32_t capacity,
                              char *err, size_t err_size) {
    try {
        if (detector == nullptr) { set_error(err, err_size, "no detector"); return -1; }
        if (!check_image(pixels, width, height, stride, err, err_size)) return -1;
        if (!(scale > 0) || !std::isfinite(scale) || scale > 8) {
            set_error(err, err_size, "the detection scale must be in (0, 8], not " + std::to_string(scale));
            return -1;
        }
        if (capacity < 0 || (capacity > 0 && out == nullptr)) { set_error(err, err_size, "no room for detections"); return -1; }
        // Clip the region to the image.
        const long left = std::max<long>(0, roi_left), top = std::max<long>(0, roi_top);
        const long right = std::min<long>(width, long(roi_left) + roi_width);
        const long bottom = std::min<long>(height, long(roi_top) + roi_height);
        if (right - left < 1 || bottom - top < 1) return 0;

        const gray_view whole{pixels, height, width, stride};
        const gray_view region{pixels + top * stride + left, bottom - top, right - left, stride};
        std::vector<dlib::rect_detection> found;
        const long scaled_columns = std::lround((right - left) * scale), scaled_rows = std::lround((bottom - top) * scale);
        double sx = 1, sy = 1;
        if (scale == 1) {
            detector->detector(left == 0 && top == 0 && right == width && bottom == height ? whole : region, found, threshold);
        } else {
            if (scaled_columns < 1 || scaled_rows < 1) return 0;
            detector->scaled.set_size(scaled_rows, scaled_columns);
            dlib::resize_image(region, detector->scaled, dlib::interpolate_bilinear());
            sx = double(right - left) / scaled_columns;
            sy = double(bottom - top) / scaled_rows;
            detector->detector(detector->scaled, found, threshold);
        }
        std::sort(found.begin(), found.end(), [](const dlib::rect_detection &a, const dlib::rect_detection &b) {
            return a.detection_confidence > b.detection_confidence;
        });
        const int32_t count = int32_t(found.size());
        for (int32_t i = 0; i < std::min(count, capacity); ++i) {
            const dlib::rectangle &r = found[i].rect;
            // Pixel centres map as x_full = (x_scaled + 0.5) * s - 0.5; a box edge (inclusive
            // right/bottom pixel) maps the same way for its centre.
            out[i].left = left + (r.left() + 0.5) * sx - 0.5;
            out[i].top = top + (r.top() + 0.5) * sy - 0.5;
            out[i].right = left + (r.right() + 0.5) * sx - 0.5;
            out[i].bottom = top + (r.bottom() + 0.5) * sy - 0.5;
            out[i].score = found[i].detection_confidence;
        }
        return count;
    } catch (const std::exception &e) {
        set_error(err, err_size, std::string("face detection failed: ") + e.what());
    } catch (...) {
        set_error(err, err_size, "face detection failed: unknown error");
    }
    return -1;
}

extern "C" fa_shape_predictor *fa_shape_predictor_load(const char *path, char *err, size_t err_size) {
    if (path == nullptr) { set_error(err, err_size, "no path"); return nullptr; }
    fa_shape_predictor *predictor = nullptr;
    try {
        predictor = new fa_shape_predictor();
        dlib::deserialize(path) >> predictor->predictor;
        if (predictor->predictor.num_parts() == 0) throw dlib::error("the model places no points");
        return predictor;
    } catch (const std::exception &e) {
        set_error(err, err_size, std::string("not a dlib shape predictor: ") + e.what());
    } catch (...) {
        set_error(err, err_size, "not a dlib shape predictor: unknown error");
    }
    delete predictor;
    return nullptr;
}

extern "C" void fa_shape_predictor_destroy(fa_shape_predictor *predictor) {
    delete predictor;
}

extern "C" int32_t fa_shape_predictor_point_count(const fa_shape_predictor *predictor) {
    return predictor == nullptr ? 0 : int32_t(predictor->predictor.num_parts());
}

extern "C" int32_t fa_shape_predict(const fa_shape_predictor *predictor,
                                    const uint8_t *pixels, int32_t width, int32_t height, int32_t stride,
                                    double left, double top, double right, double bottom,
                                    double *xy, int32_t capacity,
                                    char *err, size_t err_size) {
    try {
        if (predictor == nullptr) { set_error(err, err_size, "no shape predictor"); return -1; }
        if (!check_image(pixels, width, height, stride, err, err_size)) return -1;
        const int32_t count = int32_t(predictor->predictor.num_parts());
        if (xy == nullptr || capacity < 2 * count) {
            set_error(err, err_size, "room for " + std::to_string(capacity) + " values, " + std::to_string(2 * count) + " needed");
            return -1;
        }
        if (!(std::isfinite(left) && std::isfinite(top) && std::isfinite(right) && std::isfinite(bottom)) ||
            right <= left || bottom <= top) {
            set_error(err, err_size, "the face box is empty or not finite");
            return -1;
        }
        const gray_view image{pixels, height, width, stride};
        const dlib::rectangle box(std::lround(left), std::lround(top), std::lround(right), std::lround(bottom));
        const dlib::full_object_detection shape = predictor->predictor(image, box);
        for (int32_t i = 0; i < count; ++i) {
            const dlib::point &p = shape.part(i);
            xy[2 * i] = double(p.x());
            xy[2 * i + 1] = double(p.y());
        }
        return count;
    } catch (const std::exception &e) {
        set_error(err, err_size, std::string("shape prediction failed: ") + e.what());
    } catch (...) {
        set_error(err, err_size, "shape prediction failed: unknown error");
    }
    return -1;
}
