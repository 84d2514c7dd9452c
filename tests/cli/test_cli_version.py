"""The version lives in one place (``shapelens.__version__``): the package metadata reads it, the
command line prints it and the changelog has a section for it."""

import re
import subprocess
import sys
from pathlib import Path

import shapelens

ROOT = Path(__file__).resolve().parent.parent.parent


def test_pyproject_reads_the_version_from_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("\n[project]\n")[1].split("\n[")[0]
    assert not re.search(r"^version\s*=", project, flags=re.M)
    assert re.search(r'^dynamic = \["version"\]', project, flags=re.M)
    assert re.search(r'^version = \{ attr = "shapelens.__version__" \}$', text, flags=re.M)


def test_cli_prints_the_version():
    result = subprocess.run([sys.executable, "-m", "shapelens", "--version"], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "server")}, timeout=60)
    assert result.stdout.strip() == f"shapelens {shapelens.__version__}"


def test_changelog_keeps_a_changelog_with_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert sections[0] == "Unreleased" and shapelens.__version__ in sections
