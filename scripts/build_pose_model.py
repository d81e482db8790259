#!/usr/bin/env python3
"""Build ``models/pose_landmarker_full.task`` from the legacy MediaPipe pose models.

MediaPipe's Tasks API (mediapipe >= 1.x) loads a ``.task`` bundle: a zip holding
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite`` with normalisation
metadata.  The mediapipe 0.10.21 wheel (the last with the legacy solution models
inside, Apache-2.0) ships the two bare ``.tflite`` files; this script

1. makes a throwaway virtual environment with mediapipe 0.10.21 (from PyPI),
2. in it, writes the metadata with ``MetadataWriter`` (image input normalised
   with mean 127.5 / std 127.5 for the detector, 0 / 255 for the landmark model;
   one feature output per output tensor: 2 and 5),
3. zips both files uncompressed, 4-byte aligned, with fixed timestamps, so the
   bundle is byte-for-byte reproducible,
4. prints the bundle's SHA-256.

Usage::

    python scripts/build_pose_model.py            # writes models/pose_landmarker_full.task
    python scripts/build_pose_model.py --out X.task --keep-venv DIR

Needs network access to PyPI once (for the throwaway environment) and ~1 GB of disk.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

MEDIAPIPE_LEGACY = "mediapipe==0.10.21"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "models" / "pose_landmarker_full.task"

# Runs inside the throwaway environment: sys.argv[1] is the bundle to write (out.task); it finds the
# two legacy .tflite models inside the mediapipe package itself.
_INNER = r'''
import os, struct, sys, zipfile
from pathlib import Path
import mediapipe
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer as mw

site = Path(mediapipe.__file__).parent
detector_src = site / "modules" / "pose_detection" / "pose_detection.tflite"
landmark_src = site / "modules" / "pose_landmark" / "pose_landmark_full.tflite"

def with_metadata(path, name, mean, std, n_outputs):
    writer = mw.MetadataWriter.create(bytearray(path.read_bytes()))
    writer.add_general_info(name, "MediaPipe BlazePose (Apache-2.0), metadata added by SprintLens")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in range(n_outputs):
        writer.add_feature_output()
    model, _json = writer.populate()
    return bytes(model)

entries = {
    "pose_detector.tflite": with_metadata(detector_src, "pose_detector", 127.5, 127.5, 2),
    "pose_landmarks_detector.tflite": with_metadata(landmark_src, "pose_landmarks_detector", 0.0, 255.0, 5),
}

out = Path(sys.argv[1])
tmp = out.with_suffix(out.suffix + ".tmp")
with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
    for name, data in entries.items():
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.create_system = 3
        info.external_attr = 0o644 << 16
        # Align the stored data to 4 bytes (TFLite files are mmapped from the bundle):
        # a local header is 30 bytes + name + extra; pad with a well-formed extra field.
        data_start = zf.start_dir + 30 + len(name.encode()) + 4
        pad = (-data_start) % 4
        info.extra = struct.pack("<HH", 0xD935, pad) + b"\x00" * pad
        zf.writestr(info, data)
os.replace(tmp, out)
'''


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="bundle to write")
    parser.add_argument("--keep-venv", type=Path, default=None,
                        help="build the throwaway environment here and keep it (default: a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sprintlens-model-") as tmp:
        env_dir = args.keep_venv or Path(tmp) / "venv"
        python = env_dir / "bin" / "python"
        if not python.exists():
            print(f"creating throwaway environment in {env_dir}", file=sys.stderr)
            venv.create(env_dir, with_pip=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", MEDIAPIPE_LEGACY], check=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(python), "-c", _INNER, str(args.out.resolve())], check=True,
                       env={**os.environ, "PYTHONWARNINGS": "ignore"})

    print(f"{args.out}  sha256 {_sha256(args.out)}  {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
