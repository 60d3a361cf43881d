"""The house rules of src/framing: packages in layers, imports only going down, no import cycle
(function-level imports and registry references included), small modules, thin scripts, and
registries that name real code."""

from __future__ import annotations

import ast
import doctest
import importlib
import re
from pathlib import Path

import pytest
import yaml
from conftest import CONFIGS, REPO, SCRIPTS

from framing.core.registry import resolve
from framing.data.config import TASKS
from framing.experiments.runner import TASK_KINDS
from framing.learning.base import Classifier, ModelConfig
from framing.learning.registry import FAMILIES

PACKAGE = REPO / "src" / "framing"
# Bottom to top: a module may import its own package and the packages before it.
LAYERS = ("core", "data", "runs", "learning", "pipeline", "benchmarks", "experiments")
REFERENCE = re.compile(r"^(framing(?:\.\w+)+):\w+$")  # "module:attribute" in a registry
MAX_MODULE_LINES = 400
MAX_SCRIPT_LINES = 60


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path) -> set[str]:
    """The framing modules a file imports anywhere in it (top level, in functions, under
    TYPE_CHECKING) or names as a registry reference; `from framing.x import y` counts as
    framing.x.y when y is a module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: relative import; use absolute framing.* imports")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = REFERENCE.match(node.value)
            if m:
                names.add(m.group(1))
    known = {module_name(p, root) for p in root.rglob("*.py")}
    return {n for n in names if n in known}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the framing modules it imports, for every module under the package `root`."""
    graph = {module_name(p, root): imports(p, root) for p in root.rglob("*.py")}
    return {m: targets - {m} for m, targets in graph.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...]) -> list[str]:
    """Every import from a package into a package above it (or outside the layer list)."""
    bad = []
    for src, targets in sorted(graph.items()):
        a = layer_of(src)
        if a is None:
            continue  # the package's own __init__ (a docstring)
        if a not in layers:
            bad.append(f"{src}: package {a!r} is not in the layer list {layers}")
            continue
        for dst in sorted(targets):
            b = layer_of(dst)
            if b is None or b not in layers or layers.index(b) > layers.index(a):
                bad.append(f"{src} imports {dst} ({b} is above {a})")
    return bad


# ------------------------------------------------------------------------- the real package


def test_every_module_sits_in_a_layer_package() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules belong in a package of LAYERS"
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(LAYERS)


def test_no_import_cycle() -> None:
    assert find_cycle(import_graph(PACKAGE)) is None


def test_imports_only_go_down_the_layers() -> None:
    assert upward_imports(import_graph(PACKAGE), LAYERS) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_package_says_what_lives_there_and_what_it_may_import(layer: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
    assert doc and ("May import" in doc or "Imports nothing" in doc)


def test_modules_stay_small() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {k: v for k, v in sizes.items() if v > MAX_MODULE_LINES} == {}


def test_scripts_stay_thin() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SCRIPTS.glob("*.py")}
    assert {k: v for k, v in sizes.items() if v > MAX_SCRIPT_LINES} == {}


def test_every_family_is_registered_with_its_config_file() -> None:
    files = {p.stem: yaml.safe_load(p.read_text()) for p in (CONFIGS / "model").glob("*.yaml")}
    assert sorted(files) == sorted(FAMILIES)
    for family, ref in FAMILIES.items():
        cls = resolve(ref)
        assert issubclass(cls.config_class, ModelConfig)
        assert files[family]["family"] == family
        assert files[family]["_target_"] == ref.replace(":", ".")
        assert f"{family}_schema" in files[family]["defaults"]


def test_every_task_has_a_config_file_and_a_kind_with_a_runner() -> None:
    files = [yaml.safe_load(p.read_text()) for p in (CONFIGS / "task").glob("*.yaml")]
    assert sorted(f["name"] for f in files) == sorted(TASKS)
    for f in files:
        assert f["label_set"] == TASKS[f["name"]].label_set
    assert {spec.kind for spec in TASKS.values()} == set(TASK_KINDS)
    assert all(callable(resolve(ref)) for ref in TASK_KINDS.values())
    assert TASKS["framing"].kind == "classification" and TASKS["attribution_spans"].kind == "spans"


def test_the_tagger_and_the_claim_model_are_families_but_not_classifiers() -> None:
    several = ("tagger", "multitask")  # spans; three tasks at once
    assert not any(issubclass(resolve(FAMILIES[f]), Classifier) for f in several)
    assert all(issubclass(resolve(FAMILIES[f]), Classifier) for f in FAMILIES if f not in several)


DOCTESTED = sorted(
    module_name(p, PACKAGE) for p in PACKAGE.rglob("*.py") if ">>>" in p.read_text("utf-8")
)


@pytest.mark.parametrize("module", DOCTESTED)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ the checks can fail


def write_package(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "framing"
    for rel, text in {"__init__.py": "", **files}.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    return pkg


def test_a_function_level_cycle_is_found(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/a.py": "from framing.core import b\n",
            "core/b.py": "def f():\n    from framing.core.a import x\n",
        },
    )
    assert find_cycle(import_graph(pkg)) == ["framing.core.a", "framing.core.b", "framing.core.a"]


def test_an_upward_import_and_an_upward_registry_reference_are_found(tmp_path: Path) -> None:
    pkg = write_package(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/low.py": "from framing.data.high import x\n",
            "data/__init__.py": "",
            "data/high.py": "x = 1\n",
            "data/reg.py": 'KINDS = {"k": "framing.experiments.top:run"}\n',
            "experiments/__init__.py": "",
            "experiments/top.py": "from framing.data.high import x\n",
        },
    )
    assert upward_imports(import_graph(pkg), ("core", "data", "experiments")) == [
        "framing.core.low imports framing.data.high (data is above core)",
        "framing.data.reg imports framing.experiments.top (experiments is above data)",
    ]
