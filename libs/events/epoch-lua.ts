/**
 * Lua for the scripts that start a user's log: `newEpoch()` names a new life of it,
 * the Redis `TIME` in microseconds as decimal text (see cursor.ts). Taken from the
 * server that holds the log, so epochs of one user only grow, whichever client starts one.
 */
export const NEW_EPOCH_LUA = `
local function newEpoch()
  local now = redis.call('TIME')
  return now[1] .. string.format('%06d', tonumber(now[2]))
end
`;
