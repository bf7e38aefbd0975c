"""The IZ Portal's questions about the first site of an organization enrolling at the CAIR IZ
Portal: the site registration form's own sections (dx_site_form), their paths under
``data_exchange.``, so both forms ask them the same way and one set of rules names their
problems; and the posted answers read as the site registration form reads them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cair.domain.dx_answers import ExchangeAnswers
from cair.web.pages import dx_site_form
from cair.web.pages.form_fields import Section, labels, prefixed

DX = "data_exchange."
_SITE_PARTS = {s.path: s for s in dx_site_form.SECTIONS}
_ROLE = replace(
    dx_site_form.ROLE,
    fields=(
        dx_site_form.ROLE.fields[0],
        replace(
            dx_site_form.ROLE.fields[1],
            label="Sending Facility's Site ID",
            hint="Role 2 only: the Site ID of the registered Sending Facility that sends for "
            "you, e.g. CA100007-01.",
        ),
    ),
)
DX_SECTIONS: tuple[Section, ...] = tuple(
    prefixed(section, DX)
    for section in (
        *(_SITE_PARTS[p] for p in ("lead_clinician", "site_contact", "ehr", "exchange_contact")),
        _ROLE,
        _SITE_PARTS["agreement"],
    )
)
DX_FACTS = tuple(DX + expr for expr in dx_site_form.FACTS)


def _exchange_part(path: str) -> bool:
    return path.split(".")[0] in ExchangeAnswers.model_fields


def _moved(anchor: str) -> str:
    """``f-ehr-name`` → ``f-data_exchange-ehr-name``."""
    kind, _, rest = anchor.partition("-")
    return f"{kind}-{DX.rstrip('.')}-{rest}"


DX_ANCHORS = {DX.rstrip("."): "s-data_exchange"} | {
    DX + path: _moved(anchor)
    for path, anchor in dx_site_form.ANCHORS.items()
    if _exchange_part(path)
}
DX_LABELS = (
    {DX.rstrip("."): "Data exchange"}
    | {DX + path: label for path, label in dx_site_form.LABELS.items() if _exchange_part(path)}
    | labels(DX_SECTIONS)
)


def exchange(form: Any) -> dict[str, Any]:
    """The posted answers under ``data_exchange.``, read by the site registration form's own
    parse: the same parts left out or sent empty. What only a site registration asks (its
    name, county, address) is not asked here, so not kept."""
    own = {key.removeprefix(DX): form.get(key) for key in form if key.startswith(DX)}
    found = dx_site_form.parse(own)
    return {key: value for key, value in found.items() if key in ExchangeAnswers.model_fields}
