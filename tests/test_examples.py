"""The example requests shipped in examples/ are valid as they are, with the access level the
README says; nothing in the project reads outside the repository."""

from __future__ import annotations

import json

from cair.domain.access import AccessLevel
from cair.domain.dx_registration import validate_registration
from cair.domain.regions import load_region_map
from cair.domain.validation import validate_enrollment
from tests.helpers.paths import EXAMPLES, ROOT

EXPECTED = {
    "enrollment-clinic.json": AccessLevel.CLINICAL,
    "enrollment-data-exchange.json": AccessLevel.DATA_EXCHANGE,
    "enrollment-school.json": AccessLevel.READ_ONLY,
}


def test_every_example_is_valid_with_its_documented_access_level() -> None:
    found = {path.name: path for path in EXAMPLES.glob("enrollment-*.json")}
    assert set(found) == set(EXPECTED)
    for name, path in found.items():
        valid = validate_enrollment(json.loads(path.read_text()))
        assert valid.access_level == EXPECTED[name], name


def test_the_examples_are_the_projects_own() -> None:
    """The examples live in the repository, as files of their own (no link to elsewhere):
    cloned anywhere, the project is whole."""
    assert EXAMPLES == ROOT / "examples"
    for path in EXAMPLES.iterdir():
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(ROOT.resolve()), path


def test_the_site_registration_example_is_valid() -> None:
    """What a Data Exchange organization registers at the IZ Portal: a role 1 site in Alameda."""
    assert {p.name for p in EXAMPLES.glob("*.json")} == {*EXPECTED, "dx-site-registration.json"}
    data = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    registration = validate_registration(
        data, load_region_map(), sites_registered=0, own_sites=set(), sending_facilities=set()
    )
    assert (registration.role, registration.county) == (1, "Alameda")
