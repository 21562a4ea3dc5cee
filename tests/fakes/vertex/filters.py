"""The AIP-160 filter subset of ListContexts, ListArtifacts and ListExecutions (and of TensorBoard lists).

Grammar, with AIP-160's precedence (OR binds tighter than AND, so `a AND b OR c` is `a AND (b OR c)`)::

    expression  := factor ("AND" factor)*
    factor      := term ("OR" term)*
    term        := "NOT" term | "(" expression ")" | restriction
    restriction := path comparator value          comparator: = != < <= > >=
                 | path ":" value ("," value)*    has: parent_contexts, child_contexts
                 | IDENT "(" STRING ")"           in_context("<context name>")
    path        := IDENT ("." (IDENT | STRING))*

Supported restrictions (the proto docs' lists; each list method accepts only its own fields):
`name`, `display_name`, `schema_title`, `uri` (strings, `=`/`!=`), `state` (enum name, `=`/`!=`),
`create_time`/`update_time` (RFC 3339 string, any comparator), `metadata.<key>[.<key>...].string_value|
number_value|bool_value`, `parent_contexts:"N1","N2"` / `child_contexts:"N"` (true when one of the names
is a parent / child), `in_context("N")`. Context names may use the project ID or number. The docs allow
a nesting depth of 5 parentheses. Anything else, including AIP-160's implicit AND ("a b"), wildcards
and bare values, is rejected with INVALID_ARGUMENT rather than matched loosely.
A metadata restriction on a key that is missing or holds another type matches nothing, for `!=` too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from google.protobuf import struct_pb2

from tests.fakes.vertex.errors import invalid

MAX_DEPTH = 5

Predicate = Callable[["Subject"], bool]


@dataclass(frozen=True)
class Subject:
    """What a filter can see of one resource."""

    values: Mapping[str, object]
    metadata: struct_pb2.Struct | None = None
    contexts: frozenset[str] = frozenset()
    parents: frozenset[str] = frozenset()
    children: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Schema:
    """The restrictions one list method accepts."""

    strings: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # strings holding resource names, compared canonically
    enums: Mapping[str, frozenset[str]] = field(default_factory=dict)
    times: frozenset[str] = frozenset()
    bools: frozenset[str] = frozenset()
    metadata: bool = False
    has: frozenset[str] = frozenset()  # parent_contexts, child_contexts
    in_context: bool = False


# --- tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # STRING NUMBER IDENT OP ( ) , . : AND OR NOT END
    text: str
    position: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[(),.:])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT"}


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise invalid(f"Unsupported filter syntax at position {position}: {text[position:]!r}.")
        kind = match.lastgroup
        value = match.group()
        if kind == "string":
            tokens.append(Token("STRING", _unquote(value), position))
        elif kind == "number":
            # "a.b" splits into IDENT "." IDENT; a number right after "." would be a path segment.
            if tokens and tokens[-1].kind == ".":
                raise invalid(f"Unsupported filter path segment {value!r}: quote it.")
            tokens.append(Token("NUMBER", value, position))
        elif kind == "ident":
            tokens.append(Token(value if value in _KEYWORDS else "IDENT", value, position))
        elif kind == "op":
            tokens.append(Token("OP", value, position))
        elif kind == "punct":
            tokens.append(Token(value, value, position))
        position = match.end()
    tokens.append(Token("END", "", len(text)))
    return tokens


# --- syntax tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    kind: str  # STRING NUMBER IDENT
    text: str


@dataclass(frozen=True)
class Compare:
    path: tuple[str, ...]
    op: str
    value: Value


@dataclass(frozen=True)
class Has:
    path: tuple[str, ...]
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Value, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class All:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    operands: tuple[Node, ...]


Node = Compare | Has | Call | Not | All | Any_


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self, kind: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            found = token.text or "the end"
            raise invalid(
                f"Invalid filter {self.text!r}: expected {kind} at {token.position}, found {found!r}."
            )
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.expression()
        token = self.peek()
        if token.kind != "END":
            raise invalid(
                f"Unsupported filter {self.text!r} at position {token.position} ({token.text!r}): "
                "combine restrictions with AND or OR."
            )
        return node

    def expression(self) -> Node:
        operands = [self.factor()]
        while self.peek().kind == "AND":
            self.index += 1
            operands.append(self.factor())
        return operands[0] if len(operands) == 1 else All(tuple(operands))

    def factor(self) -> Node:
        operands = [self.term()]
        while self.peek().kind == "OR":
            self.index += 1
            operands.append(self.term())
        return operands[0] if len(operands) == 1 else Any_(tuple(operands))

    def term(self) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.index += 1
            return Not(self.term())
        if token.kind == "(":
            self.index += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise invalid(f"Filter {self.text!r} nests deeper than {MAX_DEPTH} levels.")
            node = self.expression()
            self.take(")")
            self.depth -= 1
            return node
        return self.restriction()

    def path(self) -> tuple[str, ...]:
        segments = [self.take("IDENT").text]
        while self.peek().kind == ".":
            self.index += 1
            token = self.peek()
            if token.kind not in ("IDENT", "STRING"):
                raise invalid(
                    f"Invalid filter {self.text!r}: a field name must follow '.' at {token.position}."
                )
            self.index += 1
            segments.append(token.text)
        return tuple(segments)

    def value(self) -> Value:
        token = self.peek()
        if token.kind not in ("STRING", "NUMBER", "IDENT"):
            found = token.text or "the end"
            raise invalid(
                f"Invalid filter {self.text!r}: expected a value at {token.position}, found {found!r}."
            )
        self.index += 1
        return Value(token.kind, token.text)

    def restriction(self) -> Node:
        start = self.peek()
        if start.kind != "IDENT":
            found = start.text or "the end"
            raise invalid(
                f"Invalid filter {self.text!r}: expected a field at {start.position}, found {found!r}."
            )
        path = self.path()
        token = self.peek()
        if token.kind == "(" and len(path) == 1:
            self.index += 1
            arguments = [self.value()]
            while self.peek().kind == ",":
                self.index += 1
                arguments.append(self.value())
            self.take(")")
            return Call(path[0], tuple(arguments))
        if token.kind == "OP":
            self.index += 1
            return Compare(path, token.text, self.value())
        if token.kind == ":":
            self.index += 1
            values = [self.value()]
            while self.peek().kind == ",":
                self.index += 1
                values.append(self.value())
            return Has(path, tuple(values))
        raise invalid(f"Unsupported filter {self.text!r}: {'.'.join(path)!r} needs a comparison.")


def parse(text: str) -> Node | None:
    """The syntax tree of a filter; None for an empty filter."""
    if not text.strip():
        return None
    return _Parser(text).parse()


# --- evaluation ----------------------------------------------------------------------------------

_ORDER: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def _cmp(left: float | datetime.datetime | str | bool, right: float | datetime.datetime | str | bool) -> int:
    return (left > right) - (left < right)  # type: ignore[operator]


def _time(text: str, source: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise invalid(f"Invalid filter {source!r}: {text!r} is not an RFC 3339 time.") from error
    if moment.tzinfo is None:
        raise invalid(f"Invalid filter {source!r}: the RFC 3339 time {text!r} needs a UTC offset.")
    return moment


def _bool(value: Value, source: str) -> bool:
    if value.kind == "IDENT" and value.text in ("true", "false"):
        return value.text == "true"
    raise invalid(f"Invalid filter {source!r}: expected true or false, found {value.text!r}.")


def _string(value: Value, source: str, field_name: str) -> str:
    if value.kind != "STRING":
        raise invalid(f"Invalid filter {source!r}: {field_name} takes a quoted string, found {value.text!r}.")
    return value.text


def _equality(op: str, source: str, field_name: str) -> None:
    if op not in ("=", "!="):
        raise invalid(f"Unsupported filter {source!r}: {field_name} supports only = and !=.")


def _metadata_value(struct: struct_pb2.Struct | None, keys: tuple[str, ...]) -> struct_pb2.Value | None:
    if struct is None:
        return None
    current = struct
    for key in keys[:-1]:
        if key not in current.fields or current.fields[key].WhichOneof("kind") != "struct_value":
            return None
        current = current.fields[key].struct_value
    if keys[-1] not in current.fields:
        return None
    return current.fields[keys[-1]]


class _Compiler:
    def __init__(self, source: str, schema: Schema, canonical: Callable[[str], str]) -> None:
        self.source = source
        self.schema = schema
        self.canonical = canonical

    def name(self, text: str) -> str:
        return self.canonical(text)

    def compile(self, node: Node) -> Predicate:
        if isinstance(node, All):
            parts = [self.compile(operand) for operand in node.operands]
            return lambda subject: all(part(subject) for part in parts)
        if isinstance(node, Any_):
            parts = [self.compile(operand) for operand in node.operands]
            return lambda subject: any(part(subject) for part in parts)
        if isinstance(node, Not):
            inner = self.compile(node.operand)
            return lambda subject: not inner(subject)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Has):
            return self.has(node)
        return self.compare(node)

    def call(self, node: Call) -> Predicate:
        if node.function != "in_context" or not self.schema.in_context:
            raise invalid(f"Unsupported filter function {node.function}() in {self.source!r}.")
        if len(node.arguments) != 1:
            raise invalid(f"Invalid filter {self.source!r}: in_context() takes one context name.")
        context = self.name(_string(node.arguments[0], self.source, "in_context()"))
        return lambda subject: context in subject.contexts

    def has(self, node: Has) -> Predicate:
        field_name = ".".join(node.path)
        if field_name not in self.schema.has:
            raise invalid(f"Unsupported filter {self.source!r}: ':' is not supported on {field_name!r}.")
        wanted = frozenset(self.name(_string(value, self.source, field_name)) for value in node.values)
        if field_name == "parent_contexts":
            return lambda subject: not wanted.isdisjoint(subject.parents)
        return lambda subject: not wanted.isdisjoint(subject.children)

    def compare(self, node: Compare) -> Predicate:
        path, op, value = node.path, node.op, node.value
        field_name = ".".join(path)
        check = _ORDER[op]
        if path[0] == "metadata" and self.schema.metadata and len(path) >= 3:
            return self.metadata(path[1:-1], path[-1], op, value)
        if len(path) != 1:
            raise invalid(f"Unsupported filter field {field_name!r} in {self.source!r}.")
        key = path[0]
        if key in self.schema.strings or key in self.schema.names:
            _equality(op, self.source, key)
            text = _string(value, self.source, key)
            wanted = self.name(text) if key in self.schema.names else text
            return lambda subject: check(_cmp(str(subject.values.get(key, "")), wanted))
        if key in self.schema.enums:
            _equality(op, self.source, key)
            if value.kind not in ("IDENT", "STRING") or value.text not in self.schema.enums[key]:
                allowed = ", ".join(sorted(self.schema.enums[key]))
                raise invalid(
                    f"Invalid filter {self.source!r}: {key} is one of {allowed}, not {value.text!r}."
                )
            enum_name = value.text
            return lambda subject: check(_cmp(str(subject.values.get(key, "")), enum_name))
        if key in self.schema.times:
            moment = _time(_string(value, self.source, key), self.source)
            return lambda subject: _time_matches(subject.values.get(key), moment, check)
        if key in self.schema.bools:
            _equality(op, self.source, key)
            flag = _bool(value, self.source)
            return lambda subject: check(_cmp(bool(subject.values.get(key, False)), flag))
        raise invalid(f"Unsupported filter field {field_name!r} in {self.source!r}.")

    def metadata(self, keys: tuple[str, ...], kind: str, op: str, value: Value) -> Predicate:
        check = _ORDER[op]
        if kind == "string_value":
            _equality(op, self.source, "string_value")
            text = _string(value, self.source, "string_value")

            def string_matches(subject: Subject) -> bool:
                found = _metadata_value(subject.metadata, keys)
                return (
                    found is not None
                    and found.WhichOneof("kind") == kind
                    and check(_cmp(found.string_value, text))
                )

            return string_matches
        if kind == "number_value":
            if value.kind != "NUMBER":
                raise invalid(
                    f"Invalid filter {self.source!r}: number_value takes a number, found {value.text!r}."
                )
            number = float(value.text)

            def number_matches(subject: Subject) -> bool:
                found = _metadata_value(subject.metadata, keys)
                return (
                    found is not None
                    and found.WhichOneof("kind") == kind
                    and check(_cmp(found.number_value, number))
                )

            return number_matches
        if kind == "bool_value":
            _equality(op, self.source, "bool_value")
            flag = _bool(value, self.source)

            def bool_matches(subject: Subject) -> bool:
                found = _metadata_value(subject.metadata, keys)
                return (
                    found is not None
                    and found.WhichOneof("kind") == kind
                    and check(_cmp(found.bool_value, flag))
                )

            return bool_matches
        raise invalid(
            f"Unsupported filter {self.source!r}: "
            "metadata paths end with string_value, number_value or bool_value."
        )


def _time_matches(actual: object, moment: datetime.datetime, check: Callable[[int], bool]) -> bool:
    return isinstance(actual, datetime.datetime) and check(_cmp(actual, moment))


def compile_filter(text: str, schema: Schema, canonical: Callable[[str], str]) -> Predicate:
    """A predicate for `text`; INVALID_ARGUMENT for anything outside the supported subset."""
    node = parse(text)
    if node is None:
        return lambda subject: True
    return _Compiler(text, schema, canonical).compile(node)
