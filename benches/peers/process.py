"""Whole-process timing shared by the side-by-side scripts."""

import os
import subprocess
import sys
import time


def timed(cmd, cwd=None):
    """Runs `cmd` to completion; returns (wall seconds, CPU seconds, peak MiB).
    Exits with the command's stderr if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"{' '.join(map(str, cmd[:3]))} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0
