"""The wheel carries the plugins: an installed ifteval (not a checkout) finds its tasks and judges."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_installed_wheel_finds_registry_tasks_and_judges(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(wheels)],
        check=True,
        timeout=300,
    )
    [wheel] = wheels.glob("ifteval-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ifteval/_plugins/registry.yaml" in names
    assert "ifteval/_plugins/ifteval_tasks/glue/ifteval_sst2.yaml" in names
    assert "ifteval/_plugins/ifteval_judges/prompts/paired.j2" in names
    assert "ifteval/_plugins/ifteval_judges/gpt4.yaml" in names
    assert "ifteval/tasks/smoke/sst2.jsonl" in names
    # the smoke-set generator and its examples are development tools (tools/), not shipped
    generator = ("make_smoke.py", "alpaca_examples.py")
    assert not [n for n in names if n.startswith("tools/") or n.endswith(generator)]
    for template in ("report.html.j2", "macros.html.j2", "report.css", "browser.js"):  # ifteval report
        assert f"ifteval/report/templates/{template}" in names

    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "from ifteval.registry import plugin_root, load_registry\n"
        "from ifteval.judges import load_spec\n"
        "root = plugin_root(); index = load_registry()\n"
        "folders = all(p.is_dir() for p in index.task_paths)\n"
        "from ifteval.report.render import _environment\n"
        "page = _environment().get_template('report.html.j2').name\n"
        "print(root.name, len(index.judges), load_spec('gpt4').kind, folders, page)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert out == ["_plugins", "16", "llm", "True", "report.html.j2"]
