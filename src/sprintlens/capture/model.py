"""The pose model bundles shipped with SprintLens: where they are and whether they are intact.

Two MediaPipe BlazePose bundles ship inside the package (built by ``scripts/build_pose_model.py``,
see ``models/README.md``); nothing is downloaded at run time:

- ``full`` (the default): twice the speed of ``heavy``, and the steadier at finding people in
  difficult footage (a backlit clip of three people: it follows each person without a break,
  where ``heavy`` loses one for 130 frames);
- ``heavy``: the more accurate landmarks on a runner in clear view (on the rendered clips, joint
  angle RMSE about half of ``full``'s and step lengths within 5 %; contact times read a little
  short: figures in ``models/README.md``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sprintlens.core.errors import ModelError
from sprintlens.core.files import file_sha256


@dataclass(frozen=True)
class ShippedModel:
    """A bundle that ships with SprintLens: its file name and SHA-256."""

    file_name: str
    sha256: str


#: The shipped bundles by name; a different file at a shipped place is reported as corrupt.
SHIPPED_MODELS: dict[str, ShippedModel] = {
    "full": ShippedModel("pose_landmarker_full.task",
                         "017a1869d00af72d3d63912e493169a8984db94415a87df4638a138f2a05cb0d"),
    "heavy": ShippedModel("pose_landmarker_heavy.task",
                          "b079a7166fc3dd427f0a8c34eab211ec48e7bd7fb53731da63eee9bef3103388"),
}
#: The bundle used unless another is asked for.
DEFAULT_MODEL = "full"
#: Environment variable naming another bundle to use by default.
MODEL_ENV = "SPRINTLENS_POSE_MODEL"


def _shipped(name: str) -> ShippedModel:
    try:
        return SHIPPED_MODELS[name]
    except KeyError:
        raise ModelError(f"unknown pose model {name!r}: choose {' or '.join(SHIPPED_MODELS)}, "
                         "or give the path of a .task bundle") from None


def _packaged(file_name: str) -> Path | None:
    try:
        candidate = resources.files("sprintlens") / "models" / file_name
        if candidate.is_file():
            return Path(str(candidate))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return None


def _source_tree(file_name: str) -> Path | None:
    # An editable install or a checkout: the bundles live once, in the project's models/ folder.
    candidate = Path(__file__).resolve().parents[3] / "models" / file_name
    return candidate if candidate.is_file() else None


def default_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Return the path of the shipped bundle ``name`` (or of the one ``SPRINTLENS_POSE_MODEL`` names)."""
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override)
    shipped = _shipped(name)
    found = _packaged(shipped.file_name) or _source_tree(shipped.file_name)
    if found is None:
        raise ModelError(
            f"pose model {shipped.file_name} is missing from the installation; reinstall sprintlens "
            "(or rebuild it with scripts/build_pose_model.py)"
        )
    return found


def model_sha256(path: Path) -> str:
    """Compute the SHA-256 of a model file, hex."""
    return file_sha256(path)


def resolve_model(path: str | os.PathLike[str] | None = None, name: str = DEFAULT_MODEL) -> tuple[Path, str]:
    """Return a usable model path and its checksum, or raise :class:`ModelError`.

    ``path`` names any ``.task`` bundle; without it, the shipped bundle ``name`` (``"heavy"`` or
    ``"full"``) is used and its checksum checked, so a damaged installation is reported as such
    rather than failing deep inside MediaPipe.  ``SPRINTLENS_POSE_MODEL`` replaces the shipped
    bundle when no ``path`` is given.
    """
    shipped = _shipped(name)
    explicit = path is not None or bool(os.environ.get(MODEL_ENV))
    model = Path(path) if path is not None else default_model_path(name)
    if not model.exists():
        raise ModelError(f"{model}: pose model file not found (give {', '.join(SHIPPED_MODELS)} or the path of a "
                         ".task bundle)")
    if not model.is_file():
        raise ModelError(f"{model}: pose model path is not a file")
    checksum = model_sha256(model)
    if not explicit and checksum != shipped.sha256:
        raise ModelError(
            f"{model}: pose model is corrupt (checksum {checksum[:12]}... differs from the shipped "
            f"{shipped.sha256[:12]}...); reinstall sprintlens"
        )
    return model, checksum
