"""The server's garbage-collector policy (``server/collector.py``): an edit's analysis never waits
for a full collection while the user types; the garbage is freed in the next pause, and at the
latest after ``at_most`` analyses."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from shapelens.server.collector import Collector


class Cyclic:
    def __init__(self):
        self.me = self


@pytest.fixture(autouse=True)
def restore_gc():
    yield
    gc.unfreeze()
    gc.enable()


def analyses(collector: Collector, count: int, garbage: list | None = None) -> None:
    """``count`` analyses back to back; each leaves one cyclic object behind (a weak reference to it
    in ``garbage``)."""
    for _ in range(count):
        collector.begin()
        obj = Cyclic()
        if garbage is not None:
            garbage.append(weakref.ref(obj))
        del obj
        collector.end()


def wait_for(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_the_collector_is_off_during_an_analysis_and_on_after_it():
    collector = Collector(idle=10)
    collector.begin()
    assert not gc.isenabled()
    collector.begin()              # a second document's analysis
    collector.end()
    assert not gc.isenabled()      # one is still running
    collector.end()
    assert gc.isenabled()


def test_the_garbage_of_typing_is_freed_in_the_next_pause_not_during_an_analysis():
    collector = Collector(idle=0.2, due_after=3, at_most=1000)
    garbage: list = []
    analyses(collector, 10, garbage)
    assert collector.collections == 0            # none of the 10 analyses waited for one
    assert all(ref() is not None for ref in garbage)     # frozen, not yet freed
    assert wait_for(lambda: collector.collections == 1)
    assert all(ref() is None for ref in garbage)
    collector.stop()


def test_no_collection_while_analyses_keep_coming_faster_than_the_pause():
    collector = Collector(idle=0.3, due_after=1, at_most=1000)
    started = time.monotonic()
    while time.monotonic() - started < 1.0:      # one analysis every 50 ms for a second
        analyses(collector, 1)
        time.sleep(0.05)
    assert collector.collections == 0
    assert wait_for(lambda: collector.collections == 1)
    collector.stop()


def test_a_client_that_never_pauses_still_has_its_garbage_collected():
    collector = Collector(idle=60, due_after=1, at_most=25)
    garbage: list = []
    analyses(collector, 24, garbage)
    assert collector.collections == 0
    analyses(collector, 1)
    assert collector.collections == 1
    assert all(ref() is None for ref in garbage)
    collector.stop()


def test_analyses_that_make_much_garbage_have_it_collected_before_the_pause():
    """A client that never pauses, on a file whose every edit makes much garbage: a full collection
    runs once the analyses made ``max_pending`` objects, not ``at_most`` analyses later."""
    collector = Collector(idle=60, due_after=1, at_most=1000, max_pending=50_000)
    garbage: list = []
    for _ in range(2):
        collector.begin()
        made = [Cyclic() for _ in range(30_000)]
        garbage.append(weakref.ref(made[-1]))
        del made
        collector.end()
    assert collector.collections == 1           # after the second analysis (60,000 objects)
    assert all(ref() is None for ref in garbage)
    analyses(collector, 5)                      # small ones: no collection
    assert collector.collections == 1
    collector.stop()


def test_a_closed_documents_collection_waits_for_the_analyses_under_way():
    collector = Collector(idle=0.2, due_after=1000, at_most=1000)
    collector.collect_now()                     # nothing running: at once
    assert collector.collections == 1
    collector.begin()
    collector.collect_now()                     # another document is being analysed
    assert collector.collections == 1
    collector.end()
    assert collector.collections == 1
    assert wait_for(lambda: collector.collections == 2)
    collector.stop()
