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
 * For each user in turn (KEYS and the alive-untils in pairs, in the order given):
 * sets this instance's entry (alive until the user's ARGV, or removes it for '0'),
 * folds the lapsed entries of other instances into `seen`, and on the user's global
 * transition (online before ≠ online after, ignoring lapsed scores) answers
 * {online (1|0), last seen ms (0 when online), live watcher ids…}; else {}. Going
 * offline stores `seen` = now. Answers one such reply per user, in order.
 *
 * Several users per call, because each call costs the stream service a command, its
 * serialised arguments and its promises: a connect burst or a heartbeat tick writes
 * hundreds of users at once. On a cluster, one call's users share one slot.
 *
 * KEYS: presence, watchers of user 1, then of user 2, …
 * ARGV: now (ms), instance id, retention (ms), then each user's alive-until (ms) or '0'.
 */
export const PRESENCE_UPDATE_LUA = `
local now = tonumber(ARGV[1])
local function newest(presence)
  local top = redis.call('ZREVRANGE', presence, 0, 0, 'WITHSCORES')
  return tonumber(top[2] or '0')
end
local function update(presence, watchers, aliveUntil)
  local wasOnline = newest(presence) > now
  if aliveUntil ~= '0' then
    redis.call('ZADD', presence, aliveUntil, ARGV[2])
  else
    redis.call('ZREM', presence, ARGV[2])
  end
  local lapsed = redis.call('ZRANGEBYSCORE', presence, '-inf', ARGV[1], 'WITHSCORES')
  for i = 1, #lapsed, 2 do
    if lapsed[i] ~= 'seen' then
      redis.call('ZREM', presence, lapsed[i])
      redis.call('ZADD', presence, 'GT', lapsed[i + 1], 'seen')
    end
  end
  local isOnline = newest(presence) > now
  if wasOnline and not isOnline then redis.call('ZADD', presence, ARGV[1], 'seen') end
  redis.call('PEXPIRE', presence, ARGV[3])
  if wasOnline == isOnline then return {} end
  redis.call('ZREMRANGEBYSCORE', watchers, '-inf', ARGV[1])
  local answer = {isOnline and 1 or 0, isOnline and 0 or now}
  for _, watcher in ipairs(redis.call('ZRANGE', watchers, 0, -1)) do answer[#answer + 1] = watcher end
  return answer
end
local answers = {}
for user = 1, #KEYS / 2 do
  answers[user] = update(KEYS[2 * user - 1], KEYS[2 * user], ARGV[3 + user])
end
return answers
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
