"""Safe YAML reading that remembers where every value came from.

PyYAML composes the document into nodes (with libyaml's C parser when present) and we build
plain Python values from them ourselves, so that we can
- record the line and column of every value and key (`Located.marks`),
- refuse duplicate keys (PyYAML silently keeps the last one),
- refuse documents whose aliases expand to huge structures ("billion laughs") quickly,
- never construct arbitrary Python objects (only the safe scalar tags are resolved),
- drop control characters from strings (`diagnosis.text.clean_text`).
"""

from __future__ import annotations

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
MAX_DEPTH = 64
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
    pass


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
    def __init__(self, filename: str):
        self.filename = filename
        self.constructor = yaml.constructor.SafeConstructor()
        self.nodes = 0
        self.problems: list[Problem] = []
        self.located = Located(None)

    def problem(self, pos: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(self.filename, message, pos[0], pos[1]))

    def build(self, node: yaml.Node, path: Path, depth: int, active: frozenset[int]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _TooBig()
        if id(node) in active:
            raise _TooBig()
        self.located.marks.setdefault(path, _pos(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as exc:
                self.problem(_pos(node.start_mark), f"cannot read value: {exc.problem}")
                return None
            except (ValueError, OverflowError) as exc:  # 2025-02-30, an integer of 5,000 digits
                self.problem(_pos(node.start_mark), _unreadable(node, exc))
                return None
            if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
                self.problem(_pos(node.start_mark), f"number too large ({_excerpt(node.value)}); write it in quotes to keep it as text")
                return None
            # escapes ("\e", "\x1b") can put control characters in a string: never keep them
            return clean_text(value) if isinstance(value, str) else value
        active = active | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                self.problem(_pos(node.start_mark), f"unsupported tag {node.tag}")
            return [self.build(child, (*path, i), depth + 1, active) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                self.problem(_pos(node.start_mark), f"unsupported tag {node.tag}")
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problem(_pos(key_node.start_mark), "merge keys (<<) are not supported")
                    continue
                key = self.build(key_node, (*path, "<key>"), depth + 1, active)
                if isinstance(key, (list, dict)) or key is None:
                    self.problem(_pos(key_node.start_mark), "a key must be a plain value")
                    continue
                if key in result:
                    first = self.located.key_marks.get((*path, key))
                    where = f" (first at line {first[0]})" if first else ""
                    self.problem(_pos(key_node.start_mark), f"duplicate key '{key}'{where}")
                    continue
                self.located.key_marks[(*path, key)] = _pos(key_node.start_mark)
                result[key] = self.build(value_node, (*path, key), depth + 1, active)
            self.located.marks.pop((*path, "<key>"), None)
            return result
        raise _TooBig()  # pragma: no cover - composer yields only the three node kinds


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
        raise YamlProblems([Problem(filename, f"not a YAML text file: control character #x{exc.character:04x} at byte {exc.position}", 1, 1)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(filename, "YAML error: " + str(exc).splitlines()[0], 1, 1)]) from None
    builder = _Builder(filename)
    if root is None:
        return Located(None, {(): (1, 1)})
    try:
        builder.located.data = builder.build(root, (), 0, frozenset())
    except _TooBig:
        raise YamlProblems(
            [Problem(filename, "document too large or too deeply nested after expanding aliases (possible alias bomb)", 1, 1)]
        ) from None
    except RecursionError:
        raise YamlProblems([Problem(filename, "document nested too deeply", 1, 1)]) from None
    builder.located.problems = builder.problems
    return builder.located
