"""The installed SprintLens version (``0.0.0+source`` when run from a source tree)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sprintlens")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
