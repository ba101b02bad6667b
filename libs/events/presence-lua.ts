/**
 * The presence scripts. A user's presence is one sorted set (channels.ts `userPresence`):
 *  - one member per stream instance holding a stream of theirs, scored by "alive until"
 *    (ms): the instance refreshes it on every heartbeat, so the entry of a killed
 *    instance lapses on its own;
 *  - the member `seen`, scored by when they were last seen (ms).
 * So the newest score says it all: above now, online; otherwise it is the last-seen
 * time (`seen`, or the alive-until of an instance that lapsed, the latest moment it
 * could vouch for the user); none, never seen. Reading it is one ZREVRANGE per user.
 *
 * Their watchers are another sorted set under the same hash tag (`userWatchers`):
 * watcher user id scored by watch expiry (ms).
 */

/**
 * Sets this instance's entry (alive until ARGV[3], or removes it for '0'), folds the
 * lapsed entries of other instances into `seen`, and on the user's global transition
 * (online before ≠ online after, ignoring lapsed scores) returns
 * {online (1|0), last seen ms (0 when online), live watcher ids…}; else {}.
 * Going offline stores `seen` = now.
 *
 * KEYS: presence, watchers. ARGV: now (ms), instance id, alive-until (ms) or '0', retention (ms).
 */
export const PRESENCE_UPDATE_LUA = `
local now = tonumber(ARGV[1])
local function newest()
  local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(top[2] or '0')
end
local wasOnline = newest() > now
if ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES')
for i = 1, #lapsed, 2 do
  if lapsed[i] ~= 'seen' then
    redis.call('ZREM', KEYS[1], lapsed[i])
    redis.call('ZADD', KEYS[1], 'GT', lapsed[i + 1], 'seen')
  end
end
local isOnline = newest() > now
if wasOnline and not isOnline then redis.call('ZADD', KEYS[1], ARGV[1], 'seen') end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if wasOnline == isOnline then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local answer = {isOnline and 1 or 0, isOnline and 0 or now}
for _, watcher in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do answer[#answer + 1] = watcher end
return answer
`;

/**
 * Registers ARGV[2] as a watcher of the user until ARGV[3] (dropping expired watchers)
 * and returns the user's newest presence score (or nil).
 *
 * KEYS: presence, watchers. ARGV: now (ms), watcher id, watch expiry (ms), watchers TTL (ms).
 */
export const PRESENCE_WATCH_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return top[2] or false
`;
