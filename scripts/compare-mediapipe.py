#!/usr/bin/env python3
"""Compares FaceAtlas's face-mesh points with MediaPipe's own (mediapipe==0.10.14, mp.solutions.face_mesh, CPU).

Usage: compare-mediapipe.py [--refine] FACEATLAS_CSV IMAGE...
FACEATLAS_CSV comes from `faceatlas track --landmarker mediapipe IMAGE... --out FACEATLAS_CSV` (one row per image,
in the same order). MediaPipe runs in static-image mode (each photo detected afresh, as FaceAtlas does). Without
--refine: refine_landmarks=False against FaceAtlas's default (468 points; FaceAtlas's come from
face_landmark.tflite, which is that mode's model). With --refine: refine_landmarks=True against `--refine-landmarks`
(478 points); MediaPipe's Python solution then runs its attention mesh model (face_landmark_with_attention.tflite, whose
eyes and irises come from its own heads), FaceAtlas the iris model (iris_landmark.tflite) of MediaPipe's
iris-tracking graph, so the eyes and irises are two models' estimates; they are reported apart. Errors are point distances over the outer-eye-corner distance (points 33 and 263). Prints JSON.
Needs mediapipe==0.10.14 (a virtual environment: python3 -m venv V; V/bin/pip install mediapipe==0.10.14)."""
import csv, json, sys
import numpy as np
import mediapipe as mp
import cv2

args = sys.argv[1:]
refine = bool(args) and args[0] == "--refine"
if refine:
    args = args[1:]
count = 478 if refine else 468
rows = list(csv.DictReader(open(args[0])))
images = args[1:]
assert len(rows) == len(images), f"{len(rows)} rows for {len(images)} images"
# The refined eye contours (MediaPipe's UpdateFaceLandmarksCalculator indices) and the irises, reported apart.
EYES = set([33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110, 24, 23, 22, 26,
            112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222,
            221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245, 156, 70, 63, 105, 66, 107, 55,
            193, 263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339, 254, 253,
            252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414, 446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445,
            444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465, 383, 300,
            293, 334, 296, 336, 285, 417])
groups = {"eyes": sorted(EYES), "iris": list(range(468, 478)), "rest": [k for k in range(468) if k not in EYES]}
errors, per_image = [], []
by_group = {g: [] for g in groups}
with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=refine,
                                     min_detection_confidence=0.5) as mesh:
    for row, path in zip(rows, images):
        image = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
        h, w = image.shape[:2]
        found = mesh.process(image).multi_face_landmarks
        ours = row["x0"] != ""
        if not found or not ours:
            per_image.append({"image": path, "mediapipe_face": bool(found), "faceatlas_face": ours})
            continue
        theirs = np.array([[p.x * w, p.y * h] for p in found[0].landmark[:count]])
        mine = np.array([[float(row[f"x{k}"]) * w, float(row[f"y{k}"]) * h] for k in range(count)])
        iod = np.linalg.norm(theirs[33] - theirs[263])
        e = np.linalg.norm(mine - theirs, axis=1) / iod
        errors.extend(e.tolist())
        if refine:
            for g, ids in groups.items():
                by_group[g].extend(e[ids].tolist())
        per_image.append({"image": path, "median": float(np.median(e)), "p95": float(np.percentile(e, 95)), "max": float(e.max()),
                          "iod_px": float(iod)})
e = np.array(errors)
print(json.dumps({"points": int(e.size), "median": float(np.median(e)) if e.size else None,
                  "p95": float(np.percentile(e, 95)) if e.size else None,
                  "groups": {g: {"median": float(np.median(v)), "p95": float(np.percentile(v, 95))} for g, v in by_group.items() if v},
                  "images": per_image}, indent=1))
