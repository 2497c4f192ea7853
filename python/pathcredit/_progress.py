"""Progress of long work (bootstrap replicates, Shapley samples, logistic folds,
simulated units, journey building, matched worlds), as the command line shows it.

By default progress goes to the ``pathcredit.progress`` logger at level INFO: a line
per task at most every :data:`LOG_EVERY` seconds, and one when a task that ran that
long finishes (``bootstrap replicates: 120/200 (60%, 21.4/s, 5.6 s)``). Python's
logging shows nothing below WARNING until it is configured, so notebooks stay quiet;
``logging.basicConfig(level=logging.INFO)`` (or a handler on ``pathcredit``) shows it.

:func:`on_progress` sends progress to a callback instead, e.g. to draw a bar::

    bars = {}
    def show(task, done, total):
        bar = bars.setdefault(task, tqdm.tqdm(total=total, desc=task))
        bar.update(done - bar.n)
    pathcredit.on_progress(show)

The callback is called a few times a second at most per task (always at the task's
start and finish), from the thread doing the work; the work waits while it runs.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Dict, Optional

from . import _pathcredit as _native

#: The logger progress lines go to (a child of ``pathcredit``).
logger = logging.getLogger("pathcredit.progress")

#: Seconds between two log lines of one task.
LOG_EVERY = 5.0

#: A progress callback: ``callback(task, done, total)``.
ProgressCallback = Callable[[str, int, int], None]


class _LogLines:
    """Logs progress at INFO, a line per task at most every :data:`LOG_EVERY` seconds
    and when a task that ran that long finishes (the command line's lines off a
    terminal)."""

    def __init__(self) -> None:
        # Per task: when (monotonic) its last line was logged.
        self._last: Dict[str, float] = {}

    def __call__(self, task: str, done: int, total: int, seconds: float) -> None:
        finished = done >= total
        if not logger.isEnabledFor(logging.INFO):
            if finished:
                self._last.pop(task, None)
            return
        now = time.monotonic()
        last = self._last.setdefault(task, now - seconds)
        if now - last >= LOG_EVERY or (finished and seconds >= LOG_EVERY):
            pct = 100.0 * done / total if total > 0 else 100.0
            rate = done / seconds if seconds > 0 else 0.0
            logger.info(
                "%s: %d/%d (%.0f%%, %.1f/s, %.1f s)", task, done, total, pct, rate, seconds
            )
            self._last[task] = now
        if finished:
            self._last.pop(task, None)


class _Callback:
    """Adapts a user's ``callback(task, done, total)`` to the native sink."""

    def __init__(self, callback: ProgressCallback) -> None:
        self.callback = callback

    def __call__(self, task: str, done: int, total: int, seconds: float) -> None:
        self.callback(task, done, total)


#: The callback set by :func:`on_progress` (``None``: the logger).
_callback: Optional[ProgressCallback] = None


def on_progress(callback: Optional[ProgressCallback] = None) -> Optional[ProgressCallback]:
    """Sends progress of long work to ``callback(task, done, total)`` instead of the
    ``pathcredit.progress`` logger; ``None`` (the default) sends it back to the logger.
    Returns the callback set before, so a caller can restore it.

    ``task`` names the work (``"bootstrap replicates"``, ``"simulated units"``, …);
    ``done`` of ``total`` units are finished. An exception the callback raises is
    reported as unraisable (:func:`sys.unraisablehook`) and the work goes on.
    """
    global _callback
    if callback is not None and not callable(callback):
        raise TypeError(f"on_progress takes a callable or None, not {type(callback).__name__}")
    previous = _callback
    _native.set_progress_sink(_LogLines() if callback is None else _Callback(callback))
    _callback = callback
    return previous


# Progress goes to the logger until a callback is set.
_native.set_progress_sink(_LogLines())
