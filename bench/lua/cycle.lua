-- wrk script: send prepared requests, each once (or cycling), and count every answer whose
-- status is not the expected one.
--
--   wrk -t2 -c32 -d5s -s bench/lua/cycle.lua URL -- FILE METHOD EXPECTED THREADS [wrap]
--
-- FILE has one request per line: path <TAB> bearer token (may be empty) <TAB> JSON body
-- (may be empty). Thread k of THREADS takes lines k, k+THREADS, …; without `wrap` a thread
-- that has sent all its lines stops (and says so: the run had too few prepared requests).

local made = 0
local threads = {}

function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

function init(args)
  local file, method = args[1], args[2]
  expected = tonumber(args[3])
  local share = tonumber(args[4])
  wrap = args[5] == "wrap"
  prepared = {}
  local n = 0
  for line in io.lines(file) do
    if n % share == id then
      local path, token, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if token ~= "" then headers["Authorization"] = "Bearer " .. token end
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
    n = n + 1
  end
  if #prepared == 0 then error("thread " .. id .. " has no requests: give more lines") end
  sent, good, bad, ran_out, first_bad = 0, 0, 0, 0, ""
end

function request()
  sent = sent + 1
  if sent > #prepared then
    if wrap then
      sent = 1
    else
      ran_out = 1
      wrk.thread:stop()
      sent = #prepared
    end
  end
  return prepared[sent]
end

function response(status, headers, body)
  if status == expected then
    good = good + 1
  else
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local good_all, bad_all, ran_out_all, first = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    good_all = good_all + thread:get("good")
    bad_all = bad_all + thread:get("bad")
    ran_out_all = ran_out_all + thread:get("ran_out")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "good": %d, "bad": %d, "ran_out": %d, "first_bad": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write, e.timeout, good_all, bad_all, ran_out_all, (first:gsub('[%c"\\]', ' '))))
end
