"""History events and billable actions of a workflow and the children it started, counted from
the histories themselves."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

# What Temporal Cloud bills as an action, by the event that records it: starts, activities
# (each attempt is one scheduled event here), timers, signals and updates, child starts,
# search-attribute and memo upserts, markers (local activities, side effects).
BILLABLE = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    EventType.EVENT_TYPE_TIMER_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
    EventType.EVENT_TYPE_MARKER_RECORDED,
}


@dataclass
class Count:
    """Events and actions; ``tasks`` and ``activities`` show where they come from."""

    events: int = 0
    actions: int = 0
    tasks: int = 0
    activities: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(
            self.events + other.events,
            self.actions + other.actions,
            self.tasks + other.tasks,
            self.activities + other.activities,
        )


async def count(client: Client, workflow_id: str) -> tuple[Count, list[str]]:
    """One workflow's count and the ids of the children it started."""
    found = Count()
    children: list[str] = []
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    for event in history.events:
        found.events += 1
        found.actions += event.event_type in BILLABLE
        found.tasks += event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        found.activities += event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        if event.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            children.append(
                event.start_child_workflow_execution_initiated_event_attributes.workflow_id
            )
    return found, children


async def with_children(client: Client, workflow_id: str) -> tuple[Count, Count]:
    """The workflow alone, and the workflow with every child (grandchildren included)."""
    alone, children = await count(client, workflow_id)
    total = alone
    while children:
        child, more = await count(client, children.pop())
        total = total + child
        children += more
    return alone, total


async def event_types(client: Client, workflow_id: str) -> dict[str, Counter[str]]:
    """Event-type counts of a workflow and of each child (grandchildren too), keyed by the
    workflow type, so two histories of one shape can be compared line by line."""
    found: dict[str, Counter[str]] = {}
    pending = [workflow_id]
    while pending:
        history = await client.get_workflow_handle(pending.pop(0)).fetch_history()
        kinds: Counter[str] = Counter()
        name = ""
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                name = event.workflow_execution_started_event_attributes.workflow_type.name
            kinds[_short(event.event_type)] += 1
            if event.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
                pending.append(
                    event.start_child_workflow_execution_initiated_event_attributes.workflow_id
                )
        found[name] = found.get(name, Counter()) + kinds
    return found


def _short(event_type: EventType.ValueType) -> str:
    """EVENT_TYPE_WORKFLOW_TASK_COMPLETED → WorkflowTaskCompleted."""
    words = EventType.Name(event_type).removeprefix("EVENT_TYPE_").split("_")
    return "".join(word.capitalize() for word in words)


async def idle(handle: WorkflowHandle[Any, Any]) -> None:
    """Until the workflow has no activity or workflow task pending: what staff find when they
    open a request minutes after its acknowledgement. An e-mail reaches the outbox a moment
    before its activity completes; an approval sent in that moment shares a workflow task with
    the completion or not, by chance, and starts no review timer, which people never see."""
    for _ in range(3000):  # a minute
        described = (await handle.describe()).raw_description
        if not described.pending_activities and not described.HasField("pending_workflow_task"):
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{handle.id} still has work pending after a minute")
