"""The worker pool: per-task time limits, crashes contained, every other result kept."""

import os
import time

from pipeline.workers import run_tasks


def _work(task):
    kind, value = task
    if kind == "sleep":
        time.sleep(value)
    elif kind == "raise":
        raise ValueError(f"bad input {value}")
    elif kind == "die":
        os._exit(3)
    elif kind == "hog":
        bytearray(value)
    return value * 2


def _by_task(outcomes):
    return {outcome.task: outcome for outcome in outcomes}


def test_results_arrive_for_every_task():
    tasks = [("ok", n) for n in range(6)]
    outcomes = _by_task(run_tasks(_work, tasks, workers=2, timeout=10))
    assert sorted(outcome.value for outcome in outcomes.values()) == [0, 2, 4, 6, 8, 10]


def test_hanging_task_is_stopped_and_the_rest_finish():
    tasks = [("sleep", 60), ("ok", 1), ("ok", 2), ("ok", 3)]
    started = time.monotonic()
    outcomes = _by_task(run_tasks(_work, tasks, workers=2, timeout=1.5))
    assert time.monotonic() - started < 10
    assert outcomes[("sleep", 60)].failure == "timeout"
    assert [outcomes[("ok", n)].value for n in (1, 2, 3)] == [2, 4, 6]


def test_exception_and_dead_worker_are_reported_not_raised():
    tasks = [("raise", 7), ("die", 0), ("ok", 5)]
    outcomes = _by_task(run_tasks(_work, tasks, workers=1, timeout=10))
    assert outcomes[("raise", 7)].failure == "crash"
    assert outcomes[("raise", 7)].detail == "ValueError: bad input 7"
    assert outcomes[("die", 0)].failure == "crash"
    assert outcomes[("die", 0)].detail == "the worker process died (exit code 3)"
    assert outcomes[("ok", 5)].value == 10


def test_memory_limit_turns_a_balloon_into_a_failure():
    tasks = [("hog", 3 * 1024**3), ("ok", 4)]
    outcomes = _by_task(run_tasks(_work, tasks, workers=1, timeout=20, max_bytes=1024**3))
    assert outcomes[("hog", 3 * 1024**3)].failure == "crash"
    assert "memory" in outcomes[("hog", 3 * 1024**3)].detail
    assert outcomes[("ok", 4)].value == 8
