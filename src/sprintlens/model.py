"""The pose model bundle shipped with SprintLens: where it is and whether it is intact.

The bundle is built by ``scripts/build_pose_model.py`` (see ``models/README.md``) and installed
inside the package; nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import ModelError
from .io import file_sha256

MODEL_NAME = "pose_landmarker_full.task"
#: SHA-256 of the shipped bundle; a different file at the default place is reported as corrupt.
MODEL_SHA256 = "017a1869d00af72d3d63912e493169a8984db94415a87df4638a138f2a05cb0d"
#: Environment variable naming another bundle to use by default.
MODEL_ENV = "SPRINTLENS_POSE_MODEL"


def _packaged() -> Path | None:
    try:
        candidate = resources.files("sprintlens") / "models" / MODEL_NAME
        if candidate.is_file():
            return Path(str(candidate))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return None


def _source_tree() -> Path | None:
    # An editable install or a checkout: the bundle lives once, in the project's models/ folder.
    candidate = Path(__file__).resolve().parents[2] / "models" / MODEL_NAME
    return candidate if candidate.is_file() else None


def default_model_path() -> Path:
    """Path of the shipped pose model (or of the one ``SPRINTLENS_POSE_MODEL`` names)."""
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override)
    found = _packaged() or _source_tree()
    if found is None:
        raise ModelError(
            f"pose model {MODEL_NAME} is missing from the installation; reinstall sprintlens "
            "(or rebuild it with scripts/build_pose_model.py)"
        )
    return found


def model_sha256(path: Path) -> str:
    """SHA-256 of a model file, hex."""
    return file_sha256(path)


def resolve_model(path: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Return a usable model path and its checksum, or raise :class:`ModelError`.

    With no ``path``, the shipped bundle is used and its checksum checked, so a damaged
    installation is reported as such rather than failing deep inside MediaPipe.
    """
    explicit = path is not None or bool(os.environ.get(MODEL_ENV))
    model = Path(path) if path is not None else default_model_path()
    if not model.exists():
        raise ModelError(f"{model}: pose model file not found")
    if not model.is_file():
        raise ModelError(f"{model}: pose model path is not a file")
    checksum = model_sha256(model)
    if not explicit and checksum != MODEL_SHA256:
        raise ModelError(
            f"{model}: pose model is corrupt (checksum {checksum[:12]}... differs from the shipped "
            f"{MODEL_SHA256[:12]}...); reinstall sprintlens"
        )
    return model, checksum
