#!/usr/bin/env python3
"""Build ``models/pose_landmarker_heavy.task`` and ``models/pose_landmarker_full.task``.

MediaPipe's Tasks API (mediapipe >= 1.x) loads a ``.task`` bundle: a zip holding
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite`` with normalisation
metadata.  The bare legacy ``.tflite`` files come from two Apache-2.0 packages on public
registries:

- the detector and the "full" landmark model from the ``mediapipe==0.10.21`` wheel on PyPI
  (the last with the legacy solution models inside);
- the "heavy" landmark model from the ``@mediapipe/pose@0.5.1675469404`` package on npm (the
  legacy JavaScript solution, whose "full" model is byte-identical to the wheel's).

Every input is pinned by its SHA-256.  This script

1. makes a throwaway virtual environment with mediapipe 0.10.21 (from PyPI) and, for the heavy
   model, fetches the npm tarball (checked against its registry SHA-1 and the model's SHA-256),
2. in it, writes the metadata with ``MetadataWriter`` (image input normalised
   with mean 127.5 / std 127.5 for the detector, 0 / 255 for the landmark model;
   one feature output per output tensor: 2 and 5),
3. zips both files uncompressed, 4-byte aligned, with fixed timestamps, so the
   bundle is byte-for-byte reproducible,
4. prints each bundle's SHA-256 (they must equal ``sprintlens.capture.model.SHIPPED_MODELS``).

Usage::

    python scripts/build_pose_model.py                  # both bundles into models/
    python scripts/build_pose_model.py --variant full --out X.task --keep-venv DIR

Needs network access to PyPI and npm once and ~1 GB of disk.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import venv
from pathlib import Path

MEDIAPIPE_LEGACY = "mediapipe==0.10.21"
ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"

#: The npm package holding the heavy landmark model: tarball URL, its registry SHA-1 (``npm view
#: @mediapipe/pose@0.5.1675469404 dist.shasum``), the member, and the member's SHA-256.
NPM_TARBALL = "https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz"
NPM_TARBALL_SHA1 = "8f81e64c6561b2357a021a134b54de0204bafc72"
NPM_HEAVY_MEMBER = "package/pose_landmark_heavy.tflite"
HEAVY_TFLITE_SHA256 = "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"

# Runs inside the throwaway environment: sys.argv[1] is the bundle to write (out.task); sys.argv[2]
# the landmark model ("full": the one inside the mediapipe package itself); the detector always
# comes from the mediapipe package.
_INNER = r'''
import os, struct, sys, zipfile
from pathlib import Path
import mediapipe
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer as mw

site = Path(mediapipe.__file__).parent
detector_src = site / "modules" / "pose_detection" / "pose_detection.tflite"
landmark_src = (site / "modules" / "pose_landmark" / "pose_landmark_full.tflite" if sys.argv[2] == "full"
                else Path(sys.argv[2]))

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


def fetch_heavy_landmark_model(dest: Path) -> Path:
    """Download the npm tarball, check it, and write its heavy landmark model to ``dest``."""
    with urllib.request.urlopen(NPM_TARBALL, timeout=120) as response:  # noqa: S310 (a pinned https URL)
        tarball = response.read()
    if hashlib.sha1(tarball).hexdigest() != NPM_TARBALL_SHA1:  # noqa: S324 (npm's own shasum)
        raise SystemExit(f"{NPM_TARBALL}: checksum differs from the pinned one; not using it")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(NPM_HEAVY_MEMBER)
        if member is None:
            raise SystemExit(f"{NPM_TARBALL}: no {NPM_HEAVY_MEMBER} inside")
        data = member.read()
    if hashlib.sha256(data).hexdigest() != HEAVY_TFLITE_SHA256:
        raise SystemExit(f"{NPM_HEAVY_MEMBER}: checksum differs from the pinned one; not using it")
    dest.write_bytes(data)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=("heavy", "full", "all"), default="all",
                        help="which bundle to build (default: both)")
    parser.add_argument("--out", type=Path, default=None,
                        help="bundle to write (one variant only; default: models/pose_landmarker_VARIANT.task)")
    parser.add_argument("--keep-venv", type=Path, default=None,
                        help="build the throwaway environment here and keep it (default: a temp dir)")
    args = parser.parse_args()
    variants = ("heavy", "full") if args.variant == "all" else (args.variant,)
    if args.out is not None and len(variants) > 1:
        parser.error("--out needs one --variant")

    with tempfile.TemporaryDirectory(prefix="sprintlens-model-") as tmp:
        env_dir = args.keep_venv or Path(tmp) / "venv"
        python = env_dir / "bin" / "python"
        if not python.exists():
            print(f"creating throwaway environment in {env_dir}", file=sys.stderr)
            venv.create(env_dir, with_pip=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", MEDIAPIPE_LEGACY], check=True)
        for variant in variants:
            out = args.out or MODELS / f"pose_landmarker_{variant}.task"
            landmarks = "full" if variant == "full" else str(fetch_heavy_landmark_model(Path(tmp) / "heavy.tflite"))
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(python), "-c", _INNER, str(out.resolve()), landmarks], check=True,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
            print(f"{out}  sha256 {_sha256(out)}  {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
