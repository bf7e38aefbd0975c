"""The handles an operation needs: settings, the store, and (lazily) a Temporal client."""

from __future__ import annotations

from temporalio.client import Client

from cair.operations.errors import Unavailable
from cair.settings import Settings
from cair.store.database import Database
from cair.temporal.client import connect


class Context:
    def __init__(self, settings: Settings, *, client: Client | None = None) -> None:
        self.settings = settings
        self.db = Database(settings)
        self._client = client

    async def temporal(self) -> Client:
        if self._client is None:
            try:
                self._client = await connect(self.settings)
            except RuntimeError as error:
                raise Unavailable(
                    f"cannot reach Temporal at {self.settings.temporal_address}: is `cair dev` "
                    f"running? ({error})"
                ) from error
        return self._client

    async def close(self) -> None:
        await self.db.dispose()
