"""Bodies of ``/api/call-flows``: flows, versions, export/import, templates and analytics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from callcenter.flows.graph import FlowGraph, Issue, IssueCode, check_graph
from callcenter.flows.nodes import NodeKind
from callcenter.flows.templates import BY_KEY
from callcenter.models.flows import CallFlow

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]


class FlowCreate(BaseModel):
    """A new flow: from a ``graph``, from a ``template`` (see ``GET /api/call-flows/templates``), or
    with just a start node when neither is given."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""
    graph: FlowGraph | None = None
    template: str | None = Field(default=None, description="A template key")

    @field_validator("template")
    @classmethod
    def _known_template(cls, value: str | None) -> str | None:
        if value is not None and value not in BY_KEY:
            raise ValueError(f"unknown template; templates: {', '.join(sorted(BY_KEY))}")
        return value

    @model_validator(mode="after")
    def _graph_or_template(self) -> FlowCreate:
        if self.graph is not None and self.template is not None:
            raise ValueError("give a graph or a template, not both")
        return self


class FlowUpdate(BaseModel):
    """Only the fields sent change; the draft graph is replaced as a whole. Published versions never
    change."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    graph: FlowGraph | None = None

    @field_validator("name", "description", "graph")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class IssueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    node_id: str | None = Field(description="The node the problem is at (null: the flow has no start)")
    code: IssueCode
    message: str
    handle: str | None = Field(default=None, description="The output concerned, when there is one")


class FlowSummary(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    published_version: int | None = Field(description="The version calls run; null until published")
    published_at: datetime | None
    has_unpublished_changes: bool = Field(description="The draft differs from the published version")
    created_at: datetime
    updated_at: datetime


class FlowRead(FlowSummary):
    graph: FlowGraph = Field(description="The draft")
    valid: bool = Field(description="The draft has no issue and can be published")
    issues: list[IssueRead]


class FlowVersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    published_at: datetime
    published_by: uuid.UUID | None


class FlowVersionRead(FlowVersionSummary):
    graph: FlowGraph


class FlowDocument(BaseModel):
    """A flow as exported, and as imported: portable between accounts and installations."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["callcenter.call_flow"] = "callcenter.call_flow"
    format_version: Literal[1] = 1
    name: Name
    description: Description = ""
    graph: FlowGraph


class TemplateRead(BaseModel):
    id: str = Field(description="The template key, for POST /api/call-flows {template}")
    name: str
    description: str
    graph: FlowGraph


class NodeAnalytics(BaseModel):
    node_id: str
    kind: NodeKind | None = Field(description="The node's kind in the version read (null: not in it)")
    label: str | None
    entered: int = Field(description="Times a call entered the node")
    dropped: int = Field(description="Callers who hung up while waiting at the node")
    branches: dict[str, int] = Field(description="Times each output was taken")


class FlowAnalytics(BaseModel):
    flow_id: uuid.UUID
    version: int | None = Field(description="The version counted; null: every version")
    executions: int = Field(description="Calls that entered the flow")
    completed: int = Field(
        description="Calls that reached an exit: routed, transfer, voicemail, hang-up, end"
    )
    failed: int = Field(description="Runtime faults, each routed normally instead")
    dropped: int = Field(description="Callers who hung up inside the flow")
    in_progress: int
    completion_rate: float = Field(description="completed / executions (0 when none)")
    exits: dict[str, int] = Field(description="Completed calls by exit")
    nodes: list[NodeAnalytics]


def issues_of(issues: list[Issue]) -> list[IssueRead]:
    return [IssueRead.model_validate(issue) for issue in issues]


def _summary_fields(flow: CallFlow) -> dict[str, object]:
    return {
        "id": flow.id,
        "name": flow.name,
        "description": flow.description,
        "published_version": flow.published_version,
        "published_at": flow.published_at,
        "has_unpublished_changes": flow.published_digest != flow.draft_digest,
        "created_at": flow.created_at,
        "updated_at": flow.updated_at,
    }


def flow_summary(flow: CallFlow) -> FlowSummary:
    return FlowSummary.model_validate(_summary_fields(flow))


def flow_read(flow: CallFlow) -> FlowRead:
    graph = FlowGraph.model_validate(flow.graph)
    issues = check_graph(graph)
    return FlowRead.model_validate(
        {**_summary_fields(flow), "graph": graph, "valid": not issues, "issues": issues_of(issues)}
    )
