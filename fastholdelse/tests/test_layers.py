"""The import rules (.importlinter) are part of the suite: a violating import fails a test, not only
`make lint`. And each kind of contract is shown to catch a violation, in a copy of the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cases", "roundtable", "fastholdelse")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the tree at `cwd` (no cache: every run reads the files as they are)."""
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
               "sys.exit(lint_imports_command())", "--no-cache", "--config", str(cwd / ".importlinter")]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "tests"))
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")
    return target


VIOLATIONS = {
    # module to change, the import added, the contract that must break
    "kernel imports a feature": ("cases/selectors.py", "from .dashboard import selectors as _x\n",
                                 "cases: features import the kernel, never the reverse"),
    "audit imports the app": ("cases/audit.py", "from . import identifiers as _x\n",
                              "cases: features import the kernel, never the reverse"),
    "cases imports roundtable": ("cases/services.py", "import roundtable.models as _x\n",
                                 "cases never imports roundtable"),
    "an app imports the project": ("roundtable/views.py", "from fastholdelse import checks as _x\n",
                                   "No app imports the project package"),
    "a cycle in the kernel": ("cases/notifications.py", "from . import tasks as _x\n",
                              "No import cycles between sibling modules or packages"),
}


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_a_violating_import_breaks_its_contract(copy_of_the_code, case):
    path, line, contract = VIOLATIONS[case]
    module = copy_of_the_code / path
    original = module.read_text()
    module.write_text(line + original)
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        module.write_text(original)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in " ".join(broken.split()), result.stdout


def test_a_new_kernel_module_must_be_placed_in_a_layer(copy_of_the_code):
    module = copy_of_the_code / "cases" / "unplaced.py"
    module.write_text("")
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        module.unlink()
    assert result.returncode == 1
    assert "cases.unplaced" in result.stdout + result.stderr
