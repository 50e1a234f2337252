"""The shape of the package: imports flow one way, no module reaches for another's private
names, and a plain wheel carries everything a user needs."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ivpflow

PACKAGE = Path(ivpflow.__file__).resolve().parent
ROOT = PACKAGE.parent


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (migrations are Alembic's scripts)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in a module, lazy ones too."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, names in imports(name, path):
            # `from . import rendering` names a module; `from .x import y` the module x.
            for candidate in [f"{target}.{n}" for n in names] + [target]:
                if candidate in known and candidate != name:
                    edges[name].add(candidate)
                    break
    return edges


def test_no_module_imports_a_private_name_of_another() -> None:
    known = modules()
    offences = [f"{name}: {target}.{taken}" for name, path in known.items()
                for target, names in imports(name, path) if target.startswith("ivpflow")
                # `_` is gettext's name for "translate", not a private one (ivpflow.i18n).
                for taken in names if taken.startswith("_")
                and taken not in ("__version__", "_")]
    assert offences == []


def test_there_are_no_import_circles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert circles == []


@pytest.mark.parametrize(("lower", "higher"), [
    ("ivpflow.workflow", "ivpflow.planning"), ("ivpflow.workflow", "ivpflow.store"),
    ("ivpflow.planning", "ivpflow.store"), ("ivpflow.store", "ivpflow.process"),
    ("ivpflow.store", "ivpflow.views"), ("ivpflow.store", "ivpflow.documents"),
    ("ivpflow.store", "ivpflow.outbox"), ("ivpflow.views", "ivpflow.process"),
    ("ivpflow.documents", "ivpflow.outbox"), ("ivpflow.documents", "ivpflow.views"),
], ids=lambda name: name.removeprefix("ivpflow."))
def test_data_flows_one_way(lower: str, higher: str) -> None:
    """Definition → process in the database → views: a lower layer never imports a higher."""
    edges = graph()
    against = sorted(f"{name} -> {target}" for name, targets in edges.items()
                     if name.startswith(lower) for target in targets if target.startswith(higher))
    assert against == []


def test_no_module_imports_the_orm() -> None:
    users = [name for name, path in modules().items()
             if any(target.startswith("sqlalchemy.orm") for target, _ in imports(name, path))]
    assert users == []


def test_a_wheel_carries_the_workflows_templates_and_migrations(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("ivpflow-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if "/data/share/ivpflow/workflows/" in n}
    assert shipped == {p.name for p in (ROOT / "workflows").glob("*.yaml")}
    assert "ivpflow/templates/documents/raadsvoorstel.md.j2" in names
    assert any(n.startswith("ivpflow/store/migrations/versions/0006") for n in names)
    assert "ivpflow/locale/nl/LC_MESSAGES/ivpflow.mo" in names


def test_without_a_checkout_the_workflows_come_from_the_installed_data(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sysconfig

    from ivpflow.workflow import loader

    monkeypatch.setattr(loader, "__file__", str(tmp_path / "site" / "ivpflow" / "workflow"
                                                / "loader.py"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path / "venv"))
    assert loader._shipped_dir() == tmp_path / "venv" / "share" / "ivpflow" / "workflows"


def test_the_wheel_installed_into_a_fresh_venv_runs_from_an_empty_folder(tmp_path: Path) -> None:
    """`pip install` of the wheel (offline: its dependencies are this environment's,
    reached by a .pth line) gives an `ivpflow` that finds the shipped workflows anywhere."""
    import site
    import venv

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True)
    wheel = next((tmp_path / "dist").glob("ivpflow-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    own_site = Path(subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("IVPFLOW_", "PYTHON", "VIRTUAL_ENV"))}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, env=clean)
    # After the install (pip would take this environment's ivpflow for installed), and only
    # a path: the .pth files there, such as an editable install's, are not run.
    (own_site / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    empty = tmp_path / "elsewhere"
    empty.mkdir()

    def ivpflow(*args: str, cwd: Path = empty) -> subprocess.CompletedProcess[str]:
        return subprocess.run([env_dir / "bin" / "ivpflow", "--now", "2026-03-02", *args],
                              cwd=cwd, env=clean, capture_output=True, text=True)

    found = ivpflow("workflows", "--json")
    assert found.returncode == 0, found.stderr
    listed = json.loads(found.stdout)
    assert {w["id"] for w in listed} == {p.stem for p in (ROOT / "workflows").glob("*.yaml")}
    assert all(str(env_dir) in w["path"] for w in listed)  # the installed copies
    started = ivpflow("start", "noordoost-twente-2027-2030")
    assert (started.returncode, started.stdout) == (0, "noordoost-twente-2027-2030\n"), \
        started.stderr
    assert (empty / "store" / "ivpflow.sqlite3").is_file()

    # A municipality's folder with its ivpflow.toml: any folder below it finds the store.
    gemeente = tmp_path / "gemeente"
    (gemeente / "stukken").mkdir(parents=True)
    (gemeente / "ivpflow.toml").write_text('store = "data"\nactor = "griffie"\n',
                                           encoding="utf-8")
    below = gemeente / "stukken"
    started = ivpflow("start", "noordoost-twente-2027-2030", "--id", "not", cwd=below)
    assert started.returncode == 0, started.stderr
    assert (gemeente / "data" / "ivpflow.sqlite3").is_file()
    assert not (gemeente / "stukken" / "store").exists()
    history = json.loads(ivpflow("history", "not", "--json", cwd=below).stdout)
    assert history[0]["actor"] == "griffie"
