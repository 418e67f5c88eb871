#!/usr/bin/env python3
"""Times mediapipe==0.10.14's own CPU face mesh (mp.solutions.face_mesh, video mode, refine_landmarks off, or on with
--refine: 478 points, its attention model) on
frames, for comparison with `faceatlas bench track --landmarker mediapipe --video V` on the same video.

Usage: time-mediapipe.py [--refine] VIDEO [FPS]   (frames sampled at FPS, default 5, with ffmpeg's fps filter, decoded first)
Needs a virtual environment holding mediapipe==0.10.14 (python3 -m venv V; V/bin/pip install mediapipe==0.10.14).
Prints JSON: frames, frames with a face, frames per second (decoding excluded)."""
import glob, json, os, subprocess, sys, tempfile, time
import cv2
import mediapipe as mp

args = sys.argv[1:]
refine = bool(args) and args[0] == "--refine"
if refine:
    args = args[1:]
video, fps = args[0], args[1] if len(args) > 1 else "5"
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["ffmpeg", "-v", "error", "-i", video, "-vf", f"fps={fps}", os.path.join(tmp, "f%05d.png")], check=True)
    frames = [cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB) for p in sorted(glob.glob(os.path.join(tmp, "*.png")))]
with mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=refine) as mesh:
    mesh.process(frames[0])  # warm-up
    start, found = time.perf_counter(), 0
    for f in frames:
        found += mesh.process(f).multi_face_landmarks is not None
    seconds = time.perf_counter() - start
print(json.dumps({"refine_landmarks": refine, "frames": len(frames), "frames_with_face": found, "frames_per_second": len(frames) / seconds}))
