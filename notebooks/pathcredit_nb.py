"""Helpers shared by the notebooks: find the `pathcredit` binary, run it, read its output.

The notebooks never compute attribution themselves. Every number comes from the CLI;
pandas and matplotlib only read, reshape and draw what it wrote.
"""

import os
import pathlib
import shlex
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "notebooks" / "_work"


def binary() -> pathlib.Path:
    """`$PATHCREDIT_BIN`, else the newest of target/release and target/debug."""
    if os.environ.get("PATHCREDIT_BIN"):
        return pathlib.Path(os.environ["PATHCREDIT_BIN"])
    built = [ROOT / "target" / p / "pathcredit" for p in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if not built:
        raise FileNotFoundError(
            "pathcredit is not built: run `cargo build --release` in the repository "
            "(or set PATHCREDIT_BIN to the binary)"
        )
    return max(built, key=lambda p: p.stat().st_mtime)


def workdir(name: str) -> pathlib.Path:
    """A scratch directory for one notebook's outputs (notebooks/_work/NAME)."""
    path = WORK / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def rel(path) -> str:
    """A path relative to the repository root when it lies inside it."""
    path = pathlib.Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def pathcredit(*args, show=True) -> str:
    """Runs `pathcredit ARGS` from the repository root, prints the command, and returns
    its stdout; a failure raises with pathcredit's own error message."""
    words = [rel(a) if isinstance(a, pathlib.Path) else str(a) for a in args]
    if show:
        print("$ pathcredit " + " ".join(shlex.quote(w) for w in words))
    done = subprocess.run(
        [str(binary()), *words], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"pathcredit exited with {done.returncode}:\n{done.stderr}")
    return done.stdout
