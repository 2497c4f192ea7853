"""Shared fixtures: the repository's sample data and the command-line binary, whose
outputs the package must equal."""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def _binary():
    if os.environ.get("PATHCREDIT_BIN"):
        return pathlib.Path(os.environ["PATHCREDIT_BIN"])
    built = [ROOT / "target" / p / "pathcredit" for p in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if built:
        return max(built, key=lambda p: p.stat().st_mtime)
    found = shutil.which("pathcredit")
    return pathlib.Path(found) if found else None


@pytest.fixture(scope="session")
def cli():
    """Runs the `pathcredit` binary and returns its stdout as bytes."""
    binary = _binary()
    if binary is None:
        pytest.skip("the pathcredit binary is not built (cargo build)")

    def run(*args):
        done = subprocess.run(
            [str(binary), *map(str, args)], cwd=ROOT, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout

    return run


@pytest.fixture(scope="session")
def sample():
    return SAMPLE
