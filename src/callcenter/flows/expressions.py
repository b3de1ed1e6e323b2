"""The condition node's expression language: small, safe, and unable to reach Python.

An expression is parsed by our own tokenizer and recursive-descent parser into a tree of plain data
nodes, which our own evaluator walks. Nothing is ever handed to ``eval``, ``compile`` or ``getattr``:
names resolve only in the dictionary of call facts the flow supplies, and ``a.b`` is a key lookup in a
dictionary, never attribute access on a Python object. So ``__import__('os')`` or
``caller.__class__`` mean nothing here: they are refused when the flow is saved.

The language (Python-like):

- literals: ``42``, ``3.5``, ``"text"`` or ``'text'``, ``true``/``false``/``null`` (``True``...
  accepted too), lists ``["CA", "NV"]``;
- names: ``caller called state zip city digits hour minute time weekday date duplicate``, and the
  dictionaries ``gathered`` (values collected by gather nodes: ``gathered.zip``) and ``tags`` (the
  call's UTM parameters, click ids and captured page parameters: ``tags.utm_source``). A missing
  gathered value or tag reads as ``""``;
- operators, by increasing precedence: ``or``, ``and``, ``not``, comparisons (``== != < <= > >=``,
  ``in``, ``not in``, chainable), ``+ -``, ``* / // %``, unary ``-``, ``**``, then ``x.key``,
  ``x["key"]``, ``x[0]`` and calls;
- functions: ``len lower upper int str abs min max round startswith endswith contains``.

Comparing a number with a string of digits compares numbers (``digits == 1`` and ``zip >= 90000`` do
what a campaign manager means). There are no loops, assignments, lambdas, imports or method calls.

Limits, so an expression can neither hang nor exhaust memory: at most 500 characters and 32 levels of
nesting; names starting with ``_`` are refused (no dunders); an exponent above 64, a number above
10^30, a string above 1,000 characters or a list above 100 items is an error; every evaluation has a
step budget. An error found while saving makes the flow invalid; one raised while a call runs is a
runtime fault, and the call falls back to the campaign's normal routing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_SOURCE_LENGTH = 500
MAX_DEPTH = 32
MAX_EXPONENT = 64
MAX_MAGNITUDE = 10**30
MAX_STRING = 1000
MAX_LIST = 100
EVALUATION_BUDGET = 2000

NAMES = (
    "caller",
    "called",
    "state",
    "zip",
    "city",
    "digits",
    "hour",
    "minute",
    "time",
    "weekday",
    "date",
    "duplicate",
    "gathered",
    "tags",
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "True", "False", "None"}
_REFUSED = {
    "for": "loops are not allowed",
    "while": "loops are not allowed",
    "lambda": "lambdas are not allowed",
    "import": "imports are not allowed",
    "from": "imports are not allowed",
    "def": "definitions are not allowed",
    "class": "definitions are not allowed",
    "if": "'if' is not supported; use a condition node per decision",
    "else": "'else' is not supported; use the condition node's yes and no outputs",
    "yield": "'yield' is not allowed",
    "await": "'await' is not allowed",
    "async": "'async' is not allowed",
    "with": "'with' is not allowed",
    "global": "'global' is not allowed",
    "del": "'del' is not allowed",
    "exec": "'exec' is not allowed",
    "eval": "'eval' is not allowed",
}

Value = Any
"""What an expression computes: str, int, float, bool, None, list, or a dict of call facts."""


class ExpressionError(ValueError):
    """An expression that cannot be parsed, or failed while being evaluated; the message says why."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message if position is None else f"{message} (at character {position + 1})")
        self.position = position


# --- tokens -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "str", "name", "op", "end"
    text: str
    position: int
    value: Value = None


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<op>\*\*|//|==|!=|<=|>=|[-+*/%<>()\[\],.])""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


def _unescape(literal: str, position: int) -> str:
    body, out, index = literal[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            escaped = body[index + 1] if index + 1 < len(body) else ""
            if escaped not in _ESCAPES:
                raise ExpressionError(f"unknown escape \\{escaped} in a string", position + index + 1)
            out.append(_ESCAPES[escaped])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            char = source[position]
            hint = " (strings need matching quotes)" if char in "\"'" else ""
            raise ExpressionError(f"unexpected character {char!r}{hint}", position)
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "num":
            if len(text) > 20:
                raise ExpressionError("number literal too long", position)
            tokens.append(Token(kind, text, position, float(text) if "." in text else int(text)))
        elif kind == "str":
            tokens.append(Token(kind, text, position, _unescape(text, position)))
        elif kind == "name":
            if text.startswith("_"):
                raise ExpressionError(f"names starting with '_' are not allowed: {text!r}", position)
            if text in _REFUSED:
                raise ExpressionError(_REFUSED[text], position)
            tokens.append(Token(kind, text, position))
        elif kind == "op":
            tokens.append(Token(kind, text, position))
        position = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# --- syntax tree ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    value: Value


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Key:
    """``subject.key`` and ``subject[index]``: a lookup in a dict, string or list, never getattr."""

    subject: Node
    index: Node
    position: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True, slots=True)
class Compare:
    first: Node
    rest: tuple[tuple[str, Node], ...]
    position: int


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # "and" / "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Node, ...]


Node = Const | Name | Key | Call | Unary | Binary | Compare | Logic | ListLiteral


# --- functions ----------------------------------------------------------------------------------------


def _text(value: Value, function: str) -> str:
    if not isinstance(value, str):
        raise ExpressionError(f"{function}() needs text, got {_type(value)}")
    return value


def _int(value: Value) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"[-+]?\d{1,30}", stripped):
            return int(stripped)
        raise ExpressionError(f"int() cannot read {value!r} as a number")
    raise ExpressionError(f"int() cannot convert {_type(value)}")


def _len(value: Value) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise ExpressionError(f"len() needs text or a list, got {_type(value)}")


def _minmax(pick: Callable[..., Value], name: str) -> Callable[..., Value]:
    def function(*args: Value) -> Value:
        values = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        if not values:
            raise ExpressionError(f"{name}() needs at least one value")
        if not (all(_is_number(v) for v in values) or all(isinstance(v, str) for v in values)):
            raise ExpressionError(f"{name}() needs only numbers or only text")
        return pick(values)

    return function


def _round(value: Value, places: Value = 0) -> Value:
    if not _is_number(value) or not isinstance(places, int) or isinstance(places, bool):
        raise ExpressionError("round() needs a number and a whole number of places")
    if not 0 <= places <= 10:
        raise ExpressionError("round() keeps 0 to 10 places")
    return round(value, places) if places else round(value)


def _abs(value: Value) -> Value:
    if not _is_number(value):
        raise ExpressionError(f"abs() needs a number, got {_type(value)}")
    return abs(value)


def _str(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    raise ExpressionError(f"str() cannot convert {_type(value)}")


# name -> (implementation, minimum arguments, maximum arguments)
FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int]] = {
    "len": (_len, 1, 1),
    "lower": (lambda s: _text(s, "lower").lower(), 1, 1),
    "upper": (lambda s: _text(s, "upper").upper(), 1, 1),
    "int": (_int, 1, 1),
    "str": (_str, 1, 1),
    "abs": (_abs, 1, 1),
    "min": (_minmax(min, "min"), 1, 10),
    "max": (_minmax(max, "max"), 1, 10),
    "round": (_round, 1, 2),
    "startswith": (lambda s, p: _text(s, "startswith").startswith(_text(p, "startswith")), 2, 2),
    "endswith": (lambda s, p: _text(s, "endswith").endswith(_text(p, "endswith")), 2, 2),
    "contains": (lambda s, p: _text(p, "contains") in _text(s, "contains"), 2, 2),
}


# --- parser -------------------------------------------------------------------------------------------

_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _is(self, *texts: str) -> bool:
        token = self.current
        return token.kind in ("op", "name") and token.text in texts

    def _take(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def _expect(self, text: str) -> Token:
        if not self._is(text):
            raise ExpressionError(f"expected {text!r}, found {self._describe()}", self.current.position)
        return self._take()

    def _describe(self) -> str:
        token = self.current
        return "the end of the expression" if token.kind == "end" else repr(token.text)

    def _nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested too deeply (limit {MAX_DEPTH})", self.current.position)
        try:
            return parse()
        finally:
            self.depth -= 1

    def parse(self) -> Node:
        node = self.expression()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self._describe()}", self.current.position)
        return node

    def expression(self) -> Node:
        return self._nested(self._or)

    def _or(self) -> Node:
        operands = [self._and()]
        while self._is("or"):
            self._take()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Logic("or", tuple(operands))

    def _and(self) -> Node:
        operands = [self._not()]
        while self._is("and"):
            self._take()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else Logic("and", tuple(operands))

    def _not(self) -> Node:
        if self._is("not"):
            token = self._take()
            return Unary("not", self._nested(self._not), token.position)
        return self._comparison()

    def _comparison(self) -> Node:
        position = self.current.position
        first = self._sum()
        rest: list[tuple[str, Node]] = []
        while True:
            if self._is(*_COMPARISONS) or self._is("in"):
                op = self._take().text
            elif self._is("not") and self.tokens[self.index + 1].text == "in":
                self.index += 2
                op = "not in"
            else:
                break
            rest.append((op, self._sum()))
        return first if not rest else Compare(first, tuple(rest), position)

    def _sum(self) -> Node:
        node = self._term()
        while self._is("+", "-"):
            token = self._take()
            node = Binary(token.text, node, self._term(), token.position)
        return node

    def _term(self) -> Node:
        node = self._unary()
        while self._is("*", "/", "//", "%"):
            token = self._take()
            node = Binary(token.text, node, self._unary(), token.position)
        return node

    def _unary(self) -> Node:
        if self._is("-", "+"):
            token = self._take()
            return Unary(token.text, self._nested(self._unary), token.position)
        return self._power()

    def _power(self) -> Node:
        base = self._postfix()
        if self._is("**"):
            token = self._take()
            exponent = self._nested(self._unary)
            literal = _literal_number(exponent)
            if literal is not None and abs(literal) > MAX_EXPONENT:
                raise ExpressionError(f"exponent too large (limit {MAX_EXPONENT})", token.position)
            return Binary("**", base, exponent, token.position)
        return base

    def _postfix(self) -> Node:
        node = self._atom()
        while True:
            if self._is("."):
                dot = self._take()
                name = self.current
                if name.kind != "name" or name.text in _KEYWORDS:
                    raise ExpressionError("expected a key name after '.'", name.position)
                self._take()
                node = Key(node, Const(name.text), dot.position)
            elif self._is("["):
                bracket = self._take()
                index = self.expression()
                self._expect("]")
                if isinstance(index, Const) and isinstance(index.value, str) and index.value.startswith("_"):
                    raise ExpressionError("keys starting with '_' are not allowed", bracket.position)
                node = Key(node, index, bracket.position)
            elif self._is("("):
                raise ExpressionError(
                    "only these functions can be called: " + ", ".join(sorted(FUNCTIONS)),
                    self.current.position,
                )
            else:
                return node

    def _atom(self) -> Node:
        token = self.current
        if token.kind in ("num", "str"):
            self._take()
            return Const(token.value)
        if token.kind == "name":
            return self._name()
        if self._is("("):
            self._take()
            node = self.expression()
            self._expect(")")
            return node
        if self._is("["):
            return self._list()
        raise ExpressionError(f"unexpected {self._describe()}", token.position)

    def _name(self) -> Node:
        token = self._take()
        text = token.text
        if text in ("true", "True"):
            return Const(True)
        if text in ("false", "False"):
            return Const(False)
        if text in ("null", "None"):
            return Const(None)
        if text in _KEYWORDS:
            raise ExpressionError(f"unexpected {text!r}", token.position)
        if self._is("("):
            return self._call(token)
        if text not in NAMES:
            raise ExpressionError(f"unknown name {text!r}; known names: {', '.join(NAMES)}", token.position)
        return Name(text, token.position)

    def _call(self, token: Token) -> Node:
        if token.text not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {token.text!r}; functions: {', '.join(sorted(FUNCTIONS))}", token.position
            )
        self._expect("(")
        args: list[Node] = []
        while not self._is(")"):
            args.append(self.expression())
            if not self._is(")"):
                self._expect(",")
        self._take()
        _, least, most = FUNCTIONS[token.text]
        if not least <= len(args) <= most:
            count = str(least) if least == most else f"{least} to {most}"
            raise ExpressionError(f"{token.text}() takes {count} argument(s)", token.position)
        return Call(token.text, tuple(args), token.position)

    def _list(self) -> Node:
        start = self._take()
        items: list[Node] = []
        while not self._is("]"):
            items.append(self.expression())
            if self._is("]"):
                break
            self._expect(",")
        self._take()
        if len(items) > MAX_LIST:
            raise ExpressionError(f"list too long (limit {MAX_LIST})", start.position)
        return ListLiteral(tuple(items))


def _literal_number(node: Node) -> float | None:
    if isinstance(node, Const) and _is_number(node.value):
        return float(node.value)
    if isinstance(node, Unary) and node.op in "+-":
        inner = _literal_number(node.operand)
        return None if inner is None else (-inner if node.op == "-" else inner)
    return None


# --- evaluation ---------------------------------------------------------------------------------------


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a group of values"


def _as_number(value: str) -> int | float | None:
    text = value.strip()
    if re.fullmatch(r"[-+]?\d{1,30}", text):
        return int(text)
    if re.fullmatch(r"[-+]?\d{1,30}\.\d{1,30}", text):
        return float(text)
    return None


def _coerce(left: Value, right: Value) -> tuple[Value, Value]:
    """A number against a string of digits compares as two numbers."""
    if _is_number(left) and isinstance(right, str):
        number = _as_number(right)
        return (left, number) if number is not None else (left, right)
    if isinstance(left, str) and _is_number(right):
        number = _as_number(left)
        return (number, right) if number is not None else (left, right)
    return left, right


def _checked(value: Value, position: int) -> Value:
    if isinstance(value, complex):
        raise ExpressionError("the result is not a real number", position)
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise ExpressionError("number out of range", position)
        if abs(value) > MAX_MAGNITUDE:
            raise ExpressionError("number too large (limit 10^30)", position)
    elif isinstance(value, str) and len(value) > MAX_STRING:
        raise ExpressionError(f"text too long (limit {MAX_STRING} characters)", position)
    elif isinstance(value, list) and len(value) > MAX_LIST:
        raise ExpressionError(f"list too long (limit {MAX_LIST} items)", position)
    return value


def _truth(value: Value) -> bool:
    return bool(value)


class _Evaluator:
    def __init__(self, names: Mapping[str, Value]) -> None:
        self.names = names
        self.budget = EVALUATION_BUDGET

    def run(self, node: Node) -> Value:
        self.budget -= 1
        if self.budget < 0:
            raise ExpressionError("expression too expensive to evaluate")
        match node:
            case Const(value=value):
                return value
            case Name(name=name, position=position):
                if name not in self.names:
                    raise ExpressionError(f"{name!r} is not available here", position)
                return self.names[name]
            case ListLiteral(items=items):
                return [self.run(item) for item in items]
            case Logic(op=op, operands=operands):
                for operand in operands:
                    result = _truth(self.run(operand))
                    if result is (op == "or"):
                        return result
                return op == "and"
            case Unary():
                return self._unary(node)
            case Binary():
                return _checked(self._binary(node), node.position)
            case Compare():
                return self._compare(node)
            case Key():
                return self._key(node)
            case Call(function=function, args=args, position=position):
                implementation = FUNCTIONS[function][0]
                values = [self.run(arg) for arg in args]
                try:
                    return _checked(implementation(*values), position)
                except ExpressionError as exc:
                    raise ExpressionError(str(exc), position) from None
        raise ExpressionError("unsupported expression")  # unreachable: the parser builds only the above

    def _unary(self, node: Unary) -> Value:
        value = self.run(node.operand)
        if node.op == "not":
            return not _truth(value)
        if not _is_number(value):
            raise ExpressionError(f"'{node.op}' needs a number, got {_type(value)}", node.position)
        return -value if node.op == "-" else value

    def _binary(self, node: Binary) -> Value:
        left, right = self.run(node.left), self.run(node.right)
        op, position = node.op, node.position
        if _is_number(left) and _is_number(right):
            return self._arithmetic(op, left, right, position)
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return _checked(left + right, position)
        if op == "+" and isinstance(left, list) and isinstance(right, list):
            return _checked(left + right, position)
        if (
            op == "*"
            and isinstance(left, str | list)
            and isinstance(right, int)
            and not isinstance(right, bool)
        ):
            return self._repeat(left, right, position)
        if (
            op == "*"
            and isinstance(right, str | list)
            and isinstance(left, int)
            and not isinstance(left, bool)
        ):
            return self._repeat(right, left, position)
        raise ExpressionError(f"cannot use '{op}' on {_type(left)} and {_type(right)}", position)

    @staticmethod
    def _repeat(sequence: str | list[Value], times: int, position: int) -> Value:
        limit = MAX_STRING if isinstance(sequence, str) else MAX_LIST
        # Checked before building: "a" * 10**9 must fail without allocating a gigabyte.
        if times > 0 and len(sequence) * times > limit:
            raise ExpressionError(f"result too long (limit {limit})", position)
        return sequence * max(times, 0)

    @staticmethod
    def _arithmetic(op: str, left: float, right: float, position: int) -> Value:
        if op in ("/", "//", "%") and right == 0:
            raise ExpressionError("division by zero", position)
        if op == "**":
            if abs(right) > MAX_EXPONENT:
                raise ExpressionError(f"exponent too large (limit {MAX_EXPONENT})", position)
            # The size of the result is known from logarithms before it is computed.
            if abs(left) > 1 and right > 0 and right * math.log10(abs(left)) > 30:
                raise ExpressionError("number too large (limit 10^30)", position)
            if left == 0 and right < 0:
                raise ExpressionError("division by zero", position)
            if left < 0 and right != int(right):
                raise ExpressionError("a negative number has no fractional power", position)
            return left**right
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            return left / right
        if op == "//":
            return left // right
        return left % right

    def _compare(self, node: Compare) -> bool:
        left = self.run(node.first)
        for op, right_node in node.rest:
            right = self.run(right_node)
            if not self._compare_pair(op, left, right, node.position):
                return False
            left = right
        return True

    @staticmethod
    def _compare_pair(op: str, left: Value, right: Value, position: int) -> bool:
        if op in ("in", "not in"):
            if isinstance(right, str):
                if not isinstance(left, str):
                    left = _str(left)
                found = left in right
            elif isinstance(right, list | dict):
                found = any(_equal(left, item) for item in right)
            else:
                raise ExpressionError(f"'in' needs text or a list on its right, got {_type(right)}", position)
            return found if op == "in" else not found
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        left, right = _coerce(left, right)
        comparable = (_is_number(left) and _is_number(right)) or (
            isinstance(left, str) and isinstance(right, str)
        )
        if not comparable:
            raise ExpressionError(f"cannot compare {_type(left)} with {_type(right)} using '{op}'", position)
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)

    def _key(self, node: Key) -> Value:
        subject = self.run(node.subject)
        index = self.run(node.index)
        if isinstance(subject, dict):
            if not isinstance(index, str):
                raise ExpressionError("keys are text", node.position)
            if index.startswith("_"):
                raise ExpressionError("keys starting with '_' are not allowed", node.position)
            return subject.get(index, "")
        if isinstance(subject, str | list):
            if not isinstance(index, int) or isinstance(index, bool):
                raise ExpressionError(f"{_type(subject)} is indexed by a whole number", node.position)
            if not -len(subject) <= index < len(subject):
                raise ExpressionError("index out of range", node.position)
            return subject[index]
        raise ExpressionError(f"{_type(subject)} has no keys", node.position)


def _equal(left: Value, right: Value) -> bool:
    left, right = _coerce(left, right)
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case Key(subject=subject, index=index):
            return (subject, index)
        case Call(args=items) | ListLiteral(items=items) | Logic(operands=items):
            return items
        case Unary(operand=operand):
            return (operand,)
        case Binary(left=left, right=right):
            return (left, right)
        case Compare(first=first, rest=rest):
            return (first, *(n for _, n in rest))
    return ()


def _names_used(node: Node) -> set[str]:
    if isinstance(node, Name):
        return {node.name}
    return set().union(*(_names_used(child) for child in _children(node)))


def _check_constants(node: Node) -> None:
    """Evaluates every part that uses no name once, at parse time, so that ``"a" * 10**9`` or ``1 / 0``
    is refused when the flow is saved rather than when a caller reaches it."""
    if not _names_used(node):
        _Evaluator({}).run(node)
        return
    for child in _children(node):
        _check_constants(child)


@dataclass(frozen=True, slots=True)
class Expression:
    source: str
    tree: Node

    @property
    def names(self) -> frozenset[str]:
        return frozenset(_names_used(self.tree))

    def evaluate(self, names: Mapping[str, Value]) -> Value:
        """The value of the expression with ``names`` bound; raises ExpressionError on a runtime fault."""
        try:
            return _Evaluator(names).run(self.tree)
        except ExpressionError:
            raise
        except (ArithmeticError, TypeError, ValueError) as exc:  # a case the checks above did not foresee
            raise ExpressionError(f"cannot evaluate: {exc}") from exc

    def test(self, names: Mapping[str, Value]) -> bool:
        return _truth(self.evaluate(names))


@lru_cache(maxsize=1024)
def parse(source: str) -> Expression:
    """Parses ``source``; raises ExpressionError naming the problem and where it is."""
    if not source.strip():
        raise ExpressionError("the expression is empty")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"expression too long (limit {MAX_SOURCE_LENGTH} characters)")
    tree = _Parser(tokenize(source)).parse()
    _check_constants(tree)
    return Expression(source, tree)


def check(source: str) -> str:
    """For schemas: the source if it parses, else a ValueError with the parser's message."""
    parse(source)
    return source


def evaluate(source: str, names: Mapping[str, Value]) -> Value:
    return parse(source).evaluate(names)


__all__ = ["FUNCTIONS", "NAMES", "Expression", "ExpressionError", "check", "evaluate", "parse"]
