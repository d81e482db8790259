"""Per-step data in one shape: a rep's steps column by column, with each column's unit.

The analysis makes a :class:`StepTable` from its steps, the logbook stores and reads it, and the
statistics (fatigue, progress) read its columns.  Units come from the metric catalogue
(:mod:`sprintlens.core.catalogue`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sprintlens.core.catalogue import BY_NAME
from sprintlens.core.series import finite_or_nan

#: Step fields that are text (every other field is a number or a flag).
STEP_TEXT_FIELDS: tuple[str, ...] = ("foot", "foot_view", "quality_reasons")
#: Step flags read from stored text as well as from booleans (``1``/``0``, ``true``/``false``).
STEP_FLAG_FIELDS: tuple[str, ...] = ("low_confidence_timing", "trusted")
_FLAG_TEXT = {"1": True, "0": False, "true": True, "false": False}

_UNIT_OF_KIND = {"time": "s", "frequency": "Hz", "cadence": "steps/min", "angle": "deg", "ratio": "",
                 "count": ""}


def step_field_unit(name: str, distance_unit: str = "m") -> str:
    """Give the unit of a step field.

    Parameters
    ----------
    name : str
        A step field (:class:`sprintlens.analysis.steps.Step`) or any catalogue metric.
    distance_unit : str
        The rep's distance unit: ``"m"``, or ``"legs"`` without a metric scale.

    Returns
    -------
    str
        ``"s"``, ``"Hz"``, ``"deg"``, ``"m"``, ``"m/s"``, ``"frame"``, ``"thighs"`` ... or ``""``
        for text, flags and counts.
    """
    metric = BY_NAME.get(name)
    if metric is not None:
        if metric.kind == "distance":
            return distance_unit
        if metric.kind == "speed":
            return f"{distance_unit}/s"
        if name.endswith("_thighs"):
            return "thighs"
        return _UNIT_OF_KIND.get(metric.kind, "")
    if name.endswith("_frame"):
        return "frame"
    if name.endswith("_hz"):
        return "Hz"
    if name.endswith("_s"):
        return "s"
    if name == "step_length_unc":
        return distance_unit
    return ""


def _flag(value: object) -> bool | None:
    """Read a stored flag: a boolean, 0/1, or its text; None when it is none of those."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _FLAG_TEXT.get(value.strip().lower())
    return None


@dataclass(frozen=True, eq=False)
class StepTable(Mapping[str, np.ndarray]):
    """A rep's steps, column by column: the one shape of per-step data.

    The analysis makes it from its :class:`Step` list (:attr:`sprintlens.analysis.result.Analysis.step_table`),
    the logbook stores and reads it (:attr:`sprintlens.logbook.records.Rep.steps`) and the
    statistics read its columns.  As a mapping it gives each column by name as a read-only
    array in step order: numbers as float64 (NaN where missing; int64 for frame numbers and the
    step index, bool for flags when the table comes from an analysis), text as object arrays.

    Attributes
    ----------
    columns : mapping of str to ndarray (n_steps,)
        The columns, in field order.
    distance_unit : str
        Unit of distances: ``"m"``, or ``"legs"`` without a metric scale (speeds are per second).
    """

    columns: Mapping[str, np.ndarray]
    distance_unit: str = "m"

    def __post_init__(self) -> None:
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"step columns of different lengths: {sorted(lengths)}")
        frozen = {}
        for name, values in self.columns.items():
            array = np.array(values, copy=True)
            array.setflags(write=False)
            frozen[name] = array
        object.__setattr__(self, "columns", frozen)

    @classmethod
    def from_steps(cls, steps: Sequence[Any], step_type: type, distance_unit: str = "m") -> StepTable:
        """Build the table of an analysis's steps: every field of the dataclass ``step_type``, types kept.

        Parameters
        ----------
        steps : sequence of dataclass instances
            The steps (:class:`sprintlens.analysis.steps.Step`), in order.
        step_type : type
            Their dataclass (it names the columns when there are no steps).
        distance_unit : str
            ``"m"``, or ``"legs"`` without a metric scale.

        Returns
        -------
        StepTable
            One column per field.
        """
        columns: dict[str, np.ndarray] = {}
        for f in dataclasses.fields(step_type):
            values = [getattr(step, f.name) for step in steps]
            if f.name in STEP_TEXT_FIELDS:
                columns[f.name] = np.array(values, dtype=object)
            elif f.type in ("bool", bool):
                columns[f.name] = np.array(values, dtype=bool)
            elif f.type in ("int", int):
                columns[f.name] = np.array(values, dtype=np.int64)
            else:
                columns[f.name] = np.array(values, dtype=np.float64)
        return cls(columns, distance_unit)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, object]], distance_unit: str = "m") -> StepTable:
        """Build the table from one mapping per step (as stored); a missing value reads as NaN."""
        names: list[str] = []
        for row in rows:  # columns in the order the rows give them
            names += [k for k in row if k not in names]
        columns: dict[str, np.ndarray] = {}
        for name in names:
            values = [row.get(name) for row in rows]
            if name in STEP_TEXT_FIELDS:
                columns[name] = np.array(["" if v is None else str(v) for v in values], dtype=object)
            elif name in STEP_FLAG_FIELDS and values and all(_flag(v) is not None for v in values):
                columns[name] = np.array([_flag(v) for v in values], dtype=bool)
            elif all(isinstance(v, (bool, np.bool_)) for v in values) and values:
                columns[name] = np.array(values, dtype=bool)
            else:
                columns[name] = np.array([finite_or_nan(v) for v in values], dtype=np.float64)
        return cls(columns, distance_unit)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def n_steps(self) -> int:
        """Number of steps (rows)."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def trusted(self) -> np.ndarray:
        """Whether each step is trusted (bool); all True for a table stored before steps were judged."""
        column = self.columns.get("trusted")
        return np.ones(self.n_steps, dtype=bool) if column is None else column.astype(bool)

    @property
    def feet(self) -> np.ndarray:
        """Foot of each step (``"left"`` / ``"right"``)."""
        return self.columns.get("foot", np.full(self.n_steps, "", dtype=object))

    def numbers(self, name: str) -> np.ndarray:
        """Give a numeric column as float64 (NaN where missing, or all NaN for an unknown name)."""
        column = self.columns.get(name)
        if column is None or name in STEP_TEXT_FIELDS:
            return np.full(self.n_steps, np.nan)
        return column.astype(np.float64)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepTable):
            return NotImplemented
        if self.distance_unit != other.distance_unit or list(self.columns) != list(other.columns):
            return False
        return all(np.array_equal(a, other.columns[name], equal_nan=a.dtype.kind == "f")
                   for name, a in self.columns.items())

    __hash__ = None  # type: ignore[assignment]

    def without(self, left_out: np.ndarray) -> StepTable:
        """Give the table with the numbers of the steps marked in ``left_out`` (bool, n_steps) as NaN."""
        columns = {name: (np.where(left_out, np.nan, column.astype(np.float64))
                          if name not in STEP_TEXT_FIELDS and name != "index" else column)
                   for name, column in self.columns.items()}
        return StepTable(columns, self.distance_unit)

    def unit(self, name: str) -> str:
        """Give a column's unit (:func:`step_field_unit`)."""
        return step_field_unit(name, self.distance_unit)

    def rows(self) -> list[dict[str, object]]:
        """Give one plain mapping per step, in step order (Python numbers, NaN kept as NaN)."""
        names = list(self.columns)
        return [{name: self.columns[name][i].item() if hasattr(self.columns[name][i], "item")
                 else self.columns[name][i] for name in names} for i in range(self.n_steps)]
