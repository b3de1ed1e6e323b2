"""Live state in Redis, shared by every app process of a scale-out deployment.

Each compound operation is one Lua script, so it is atomic across processes. "Now" comes from the
injected clock as a script argument (not Redis TIME) so slot expiry follows the same clock as the
in-memory implementation; key TTLs are real seconds and only bound how long Redis keeps anything.

Keys, all under the prefix (default "cc:"):
  slot:<slot id>                          JSON: the slot's expiry, its scopes' keys, counter TTLs
  live:<scope>                            sorted set: slot id -> expiry (clock seconds)
  connected:<scope>:<kind>:<period key>   connected calls of the scope in that period
  cursor:<key>   rate:<key> (hash: window, count)   cache:<key> (hash: value, expires_at)

The release script touches keys named in the slot record rather than in KEYS: fine on one Redis
server; on Redis Cluster the prefix must carry a hash tag (e.g. "{cc}:") so all keys share a slot.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import BlockingConnectionPool, Redis

from callcenter.live.base import (
    CURSOR_TTL_S,
    DEFAULT_CLOCK,
    PERIOD_KINDS,
    RELEASE_GRACE_S,
    CapKind,
    CapScope,
    Clock,
    Periods,
    RateDecision,
    Reservation,
    ScopeUsage,
    rate_decision,
    rate_window,
    require_positive,
)

# Caps in the order they are checked; the reserve script reports a failure by 1-based position.
_CAP_ORDER = (CapKind.CONCURRENCY, *PERIOD_KINDS)
_UNLIMITED = -1

# KEYS: slot record, then per scope: live set, hourly, daily, monthly counter.
# ARGV: now, expires_at, slot id, record ttl, set ttl, hourly/daily/monthly counter ttl, then per
# scope the four caps (-1 = none). Returns {1} or {0, scope position, cap position}.
# The slot record keeps the scope keys and counter ttls, so release needs nothing but the slot id.
# Times stay strings where Redis reads them back: it formats Lua numbers with 14 significant digits.
_RESERVE = """
local now = tonumber(ARGV[1])
local held = redis.call('GET', KEYS[1])
if held and tonumber(cjson.decode(held)['expires_at']) > now then
  return {1}
end
local scopes = (#KEYS - 1) / 4
for i = 0, scopes - 1 do
  local live_key = KEYS[2 + 4 * i]
  redis.call('ZREMRANGEBYSCORE', live_key, '-inf', ARGV[1])
  local live = redis.call('ZCARD', live_key)
  local cap = tonumber(ARGV[9 + 4 * i])
  if cap >= 0 and live >= cap then
    return {0, i + 1, 1}
  end
  for period = 1, 3 do
    cap = tonumber(ARGV[9 + 4 * i + period])
    if cap >= 0 and tonumber(redis.call('GET', KEYS[2 + 4 * i + period]) or '0') + live >= cap then
      return {0, i + 1, period + 1}
    end
  end
end
local set_ttl = tonumber(ARGV[5])
for i = 0, scopes - 1 do
  local live_key = KEYS[2 + 4 * i]
  redis.call('ZADD', live_key, ARGV[2], ARGV[3])
  if redis.call('TTL', live_key) < set_ttl then
    redis.call('EXPIRE', live_key, set_ttl)
  end
end
local record = {id = ARGV[3], expires_at = ARGV[2], keys = {unpack(KEYS, 2)}}
record['ttls'] = {ARGV[6], ARGV[7], ARGV[8]}
redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ARGV[4])
return {1}
"""

# KEYS: slot record. ARGV: connected (1/0), now, grace. Returns 1 if this call released the slot.
_RELEASE = """
local held = redis.call('GET', KEYS[1])
if not held then
  return 0
end
redis.call('DEL', KEYS[1])
local slot = cjson.decode(held)
if tonumber(slot['expires_at']) + tonumber(ARGV[3]) <= tonumber(ARGV[2]) then
  return 0
end
for i = 1, #slot['keys'], 4 do
  redis.call('ZREM', slot['keys'][i], slot['id'])
  if ARGV[1] == '1' then
    for period = 1, 3 do
      local counter = slot['keys'][i + period]
      if redis.call('INCR', counter) == 1 then
        redis.call('EXPIRE', counter, slot['ttls'][period])
      end
    end
  end
end
return 1
"""

# KEYS: cursor. ARGV: ttl. Returns the position before the increment (0 first).
_USAGE = """
-- ARGV: now, the live-set key prefix, the counter key prefix, the hourly, daily and monthly counter key
-- suffixes, then the scopes. The keys are built here rather than sent: 41 scopes are 164 keys, whose
-- packing was most of the call's cost (one Redis instance holds them all; in a cluster the scopes would
-- need one hash tag).
-- Returns, per scope, live slots not yet expired and the hourly, daily and monthly connected counts.
local now, live_prefix, counter_prefix = ARGV[1], ARGV[2], ARGV[3]
local result = {}
for i = 7, #ARGV do
  local scope = ARGV[i]
  result[#result + 1] = redis.call('ZCOUNT', live_prefix .. scope, '(' .. now, '+inf')
  for j = 4, 6 do
    result[#result + 1] = tonumber(redis.call('GET', counter_prefix .. scope .. ARGV[j]) or '0')
  end
end
return result
"""

_NEXT_CURSOR = """
local position = redis.call('INCR', KEYS[1]) - 1
redis.call('EXPIRE', KEYS[1], ARGV[1])
return position
"""

# KEYS: rate window. ARGV: window number, ttl. Returns the count including this hit.
_HIT = """
local state = redis.call('HMGET', KEYS[1], 'window', 'count')
local count = 1
if state[1] == ARGV[1] then
  count = tonumber(state[2]) + 1
end
redis.call('HSET', KEYS[1], 'window', ARGV[1], 'count', count)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return count
"""

# KEYS: cache entry. ARGV: value, expires_at, ttl ms, now, only if absent (1/0). Returns 1 if stored.
_CACHE_SET = """
if ARGV[5] == '1' then
  local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
  if expires_at and tonumber(expires_at) > tonumber(ARGV[4]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'expires_at', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


def _period_suffix(kind: CapKind, periods: Periods) -> str:
    """The end of a connected-calls counter's key: its kind and period (``:hourly:2026112114``)."""
    return f":{kind}:{periods.key(kind)}"


class RedisLiveState:
    """`LiveState` in Redis; see `LiveState` for the rules. Takes ownership of `client`, which must
    decode responses (`decode_responses=True`); `close()` closes it."""

    def __init__(self, client: Redis, *, prefix: str = "cc:", clock: Clock = DEFAULT_CLOCK) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)
        self._next_cursor = client.register_script(_NEXT_CURSOR)
        self._usage = client.register_script(_USAGE)
        self._hit = client.register_script(_HIT)
        self._cache_set = client.register_script(_CACHE_SET)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "cc:",
        clock: Clock = DEFAULT_CLOCK,
        max_connections: int = 64,
        timeout_s: float = 1.0,
    ) -> RedisLiveState:
        """A client on a blocking pool: a burst of calls waits for a free connection instead of failing
        ("Too many connections"). Connecting, waiting and every reply are bounded by `timeout_s`, so a
        stalled Redis raises instead of hanging a voice webhook that must answer within 2 s."""
        pool = BlockingConnectionPool.from_url(
            url,
            decode_responses=True,
            max_connections=max_connections,
            timeout=timeout_s,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
        )
        # `from_pool` hands the pool to the client, which disconnects it on close.
        client = Redis.from_pool(pool)
        return cls(client, prefix=prefix, clock=clock)

    async def reserve(
        self, slot_id: str, scopes: Sequence[CapScope], periods: Periods, ttl_s: int
    ) -> Reservation:
        require_positive("ttl_s", ttl_s)
        now = self._clock()
        keys = [self._key("slot", slot_id)]
        caps: list[int] = []
        for scope in scopes:
            keys.append(self._key("live", scope.key))
            keys.extend(self._counter(scope.key, kind, periods) for kind in PERIOD_KINDS)
            caps.extend(_UNLIMITED if (cap := scope.cap(kind)) is None else cap for kind in _CAP_ORDER)
        result = await self._reserve(
            keys=keys,
            args=[
                repr(now),
                repr(now + ttl_s),
                slot_id,
                ttl_s + RELEASE_GRACE_S,
                ttl_s,
                periods.hour_ttl_s,
                periods.day_ttl_s,
                periods.month_ttl_s,
                *caps,
            ],
        )
        if result[0] == 1:
            return Reservation(ok=True)
        return Reservation(
            ok=False, failed_scope=scopes[result[1] - 1].key, failed_cap=_CAP_ORDER[result[2] - 1]
        )

    async def release(self, slot_id: str, *, connected: bool) -> bool:
        released = await self._release(
            keys=[self._key("slot", slot_id)],
            args=[int(connected), repr(self._clock()), RELEASE_GRACE_S],
        )
        return bool(released)

    async def usage(self, scopes: Sequence[str], periods: Periods) -> dict[str, ScopeUsage]:
        # One script call, one reply: a pipeline of per-scope commands costs a parsed reply per command,
        # which dominated the voice webhook with 40 scopes.
        if not scopes:
            return {}
        # The keys as _key and _counter name them, sent in parts that the script joins.
        suffixes = [_period_suffix(kind, periods) for kind in PERIOD_KINDS]
        args = [repr(self._clock()), self._key("live", ""), self._key("connected", ""), *suffixes, *scopes]
        counts: list[int] = await self._usage(keys=[], args=args)
        return {
            scope: ScopeUsage(
                live=int(counts[4 * i]),
                hourly=int(counts[4 * i + 1]),
                daily=int(counts[4 * i + 2]),
                monthly=int(counts[4 * i + 3]),
            )
            for i, scope in enumerate(scopes)
        }

    async def next_cursor(self, key: str) -> int:
        position = await self._next_cursor(keys=[self._key("cursor", key)], args=[CURSOR_TTL_S])
        return int(position)

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        require_positive("window_s", window_s)
        now = self._clock()
        count = await self._hit(keys=[self._key("rate", key)], args=[rate_window(now, window_s), window_s])
        return rate_decision(now, count=int(count), limit=limit, window_s=window_s)

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._key("rate", key))

    async def cache_set(self, key: str, value: str, ttl_s: float) -> None:
        await self._store(key, value, ttl_s, only_if_absent=False)

    async def cache_get(self, key: str) -> str | None:
        value, expires_at = await self._redis.hmget(self._key("cache", key), ["value", "expires_at"])
        if expires_at is None or float(expires_at) <= self._clock():
            return None
        # The client decodes responses (decode_responses=True), so the value is text.
        return None if value is None else str(value)

    async def cache_set_if_absent(self, key: str, value: str, ttl_s: float) -> bool:
        return await self._store(key, value, ttl_s, only_if_absent=True)

    async def close(self) -> None:
        await self._redis.aclose()

    async def _store(self, key: str, value: str, ttl_s: float, *, only_if_absent: bool) -> bool:
        require_positive("ttl_s", ttl_s)
        now = self._clock()
        stored = await self._cache_set(
            keys=[self._key("cache", key)],
            args=[value, repr(now + ttl_s), max(1, round(ttl_s * 1000)), repr(now), int(only_if_absent)],
        )
        return bool(stored)

    def _counter(self, scope: str, kind: CapKind, periods: Periods) -> str:
        return self._key("connected", scope) + _period_suffix(kind, periods)

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)
