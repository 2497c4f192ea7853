"""Executes every notebook in this folder top to bottom (as CI does) and fails on the
first error. The committed notebooks are not modified: executed copies go to
notebooks/_work/executed/.

    python notebooks/run_all.py            # all notebooks
    python notebooks/run_all.py 02         # those whose name contains "02"
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    wanted = sys.argv[1:]
    books = sorted(HERE.glob("*.ipynb"))
    books = [b for b in books if not wanted or any(w in b.name for w in wanted)]
    if not books:
        print("no notebooks matched", file=sys.stderr)
        return 1
    out = HERE / "_work" / "executed"
    out.mkdir(parents=True, exist_ok=True)
    for book in books:
        start = time.monotonic()
        nb = nbformat.read(book, as_version=4)
        nbformat.validate(nb)
        stale = [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count)]
        if stale:
            print(f"{book.name}: commit notebooks with outputs cleared "
                  f"({len(stale)} code cells have outputs)", file=sys.stderr)
            return 1
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        )
        try:
            client.execute()
        finally:
            nbformat.write(nb, out / book.name)
        print(f"{book.name}: ok in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
