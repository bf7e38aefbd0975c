"""Writes that arrive while another is committing are committed together, in one transaction.

SQLite commits one transaction at a time, and each commit waits for the disk; twenty sites
sending at once would otherwise stand in line for twenty commits. A waiting writer's item joins
the next batch instead, so one commit serves all that waited for it. Each caller still gets its
own answer, and nothing is answered before its batch has committed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")
R = TypeVar("R")

# What one batch's write is given: the session of its transaction and the items, in the order
# they arrived; it returns one answer per item, in the same order.
Write = Callable[[AsyncSession, Sequence[T]], Awaitable[list[R]]]

MOST_IN_A_BATCH = 64


class GroupCommit(Generic[T, R]):
    """One batch writes at a time; items that arrive meanwhile wait for the next one.

    A batch that fails is written again item by item, each in its own transaction, so one bad
    item fails only its own caller. A batch is written in a task of its own: a caller that goes
    away (a client hung up) does not roll back the others' items."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], write: Write[T, R], *, most: int = 0
    ) -> None:
        self._sessions = sessions
        self._write = write
        self._most = most or MOST_IN_A_BATCH
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._turn = asyncio.Lock()
        self.batches = 0  # committed batches, for tests and metrics

    async def __call__(self, item: T) -> R:
        answer: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        waiting = (item, answer)
        self._waiting.append(waiting)
        try:
            async with self._turn:
                if not answer.done():  # not written by the batch before: lead the next one
                    batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
                    await asyncio.shield(asyncio.ensure_future(self._written(batch)))
        except asyncio.CancelledError:
            if waiting in self._waiting:  # not yet in a batch: never written
                self._waiting.remove(waiting)
            raise
        return await answer

    async def _written(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            async with self._sessions.begin() as session:
                results = await self._write(session, [item for item, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _failed(batch[0][1], error)
                return
            for one in batch:
                await self._written([one])
            return
        except BaseException as error:  # the loop is closing: nobody waits in vain
            for _, answer in batch:
                _failed(answer, RuntimeError("the store's writer stopped"))
            raise error
        self.batches += 1
        for (_, answer), result in zip(batch, results, strict=True):
            if not answer.done():  # done: its caller went away
                answer.set_result(result)


def _failed(answer: asyncio.Future[R], error: BaseException) -> None:
    if not answer.done():
        answer.set_exception(error)
