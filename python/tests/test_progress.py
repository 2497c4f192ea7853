"""Progress of long work (issue 31, "Progress on long work"): the command line's
progress, through the ``pathcredit.progress`` logger (silent until logging is
configured) or a callback set with ``pathcredit.on_progress``."""

import logging
import sys

import pytest

import pathcredit as pc
from pathcredit import _progress


@pytest.fixture
def restore_progress():
    """Puts progress back on the logger after a test."""
    yield
    pc.on_progress(None)


def test_a_callback_hears_each_task_start_and_finish(sample, restore_progress):
    heard = []
    assert pc.on_progress(lambda *a: heard.append(a)) is None
    pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=30)
    bootstrap = [h for h in heard if h[0] == "bootstrap replicates"]
    assert bootstrap[0] == ("bootstrap replicates", 0, 30)
    assert bootstrap[-1] == ("bootstrap replicates", 30, 30)
    # A few calls a second at most, not one per replicate.
    assert len(bootstrap) < 30
    assert all(isinstance(d, int) and isinstance(t, int) for _, d, t in heard)


def test_a_callback_is_replaced_and_turned_off(sample, restore_progress):
    first, second = [], []
    pc.on_progress(lambda *a: first.append(a))
    previous = pc.on_progress(lambda *a: second.append(a))
    assert previous is not None
    pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=5)
    assert first == [] and second != []
    pc.on_progress(None)
    second.clear()
    pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=5)
    assert second == []
    with pytest.raises(TypeError, match="callable or None"):
        pc.on_progress("print")


def test_a_failing_callback_does_not_stop_the_work(sample, restore_progress, monkeypatch):
    def fail(task, done, total):
        raise RuntimeError("callback broke")

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    pc.on_progress(fail)
    credit = pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=5)
    assert len(credit) > 0
    assert unraisable and all("callback broke" in str(u.exc_value) for u in unraisable)


def test_progress_is_logged_at_info_and_silent_by_default(
    sample, caplog, capfd, monkeypatch
):
    # Unconfigured logging prints nothing below WARNING: a notebook stays quiet.
    pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=5)
    assert capfd.readouterr().err == ""
    # Configured at INFO, a task that ran LOG_EVERY seconds or more is logged.
    monkeypatch.setattr(_progress, "LOG_EVERY", 0.0)
    with caplog.at_level(logging.INFO, logger="pathcredit"):
        pc.attribute(sample / "paths.csv", models=["linear"], bootstrap=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "pathcredit.progress"]
    assert any(line.startswith("bootstrap replicates: 5/5 (100%,") for line in lines), lines
