"""Bar charts drawn on the server as inline SVG: no script, no chart library. Each is an image
with its own title and description (``role="img"``, ``aria-labelledby``), every bar carries its
number as text beside it, and stacked parts differ by pattern as well as shade, so nothing is
said by colour alone. The page puts a table of the same numbers under each chart.

Built with ElementTree, so every label is escaped as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP = 44, 12, 24
LINE = 15  # one line of a category label
SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Fill:
    """How a part of a stacked bar is painted: a shade and a pattern drawn over it."""

    key: str
    shade: str
    mark: str  # "", "hatch", "dots", "lines", "cross"


FILLS = (
    Fill("solid", "#0b3d61", ""),
    Fill("hatch", "#5b8fb5", "hatch"),
    Fill("dots", "#fdb81e", "dots"),
    Fill("lines", "#8a6d1c", "lines"),
    Fill("cross", "#c9cdd1", "cross"),
    Fill("plain", "#046b99", ""),
)
SINGLE = FILLS[0]


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    max_value: int | None = None,
    adjacent: bool = False,
    height: int = HEIGHT,
    axis: str = "",
) -> Markup:
    """One bar per value, its number above it; ``adjacent`` bars touch (a histogram);
    ``max_value`` shares a scale between charts drawn side by side."""
    if len(labels) != len(values):
        raise ValueError(f"labels: {len(labels)} given for {len(values)} values")
    return stacked_bar_chart(
        chart_id,
        title,
        desc,
        labels,
        [("", values)],
        max_value=max_value,
        adjacent=adjacent,
        height=height,
        axis=axis,
    )


def stacked_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    max_value: int | None = None,
    adjacent: bool = False,
    height: int = HEIGHT,
    axis: str = "",
) -> Markup:
    """One bar per label, made of one part per series (bottom first) with its number on it;
    the bar's total above it, ``axis`` (what the labels are) under them and, for more than
    one series, a legend of the patterns."""
    if len(series) > len(FILLS):
        raise ValueError(f"series: at most {len(FILLS)}, {len(series)} given")
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r}: {len(values)} values for {len(labels)} labels")
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    chars = max(int(slot / 7.5), 4)
    rows = _legend_rows([name for name, _ in series]) if len(series) > 1 else []
    lines = max((len(_wrap(label, chars)) for label in labels), default=1)
    label_h = 12 + LINE * lines + (LINE + 4 if axis else 0)
    bottom = label_h + 24 * len(rows)
    plot_h = height - TOP - bottom
    plot_w = WIDTH - LEFT - RIGHT
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    top = _nice(max(max_value or 0, *totals, 1))

    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {height}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "id": chart_id,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = desc
    _patterns(ET.SubElement(svg, "defs"), chart_id, len(series))

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    for tick in _ticks(top):
        y = _n(y_of(tick))
        grid = {"x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": y, "y2": y, "class": "grid"}
        ET.SubElement(svg, "line", grid)
        ET.SubElement(svg, "text", {"x": str(LEFT - 6), "y": y, "class": "tick"}).text = str(tick)
    bar_w = slot if adjacent else slot * 0.62
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = 0
        for k, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            rect = ET.SubElement(
                svg,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(y_of(base + value)),
                    "width": _n(bar_w),
                    "height": _n(y_of(base) - y_of(base + value)),
                    "fill": f"url(#{chart_id}-fill-{k})",
                    "class": "bar",
                },
            )
            ET.SubElement(rect, "title").text = f"{label}{', ' + name if name else ''}: {value}"
            if rows and y_of(base) - y_of(base + value) >= 16:
                _value_label(svg, x + bar_w / 2, (y_of(base) + y_of(base + value)) / 2, value)
            base += value
        total = ET.SubElement(
            svg, "text", {"x": _n(x + bar_w / 2), "y": _n(y_of(base) - 5), "class": "total"}
        )
        total.text = str(base)
        caption = ET.SubElement(
            svg, "text", {"x": _n(x + bar_w / 2), "y": _n(TOP + plot_h + LINE), "class": "label"}
        )
        for n, part in enumerate(_wrap(label, chars)):
            dy = "0" if n == 0 else str(LINE)
            ET.SubElement(caption, "tspan", {"x": _n(x + bar_w / 2), "dy": dy}).text = part
    baseline = {"x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": _n(y_of(0)), "y2": _n(y_of(0))}
    ET.SubElement(svg, "line", {**baseline, "class": "axis"})
    if axis:
        ET.SubElement(
            svg,
            "text",
            {"x": _n(LEFT + plot_w / 2), "y": _n(TOP + plot_h + label_h - 4), "class": "label"},
        ).text = axis
    for r, row in enumerate(rows):
        _legend(svg, chart_id, row, int(TOP + plot_h + label_h + 24 * r + 16))
    return Markup(ET.tostring(svg, encoding="unicode"))


def _patterns(defs: ET.Element, chart_id: str, count: int) -> None:
    """Each part's fill: its shade, and its pattern of marks over it."""
    for k, fill in enumerate(FILLS[:count] if count > 1 else [SINGLE]):
        pattern = ET.SubElement(
            defs,
            "pattern",
            {
                "id": f"{chart_id}-fill-{k}",
                "width": "8",
                "height": "8",
                "patternUnits": "userSpaceOnUse",
            },
        )
        ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": fill.shade})
        ink = "#fff" if fill.shade in ("#0b3d61", "#8a6d1c", "#046b99") else "#1b1b1b"
        marks = {
            "hatch": [("path", {"d": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4"})],
            "dots": [("circle", {"cx": "4", "cy": "4", "r": "1.6", "fill": ink})],
            "lines": [("path", {"d": "M0,4 h8"})],
            "cross": [("path", {"d": "M0,0 l8,8 M8,0 l-8,8"})],
        }.get(fill.mark, [])
        for tag, attributes in marks:
            ET.SubElement(pattern, tag, {"stroke": ink, "stroke-width": "1.4", **attributes})


def _swatch_width(name: str) -> float:
    return 30 + 7.2 * len(name)


def _legend_rows(names: list[str]) -> list[list[tuple[int, str]]]:
    """The legend's entries (with their series' index) in rows that fit the width."""
    rows: list[list[tuple[int, str]]] = [[]]
    used = 0.0
    for k, name in enumerate(names):
        if rows[-1] and used + _swatch_width(name) > WIDTH - LEFT - RIGHT:
            rows.append([])
            used = 0.0
        rows[-1].append((k, name))
        used += _swatch_width(name)
    return rows


def _legend(svg: ET.Element, chart_id: str, entries: list[tuple[int, str]], y: int) -> None:
    group = ET.SubElement(svg, "g", {"class": "legend"})
    x = float(LEFT)
    for k, name in entries:
        ET.SubElement(
            group,
            "rect",
            {
                "x": _n(x),
                "y": str(y - 11),
                "width": "14",
                "height": "14",
                "fill": f"url(#{chart_id}-fill-{k})",
                "stroke": "#1b1b1b",
            },
        )
        ET.SubElement(group, "text", {"x": _n(x + 19), "y": str(y)}).text = name
        x += _swatch_width(name)


def _value_label(svg: ET.Element, x: float, y: float, value: int) -> None:
    """A number on a part of a stack, on a white pill so it reads over any pattern."""
    width = 8 + 7.5 * len(str(value))
    ET.SubElement(
        svg,
        "rect",
        {
            "x": _n(x - width / 2),
            "y": _n(y - 8),
            "width": _n(width),
            "height": "16",
            "rx": "3",
            "class": "pill",
        },
    )
    ET.SubElement(svg, "text", {"x": _n(x), "y": _n(y + 4), "class": "part"}).text = str(value)


def _wrap(label: str, width: int = 14) -> list[str]:
    """A category's label in lines of about ``width`` characters, at most three."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:3] or [""]


def _nice(value: int) -> int:
    """The top of the scale: the value rounded up to 1, 2 or 5 times a power of ten."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if value <= m * step:
                return m * step
        step *= 10


def _ticks(top: int) -> list[int]:
    step = max(top // 5, 1) if top >= 5 else 1
    return list(range(0, top + 1, step))


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
