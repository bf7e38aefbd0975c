"""Correct HL7 messages mutated at random (segments dropped, repeated, swapped; fields cut short
or overwritten with the sender's own text ``MARK``; random characters spliced in): the VXU and
the query mutation tests share it, and look for ``MARK`` in CAIR's answers."""

from __future__ import annotations

from hypothesis import strategies as st

MARK = "QZXMARK"  # the sender's text: it must never come back


def mutate(text: str, data: st.DataObject) -> str:
    segments = text.rstrip("\r").split("\r")
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        at = data.draw(st.integers(0, len(segments) - 1), label="segment")
        kind = data.draw(
            st.sampled_from(["drop", "repeat", "swap", "cut", "mark", "splice", "rename"])
        )
        fields = segments[at].split("|")
        if kind == "drop" and len(segments) > 1:
            segments.pop(at)
        elif kind == "repeat":
            segments.insert(at, segments[at])
        elif kind == "swap":
            other = data.draw(st.integers(0, len(segments) - 1), label="other")
            segments[at], segments[other] = segments[other], segments[at]
        elif kind == "cut":
            keep = data.draw(st.integers(0, len(segments[at])), label="keep")
            segments[at] = segments[at][:keep]
        elif kind == "mark" and len(fields) > 1:
            number = data.draw(st.integers(1, len(fields) - 1), label="field")
            fields[number] = data.draw(
                st.sampled_from([MARK, f"{MARK}^{MARK}", f"1^{MARK}^CVX", f"{MARK}&x~y"])
            )
            segments[at] = "|".join(fields)
        elif kind == "splice":
            noise = data.draw(st.text(max_size=20), label="noise")
            where = data.draw(st.integers(0, len(segments[at])), label="where")
            segments[at] = segments[at][:where] + noise + segments[at][where:]
        elif kind == "rename":
            segments[at] = MARK[: data.draw(st.integers(1, len(MARK)))] + segments[at][3:]
    return "\r".join(segments) + "\r"
