#!/usr/bin/env python3
"""Compares FaceAtlas's face-mesh points with MediaPipe's own (mediapipe==0.10.14, mp.solutions.face_mesh, CPU).

Usage: compare-mediapipe.py FACEATLAS_CSV IMAGE...
FACEATLAS_CSV comes from `faceatlas track --landmarker mediapipe IMAGE... --out FACEATLAS_CSV` (one row per image,
in the same order). MediaPipe runs in static-image mode (each photo detected afresh, as FaceAtlas does), without
the attention model (refine_landmarks=False: FaceAtlas's 468 points come from face_landmark.tflite, which is that
mode's model). Errors are point distances over the outer-eye-corner distance (points 33 and 263). Prints JSON.
Needs mediapipe==0.10.14 (a virtual environment: python3 -m venv V; V/bin/pip install mediapipe==0.10.14)."""
import csv, json, sys
import numpy as np
import mediapipe as mp
import cv2

rows = list(csv.DictReader(open(sys.argv[1])))
images = sys.argv[2:]
assert len(rows) == len(images), f"{len(rows)} rows for {len(images)} images"
errors, per_image = [], []
with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=False,
                                     min_detection_confidence=0.5) as mesh:
    for row, path in zip(rows, images):
        image = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
        h, w = image.shape[:2]
        found = mesh.process(image).multi_face_landmarks
        ours = row["x0"] != ""
        if not found or not ours:
            per_image.append({"image": path, "mediapipe_face": bool(found), "faceatlas_face": ours})
            continue
        theirs = np.array([[p.x * w, p.y * h] for p in found[0].landmark[:468]])
        mine = np.array([[float(row[f"x{k}"]) * w, float(row[f"y{k}"]) * h] for k in range(468)])
        iod = np.linalg.norm(theirs[33] - theirs[263])
        e = np.linalg.norm(mine - theirs, axis=1) / iod
        errors.extend(e.tolist())
        per_image.append({"image": path, "median": float(np.median(e)), "p95": float(np.percentile(e, 95)), "max": float(e.max()),
                          "iod_px": float(iod)})
e = np.array(errors)
print(json.dumps({"points": int(e.size), "median": float(np.median(e)) if e.size else None,
                  "p95": float(np.percentile(e, 95)) if e.size else None, "images": per_image}, indent=1))
