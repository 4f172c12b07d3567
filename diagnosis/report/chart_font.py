"""A small copy of the report's Chinese font for the chart engine: charts convert several times faster.

vl-convert measures every label of a chart (to lay out axes, legends and titles), and each
measurement reads the font's file anew: with Noto Sans CJK SC, a 19 MB collection, a label costs
milliseconds and labels are most of a chart's conversion. A subset holding only the characters
the charts use (a few dozen kB, cut by HarfBuzz in milliseconds) has the same glyphs, advances,
kerning and vertical metrics, so a chart is measured and laid out exactly as with the full font.

The subset is registered with vl-convert under a family name of its own (`family_for`), which
`diagnosis.report.figures` names first in a chart's fonts and takes out of the SVG again: the
document names the full font, as before. A later chart with characters outside the subset gets a
new, larger subset (a new generation); without the font, or past `MAX_GENERATIONS`, charts use
the system's fonts as they did before.
"""

from __future__ import annotations

import atexit
import shutil
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

FONT = "Noto Sans CJK SC"
# fontconfig's weights of the two faces charts use (Vega sets titles in bold)
WEIGHTS = {"Regular": 80, "Bold": 200}
# characters the chart engine writes on its own: number and date formats (U+2212 minus), cut labels
# (U+2026), Latin-1, general and CJK punctuation, full-width forms
BASE = frozenset(
    "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x180))) + "".join(map(chr, range(0x2000, 0x2070)))
    + "\u2212\u2190\u2191\u2192\u2193\u2264\u2265\u00d7\u00f7" + "".join(map(chr, range(0x3000, 0x3040))) + "".join(map(chr, range(0xFF00, 0xFF70)))
)
MAX_GENERATIONS = 16

_lock = threading.Lock()
_state: dict = {"sources": None, "covered": frozenset(), "pending": set(), "family": None, "generation": 0, "directory": None}


def expect(text: str) -> None:
    """Note the characters of a chart made now and converted later: the next subset holds them too,
    so a report's charts (made together, converted one by one) share one subset."""
    with _lock:
        _state["pending"].update(set(text) - _state["covered"])


def family_for(text: str) -> str | None:
    """The family to name first in a chart's fonts so that every character of `text` (the chart's
    spec) is measured from a registered subset; None: use the system's fonts."""
    needed = frozenset(text)
    with _lock:
        if _state["family"] and needed <= _state["covered"]:
            return _state["family"]
        if _state["generation"] >= MAX_GENERATIONS:
            return None
        if _state["sources"] is None:
            _state["sources"] = _font_files()
        if not _state["sources"]:
            return None
        covered = _state["covered"] | needed | _state["pending"] | BASE
        generation = _state["generation"] + 1
        # a CSS font list names a family without quotes: letters only (a word starting with a digit
        # would void the whole list)
        family = f"Diagnosis Chart Font {'ABCDEFGHIJKLMNOP'[generation - 1]}"
        try:
            _register(family, covered, _state["sources"], generation)
        except (OSError, RuntimeError, ValueError):  # a font HarfBuzz cannot cut: charts keep the full font
            _state["sources"] = {}
            return None
        _state.update(covered=covered, pending=set(), family=family, generation=generation)
        return family


def strip(svg: str, family: str | None) -> str:
    """The SVG without the subset's family in its font lists (the document names the full font)."""
    return svg.replace(f'font-family="{family}, ', 'font-family="') if family else svg


def _font_files() -> dict[str, tuple[str, int]]:
    """{style: (file, face index)} of `FONT` as fontconfig finds it ({} when it is not installed)."""
    if shutil.which("fc-list") is None:
        return {}
    try:
        listed = subprocess.run(["fc-list", "-f", "%{file}\t%{index}\t%{weight}\t%{family}\n", FONT],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, tuple[str, int]] = {}
    for line in listed.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or FONT not in parts[3].split(","):
            continue
        for style, weight in WEIGHTS.items():
            if parts[2] == str(weight) and style not in found:
                found[style] = (parts[0], int(parts[1] or 0))
    return found if "Regular" in found else {}


def _register(family: str, characters: frozenset[str], sources: dict[str, tuple[str, int]], generation: int) -> None:
    import vl_convert as vlc

    if _state["directory"] is None:
        _state["directory"] = Path(tempfile.mkdtemp(prefix="diagnosis-chart-fonts-"))
        atexit.register(shutil.rmtree, _state["directory"], True)
    folder = _state["directory"] / str(generation)
    folder.mkdir()
    for style, (path, index) in sources.items():
        (folder / f"{style}.otf").write_bytes(subset(path, index, characters, family, style))
    vlc.register_font_directory(str(folder))


def subset(path: str, index: int, characters: frozenset[str] | set[str], family: str, style: str) -> bytes:
    """The face `index` of the font file `path` cut to `characters`, every layout feature kept,
    renamed to `family` (its name table holds only the new names)."""
    import uharfbuzz as hb

    full = hb.Face(hb.Blob.from_file_path(path), index)
    tables: dict[str, bytes] = {}  # HarfBuzz reads a table's bytes where they lie: each is kept alive here

    def table(_face, tag: str, _data) -> bytes:
        if tag not in tables:
            tables[tag] = _name_table(family, style) if tag == "name" else full.reference_table(tag).data
        return tables[tag]

    tags = full.table_tags

    def table_tags(_face, _data) -> list[str]:
        return tags

    renamed = hb.Face.create_for_tables(table, None)
    renamed.set_get_table_tags_func(table_tags)
    wanted = hb.SubsetInput()
    for ch in characters:
        wanted.unicode_set.add(ord(ch))
    wanted.layout_feature_tag_set.clear()
    wanted.layout_feature_tag_set.invert()  # every feature (not HarfBuzz's default list): kerning and proportional forms as in the full font
    wanted.name_id_set.update([1, 2, 4, 6])
    data = hb.subset(renamed, wanted).blob.data
    if not data:
        raise RuntimeError(f"HarfBuzz could not cut {path}")
    return data


def _name_table(family: str, style: str) -> bytes:
    """An OpenType `name` table (format 0, Windows English names) for `family` `style`."""
    names = {1: family, 2: style, 4: f"{family} {style}", 6: f"{family.replace(' ', '')}-{style}"}
    records, storage = b"", b""
    for name_id, text in sorted(names.items()):
        data = text.encode("utf-16-be")
        records += struct.pack(">6H", 3, 1, 0x409, name_id, len(data), len(storage))
        storage += data
    return struct.pack(">3H", 0, len(names), 6 + 12 * len(names)) + records + storage
