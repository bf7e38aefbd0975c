"""Custom search attributes for ops in the Temporal UI. None carries personal data."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError

CAIR_REGION = SearchAttributeKey.for_keyword("CairRegion")
ORG_TYPE = SearchAttributeKey.for_keyword("OrgType")
ACCESS_LEVEL = SearchAttributeKey.for_keyword("AccessLevel")
ENROLLMENT_STAGE = SearchAttributeKey.for_keyword("EnrollmentStage")
PROVIDER_ID = SearchAttributeKey.for_keyword("ProviderId")
DX_STAGE = SearchAttributeKey.for_keyword("DxStage")  # a data-exchange site's onboarding stage

ALL_KEYS = (CAIR_REGION, ORG_TYPE, ACCESS_LEVEL, ENROLLMENT_STAGE, PROVIDER_ID, DX_STAGE)


def dev_server_flags() -> list[str]:
    """``temporal server start-dev`` flags that register them at start."""
    flags: list[str] = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}=Keyword"]
    return flags


async def register(client: Client, namespace: str = "default") -> None:
    """Register them on a server that does not know them (the time-skipping test server)."""
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    key.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for key in ALL_KEYS
                },
            )
        )
    except RPCError as error:
        if "already" not in error.message.lower():
            raise
