-- wrk script for `make bench`: one endpoint per run, chosen by environment variables.
--   BENCH_MODE    detail | list | action
--   BENCH_PREFIX  /api/v1 (the API) or /bench/bare (the bare views)
--   BENCH_TOKEN   the DRF token sent as "Authorization: Token …"
--   BENCH_IDS     file of project ids, one a line (detail, action): each request picks one at random
--   BENCH_STAGES  comma-separated stage filters the list cycles through
--   BENCH_BODY    the JSON body of the action
--   BENCH_OUT     where done() writes the run: one JSON line (requests, duration, errors), then the
--                 latency histogram, one "microseconds count" pair a line, so runs can be merged exactly

local mode = os.getenv("BENCH_MODE")
local prefix = os.getenv("BENCH_PREFIX")
local body = os.getenv("BENCH_BODY")
local headers = { ["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN"), ["Accept"] = "application/json" }
local ids, stages = {}, {}
local counter = 0

local function read_ids(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then list[#list + 1] = line end
  end
  return list
end

local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("seed", thread_number)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  if mode == "detail" or mode == "action" then ids = read_ids(os.getenv("BENCH_IDS")) end
  for stage in string.gmatch(os.getenv("BENCH_STAGES") or "", "[^,]+") do stages[#stages + 1] = stage end
end

function request()
  counter = counter + 1
  if mode == "detail" then
    return wrk.format("GET", prefix .. "/projects/" .. ids[math.random(#ids)] .. "/", headers)
  elseif mode == "list" then
    local stage = stages[(counter % #stages) + 1]
    return wrk.format("GET", prefix .. "/projects/?stage=" .. stage, headers)
  else
    local post = { ["Authorization"] = headers["Authorization"], ["Content-Type"] = "application/json" }
    return wrk.format("POST", prefix .. "/projects/" .. ids[math.random(#ids)] .. "/actions/record_inspection/",
      post, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status))
  for i = 1, #latency do
    local value, count = latency(i)
    out:write(string.format("%d %d\n", value, count))
  end
  out:close()
end
