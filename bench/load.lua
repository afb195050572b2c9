-- Mixed traffic for bench/load.py: 70 % nearby search, 20 % event pages, 10 % RSVP (answer or withdraw).
-- Usage: wrk -t N -c N -s bench/load.lua URL -- DATAFILE N
-- One connection per thread, so each thread's requests are strictly sequential: the answer that
-- response() sees belongs to the request that request() built last, and a thread's RSVP state is exact.
-- DATAFILE lines: "point LAT LON", "event ID", "rsvp_event ID", "token TOKEN".

local next_id = 0
local threads = {}

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

-- 7 nearby, 2 event pages, 1 RSVP in every 10 requests, interleaved.
local PATTERN = {"nearby", "nearby", "event", "nearby", "nearby", "rsvp", "nearby", "nearby", "event", "nearby"}
local RADII_KM = {5, 10, 25, 50}

function init(args)
   local thread_count = tonumber(args[2])
   points, events, rsvp_events, tokens = {}, {}, {}, {}
   local token_index = 0
   for line in io.lines(args[1]) do
      local kind, a, b = line:match("^(%S+) (%S+) ?(%S*)$")
      if kind == "point" then
         table.insert(points, {tonumber(a), tonumber(b)})
      elseif kind == "event" then
         table.insert(events, a)
      elseif kind == "rsvp_event" then
         table.insert(rsvp_events, a)
      elseif kind == "token" then
         -- Tokens are dealt round-robin, so no two threads ever answer for the same person.
         if token_index % thread_count == id then
            table.insert(tokens, a)
         end
         token_index = token_index + 1
      end
   end
   active = {}
   answered = {nearby = 0, event = 0, rsvp = 0, withdraw = 0}
   failed = {nearby = 0, event = 0, rsvp = 0, withdraw = 0}
   first_failure = ""
   slot = 0
   last = "nearby"
   math.randomseed(7919 + id)
end

local function nearby()
   local p = points[math.random(#points)]
   local lat = p[1] + (math.random() - 0.5) * 0.3
   local lon = p[2] + (math.random() - 0.5) * 0.3
   local radius = RADII_KM[math.random(#RADII_KM)]
   return wrk.format("GET", string.format("/api/v1/events/nearby?lat=%.5f&lon=%.5f&radius_km=%d", lat, lon, radius))
end

local function rsvp()
   local token = tokens[math.random(#tokens)]
   local event = rsvp_events[math.random(#rsvp_events)]
   local key = token .. "/" .. event
   local method = "POST"
   last = "rsvp"
   if active[key] then
      method = "DELETE"
      last = "withdraw"
   end
   active[key] = not active[key]
   return wrk.format(method, "/api/v1/events/" .. event .. "/rsvp", {Authorization = "Bearer " .. token}, "")
end

function request()
   slot = slot % #PATTERN + 1
   local kind = PATTERN[slot]
   if kind == "nearby" then
      last = "nearby"
      return nearby()
   elseif kind == "event" then
      last = "event"
      return wrk.format("GET", "/api/v1/events/" .. events[math.random(#events)])
   end
   return rsvp()
end

function response(status, headers, body)
   answered[last] = answered[last] + 1
   if status ~= 200 then
      failed[last] = failed[last] + 1
      if first_failure == "" then
         first_failure = last .. " " .. status .. " " .. string.sub(body or "", 1, 200)
      end
   end
end

local KINDS = {"nearby", "event", "rsvp", "withdraw"}

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("LOAD requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
   local totals, failures, sample = {}, {}, ""
   for _, kind in ipairs(KINDS) do
      totals[kind], failures[kind] = 0, 0
   end
   for _, thread in ipairs(threads) do
      local a, f = thread:get("answered"), thread:get("failed")
      for _, kind in ipairs(KINDS) do
         totals[kind] = totals[kind] + a[kind]
         failures[kind] = failures[kind] + f[kind]
      end
      if sample == "" then
         sample = thread:get("first_failure")
      end
   end
   for _, kind in ipairs(KINDS) do
      io.write(string.format("KIND %s answered=%d failed=%d\n", kind, totals[kind], failures[kind]))
   end
   io.write("FIRST_FAILURE " .. string.gsub(sample, "\n", " ") .. "\n")
end
