"""Safe YAML reading that remembers where every value came from.

PyYAML composes the document into nodes (with libyaml's C parser when present) and we build
plain Python values from them ourselves, so that we can
- record the line and column of every value and key (`Located.marks`),
- refuse duplicate keys (PyYAML silently keeps the last one),
- refuse documents whose aliases expand to huge structures ("billion laughs") quickly, and
  tell them apart from plain deep nesting (a 50-level `show_if` is fine) and plain size,
- locate a value reached through an alias (`*name`) at the alias, not at its anchor,
- never construct arbitrary Python objects (only the safe scalar tags are resolved),
- drop control characters from strings (`diagnosis.text.clean_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from diagnosis.errors import Problem
from diagnosis.text import clean_text

try:  # libyaml is much faster; fall back to the pure-Python parser when it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
# plain nesting (mappings and lists inside each other); far beyond any questionnaire or project
MAX_DEPTH = 200
ALIAS_BOMB = "document too large or too deeply nested after expanding aliases (possible alias bomb)"
# what YAML itself refuses in a text (PyYAML's reader): control characters other than tab / line breaks
_NOT_YAML = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# an integer longer than this (about 300 digits) is refused: no count or amount is that big,
# and Python cannot even print one of over 4,300 digits
MAX_INT_BITS = 1024

Path = tuple[Any, ...]


@dataclass
class Located:
    """A parsed document plus the (line, column) of every path in it, 1-based."""

    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # problems that did not stop the parse (duplicate keys, unsupported tags): the caller
    # reports them together with its own checks
    problems: list[Problem] = field(default_factory=list)

    def mark(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """The position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if key and path in self.key_marks:
                return self.key_marks[path]
            if path in self.marks:
                return self.marks[path]
            if not path:
                return None
            path = path[:-1]


class _TooBig(Exception):
    """A limit was passed: `alias` when the expansion of an alias passed it, else where (line, column)."""

    def __init__(self, alias: bool, pos: tuple[int, int] = (1, 1), message: str = ""):
        self.alias, self.pos, self.message = alias, pos, message
        super().__init__(message)


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def _excerpt(text: str, limit: int = 24) -> str:
    text = str(text)
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}...', {len(text):,} characters"


def _unreadable(node: yaml.ScalarNode, exc: Exception) -> str:
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"invalid date or time {_excerpt(node.value)} ({exc}); write it in quotes to keep it as text"
    if node.tag == "tag:yaml.org,2002:int":
        return f"number too large ({_excerpt(node.value)}); write it in quotes to keep it as text"
    return f"cannot read value {_excerpt(node.value)}: {str(exc).splitlines()[0]}"


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, filename: str, text: str):
        self.filename = filename
        self.text = text
        self.constructor = yaml.constructor.SafeConstructor()
        self.nodes = 0
        self.problems: list[Problem] = []
        self.located = Located(None)
        # nodes built once already: meeting one again means an alias (`*name`) refers to it
        self.built: set[int] = set()
        self.alias_marks: list[tuple[int, int]] | None = None
        self.aliases_seen = 0

    def problem(self, pos: tuple[int, int], message: str, alias: tuple[int, int] | None = None) -> None:
        if alias is None:  # inside an alias the anchor's own problems were reported already
            self.problems.append(Problem(self.filename, message, pos[0], pos[1]))

    def _next_alias(self) -> tuple[int, int]:
        """The position of the next `*name` in document order (the order nodes are built in)."""
        if self.alias_marks is None:
            self.alias_marks = [_pos(event.start_mark) for event in yaml.parse(self.text, Loader=_Loader)
                                if isinstance(event, yaml.AliasEvent)]  # fmt: skip
        self.aliases_seen += 1
        return self.alias_marks[self.aliases_seen - 1] if self.aliases_seen <= len(self.alias_marks) else (1, 1)

    def build(self, node: yaml.Node, path: Path, depth: int, active: frozenset[int], alias: tuple[int, int] | None = None) -> Any:
        if id(node) in active:  # an alias inside its own anchor
            raise _TooBig(True)
        if alias is None and id(node) in self.built:
            alias = self._next_alias()
        self.built.add(id(node))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if alias is None and not self.aliases_seen:
                raise _TooBig(False, (1, 1), f"document too large (more than {MAX_NODES:,} values)")
            raise _TooBig(True)
        if depth > MAX_DEPTH:
            if alias is None:
                raise _TooBig(False, _pos(node.start_mark), f"nested too deeply (more than {MAX_DEPTH} levels)")
            raise _TooBig(True)
        here = alias or _pos(node.start_mark)
        self.located.marks.setdefault(path, here)
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as exc:
                self.problem(here, f"cannot read value: {exc.problem}", alias)
                return None
            except (ValueError, OverflowError) as exc:  # 2025-02-30, an integer of 5,000 digits
                self.problem(here, _unreadable(node, exc), alias)
                return None
            if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
                self.problem(here, f"number too large ({_excerpt(node.value)}); write it in quotes to keep it as text", alias)
                return None
            # escapes ("\e", "\x1b") can put control characters in a string: never keep them
            return clean_text(value) if isinstance(value, str) else value
        active = active | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                self.problem(here, f"unsupported tag {node.tag}", alias)
            return [self.build(child, (*path, i), depth + 1, active, alias) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                self.problem(here, f"unsupported tag {node.tag}", alias)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problem(alias or _pos(key_node.start_mark), "merge keys (<<) are not supported", alias)
                    if alias is None:  # the aliases of the skipped value still count in document order
                        merged = value_node.value if isinstance(value_node, yaml.SequenceNode) and id(value_node) not in self.built else [value_node]
                        for child in merged:
                            if id(child) in self.built:
                                self._next_alias()
                    continue
                key = self.build(key_node, (*path, "<key>"), depth + 1, active, alias)
                key_pos = alias or self.located.marks.get((*path, "<key>")) or _pos(key_node.start_mark)
                if isinstance(key, (list, dict)) or key is None:
                    self.problem(key_pos, "a key must be a plain value", alias)
                    self.located.marks.pop((*path, "<key>"), None)
                    continue
                if key in result:
                    first = self.located.key_marks.get((*path, key))
                    where = f" (first at line {first[0]})" if first else ""
                    self.problem(key_pos, f"duplicate key '{key}'{where}", alias)
                    self.located.marks.pop((*path, "<key>"), None)
                    continue
                self.located.key_marks[(*path, key)] = key_pos
                self.located.marks.pop((*path, "<key>"), None)
                result[key] = self.build(value_node, (*path, key), depth + 1, active, alias)
            return result
        raise _TooBig(True)  # pragma: no cover - composer yields only the three node kinds


def load_located(text: str | bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> Located:
    """Parse one YAML document safely; fatal problems raise `YamlProblems`, others are in `.problems`."""
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise YamlProblems([Problem(filename, f"file is too large ({len(text):,} bytes; limit {max_bytes:,})", 1, 1)])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlProblems([Problem(filename, f"not UTF-8 text (byte {exc.start})", 1, 1)]) from None
    if len(text.encode("utf-8")) > max_bytes:
        raise YamlProblems([Problem(filename, f"file is too large (limit {max_bytes:,} bytes)", 1, 1)])
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "syntax error"
        raise YamlProblems([Problem(filename, f"YAML syntax error: {message}", line, col)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _where_not_yaml(text)
        raise YamlProblems([Problem(filename, f"not a YAML text file: control character #x{exc.character:04x}", line, col)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(filename, "YAML error: " + str(exc).splitlines()[0], 1, 1)]) from None
    builder = _Builder(filename, text)
    if root is None:
        return Located(None, {(): (1, 1)})
    try:
        builder.located.data = builder.build(root, (), 0, frozenset())
    except _TooBig as exc:
        if exc.alias:
            raise YamlProblems([Problem(filename, ALIAS_BOMB, 1, 1)]) from None
        raise YamlProblems([Problem(filename, exc.message, *exc.pos)]) from None
    except RecursionError:
        raise YamlProblems([Problem(filename, "document nested too deeply", 1, 1)]) from None
    builder.located.problems = builder.problems
    return builder.located


def _where_not_yaml(text: str) -> tuple[int, int]:
    """(line, column) of the first character YAML refuses in a text, 1-based."""
    found = _NOT_YAML.search(text)
    if found is None:  # pragma: no cover - the reader refused something: it is there
        return (1, 1)
    breaks = list(_LINE_BREAK.finditer(text, 0, found.start()))
    start = breaks[-1].end() if breaks else 0
    return (len(breaks) + 1, found.start() - start + 1)
