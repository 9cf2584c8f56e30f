"""Strict YAML reading that remembers where every value came from.

Records are composed into nodes with libyaml when it is available (about nine times faster
than the pure-Python parser) and turned into plain Python values by a small walk of our own
that refuses what a record never needs: duplicate keys, aliases,
and any tag beyond the plain scalar, sequence and mapping types. An alias of a list or
mapping is refused (that is how "billion laughs" expands); an alias of a single string
cannot expand and is let through rather than paying to track every scalar. Positions are not kept on
the happy path; when a problem needs one, the file is composed again and the node at the
problem's field path is looked up (see `Locator`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DecisionsError
from .files import MiB, Refused, read_limited
from .findings import Loc

_T = "tag:yaml.org,2002:"
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_PLAIN: dict[str, str] = {}  # plain scalar -> its tag, for the short ones, bounded
_PLAIN_LONGEST, _PLAIN_MOST = 40, 20_000


class Loader(_Base):  # type: ignore[misc]
    """The safe loader with a quicker tag resolver.

    The stock resolver runs for every scalar, in Python, and walks path resolvers that
    records never use. Quoted and block scalars are always strings, and a plain scalar can
    only be something else when its first character starts one of the implicit patterns,
    so most scalars are settled with one dict lookup. Same results, a third less time.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0] or (value and value[0] not in self.yaml_implicit_resolvers):
                return _T + "str"
            # a plain scalar's tag depends on its text alone, and records repeat the same
            # short ones (true, 0, 2026-11-30, buy, accepted) thousands of times
            tag = _PLAIN.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(value) <= _PLAIN_LONGEST and len(_PLAIN) < _PLAIN_MOST:
                    _PLAIN[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass  # no path resolvers are registered

    def ascend_resolver(self) -> None:
        pass

_STR, _MAP, _SEQ, _MERGE = _T + "str", _T + "map", _T + "seq", _T + "merge"
_SCALARS = SafeConstructor()  # only used for its int/float/bool/timestamp conversions
_CONVERT = {
    _T + "str": lambda n: n.value,
    _T + "null": lambda n: None,
    _T + "bool": _SCALARS.construct_yaml_bool,
    _T + "int": _SCALARS.construct_yaml_int,
    _T + "float": _SCALARS.construct_yaml_float,
    _T + "timestamp": _SCALARS.construct_yaml_timestamp,
}


class YamlProblem(DecisionsError):
    """A problem in a YAML file, with its 1-based position."""

    def __init__(self, message: str, line: int = 1, col: int = 1, rule: str = "yaml") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.rule = rule


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode(raw: bytes) -> str:
    """Strict UTF-8 (an optional BOM is allowed), with the position of the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        # columns count characters, as libyaml and editors do
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise YamlProblem(
            f"not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8",
            line, col, rule="encoding",
        ) from None
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        raise YamlProblem("binary content (NUL byte); the file must be YAML text", line, col,
                          rule="encoding")
    return text.removeprefix("\ufeff")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, pos) + 1
    return text.count("\n", 0, pos) + 1, pos - line_start + 1


class _PositionLoader(Loader):
    """Composes for the positions alone, where no tag matters: none is worked out."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        return _STR


def compose(text: str, loader: type[Loader] = Loader) -> Node | None:
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem, context = e.problem or "invalid YAML", e.context
        if context and context.startswith("while"):
            problem = f"{problem} ({context})"
        elif context:
            problem = f"{context}, {problem}"
        raise YamlProblem(f"invalid YAML: {problem}", line, col) from None
    except yaml.reader.ReaderError as e:  # a control character
        char = e.character if isinstance(e.character, str) else chr(e.character)
        raise YamlProblem(
            f"invalid YAML: control character 0x{ord(char):02x} is not allowed; remove it",
            *_line_col(text, e.position)) from None
    except yaml.YAMLError as e:
        raise YamlProblem(f"invalid YAML: {str(e).splitlines()[0]}") from None


def construct(node: Node) -> Any:
    """Plain Python values from nodes; refuses aliases, duplicate keys and unknown tags."""
    seen: set[int] = set()  # nodes met so far: meeting one twice means an alias
    try:
        return _walk(node, seen) if node.__class__ is not ScalarNode else _scalar(node, seen)
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply; a record needs only a few levels",
                          *_at(node)) from None


# Module functions rather than closures: two closures calling each other form a reference
# cycle that keeps every record's `seen` set alive until the cycle collector runs, which the
# loader pauses while it reads thousands of records (100 MB at 10,000 records).
def _alias(n: Node) -> YamlProblem:
    return YamlProblem("anchors and aliases (&name, *name) are not allowed; write the "
                       "value out", *_at(n), rule="yaml-alias")


def _scalar(n: Node, seen: set[int]) -> Any:
    if n.__class__ is not ScalarNode:
        return _walk(n, seen)
    if id(n) in seen:
        raise _alias(n)
    seen.add(id(n))
    if n.tag == _STR:  # the common case, kept cheap
        return n.value
    convert = _CONVERT.get(n.tag)
    if convert is None:
        raise _tag_problem(n)
    try:
        return convert(n)
    except (ValueError, yaml.YAMLError):
        # e.g. 2024-13-40 looks like a date but is none: the model will say which field
        return n.value


def _walk(n: Node, seen: set[int]) -> Any:
    if id(n) in seen:
        raise _alias(n)
    seen.add(id(n))
    if n.__class__ is MappingNode:
        if n.tag != _MAP:
            raise _tag_problem(n)
        out: dict[Any, Any] = {}
        for k, v in n.value:
            if k.__class__ is not ScalarNode:
                raise YamlProblem("a key must be a plain word, not a list or mapping", *_at(k),
                                  rule="yaml-key")
            if k.tag == _MERGE:
                raise YamlProblem("merge keys (<<) are not allowed in records; write the "
                                  "values out", *_at(k), rule="yaml-alias")
            key = _scalar(k, seen)
            if not isinstance(key, str):
                raise YamlProblem(
                    f"key {k.value!r} reads as {type(key).__name__}, not a field name; "
                    "put it in quotes if it is meant as text", *_at(k), rule="yaml-key")
            if key in out:
                raise YamlProblem(f"duplicate key {key!r}; each key may appear once per "
                                  "mapping", *_at(k), rule="duplicate-key")
            out[key] = _scalar(v, seen)
        return out
    if n.__class__ is SequenceNode:
        if n.tag != _SEQ:
            raise _tag_problem(n)
        return [_scalar(item, seen) for item in n.value]
    return _scalar(n, seen)


def _tag_problem(n: Node) -> YamlProblem:
    tag = n.tag.replace(_T, "!!")
    if n.tag.startswith(_T + "python/") or n.tag.startswith("!python"):
        why = f"Python-specific tag {tag!r} is not allowed; records are plain data"
    else:
        why = f"tag {tag!r} is not allowed; use plain strings, numbers, lists and mappings"
    return YamlProblem(why, *_at(n), rule="yaml-tag")


# A record is a page of text; the largest shipped one is under 8 KB, and the large-record
# rule warns from 256 KB. Parsing stays quick up to this cap; anything larger is refused
# before it is parsed. config.yaml has the same cap.
MAX_BYTES = 1 * MiB
RECORD_WHAT = ("a record", "keep it short and link to long documents in `links`")


def read_text(path: Path, what: tuple[str, str] = RECORD_WHAT) -> str:
    """The text of a regular file of at most MAX_BYTES; `what` names the file and says what
    to do when it is larger. Raises YamlProblem (rule io, file-type, file-size or encoding).
    """
    try:
        raw = read_limited(path, MAX_BYTES, *what)
    except Refused as e:
        raise YamlProblem(str(e), rule=e.rule) from None
    except OSError as e:
        raise YamlProblem(f"cannot read the file: {e.strerror or e}", rule="io") from None
    return decode(raw)


def load(path: Path, what: tuple[str, str] = RECORD_WHAT) -> Any:
    """The top-level mapping of a YAML file. Raises YamlProblem."""
    return parse(read_text(path, what))


def parse(text: str) -> Any:
    """The top-level mapping of YAML text. Raises YamlProblem."""
    node = compose(text)
    if node is None:
        raise YamlProblem("the file is empty; it must be a YAML mapping of fields",
                          rule="empty")
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise YamlProblem(f"the top level is {kind}; it must be a mapping of fields (key: value)",
                          *_at(node), rule="yaml-top")
    return construct(node)


class Locator:
    """Finds the position of a field path in a file, composing it only when first asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._root: Node | None = None
        self._lines: list[str] = []
        self._loaded = False

    def _node(self, loc: Loc, key: bool) -> tuple[Node | None, tuple[int, int]]:
        """The node at loc (None when the path leads nowhere), and the position to report:
        the node's, or that of the last node on the path that exists."""
        if not self._loaded:
            self._loaded = True
            try:
                text = read_text(self.path)  # refuses what load refused
                self._root = compose(text, _PositionLoader)
                self._lines = text.split("\n")
            except YamlProblem:
                self._root = None
        node = self._root
        if node is None:
            return None, (1, 1)
        here = _at(node)
        for part in loc:
            if isinstance(node, MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    return None, here
                knode, node = pair
                # point at a scalar's value, or at the key of a block below it
                here = _at(node) if isinstance(node, ScalarNode) and not key else _at(knode)
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return None, here
                node = node.value[part]
                here = _at(node)
            else:
                return None, here
        return node, here

    def position(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at loc, or of its key when `key` is set."""
        return self._node(loc, key)[1]

    def position_in(self, loc: Loc, line: int, col: int) -> tuple[int, int] | None:
        """Line and column in the file of a place in the string at loc (1-based line and
        column of the string), or None when the file does not hold that line of the string
        as it reads (folded, or with escapes).

        A literal block (`|`) keeps its lines; a plain or quoted string on one line starts
        at its node. Either way the file's line is checked to hold the string's line.
        """
        node, _ = self._node(loc, False)
        if not isinstance(node, ScalarNode):
            return None
        lines = str(node.value).split("\n")
        if not 1 <= line <= len(lines) or not lines[line - 1]:
            return None
        wanted, mark = lines[line - 1], node.start_mark
        if node.style == "|":
            row = mark.line + line  # the block's lines start below its `|`
        elif line == 1 and node.end_mark.line == mark.line:
            row = mark.line
        else:
            return None
        written = self._lines[row] if row < len(self._lines) else ""
        if node.style == "|":
            indent = len(written) - len(wanted)
            if indent < 0 or written[indent:] != wanted or written[:indent].strip(" "):
                return None
        else:
            indent = mark.column + (1 if node.style in ("'", '"') else 0)
            if written[indent:indent + len(wanted)] != wanted:
                return None
        return row + 1, indent + col
