#include "core/redis/redisscripts.h"

#include <QCryptographicHash>

namespace wb::redis {

namespace {

// Shared by every script: time, parsing, pruning expired charges and leases, the budget's spend.
constexpr const char kPrelude[] = R"lua(
local D = {'r', 't', 'i', 'o'}
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function nums(s)
  local a = {}
  for x in string.gmatch(s, '-?[%d%.]+') do a[#a + 1] = tonumber(x) end
  return a
end
local function hnum(k, f) return tonumber(redis.call('HGET', k, f) or '0') end
local function int(x) return string.format('%d', x) end
local function prune(now)
  local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
  for _, id in ipairs(gone) do
    local a = redis.call('HGET', KEYS[2], id)
    if a then
      a = nums(a)
      for d = 1, 4 do if a[d] ~= 0 then redis.call('HINCRBY', KEYS[3], D[d], int(-a[d])) end end
      redis.call('HDEL', KEYS[2], id)
    end
  end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
  local lost = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
  for _, id in ipairs(lost) do
    redis.call('HINCRBY', KEYS[3], 'h', int(-hnum(KEYS[5], id)))
    redis.call('HDEL', KEYS[5], id)
  end
  if #lost > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now) end
end
local function bprune(now)
  local lost = redis.call('ZRANGEBYSCORE', KEYS[8], '-inf', now)
  for _, id in ipairs(lost) do
    local a = nums(redis.call('HGET', KEYS[9], id) or '0,0')
    -- The process that held it is gone and its call may have been billed: book the bound.
    redis.call('HINCRBY', KEYS[7], 'held', int(-a[1]))
    redis.call('HINCRBY', KEYS[7], 'bound', int(-a[2]))
    redis.call('HINCRBY', KEYS[7], 'x', int(a[2]))
    redis.call('HDEL', KEYS[9], id)
  end
  if #lost > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now) end
end
local function spent()
  local all = redis.call('HGETALL', KEYS[7])
  local sum = 0
  for k = 1, #all, 2 do
    local f = all[k]
    if f == 'base' or f == 'x' or string.sub(f, 1, 2) == 'p:' then sum = sum + tonumber(all[k + 1]) end
  end
  return sum
end
local function level(d, lim, win, now)
  local lv = redis.call('HGET', KEYS[6], 'l' .. D[d])
  if not lv then return lim end
  lv = tonumber(lv) + (now - hnum(KEYS[6], 'ts' .. D[d])) * lim / win
  if lv > lim then lv = lim end
  return lv
end
local function setLevel(d, lv, now)
  redis.call('HSET', KEYS[6], 'l' .. D[d], string.format('%.3f', lv), 'ts' .. D[d], int(now))
end
local function touch(ttl)
  for k = 1, 6 do redis.call('PEXPIRE', KEYS[k], int(ttl)) end
end
)lua";

// ARGV: ticket, window ms, lease ms, bucket (0/1), rpm, tpm, itpm, otpm reserve, limits rpm tpm itpm
// otpm (0 = none), budget estimate, budget bound, cap (-1 = none), far factor, budget ttl ms (0 = none),
// bucket lag ms.
// Returns {status, wait ms, dimension, held}: 1 admitted, 0 wait, 2 budget wait, 3 budget
// exhausted, 4 never fits.
constexpr const char kAdmit[] = R"lua(
local tk = ARGV[1]
local win, lease, bucket = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
local amt = {tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), 0}
local res = tonumber(ARGV[8])
local lim = {tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])}
local best, bbound, cap, far, bttl = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17])
local lag = tonumber(ARGV[18] or '0')
-- A bucket keeps lag ms of refill in reserve: a call may reach the provider that much later,
-- relative to the others, than it was admitted (a new connection), and still find its token.
local function margin(d, a) return math.min(lim[d], a + lim[d] * lag / win) end
local now = nowms()
if redis.call('HEXISTS', KEYS[2], tk) == 1 then
  -- The same request again after its reply was lost with the connection: it is already admitted.
  local b = redis.call('HGET', KEYS[9], tk)
  return {1, 0, -1, b and nums(b)[1] or 0}
end
prune(now)
local used = {}
for d = 1, 4 do used[d] = hnum(KEYS[3], D[d]) end
local held = hnum(KEYS[3], 'h')
local wait, wdim = 0, -1
local need = {}
for d = 1, 3 do
  if lim[d] > 0 and amt[d] > 0 then
    if amt[d] > lim[d] then return {4, 0, d - 1, 0} end
    if bucket then
      local lv = level(d, lim[d], win, now)
      local ask = margin(d, amt[d])
      if lv < ask then
        local w = math.ceil((ask - lv) * win / lim[d])
        if w > wait then wait, wdim = w, d - 1 end
      end
    elseif used[d] + amt[d] > lim[d] then
      need[d] = used[d] + amt[d] - lim[d]
    end
  end
end
if lim[4] > 0 and res > 0 then
  local want = held + math.min(lim[4], res)
  if want > lim[4] then
    -- Calls in flight hold the output: their replies (in any process) free it. Ask again soon.
    if 250 > wait then wait, wdim = 250, 3 end
  elseif bucket then
    local lv = level(4, lim[4], win, now) - held
    local ask = margin(4, res)
    if lv < ask then
      local w = math.ceil((ask - lv) * win / lim[4])
      if w > wait then wait, wdim = w, 3 end
    end
  elseif used[4] + want > lim[4] then
    need[4] = used[4] + want - lim[4]
  end
end
if next(need) ~= nil then
  -- The earliest time enough of the window expires, exactly: walk the charges by expiry.
  local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  local freed, sat = {0, 0, 0, 0}, {}
  local left = 0
  for _ in pairs(need) do left = left + 1 end
  for k = 1, #entries, 2 do
    local a = redis.call('HGET', KEYS[2], entries[k])
    if a then
      a = nums(a)
      for d, n in pairs(need) do
        freed[d] = freed[d] + a[d]
        if not sat[d] and freed[d] >= n then sat[d] = tonumber(entries[k + 1]) left = left - 1 end
      end
      if left == 0 then break end
    end
  end
  for d, _ in pairs(need) do
    local w = (sat[d] or (now + win)) - now + 1
    if w > wait then wait, wdim = w, d - 1 end
  end
end
if wait > 0 then return {0, wait, wdim, 0} end
local hold = 0
if cap >= 0 then
  bprune(now)
  local bnd = math.max(bbound, best)
  local head = cap - spent()
  local inb = hnum(KEYS[7], 'bound')
  if inb + bnd > head then
    if inb > 0 then return {2, 200, -1, 0} end
    return {3, 0, -1, 0}
  end
  if math.floor(head / far) >= inb + bnd then hold = best else hold = bnd end
  redis.call('HINCRBY', KEYS[7], 'held', int(hold))
  redis.call('HINCRBY', KEYS[7], 'bound', int(bnd))
  redis.call('ZADD', KEYS[8], int(now + lease), tk)
  redis.call('HSET', KEYS[9], tk, int(hold) .. ',' .. int(bnd))
  if bttl > 0 then
    for k = 7, 9 do redis.call('PEXPIRE', KEYS[k], int(bttl)) end
  end
end
redis.call('ZADD', KEYS[1], int(now + win), tk)
redis.call('HSET', KEYS[2], tk, int(amt[1]) .. ',' .. int(amt[2]) .. ',' .. int(amt[3]) .. ',0')
for d = 1, 3 do if amt[d] ~= 0 then redis.call('HINCRBY', KEYS[3], D[d], int(amt[d])) end end
if bucket then
  for d = 1, 3 do
    if lim[d] > 0 and amt[d] > 0 then setLevel(d, level(d, lim[d], win, now) - amt[d], now) end
  end
end
if res > 0 then
  redis.call('ZADD', KEYS[4], int(now + lease), tk)
  redis.call('HSET', KEYS[5], tk, int(res))
  redis.call('HINCRBY', KEYS[3], 'h', int(res))
end
touch(win + lease + 60000)
return {1, 0, -1, hold}
)lua";

// ARGV: ticket, window ms, bucket, tokens (-1 = keep), input tokens (-1 = keep), output tokens,
// cost micros, budget field of this process, limits rpm tpm itpm otpm. Idempotent: amounts are
// set, not added, and each hold is released once.
constexpr const char kSettle[] = R"lua(
local tk, win, bucket = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local set = {-1, tonumber(ARGV[4]), tonumber(ARGV[5])}
local out, cost, field = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local lim = {tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])}
local now = nowms()
prune(now)
local a = redis.call('HGET', KEYS[2], tk)
if a then
  a = nums(a)
  for d = 2, 3 do
    if set[d] >= 0 and set[d] ~= a[d] then
      redis.call('HINCRBY', KEYS[3], D[d], int(set[d] - a[d]))
      if bucket and lim[d] > 0 then setLevel(d, math.min(lim[d], level(d, lim[d], win, now) + a[d] - set[d]), now) end
      a[d] = set[d]
    end
  end
  redis.call('HSET', KEYS[2], tk, int(a[1]) .. ',' .. int(a[2]) .. ',' .. int(a[3]) .. ',' .. int(a[4]))
end
if out > 0 then
  local oid = tk .. ':o'
  if redis.call('HEXISTS', KEYS[2], oid) == 0 then
    redis.call('ZADD', KEYS[1], int(now + win), oid)
    redis.call('HSET', KEYS[2], oid, '0,0,0,' .. int(out))
    redis.call('HINCRBY', KEYS[3], 'o', int(out))
    if bucket and lim[4] > 0 then setLevel(4, level(4, lim[4], win, now) - out, now) end
  end
end
local h = redis.call('HGET', KEYS[5], tk)
if h then
  redis.call('HINCRBY', KEYS[3], 'h', int(-tonumber(h)))
  redis.call('HDEL', KEYS[5], tk)
  redis.call('ZREM', KEYS[4], tk)
end
local b = redis.call('HGET', KEYS[9], tk)
if b then
  b = nums(b)
  redis.call('HINCRBY', KEYS[7], 'held', int(-b[1]))
  redis.call('HINCRBY', KEYS[7], 'bound', int(-b[2]))
  redis.call('HDEL', KEYS[9], tk)
  redis.call('ZREM', KEYS[8], tk)
  if cost > 0 then redis.call('HINCRBY', KEYS[7], field, int(cost)) end
end
return 1
)lua";

// ARGV: ticket, window ms. The request left late: its charges count from now.
constexpr const char kRestamp[] = R"lua(
return redis.call('ZADD', KEYS[1], 'XX', 'GT', int(nowms() + tonumber(ARGV[2])), ARGV[1])
)lua";

// ARGV: dimension 0..3, limit, remaining, reset ms, threshold, window ms, bucket, id for a synthetic
// charge. The provider counts limit - remaining: where that is more than the shared window holds,
// the difference counts until the provider's reset (a window), or the bucket drops to remaining.
constexpr const char kReconcile[] = R"lua(
local d = tonumber(ARGV[1]) + 1
local limit, remaining, reset, thr = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local win, bucket, id = tonumber(ARGV[6]), ARGV[7] == '1', ARGV[8]
local now = nowms()
prune(now)
if bucket then
  local lv = level(d, limit, win, now)
  if lv - remaining > thr then setLevel(d, remaining, now) return 1 end
  return 0
end
local extra = (limit - remaining) - hnum(KEYS[3], D[d])
if extra > thr and reset > 0 then
  local a = {0, 0, 0, 0}
  a[d] = extra
  redis.call('ZADD', KEYS[1], int(now + reset), id)
  redis.call('HSET', KEYS[2], id, int(a[1]) .. ',' .. int(a[2]) .. ',' .. int(a[3]) .. ',' .. int(a[4]))
  redis.call('HINCRBY', KEYS[3], D[d], int(extra))
  touch(win + 60000)
  return extra
end
return 0
)lua";

// ARGV: ticket, window ms left, "r,t,i,o", otpm held, its lease ms left, budget held, bound, its
// lease ms left, bucket, limits rpm tpm itpm otpm, budget ttl, window ms. Puts back what this process still
// counts after the server lost its data (a restart without persistence); a no-op where present.
constexpr const char kRestore[] = R"lua(
local tk, rem, packed = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local heldAmt, heldLease, hold, bnd, blease = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local bucket = ARGV[9] == '1'
local lim = {tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])}
local bttl, win = tonumber(ARGV[14]), tonumber(ARGV[15])
local now = nowms()
local done = 0
if rem > 0 and redis.call('HEXISTS', KEYS[2], tk) == 0 then
  local a = nums(packed)
  redis.call('ZADD', KEYS[1], int(now + rem), tk)
  redis.call('HSET', KEYS[2], tk, packed)
  for d = 1, 4 do
    if a[d] ~= 0 then
      redis.call('HINCRBY', KEYS[3], D[d], int(a[d]))
      if bucket and lim[d] > 0 then setLevel(d, level(d, lim[d], win, now) - a[d], now) end
    end
  end
  done = 1
end
if heldAmt > 0 and heldLease > 0 and redis.call('HEXISTS', KEYS[5], tk) == 0 then
  redis.call('ZADD', KEYS[4], int(now + heldLease), tk)
  redis.call('HSET', KEYS[5], tk, int(heldAmt))
  redis.call('HINCRBY', KEYS[3], 'h', int(heldAmt))
  done = 1
end
if bnd > 0 and blease > 0 and redis.call('HEXISTS', KEYS[9], tk) == 0 then
  redis.call('HINCRBY', KEYS[7], 'held', int(hold))
  redis.call('HINCRBY', KEYS[7], 'bound', int(bnd))
  redis.call('ZADD', KEYS[8], int(now + blease), tk)
  redis.call('HSET', KEYS[9], tk, int(hold) .. ',' .. int(bnd))
  if bttl > 0 then for k = 7, 9 do redis.call('PEXPIRE', KEYS[k], int(bttl)) end end
end
touch(math.max(rem, heldLease) + 60000)
return done
)lua";

// ARGV: spend before this run (this process's ledger), budget field of this process, what it has
// booked through Redis so far, ttl ms (0 = none). Returns the period's shared spend.
constexpr const char kSeedBudget[] = R"lua(
if tonumber(ARGV[1]) > hnum(KEYS[7], 'base') then redis.call('HSET', KEYS[7], 'base', ARGV[1]) end
if tonumber(ARGV[3]) > hnum(KEYS[7], ARGV[2]) then redis.call('HSET', KEYS[7], ARGV[2], ARGV[3]) end
if tonumber(ARGV[4]) > 0 then
  for k = 7, 9 do redis.call('PEXPIRE', KEYS[k], ARGV[4]) end
end
bprune(nowms())
return spent()
)lua";

constexpr const char kUsage[] = R"lua(
local bucket, win = ARGV[1] == '1', tonumber(ARGV[2])
local now = nowms()
local used = {0, 0, 0, 0}
if bucket then
  for d = 1, 4 do
    local lim = tonumber(ARGV[2 + d])
    if lim > 0 then used[d] = lim - level(d, lim, win, now) end
  end
else
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. int(now), '+inf')) do
    local a = redis.call('HGET', KEYS[2], id)
    if a then
      a = nums(a)
      for d = 1, 4 do used[d] = used[d] + a[d] end
    end
  end
end
return {math.floor(used[1] + 0.5), math.floor(used[2] + 0.5), math.floor(used[3] + 0.5), math.floor(used[4] + 0.5),
        hnum(KEYS[3], 'h')}
)lua";

} // namespace

QByteArray usageScriptText()
{
    return QByteArray(kPrelude).append(kUsage);
}

QByteArray scriptText(Script s)
{
    const char *body = "";
    switch (s) {
    case Script::Admit: body = kAdmit; break;
    case Script::Settle: body = kSettle; break;
    case Script::Restamp: body = kRestamp; break;
    case Script::Reconcile: body = kReconcile; break;
    case Script::Restore: body = kRestore; break;
    case Script::SeedBudget: body = kSeedBudget; break;
    case Script::Count: break;
    }
    QByteArray text(kPrelude);
    text.append(body);
    return text;
}

QByteArray scriptSha(Script s)
{
    return QCryptographicHash::hash(scriptText(s), QCryptographicHash::Sha1).toHex();
}

} // namespace wb::redis
