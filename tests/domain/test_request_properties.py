"""Property tests: whatever arrives — any JSON, any text in any field of a real request — the
rules either accept it or refuse it with problems that each name a field and a rule. Never
another exception, never a problem without a path."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cair.domain.problems import InvalidRequest
from cair.domain.validation import validate_enrollment
from tests.helpers.examples import example

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
# Text as people (and attackers) type it: every plane, control characters, separators, huge.
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None), max_size=50),
    st.sampled_from(["", " ", "\x00", "a\u2028b", "\r\n", "٩٤٦٠٦", "１２３４５６", "x" * 5000]),
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in _leaves(value, (*path, index))]
    return [path]


EXAMPLES = [example(name) for name in ("clinic", "data-exchange", "school")]
LEAVES = [(index, path) for index, data in enumerate(EXAMPLES) for path in _leaves(data)]


def _assert_refused_well_or_accepted(data: Any) -> None:
    try:
        validate_enrollment(data)
    except InvalidRequest as invalid:
        assert invalid.problems
        for problem in invalid.problems:
            assert problem.path and problem.message, problem
            assert len(problem.message) < 300, problem.path


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_is_accepted_or_refused_by_field(data: Any) -> None:
    _assert_refused_well_or_accepted(data)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LEAVES), st.one_of(texts, json_values))
def test_any_value_in_any_field_of_a_real_request(
    leaf: tuple[int, tuple[Any, ...]], value: Any
) -> None:
    index, path = leaf
    data = copy.deepcopy(EXAMPLES[index])
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _assert_refused_well_or_accepted(data)
