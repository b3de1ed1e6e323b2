"""The flow document (nodes and edges), its validation, and the compiled form the executor walks.

Two levels of checks:

- **Each node's settings** are checked whenever a flow is saved: a bad timeout, voice, pattern, phone
  number or expression is a 422 whose field path names the node (``graph.nodes.menu.data.timeout``).
- **The graph as a whole** (``check_graph``) is checked on every save too, but a draft may be
  incomplete while it is being built, so the problems are returned as ``issues`` with the flow; a flow
  with any issue cannot be published. The rules: exactly one start node and nothing leading back to it;
  node ids unique; edges join existing nodes through handles their source has; each handle used by one
  edge at most; every required handle connected; nothing after a terminal node; every node reachable
  from start; and no loop that could go round without the caller pressing a key.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import InitErrorDetails

from callcenter.flows.nodes import NEXT, AnyNode, Node, StartNode, handles_of

MAX_NODES = 200
MAX_EDGES = 1000


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(max_length=100)] | None = None
    source: Annotated[str, StringConstraints(max_length=64)]
    target: Annotated[str, StringConstraints(max_length=64)]
    source_handle: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="The source's output (menu key, yes/no, open/closed...); null = next"
    )
    label: Annotated[str, StringConstraints(max_length=100)] | None = None

    @property
    def handle(self) -> str:
        return self.source_handle or NEXT


def _node_locations(value: Any, exc: ValidationError) -> ValidationError:
    """Rewrites ``nodes.3.ivr_menu.data.timeout_seconds`` into ``nodes.menu.data.timeout_seconds``: the
    node's id instead of its index (and without the union's tag), so every error names its node."""
    details: list[InitErrorDetails] = []
    for error in exc.errors():
        location = list(error["loc"])
        if location and isinstance(location[0], int) and isinstance(value, list):
            raw = value[location[0]] if location[0] < len(value) else None
            if isinstance(raw, dict):
                node_id = raw.get("id")
                if len(location) > 1 and location[1] == raw.get("type"):
                    location = [location[0], *location[2:]]
                if isinstance(node_id, str) and node_id:
                    location[0] = node_id
        details.append(
            InitErrorDetails(
                type=error["type"], loc=tuple(location), input=error["input"], ctx=error.get("ctx", {})
            )
        )
    return ValidationError.from_exception_data(exc.title, details)


class FlowGraph(BaseModel):
    """``{"nodes": [...], "edges": [...]}``; see ``flows/nodes.py`` for each node kind's ``data``."""

    model_config = ConfigDict(extra="forbid")

    nodes: list[Node] = Field(default_factory=list, max_length=MAX_NODES)
    edges: list[Edge] = Field(default_factory=list, max_length=MAX_EDGES)

    @field_validator("nodes", mode="wrap")
    @classmethod
    def _errors_name_their_node(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            raise _node_locations(value, exc) from None


class IssueCode(StrEnum):
    MISSING_START = "missing_start"
    MULTIPLE_STARTS = "multiple_starts"
    EDGE_INTO_START = "edge_into_start"
    DUPLICATE_NODE_ID = "duplicate_node_id"
    UNKNOWN_NODE = "unknown_node"
    UNKNOWN_HANDLE = "unknown_handle"
    HANDLE_CONNECTED_TWICE = "handle_connected_twice"
    HANDLE_NOT_CONNECTED = "handle_not_connected"
    EDGE_AFTER_TERMINAL = "edge_after_terminal"
    UNREACHABLE = "unreachable"
    LOOP_WITHOUT_INPUT = "loop_without_input"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem that keeps a flow from being published; ``node_id`` is None only without a start."""

    node_id: str | None
    code: IssueCode
    message: str
    handle: str | None = None


def _edge_issues(graph: FlowGraph, by_id: dict[str, AnyNode]) -> tuple[list[Issue], list[Edge]]:
    """Issues of single edges, and the edges that are sound (used by the graph-wide checks)."""
    issues: list[Issue] = []
    sound: list[Edge] = []
    used: dict[tuple[str, str], int] = defaultdict(int)
    for edge in graph.edges:
        source, target = by_id.get(edge.source), by_id.get(edge.target)
        if source is None or target is None:
            missing = edge.source if source is None else edge.target
            issues.append(
                Issue(
                    edge.source if source is not None else None,
                    IssueCode.UNKNOWN_NODE,
                    f"an edge points at node {missing!r}, which does not exist",
                )
            )
            continue
        if isinstance(target, StartNode):
            issues.append(Issue(source.id, IssueCode.EDGE_INTO_START, "no edge may lead back to the start"))
            continue
        if source.terminal():
            issues.append(
                Issue(
                    source.id,
                    IssueCode.EDGE_AFTER_TERMINAL,
                    f"a {source.type} node ends the flow; it cannot lead to {target.id!r}",
                )
            )
            continue
        handles = handles_of(source)
        if edge.handle not in handles:
            allowed = ", ".join(sorted(handles)) or "none"
            issues.append(
                Issue(
                    source.id,
                    IssueCode.UNKNOWN_HANDLE,
                    f"{source.type} node has no output {edge.handle!r} (outputs: {allowed})",
                    handle=edge.handle,
                )
            )
            continue
        used[(source.id, edge.handle)] += 1
        if used[(source.id, edge.handle)] == 2:
            issues.append(
                Issue(
                    source.id,
                    IssueCode.HANDLE_CONNECTED_TWICE,
                    f"output {edge.handle!r} is connected more than once",
                    handle=edge.handle,
                )
            )
        sound.append(edge)
    return issues, sound


def _loops_without_input(nodes: list[AnyNode], edges: list[Edge], by_id: dict[str, AnyNode]) -> list[Issue]:
    """Cycles through outputs that fire without a key press (Tarjan's strongly connected components)."""
    successors: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge.handle not in by_id[edge.source].input_handles():
            successors[edge.source].append(edge.target)
    order = {node.id: position for position, node in enumerate(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(start: str) -> None:
        # Iterative, so a long chain of nodes cannot exhaust Python's recursion limit.
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, next_child = work.pop()
            if next_child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = successors[node]
            if next_child < len(children):
                work.append((node, next_child + 1))
                child = children[next_child]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    for node in nodes:
        if node.id not in index:
            connect(node.id)
    issues = []
    for component in components:
        looping = len(component) > 1 or component[0] in successors[component[0]]
        if looping:
            members = sorted(component, key=order.__getitem__)
            path = " -> ".join([*members, members[0]])
            issues.append(
                Issue(
                    members[0],
                    IssueCode.LOOP_WITHOUT_INPUT,
                    f"these nodes can loop forever without the caller pressing a key: {path}",
                )
            )
    return issues


def check_graph(graph: FlowGraph) -> list[Issue]:
    """Every graph-wide problem, in document order (see the module docstring for the rules)."""
    issues: list[Issue] = []
    by_id: dict[str, AnyNode] = {}
    for node in graph.nodes:
        if node.id in by_id:
            issues.append(Issue(node.id, IssueCode.DUPLICATE_NODE_ID, f"node id {node.id!r} is used twice"))
        else:
            by_id[node.id] = node
    starts = [node for node in graph.nodes if isinstance(node, StartNode)]
    if not starts:
        issues.append(Issue(None, IssueCode.MISSING_START, "the flow needs a start node"))
    for extra in starts[1:]:
        issues.append(Issue(extra.id, IssueCode.MULTIPLE_STARTS, "a flow has exactly one start node"))
    edge_issues, edges = _edge_issues(graph, by_id)
    issues += edge_issues
    connected = {(edge.source, edge.handle) for edge in edges}
    for node in by_id.values():
        for handle in node.required_handles():
            if (node.id, handle) not in connected:
                issues.append(
                    Issue(
                        node.id,
                        IssueCode.HANDLE_NOT_CONNECTED,
                        f"output {handle!r} of this {node.type} node is not connected",
                        handle=handle,
                    )
                )
    if starts:
        reached = {starts[0].id}
        frontier = [starts[0].id]
        following: dict[str, list[str]] = defaultdict(list)
        for edge in edges:
            following[edge.source].append(edge.target)
        while frontier:
            for target in following[frontier.pop()]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        for node in by_id.values():
            if node.id not in reached:
                issues.append(
                    Issue(node.id, IssueCode.UNREACHABLE, "no path from the start reaches this node")
                )
    issues += _loops_without_input(list(by_id.values()), edges, by_id)
    return issues


@dataclass(frozen=True, slots=True)
class CompiledFlow:
    """A published version ready to walk: nodes by id and where each output leads."""

    start_id: str
    nodes: dict[str, AnyNode]
    next: dict[tuple[str, str], str]

    @classmethod
    def of(cls, graph: FlowGraph) -> CompiledFlow:
        nodes = {node.id: node for node in graph.nodes}
        start = next((node.id for node in graph.nodes if isinstance(node, StartNode)), "")
        return cls(start, nodes, {(edge.source, edge.handle): edge.target for edge in graph.edges})

    def node(self, node_id: str) -> AnyNode:
        return self.nodes[node_id]

    def target(self, node_id: str, handle: str) -> str | None:
        return self.next.get((node_id, handle))
