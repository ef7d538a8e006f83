"""What CI and a newcomer rely on: every package ships in the wheel, and the README's commands are
the ones CI runs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("assistant",)
             for p in (ROOT / top).rglob("__init__.py") if "__pycache__" not in p.parts}
    assert found <= listed, f"not shipped in the wheel: {sorted(found - listed)}"


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quickstart)
    assert len(commands) == 2, commands
    assert "assistant demo" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


# --- every import is declared -------------------------------------------------------------------

def _declared(extra: str | None = None) -> set[str]:
    """Normalised distribution names that pyproject.toml declares (and those of `extra`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"]) + (project["optional-dependencies"][extra] if extra else [])
    return {_norm(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in specs}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _third_party_imports(folders: list[Path]) -> dict[str, set[str]]:
    """Top-level module → the files importing it, for every import that is not ours or stdlib."""
    import ast
    import sys

    ours = {"assistant", "jobs", "tests", "bench"} | {p.stem for f in folders for p in f.glob("*.py")}
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                         else [])
                for name in names:
                    top = name.split(".")[0]
                    if top not in ours and top not in sys.stdlib_module_names:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(("folders", "extra"), [(("assistant", "jobs"), None), (("tests",), "test"),
                                                 (("bench",), "bench")])
def test_every_third_party_import_belongs_to_a_declared_distribution(folders, extra):
    """An import whose distribution is not declared works on the machine that has it by chance and
    fails on every clean install (APScheduler did exactly that)."""
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    declared = _declared(extra) | (_declared("test") if extra == "bench" else set())
    missing = {}
    for module, files in _third_party_imports([ROOT / f for f in folders]).items():
        dists = {_norm(d) for d in owners.get(module, [])}
        if not dists & declared:
            missing[module] = (sorted(dists) or ["not installed"], sorted(files)[:3])
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_the_library_imports_with_posix_only_modules_unavailable():
    """Windows has no fcntl, termios, pwd, grp or resource: every module of the package must import
    without them (a POSIX-only call belongs behind a platform check)."""
    import subprocess
    import sys

    code = """
import sys, pkgutil, importlib
for name in ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "syslog"):
    sys.modules[name] = None  # import fails, as on Windows
import assistant
failed = []
for info in pkgutil.walk_packages(assistant.__path__, "assistant."):
    if info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except ImportError as exc:
        failed.append(f"{info.name}: {exc}")
import assistant.jobs, assistant.scheduler, assistant.cli
print("\\n".join(failed) or "ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_scheduler_lock_works_without_fcntl(tmp_path):
    """The one-scheduler-per-folder lock, with fcntl gone as on Windows: a second holder is refused."""
    import subprocess
    import sys

    code = f"""
import sys
sys.modules["fcntl"] = None
from pathlib import Path
from assistant.scheduler import Lock, SchedulerRunning
state = Path({str(tmp_path)!r})
with Lock(state):
    try:
        with Lock(state):
            print("both held")
    except SchedulerRunning as exc:
        print("refused", exc.message)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    import os

    assert out.stdout.startswith("refused") and str(os.getpid()) not in out.stdout.split()[0]


# --- the wheel ----------------------------------------------------------------------------------

def test_the_wheel_installs_only_the_assistant_package(tmp_path):
    """jobs/ and the defaults travel inside `assistant`; nothing else lands in site-packages."""
    import shutil
    import subprocess
    import sys
    import zipfile

    build = ROOT / "build"  # setuptools builds in the tree: leave no build/ behind for later installs
    existed = build.exists()
    try:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(tmp_path), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    finally:
        if not existed:
            shutil.rmtree(build, ignore_errors=True)
    wheel = next(tmp_path.glob("office_assistant-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"assistant"}
    for part in ("assistant/jobs/__init__.py", "assistant/jobs/flag.py", "assistant/py.typed",
                 "assistant/defaults/sheets_schema/tasks.yaml", "assistant/defaults/templates/digest.html"):
        assert part in names, part
