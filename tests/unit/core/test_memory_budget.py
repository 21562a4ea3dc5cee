"""The server's one memory budget: a stream waits for room before it reads, waiters are served
in arrival order, and bytes that already exist are counted even past the capacity."""

from __future__ import annotations

import asyncio

from exprun.server.core.memory import MemoryBudget


async def test_a_hold_waits_until_its_bytes_fit_and_release_lets_it_in() -> None:
    budget = MemoryBudget(100)
    first = await budget.hold(80)
    waiting = asyncio.ensure_future(budget.hold(30))
    await asyncio.sleep(0)
    assert not waiting.done()
    first.release()
    second = await waiting
    assert budget.used == 30
    second.release()
    assert budget.used == 0


async def test_waiters_are_served_in_arrival_order_so_a_large_one_is_not_starved() -> None:
    budget = MemoryBudget(100)
    held = await budget.hold(90)
    large = asyncio.ensure_future(budget.hold(60))
    await asyncio.sleep(0)
    small = asyncio.ensure_future(budget.hold(5))  # would fit now, but arrived after `large`
    await asyncio.sleep(0)
    assert not small.done()
    held.release()
    await asyncio.wait_for(large, 5)
    await asyncio.wait_for(small, 5)
    assert budget.used == 65


async def test_growing_a_hold_counts_bytes_past_the_capacity_and_blocks_others() -> None:
    budget = MemoryBudget(100)
    hold = await budget.hold(10)
    hold.resize(150)  # a message arrived larger than its hold: it exists, so it counts
    assert budget.used == 150
    other = asyncio.ensure_future(budget.hold(1))
    await asyncio.sleep(0)
    assert not other.done()
    hold.resize(20)  # parsed and packed: smaller now
    await asyncio.wait_for(other, 5)
    assert budget.used == 21


async def test_a_cancelled_waiter_gives_way_to_those_behind_it() -> None:
    budget = MemoryBudget(100)
    held = await budget.hold(50)
    blocked = asyncio.ensure_future(budget.hold(80))
    await asyncio.sleep(0)
    behind = asyncio.ensure_future(budget.hold(40))
    await asyncio.sleep(0)
    blocked.cancel()
    await asyncio.wait_for(behind, 5)
    assert budget.used == 90
    held.release()
    assert budget.used == 40


async def test_a_request_above_the_capacity_waits_for_all_of_it_instead_of_forever() -> None:
    budget = MemoryBudget(100)
    hold = await asyncio.wait_for(budget.hold(1_000), 5)
    assert hold.amount == 100


async def test_a_hold_waiting_for_its_message_lends_its_bytes_and_takes_them_back_on_arrival() -> None:
    budget = MemoryBudget(100, lend_limit=100)
    quiet = await budget.hold(80)
    with quiet.awaiting_message():
        busy = await asyncio.wait_for(budget.hold(60), 5)  # lent by the quiet hold
        assert (budget.used, budget.lent) == (60, 80)
    # The quiet stream's message arrived: its bytes exist, so they count past the capacity...
    assert (budget.used, budget.lent) == (140, 0)
    later = asyncio.ensure_future(budget.hold(1))
    await asyncio.sleep(0)
    assert not later.done()  # ...and everyone else waits until they are gone
    busy.release()
    quiet.release()
    await asyncio.wait_for(later, 5)
    assert budget.used == 1


async def test_lending_stops_at_the_lend_limit_so_bytes_in_flight_stay_bounded() -> None:
    budget = MemoryBudget(100, lend_limit=50)
    quiet = [await budget.hold(40), await budget.hold(40)]
    with quiet[0].awaiting_message(), quiet[1].awaiting_message():
        waiter = asyncio.ensure_future(budget.hold(70))
        await asyncio.sleep(0)
        assert budget.lent == 40  # the second 40 would pass the limit of 50
        assert not waiter.done()
    assert budget.lent == 0
    for hold in quiet:
        hold.release()
    await asyncio.wait_for(waiter, 5)
    assert budget.used == 70
