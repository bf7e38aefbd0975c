"""The staff overview: five figures a registry manager reads at a glance, the same for the page
(drawn as charts) and the API (as JSON). Each figure is a ``Figure``: categories along one axis,
one or more series of counts over them, every category and series with its key (what the API
names) and its label (what a person reads). Ages and times are in business days, as staff
reminders count them; weeks start on Monday, Pacific time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from pydantic import BaseModel

from cair.domain.business_days import business_days_between, waited_since
from cair.domain.contracts.data_exchange import DxStage
from cair.domain.plain_words import DX_STAGES, PACIFIC
from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.domain.user_states import UserState
from cair.operations import regions
from cair.operations.context import Context
from cair.store import overview

WEEKS = 12
APPROVAL_DAYS = 90
# The open queue: requests still moving, in the order they move.
OPEN_STAGES = (
    Stage.VALIDATING,
    Stage.AWAITING_REVIEW,
    Stage.CHANGES_REQUESTED,
    Stage.PROVISIONING,
    Stage.AWAITING_TRAINING,
    Stage.NEEDS_ATTENTION,
)
# Age buckets (business days) by their least age: 0–1, 2–3, 4–5, 6–10, over 10.
AGE_FROM = (0, 2, 4, 6, 11)
# Approval-time histogram: 0, 1, … 5 business days, 6–10, over 10.
APPROVAL_FROM = (0, 1, 2, 3, 4, 5, 6, 11)
# Training deadlines: overdue, within 7 days, within 30, later.
DEADLINE_DAYS = (7, 30)


class Category(BaseModel):
    key: str
    label: str


class Series(BaseModel):
    key: str
    label: str
    values: list[int]  # one per category, in order


class Figure(BaseModel):
    """Counts by category (and by series within one, for a stacked figure)."""

    title: str
    description: str  # what is counted, and over what time
    axis: str  # what the categories are
    categories: list[Category]
    series: list[Series]

    @property
    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    @property
    def total(self) -> int:
        return sum(self.totals)


class Overview(BaseModel):
    generated_at: datetime
    weekly_submissions: Figure  # categories: weeks (their Monday); series: regions
    queue_by_age: Figure  # categories: open stages; series: age buckets
    approval_times: Figure  # categories: business days; one series
    training_deadlines: Figure  # categories: how near the deadline is; one series
    dx_sites: Figure  # categories: IZ Portal stages; one series


def _ranges(starts: tuple[int, ...], unit: str = "") -> list[Category]:
    """'0–1 business days'… from each bucket's least value; the last is 'Over N'. Without
    ``unit`` the bare numbers ('0–1'), for a chart whose axis names the unit once."""
    found = []
    for i, low in enumerate(starts):
        if i == len(starts) - 1:
            key, label = f"{low}+", f"Over {low - 1}"
        elif starts[i + 1] - 1 == low:
            key, label = str(low), str(low)
        else:
            key, label = f"{low}-{starts[i + 1] - 1}", f"{low}–{starts[i + 1] - 1}"
        if unit:
            label += f" {unit.removesuffix('s')}" if label == "1" else f" {unit}"
        found.append(Category(key=key, label=label))
    return found


def _bucket(value: int, starts: tuple[int, ...]) -> int:
    return max(i for i, low in enumerate(starts) if value >= low)


def week_starts(now: datetime) -> list[datetime]:
    """The Mondays (midnight, Pacific) of the last ``WEEKS`` weeks, this one last, in UTC."""
    today = now.astimezone(PACIFIC).date()
    monday = today - timedelta(days=today.weekday())
    days = [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    return [datetime.combine(d, time(), PACIFIC).astimezone(UTC) for d in days]


async def build(ctx: Context, *, now: datetime | None = None) -> Overview:
    """Every figure, counted now (``now``: as of another moment, for tests)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    region_names = regions.region_names(ctx)
    starts = week_starts(now)
    waited_from = [waited_since(now, days) for days in AGE_FROM[1:]]
    limits = [now, *(now + timedelta(days=d) for d in DEADLINE_DAYS)]
    async with ctx.db.sessions() as session:
        weekly = await overview.weekly_submissions(session, starts, now)
        queue = await overview.queue_by_age(session, [s.value for s in OPEN_STAGES], waited_from)
        approvals = await overview.approvals_since(session, now - timedelta(days=APPROVAL_DAYS))
        deadlines = await overview.training_deadlines(
            session, UserState.PENDING_TRAINING.value, limits
        )
        sites = await overview.dx_sites_by_stage(session)
    return Overview(
        generated_at=now,
        weekly_submissions=_weekly(weekly, starts, region_names),
        queue_by_age=_queue(queue),
        approval_times=_approvals(approvals),
        training_deadlines=_deadlines(deadlines),
        dx_sites=_dx(sites),
    )


def _weekly(
    counts: dict[tuple[str, int], int], starts: list[datetime], names: dict[str, str]
) -> Figure:
    mondays = [s.astimezone(PACIFIC).date() for s in starts]
    keys = list(names) + sorted({region for region, _ in counts} - set(names))
    return Figure(
        title=f"Enrollments submitted per week, by region, last {WEEKS} weeks",
        description=(
            f"Requests submitted in each of the last {WEEKS} weeks (Monday to Sunday, Pacific "
            f"time; the last week is this one, so far), for each region."
        ),
        axis="Week of",
        categories=[Category(key=d.isoformat(), label=f"{d:%b} {d.day}") for d in mondays],
        series=[
            Series(
                key=region,
                label=names.get(region, region),
                values=[counts.get((region, week), 0) for week in range(len(starts))],
            )
            for region in keys
        ],
    )


def _queue(counts: dict[tuple[str, int], int]) -> Figure:
    ages = _ranges(AGE_FROM, "business days")
    return Figure(
        title="Open requests by stage and age",
        description=(
            "How many requests wait in each open stage, by business days since they were submitted."
        ),
        axis="Stage",
        categories=[Category(key=s.value, label=FOR_APPLICANTS[s][0]) for s in OPEN_STAGES],
        series=[
            Series(
                key=age.key,
                label=age.label,
                values=[counts.get((s.value, i), 0) for s in OPEN_STAGES],
            )
            for i, age in enumerate(ages)
        ],
    )


def _approvals(pairs: list[tuple[datetime, datetime]]) -> Figure:
    bins = _ranges(APPROVAL_FROM)
    values = [0] * len(bins)
    for submitted, approved in pairs:
        values[_bucket(business_days_between(submitted, approved), APPROVAL_FROM)] += 1
    return Figure(
        title=f"Business days from submission to approval, last {APPROVAL_DAYS} days",
        description=(
            f"Requests approved in the last {APPROVAL_DAYS} days, by how many business days "
            f"passed between their submission and their approval."
        ),
        axis="Business days from submission to approval",
        categories=bins,
        series=[Series(key="approved", label="Requests approved", values=values)],
    )


def _deadlines(counts: dict[int, int]) -> Figure:
    near, far = DEADLINE_DAYS
    categories = [
        Category(key="overdue", label="Overdue"),
        Category(key=f"within_{near}", label=f"Within {near} days"),
        Category(key=f"within_{far}", label=f"In {near + 1}–{far} days"),
        Category(key="later", label=f"After {far} days"),
    ]
    values = [counts.get(i, 0) for i in range(len(categories))]
    if counts.get(-1):  # a user awaiting training always has one; shown if one has not
        categories.append(Category(key="none", label="No deadline"))
        values.append(counts[-1])
    return Figure(
        title="Users awaiting training, by how near their deadline is",
        description=(
            "Regular and Power users whose training is not yet recorded, by the time left "
            "before their training deadline."
        ),
        axis="Deadline",
        categories=categories,
        series=[Series(key="users", label="Users awaiting training", values=values)],
    )


def _dx(counts: dict[str, int]) -> Figure:
    return Figure(
        title="IZ Portal sites by onboarding stage",
        description="Sites registered for data exchange at the IZ Portal, by where they stand.",
        axis="Stage",
        categories=[Category(key=s.value, label=DX_STAGES[s]) for s in DxStage],
        series=[
            Series(key="sites", label="Sites", values=[counts.get(s.value, 0) for s in DxStage])
        ],
    )
