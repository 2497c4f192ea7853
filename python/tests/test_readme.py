"""The README's Python example, run as written: its printed output must be the output
the README shows."""

import contextlib
import io
import os

from conftest import ROOT


def test_readme_python_example_prints_what_the_readme_shows():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("\n```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("\n```", 1)[0]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue().rstrip("\n") == shown
