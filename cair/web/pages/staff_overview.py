"""The staff overview page: the registry's figures as charts drawn on the server (SVG, no
script), each with a table of the same numbers. Every staff member may read it, whatever their
role; the same figures are JSON at ``GET /api/v1/staff/overview``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cair.operations import overview
from cair.operations.overview import Figure, Overview
from cair.web.pages.identity import AnyStaffPage
from cair.web.pages.rendering import context_of, render
from cair.web.pages.svg_charts import bar_chart, stacked_bar_chart

router = APIRouter(prefix="/staff")


@dataclass(frozen=True)
class Chart:
    """One chart as the template shows it: its heading's id, the figure, the drawing."""

    id: str
    figure: Figure
    svg: Markup


@dataclass(frozen=True)
class RegionChart:
    """One region's weekly submissions: a small chart among others on the same scale."""

    id: str
    region: str
    total: int
    svg: Markup


@dataclass(frozen=True)
class StaffOverviewPage:
    """What staff_overview.html reads: the figures, each drawn; the weekly submissions as one
    small chart per region, on one scale, so regions compare at a glance."""

    found: Overview
    weekly: Figure
    regions: list[RegionChart]
    charts: list[Chart]
    section: str = "overview"


@router.get("/overview", response_class=HTMLResponse)
async def overview_page(staff: AnyStaffPage, request: Request) -> Response:
    found = await overview.build(context_of(request))
    return render(request, "staff_overview.html", _page(found), title="Overview")


def _page(found: Overview) -> StaffOverviewPage:
    weekly = found.weekly_submissions
    weeks = [c.label for c in weekly.categories]
    top = max((v for s in weekly.series for v in s.values), default=0)
    regions = [
        RegionChart(
            id=f"weekly-{series.key}",
            region=series.label,
            total=sum(series.values),
            svg=bar_chart(
                f"weekly-{series.key}",
                f"{series.label}: enrollments submitted per week",
                f"{sum(series.values)} requests from {series.label} in the last "
                f"{len(weeks)} weeks, week by week from {weeks[0]} to {weeks[-1]}.",
                weeks,
                series.values,
                max_value=top,
                height=200,
            ),
        )
        for series in weekly.series
    ]
    charts = [
        _chart("queue", found.queue_by_age),
        _chart("approvals", found.approval_times, adjacent=True),
        _chart("training", found.training_deadlines),
        _chart("dx-sites", found.dx_sites),
    ]
    return StaffOverviewPage(found=found, weekly=weekly, regions=regions, charts=charts)


def _chart(chart_id: str, figure: Figure, *, adjacent: bool = False) -> Chart:
    labels = [c.label for c in figure.categories]
    parts = ", ".join(
        f"{c.label}: {n}" for c, n in zip(figure.categories, figure.totals, strict=True)
    )
    desc = f"{figure.description} In all {figure.total}. By {figure.axis.lower()}: {parts}."
    if len(figure.series) == 1:
        svg = bar_chart(
            chart_id,
            figure.title,
            desc,
            labels,
            figure.series[0].values,
            adjacent=adjacent,
            axis=figure.axis,
        )
    else:
        series = [(s.label, s.values) for s in figure.series]
        svg = stacked_bar_chart(chart_id, figure.title, desc, labels, series, axis=figure.axis)
    return Chart(id=chart_id, figure=figure, svg=svg)
