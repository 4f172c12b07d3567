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

import zstandard

LEVEL = 3
SNAPSHOT_EVERY = 64
DELTA_SHARE = 4
ANCHORS = 8  # snapshots kept ready in memory, for both directions


class Anchor:
    """A snapshot's JSON with its ready zstd dictionary (built once: ~1.5 ms for the demo)."""

    def __init__(self, raw: bytes, packed_size: int):
        self.raw, self.packed_size = raw, packed_size
        self.dictionary = zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        self.dictionary.precompute_compress(level=LEVEL)
        self.lock = threading.Lock()  # a zstd context serves one call at a time


class Anchors:
    """Recently used snapshots per (project, revision), shared by a store's sessions."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, int], Anchor] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> Anchor | None:
        with self._lock:
            anchor = self._items.get(key)
            if anchor is not None:
                self._items.move_to_end(key)
            return anchor

    def put(self, key: tuple[str, int], raw: bytes, packed_size: int) -> Anchor:
        anchor = Anchor(raw, packed_size)
        with self._lock:
            self._items[key] = anchor
            while len(self._items) > ANCHORS:
                self._items.popitem(last=False)
        return anchor


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
