"""The per-client /verify bucket: a client spends its burst and waits for the rate, and a
stranger rotating addresses (an IPv6 /64 holds 2^64) cannot grow the table without bound --
each new address used to add a bucket forever, since buckets were only forgotten on a refusal
and a new address is never refused."""

from __future__ import annotations

from ecoai_chain.api.ratelimit import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now_s = 1_000.0

    def __call__(self) -> float:
        return self.now_s


def test_a_client_spends_its_burst_then_waits_for_the_rate():
    clock = Clock()
    bucket = TokenBucket(rate_per_s=0.5, burst=2, clock=clock)
    assert bucket.allow("a")[0] and bucket.allow("a")[0]
    allowed, wait_s = bucket.allow("a")
    assert not allowed and wait_s == 2.0
    assert bucket.allow("b")[0]  # another client has its own bucket
    clock.now_s += 2.0
    assert bucket.allow("a")[0]


def test_rotating_client_addresses_keep_the_table_bounded():
    clock = Clock()
    bucket = TokenBucket(rate_per_s=0.1, burst=3, clock=clock, max_keys=1_000)
    for i in range(20_000):
        assert bucket.allow(f"2001:db8::{i:x}")[0]
        clock.now_s += 0.001
    assert len(bucket) <= 1_000


def test_a_client_that_just_spent_its_tokens_is_not_the_one_forgotten():
    clock = Clock()
    bucket = TokenBucket(rate_per_s=0.001, burst=1, clock=clock, max_keys=10)
    assert bucket.allow("spender")[0]
    for i in range(9):
        bucket.allow(f"idle-{i}")
        clock.now_s += 1
    assert not bucket.allow("spender")[0]  # now the most recently used
    bucket.allow("newcomer")  # the eleventh key: the least recently used (idle-0) goes
    assert len(bucket) == 10
    assert not bucket.allow("spender")[0]  # kept, still empty: not refilled by eviction
    assert bucket.allow("idle-0")[0]
