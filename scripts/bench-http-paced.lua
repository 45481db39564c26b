-- Open-loop (fixed-rate) load for wrk 4.1 without coordinated omission; used by scripts/bench-http.
--   wrk -tN -cN -dSECONDS -s scripts/bench-http-paced.lua URL -- RATE N
-- RATE is requests/s in total, N the number of connections. Run it with as many threads as
-- connections (-t64 -c64): wrk's Lua callbacks do not say which connection they are for, so
-- each thread (its own Lua state) drives exactly one connection and owns its schedule.
--
-- Connection i of N sends its k-th request at t0 + (i/N + k) * N/RATE (CLOCK_MONOTONIC via
-- LuaJIT's ffi; t0 is shared, so the connections are staggered evenly). delay() returns the
-- whole milliseconds until that time, rounded down (wrk's timers count whole milliseconds, so
-- a send is at most ~1 ms early and never late because of the timer), or 0 when the request
-- is already due. A response's latency is counted from min(scheduled time, actual send): when
-- the previous response came late, the wait for it counts against the server (no coordinated
-- omission); when the timer sent a little early, the response time itself is counted. The
-- schedule never slips, so a stalled server leaves a backlog that is sent back to back.
-- Latencies go into per-thread log-linear histograms (microseconds, < 1 % error), merged in
-- done() through thread:get; it prints one line starting "paced:".
local ffi = require("ffi")
ffi.cdef [[
  struct bench_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock_id, struct bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("struct bench_timespec")
local floor = math.floor

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

-- Below 128 us one bucket per microsecond; above, 64 buckets per power of two.
local function bucket(us)
  local v = floor(us)
  if v < 128 then return v < 0 and 0 or v end
  local e = 7
  while v >= 256 do v = floor(v / 2); e = e + 1 end
  return 128 + (e - 7) * 64 + floor((v - 128) / 2)
end

local function bucket_value(b)
  if b < 128 then return b + 0.5 end
  local e = 7 + floor((b - 128) / 64)
  local m = 128 + ((b - 128) % 64) * 2
  return (m + 1) * 2 ^ (e - 7)
end

-- Setup phase (the main Lua state): number the threads, give them one start time.
local threads = {}
local start_us

function setup(thread)
  if not start_us then start_us = now_us() + 200e3 end -- time for every thread to connect
  threads[#threads + 1] = thread
  thread:set("index", #threads - 1)
  thread:set("t0", start_us)
end

-- Running phase (one Lua state per thread, i.e. per connection).
hist, lag, count, late, last_us, connections = {}, {}, 0, 0, 0, nil
local req, interval, due, sent, previous

function init(args)
  local rate = tonumber(args[1])
  connections = tonumber(args[2])
  assert(rate and rate > 0 and connections, "bench-http-paced.lua: give RATE and CONNECTIONS after --")
  interval = connections / rate * 1e6
  due = t0 + index / connections * interval
  previous = t0
  req = wrk.format()
end

function delay()
  local remaining = due - now_us()
  if remaining < 1000 then return 0 end
  return floor(remaining / 1000)
end

function request()
  sent = now_us()
  return req
end

function response(status, headers, body)
  local now = now_us()
  if not sent then return end
  local from = sent < due and sent or due
  local b = bucket(now - from)
  hist[b] = (hist[b] or 0) + 1
  -- How late wrk itself sent: after both the scheduled time and the previous response.
  local ready = previous > due and previous or due
  if sent > ready then
    local l = bucket(sent - ready)
    lag[l] = (lag[l] or 0) + 1
    if sent - ready > 1000 then late = late + 1 end
  else
    lag[0] = (lag[0] or 0) + 1
  end
  count = count + 1
  last_us = now
  previous = now
  due = due + interval
  sent = nil
end

-- Done phase (the main Lua state again).
local function percentiles(h, total, ps)
  local keys = {}
  for b in pairs(h) do keys[#keys + 1] = b end
  table.sort(keys)
  local out, seen, i = {}, 0, 1
  for _, b in ipairs(keys) do
    seen = seen + h[b]
    while i <= #ps and seen >= ps[i] / 100 * total do
      out[i] = bucket_value(b)
      i = i + 1
    end
  end
  for j = i, #ps do out[j] = bucket_value(keys[#keys] or 0) end
  return out
end

function done(summary, latency, requests)
  if #threads ~= threads[1]:get("connections") then
    io.write("paced: refused: run wrk with as many threads (-t) as connections (-c)\n")
    return
  end
  local h, l, total, lates, rate = {}, {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for b, n in pairs(thread:get("hist")) do h[b] = (h[b] or 0) + n end
    for b, n in pairs(thread:get("lag")) do l[b] = (l[b] or 0) + n end
    local n = thread:get("count")
    total = total + n
    lates = lates + thread:get("late")
    -- Per thread: wrk stops its threads up to 100 ms apart.
    local span = (thread:get("last_us") - start_us) / 1e6
    if n > 0 and span > 0 then rate = rate + n / span end
  end
  local p = percentiles(h, total, { 50, 90, 99, 99.9, 100 })
  local q = percentiles(l, total, { 99 })
  io.write(string.format(
    "paced: requests %d achieved_rps %.0f p50_ms %.3f p90_ms %.3f p99_ms %.3f p999_ms %.3f max_ms %.3f" ..
    " client_lag_p99_ms %.3f client_late_over_1ms %d\n",
    total, rate, p[1] / 1000, p[2] / 1000, p[3] / 1000, p[4] / 1000, p[5] / 1000, q[1] / 1000, lates))
end
