"""Docstring rule ruff cannot check: public functions with three or more parameters document them.

The rule: every public function or method (its name does not start with ``_``, nor does its
class's or its module's; a package's ``__init__.py`` is the module named after the package) that
takes three or more parameters, not counting ``self`` or ``cls``, has a numpy ``Parameters``
section naming every parameter, and a ``Returns`` or ``Yields`` section unless it returns None.
Parameters whose name ends in a unit (``t_s``, ``height_m``, ``x_px``, ``angle_deg``, ``fps`` ...)
must state that unit in their entry.

Exempt: ``typing.overload`` stubs, and click commands, whose docstring is the command's
``--help`` text and whose parameters are documented by their options' ``help=``.

One test per top-level subpackage (and one for the modules of the root package), so each folder
passes or fails on its own.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sprintlens"

SUBPACKAGES = [
    pytest.param("core"),
    pytest.param("capture"),
    pytest.param("analysis"),
    pytest.param("logbook"),
    pytest.param("render"),
    pytest.param("cli"),
    pytest.param("synth"),
    pytest.param("root"),  # the modules directly in src/sprintlens
]

MIN_PARAMETERS = 3

#: Parameter-name endings that carry a unit, and what the entry must say for it.
UNIT_SUFFIXES: dict[str, re.Pattern[str]] = {
    "_px": re.compile(r"\bpx\b|pixel", re.IGNORECASE),
    "_s": re.compile(r"\bs\b|second", re.IGNORECASE),
    "_ms": re.compile(r"\bms\b|millisecond", re.IGNORECASE),
    "_m": re.compile(r"\bm\b|metre|meter", re.IGNORECASE),
    "_deg": re.compile(r"\bdeg\b|degree|°", re.IGNORECASE),
    "_hz": re.compile(r"\bhz\b|hertz", re.IGNORECASE),
    "fps": re.compile(r"frames/s|\bfps\b|\bhz\b|frames per second", re.IGNORECASE),
}

_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


@dataclass(frozen=True)
class Offender:
    """A function that breaks the rule, and what its docstring lacks."""

    path: Path
    line: int
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line}: {self.name}: {self.problem}"


def _modules(subpackage: str) -> list[Path]:
    if subpackage == "root":
        return sorted(PACKAGE.glob("*.py"))
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _module_is_public(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":  # a package's module has the package's name
        parts = parts[:-1]
    return not any(part.startswith("_") for part in parts)


def _sections(docstring: str) -> dict[str, list[str]]:
    """Split a numpy docstring into its sections: header -> body lines."""
    lines = docstring.splitlines()
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and _UNDERLINE.match(lines[i + 1]):
            current = sections.setdefault(lines[i].strip(), [])
            i += 2
            continue
        if current is not None:
            current.append(lines[i])
        i += 1
    return sections


def _documented(body: list[str]) -> dict[str, str]:
    """Parameter name -> text of its entry (type and description) in a Parameters section."""
    entries: dict[str, str] = {}
    indent = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
    names: list[str] = []
    for line in body:
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) == indent:
            head, _, kind = line.strip().partition(":")
            names = [name.strip().lstrip("*") for name in head.split(",") if name.strip()]
            for name in names:
                entries[name] = kind
        else:
            for name in names:
                entries[name] += " " + line.strip()
    return entries


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, not those of functions or classes defined inside it."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _returns_value(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    returns = function.returns
    if returns is not None:
        if isinstance(returns, ast.Constant) and returns.value in (None, "None"):
            return False
        return ast.unparse(returns).rsplit(".", 1)[-1] not in ("NoReturn", "Never")
    for node in _own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                return True
    return False


def _decorator_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = []
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(ast.unparse(target))
    return names


def _is_exempt(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for name in _decorator_names(function):
        last = name.rsplit(".", 1)[-1]
        if last == "overload" or last in ("command", "group"):
            return True
    return False


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> list[str]:
    args = function.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if is_method and "staticmethod" not in _decorator_names(function) and positional:
        positional = positional[1:]  # self or cls
    names = positional + [a.arg for a in args.kwonlyargs]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def _check(path: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
           is_method: bool) -> list[Offender]:
    if function.name.startswith("_") or _is_exempt(function):
        return []
    parameters = _parameters(function, is_method)
    if len(parameters) < MIN_PARAMETERS:
        return []

    def offence(problem: str) -> Offender:
        return Offender(path, function.lineno, qualname, problem)

    docstring = ast.get_docstring(function)
    if docstring is None:
        return [offence("no docstring")]
    sections = _sections(docstring)
    found: list[Offender] = []
    if "Parameters" not in sections:
        found.append(offence(f"no Parameters section (parameters: {', '.join(parameters)})"))
    else:
        entries = _documented(sections["Parameters"] + sections.get("Other Parameters", []))
        missing = [name for name in parameters if name not in entries]
        if missing:
            found.append(offence(f"Parameters does not name {', '.join(missing)}"))
        unknown = [name for name in entries if name not in parameters]
        if unknown:
            found.append(offence(f"Parameters names {', '.join(unknown)}, which the function does not take"))
        for name in parameters:
            unit = next((pattern for suffix, pattern in UNIT_SUFFIXES.items()
                         if name == suffix.lstrip("_") or name.endswith(suffix)), None)
            if name in entries and unit is not None and not unit.search(entries[name]):
                found.append(offence(f"Parameters entry of {name} states no unit"))
    if _returns_value(function) and not ({"Returns", "Yields"} & sections.keys()):
        found.append(offence("no Returns (or Yields) section"))
    return found


def module_offenders(source: str, path: Path) -> list[Offender]:
    """Every function and method in one module's source that breaks the rule."""
    tree = ast.parse(source, filename=str(path))
    found: list[Offender] = []
    classes: list[tuple[str, ast.ClassDef]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += _check(path, node, node.name, is_method=False)
        elif isinstance(node, ast.ClassDef):
            classes.append((node.name, node))
    while classes:
        prefix, cls = classes.pop()
        if cls.name.startswith("_"):
            continue
        for node in cls.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found += _check(path, node, f"{prefix}.{node.name}", is_method=True)
            elif isinstance(node, ast.ClassDef):
                classes.append((f"{prefix}.{node.name}", node))
    return found


def offenders(subpackage: str) -> list[Offender]:
    """Every function in ``subpackage`` (or the root package's own modules) that breaks the rule."""
    found: list[Offender] = []
    for path in _modules(subpackage):
        if _module_is_public(path):
            found += module_offenders(path.read_text(encoding="utf-8"), path)
    return sorted(found, key=lambda o: (str(o.path), o.line, o.problem))


EXAMPLE = '''
def documented(a, b_px, *rest, t_s=0.0, **options) -> float:
    """Do it.

    Parameters
    ----------
    a, b_px : float
        Two values; ``b_px`` in pixels.
    *rest : float
        More.
    t_s : float
        A time (s).
    **options
        Anything.

    Returns
    -------
    float
        The answer.
    """

def no_sections(a, b, c) -> int:
    """Do it."""

def two_parameters(a, b) -> int:
    """Need no sections."""

def _private(a, b, c) -> int:
    """Need no sections."""

def gaps(a, b, speed_m, gone) -> None:
    """Do it.

    Parameters
    ----------
    a
        A.
    b : int
        B.
    speed_m : float
        A distance.
    c : int
        Not a parameter.
    """

def generator(a, b, c):
    """Do it.

    Parameters
    ----------
    a, b, c : int
        Values.
    """
    yield a

class Thing:
    def method(self, a, b) -> int:
        """Need no sections: self does not count."""

    @staticmethod
    def static(a, b, c) -> None:
        """Do it."""

    @overload
    def stub(self, a, b, c) -> int: ...

@cli.command()
def command(a, b, c) -> None:
    """Help text of a command."""
'''


def test_rule_on_examples() -> None:
    found = [(o.name, o.problem) for o in module_offenders(EXAMPLE, PACKAGE / "example.py")]
    assert sorted(found) == sorted([
        ("no_sections", "no Parameters section (parameters: a, b, c)"),
        ("no_sections", "no Returns (or Yields) section"),
        ("gaps", "Parameters does not name gone"),
        ("gaps", "Parameters names c, which the function does not take"),
        ("gaps", "Parameters entry of speed_m states no unit"),
        ("generator", "no Returns (or Yields) section"),
        ("Thing.static", "no Parameters section (parameters: a, b, c)"),
    ])


def test_every_subpackage_is_checked() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == {p.values[0] for p in SUBPACKAGES} - {"root"}


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_public_functions_document_their_parameters(subpackage: str) -> None:
    found = offenders(subpackage)
    for offender in found:
        print(offender)
    assert not found, f"{len(found)} docstring(s) in {subpackage} break the rule:\n" + "\n".join(map(str, found))
