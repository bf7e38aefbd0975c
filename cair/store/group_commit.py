"""Writes that arrive while another is committing are committed together, in one transaction.

SQLite commits one transaction at a time, and each commit waits for the disk; twenty sites
sending at once would otherwise stand in line for twenty commits. A waiting writer's item joins
the next batch instead, so one commit serves all that waited for it. Each caller still gets its
own answer, and nothing is answered before its batch has committed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")
R = TypeVar("R")

# What one batch's write is given: the session of its transaction and the items, in the order
# they arrived; it returns one answer per item, in the same order.
Write = Callable[[AsyncSession, Sequence[T]], Awaitable[list[R]]]

MOST_IN_A_BATCH = 64

log = logging.getLogger("cair.store")


class GroupCommit(Generic[T, R]):
    """One batch writes at a time; items that arrive meanwhile wait for the next one.

    A batch that one of its items broke (a constraint, a value the column refuses) is written
    again item by item, each in its own transaction, so a bad item fails only its own caller;
    any other failure (the store unreachable, a timeout) fails the whole batch at once, since
    writing the items one by one would only wait for it again and again. A batch is written in
    a task of its own, and its leader holds the turn until the batch is done even if its caller
    went away (a client hung up): nobody else's item is rolled back with it."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        write: Write[T, R],
        *,
        most: int = MOST_IN_A_BATCH,
    ) -> None:
        self._sessions = sessions
        self._write = write
        self._most = most
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._turn = asyncio.Lock()
        self._writing: set[asyncio.Task[None]] = set()  # strong references to running batches
        self.batches = 0  # committed batches, for tests and metrics

    async def __call__(self, item: T) -> R:
        answer: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        waiting = (item, answer)
        self._waiting.append(waiting)
        try:
            async with self._turn:
                if not answer.done():  # not written by the batch before: lead the next one
                    await self._lead()
        except asyncio.CancelledError:
            if waiting in self._waiting:  # not yet in a batch: never written
                self._waiting.remove(waiting)
            answer.cancel()
            raise
        return await answer

    async def _lead(self) -> None:
        """Write the waiting items as one batch, holding the turn until it is done."""
        batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
        task = asyncio.ensure_future(self._written(batch))
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            await asyncio.wait({task})  # the next batch starts only once this one is done
            raise

    async def _written(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            await self._write_batch(batch)
        finally:  # whatever happened, nobody waits in vain
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(RuntimeError("the store's writer stopped"))

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            async with self._sessions.begin() as session:
                results = await self._write(session, [item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{len(results)} answers for {len(batch)} items")
        except (IntegrityError, DataError) as error:
            if len(batch) == 1:
                _failed(batch[0][1], error)
                return
            log.warning("a batch of %d failed (%s); writing them one by one", len(batch), error)
            for one in batch:
                if not one[1].done():  # its caller still waits
                    await self._write_batch([one])
            return
        except Exception as error:
            log.warning("a batch of %d failed: %s", len(batch), error)
            for _, answer in batch:
                _failed(answer, error)
            return
        self.batches += 1
        for (_, answer), result in zip(batch, results, strict=True):
            if not answer.done():  # done: its caller went away
                answer.set_result(result)


def _failed(answer: asyncio.Future[R], error: BaseException) -> None:
    if not answer.done():
        answer.set_exception(error)
