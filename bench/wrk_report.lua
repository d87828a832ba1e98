-- For bench/run.py: count answers other than the expected status (the script's argument, else 200),
-- and print one JSON line of results.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  expected = tonumber(args[1]) or 200
end

function response(status, headers, body)
  if status ~= expected then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local total_not_ok = 0
  for _, thread in ipairs(threads) do
    total_not_ok = total_not_ok + thread:get("not_ok")
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "not_ok": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    total_not_ok, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout
  ))
end
