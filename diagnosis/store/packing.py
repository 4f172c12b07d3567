"""How a revision's content is kept small: zstd, and most revisions as a delta to a snapshot.

A *snapshot* is the project's JSON compressed on its own (the demo: 460 KB -> 81 KB). The
revisions after it are compressed with the snapshot's JSON as zstd's dictionary
(`DICT_TYPE_RAWCONTENT`, the same idea as `zstd --patch-from`), so a small edit costs
tens of bytes instead of the whole project. A revision's bytes are exactly what was saved:
reading one needs its own row and, for a delta, its snapshot's row: two rows, however long
the history. A new snapshot starts every `SNAPSHOT_EVERY` revisions, or sooner when the delta
has grown past `1 / DELTA_SHARE` of the snapshot (a ticket import changes much at once).

Revisions stored before packing existed keep their JSON text in `revisions.content`; they
are read as they are (and `snapshot` is then empty).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import zstandard

LEVEL = 3
SNAPSHOT_EVERY = 64
DELTA_SHARE = 4
ANCHORS = 8  # snapshots kept ready in memory, for both directions


class Anchor:
    """A snapshot's JSON as a ready zstd dictionary (built once: ~1.5 ms for the demo)."""

    def __init__(self, raw: bytes, packed_size: int):
        self.packed_size = packed_size
        self.dictionary = zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        self.dictionary.precompute_compress(level=LEVEL)
        self.lock = threading.Lock()  # a zstd context serves one call at a time


class Recent:
    """The `size` most recently used values by key, shared by a store's sessions (thread-safe).

    The store keeps two: the JSON forms of revisions it read or wrote lately, and its snapshots
    as `Anchor`s. Revisions never change once written, so a cached value is never stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> Any:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def snapshot(raw: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=LEVEL).compress(raw)


def delta(raw: bytes, anchor: Anchor) -> bytes:
    with anchor.lock:
        return zstandard.ZstdCompressor(level=LEVEL, dict_data=anchor.dictionary).compress(raw)


def worth_a_delta(delta_size: int, anchor: Anchor) -> bool:
    return delta_size * DELTA_SHARE <= anchor.packed_size


def unpack(data: bytes, anchor: Anchor | None = None) -> bytes:
    """The JSON bytes of a packed revision (`anchor`: its snapshot, for a delta)."""
    if anchor is None:
        return zstandard.ZstdDecompressor().decompress(data)
    with anchor.lock:
        return zstandard.ZstdDecompressor(dict_data=anchor.dictionary).decompress(data)
