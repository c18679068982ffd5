"""The worker pool: per-task time limits, crashes contained, every other result kept."""

import os
import time

import pytest

from pipeline.workers import Guard, run_tasks, start_builder


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


_STATE = {"ready": False}


def _sees_state(task):
    return (task, _STATE["ready"], os.getpid())


def test_workers_forked_before_prepare_take_only_tasks_that_do_not_need_it():
    """`prepare` runs in a thread while the first workers work; they take tasks that do not need it (here
    0, 1 and 2) meanwhile, skipping those that do; only workers forked after it see what it built."""
    from collections import deque

    def prepare():
        time.sleep(1.0)  # the first tasks are done meanwhile
        _STATE["ready"] = True

    pending = deque(range(6))
    seen = []
    try:
        for outcome in run_tasks(_sees_state, pending, workers=2, timeout=10, prepare=prepare,
                                 needs_prepare=lambda task: task >= 3):
            seen.append(outcome.value)
            if outcome.value[0] == 0:
                pending.appendleft(10)  # a task added while the pool runs is picked up
    finally:
        _STATE["ready"] = False
    by_task = {task: (ready, pid) for task, ready, pid in seen}
    assert sorted(by_task) == [0, 1, 2, 3, 4, 5, 10]
    assert [task for task, (ready, _) in sorted(by_task.items()) if not ready] == [0, 1, 2]
    before = {by_task[t][1] for t in (0, 1, 2)}
    assert len(before) == 2 and before.isdisjoint(by_task[t][1] for t in (3, 4, 5, 10))


def test_an_exception_in_prepare_is_raised_by_the_pool():
    def prepare():
        raise RuntimeError("no pipeline")

    with pytest.raises(RuntimeError, match="no pipeline"):
        list(run_tasks(_work, [("ok", 1), ("ok", 2)], workers=2, timeout=10, prepare=prepare))


def _marks_state():
    _STATE["ready"] = True


def _requeues_read(task):
    """A "read" task hands back what the builder is to finish, as ingest's readers hand back documents."""
    kind, _ = task
    return ("finish", _sees_state(task)) if kind == "read" else _sees_state(task)


def test_a_builder_prepares_its_state_itself_and_only_it_takes_the_tasks_that_need_it():
    """A builder builds the state in a worker of its own, never in the parent: the reader takes the task
    that does not need it, and the builder the one handed back for it."""
    from collections import deque

    pending = deque([("read", 1)])
    seen = []
    builder = start_builder(_requeues_read, _marks_state)
    for outcome in run_tasks(_requeues_read, pending, workers=2, timeout=30, builder=builder,
                             needs_prepare=lambda task: task[0] == "finish"):
        seen.append(outcome.value)
        if outcome.value[0] == "finish":
            pending.append(outcome.value)
    (_, (read, read_ready, reader)), (finished, finish_ready, builder) = seen
    assert (read, read_ready, finished[0], finish_ready) == (("read", 1), False, "finish", True)
    assert reader != builder and os.getpid() not in (reader, builder)
    assert _STATE["ready"] is False  # the parent never had it


def _fails():
    raise RuntimeError("no pipeline")


def test_a_builder_whose_preparation_fails_raises_it_in_the_pool():
    with pytest.raises(RuntimeError, match="failed: RuntimeError: no pipeline"):
        list(run_tasks(_work, [("ok", 1)], workers=2, timeout=10, builder=start_builder(_work, _fails),
                       needs_prepare=lambda task: True))


def _dies_or_sees_state(task):
    if task == "die":
        os._exit(3)
    return _sees_state(task)


def test_a_worker_that_dies_while_prepare_runs_is_replaced_by_a_fork_that_has_its_state():
    """No fork while `prepare` runs: the dead worker's replacement waits for it, and so has its state."""
    def prepare():
        time.sleep(0.5)
        _STATE["ready"] = True

    try:
        outcomes = _by_task(run_tasks(_dies_or_sees_state, ["die", 1], workers=1, timeout=10,
                                      prepare=prepare))
    finally:
        _STATE["ready"] = False
    assert outcomes["die"].detail == "the worker process died (exit code 3)"
    assert outcomes[1].value[1] is True


def _pid(task):
    _work(task)
    return os.getpid()


def test_a_guard_keeps_its_child_from_call_to_call_and_replaces_it_after_a_timeout_or_a_death():
    guard = Guard(_pid, max_bytes=1024**3)
    try:
        first = [outcome.value for outcome in guard.run([("ok", 1), ("ok", 2)], timeout=10)]
        again = list(guard.run([("sleep", 60), ("ok", 3), ("die", 0), ("hog", 3 * 1024**3), ("ok", 4)],
                               timeout=1.5))
        after = [outcome.value for outcome in guard.run([("ok", 5)], timeout=10)]
    finally:
        guard.close()
    assert first[0] == first[1] != os.getpid()
    assert [(o.task, o.failure) for o in again] == [(("sleep", 60), "timeout"), (("ok", 3), None),
                                                    (("die", 0), "crash"), (("hog", 3 * 1024**3), "crash"),
                                                    (("ok", 4), None)]
    assert again[0].detail == "stopped after 2 s" and "memory" in again[3].detail
    # a fresh child after the timeout, and after the death
    assert len({first[0], again[1].value, again[4].value}) == 3
    assert after == [again[4].value]


GUARD_LEFT_RUNNING = """
import signal, sys
from pipeline.workers import Guard
from tests.test_workers import _pid
signal.signal(signal.SIGTERM, lambda *_: None)  # as pytest and Dask workers do: a fork inherits it
guard = Guard(_pid)
print([outcome.value > 0 for outcome in guard.run([("ok", 1)], timeout=30)])
"""


def test_a_process_that_leaves_its_guard_running_still_exits():
    """Multiprocessing joins its children at exit after a SIGTERM that this child would only note."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", GUARD_LEFT_RUNNING], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).parent.parent)
    assert (done.returncode, done.stdout.strip()) == (0, "[True]")
