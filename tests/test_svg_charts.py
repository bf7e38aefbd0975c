"""The server-drawn charts are well-formed SVG an assistive technology can name: an image with
its title and description, a bar for every number with the number written beside it, stacked
parts told apart by pattern as well as shade, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cair.web.pages.svg_charts import bar_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _texts(svg: ET.Element, css_class: str) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == css_class]


def test_a_bar_chart_is_a_named_image_with_a_bar_and_a_number_per_value() -> None:
    svg = _parsed(
        bar_chart(
            "approvals",
            "Days to approval",
            "Requests approved, by business days.",
            ["0 days", "1 day", "Over 10 business days since it was sent"],
            [4, 7, 2],
        )
    )
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "approvals-title approvals-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Days to approval"
    assert title.get("id") == "approvals-title"
    assert desc is not None and desc.text == "Requests approved, by business days."
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 3
    heights = [float(r.get("height", "0")) for r in bars]
    assert heights[1] > heights[0] > heights[2] > 0  # drawn to scale
    assert [b.findtext(f"{SVG}title") for b in bars] == [
        "0 days: 4",
        "1 day: 7",
        "Over 10 business days since it was sent: 2",
    ]
    assert _texts(svg, "total") == ["4", "7", "2"]  # each number written, not only drawn
    assert _texts(svg, "label") == [
        "0 days",
        "1 day",
        "Over 10 business dayssince it was sent",
    ]  # in two lines


def test_a_zero_draws_no_bar_but_still_says_zero() -> None:
    svg = _parsed(bar_chart("z", "T", "D", ["a", "b"], [0, 3]))
    assert len([r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 1
    assert _texts(svg, "total") == ["0", "3"]


def test_stacked_parts_differ_by_pattern_and_carry_their_numbers() -> None:
    svg = _parsed(
        stacked_bar_chart(
            "queue",
            "Open requests",
            "By stage and age.",
            ["Waiting for registry staff", "Changes needed"],
            [("0–1 business days", [3, 1]), ("2–3 business days", [2, 0])],
        )
    )
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 3  # the zero part is not drawn
    fills = {r.get("fill") for r in bars}
    assert fills == {"url(#queue-fill-0)", "url(#queue-fill-1)"}
    patterns = {p.get("id"): p for p in svg.iter(f"{SVG}pattern")}
    assert set(patterns) == {"queue-fill-0", "queue-fill-1"}
    marked = [p for p in patterns.values() if len(p) > 1]  # a shade with marks drawn over it
    assert marked, "the parts differ by shade alone"
    assert _texts(svg, "total") == ["5", "1"]
    assert _texts(svg, "part") == ["3", "2", "1"]
    legend = svg.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    assert ["".join(t.itertext()) for t in legend.iter(f"{SVG}text")] == [
        "0–1 business days",
        "2–3 business days",
    ]


def test_labels_are_escaped() -> None:
    markup = bar_chart("x", "A <b> & C", "</desc><script>", ["<i>"], [1])
    svg = _parsed(markup)
    assert svg.findtext(f"{SVG}title") == "A <b> & C"
    assert svg.findtext(f"{SVG}desc") == "</desc><script>"
    assert "<script>" not in markup


def test_mismatched_numbers_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="labels: 1 given for 2 values"):
        bar_chart("x", "T", "D", ["a"], [1, 2])
    with pytest.raises(ValueError, match="series 'late': 1 values for 2 labels"):
        stacked_bar_chart("x", "T", "D", ["a", "b"], [("late", [1])])
