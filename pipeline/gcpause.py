"""The cyclic garbage collector paused while long-lived state is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No collection in the block (as it was after it).  Building the spaCy pipeline, or importing
    spaCy, makes hundreds of thousands of objects that all live on; the collections their allocations set
    off find no garbage and cost several per cent of the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
