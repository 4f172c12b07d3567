"""What an installed `diagnosis` is: every package, the questionnaires, the pinned dependencies and
one version, as a wheel built from this checkout carries them."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import diagnosis

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_of_the_checkout_is_listed_for_the_wheel():
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("diagnosis", "ui")
        for init in (ROOT / top).rglob("__init__.py")
        if ".venv" not in init.parts
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert on_disk - listed == set()
    assert listed - on_disk == {"diagnosis.questionnaires"}  # the top-level folder, shipped inside


def test_the_runtime_pins_are_the_packages_dependencies_and_the_test_pins_are_apart():
    runtime = [line for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    assert all("==" in line for line in runtime)
    assert not any(name.split("==")[0] in {"pytest", "playwright", "ruff", "hypothesis"} for name in runtime)
    test = (ROOT / "requirements-test.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in test and any(line.startswith("pytest==") for line in test)
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    for line in runtime + [t for t in test if "==" in t]:
        assert line.split("[")[0].split("==")[0].lower().replace("_", "-") in constraints.lower().replace("_", "-")


def test_an_installed_wheel_finds_the_questionnaires_and_says_its_version_once(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                            str(ROOT), "-w", str(tmp_path / "wheel")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        archive.extractall(tmp_path / "site")
    assert "diagnosis/questionnaires/customer_service_diagnosis.yaml" in names
    assert f"Version: {diagnosis.__version__}\n" in metadata
    assert "Requires-Dist: streamlit==" in metadata and "Requires-Dist: pytest" not in metadata
    # the installed copy, run from elsewhere, lists the shipped questionnaires from inside itself
    probe = ("import diagnosis, diagnosis.catalog as c; print(diagnosis.__file__); print(c.questionnaire_dir()); "
             "print(sorted(p.name for p in c.questionnaire_dir().glob('*.yaml')))")
    ran = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {probe}"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120,
                         env={k: v for k, v in os.environ.items() if k != "DIAGNOSIS_QUESTIONNAIRES"})
    assert ran.returncode == 0, ran.stderr
    module, folder, files = ran.stdout.splitlines()
    assert module.startswith(str(tmp_path / "site")) and folder == str(tmp_path / "site" / "diagnosis" / "questionnaires")
    assert "customer_service_diagnosis.yaml" in files and "generic_process_diagnosis.yaml" in files
