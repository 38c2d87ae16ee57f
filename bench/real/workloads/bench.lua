-- lua5.4 workload of the real-software suite: recursion, tables as arrays
-- and hashes, closures, string building and patterns, table.sort, floats.
-- Usage: lua5.4 bench.lua N
local n = tonumber(arg[1]) or error("usage: bench.lua N")

local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end

local seed = 12345
local function rand(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end

-- tables: an array of records, sorted, and a hash of counts
local recs = {}
for i = 1, n do recs[i] = { id = i, key = rand(1000), name = "item" .. rand(500) } end
table.sort(recs, function(a, b) if a.key ~= b.key then return a.key < b.key end return a.id < b.id end)
local counts = {}
for _, r in ipairs(recs) do counts[r.name] = (counts[r.name] or 0) + 1 end
local names = {}
for k in pairs(counts) do names[#names + 1] = k end
table.sort(names)
local top, topn = "", -1
for _, k in ipairs(names) do if counts[k] > topn then top, topn = k, counts[k] end end

-- closures and higher-order functions
local function compose(f, g) return function(x) return f(g(x)) end end
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
local h = compose(inc, dbl)
local acc = 0
for i = 1, n do acc = (acc + h(i)) % 1000003 end

-- strings: building, formatting, patterns
local parts = {}
for i = 1, n // 4 do parts[#parts + 1] = string.format("%05d:%s", i, recs[(i % n) + 1].name) end
local s = table.concat(parts, ",")
local digits = 0
for d in s:gmatch("%d+") do digits = digits + #d end
local replaced = select(2, s:gsub("item(%d)", "I%1"))

-- floats: a small numeric integration
local x, v, dt = 1.0, 0.0, 0.001
for _ = 1, n do v = v - x * dt; x = x + v * dt end

print(string.format("fib=%d top=%s:%d acc=%d len=%d digits=%d replaced=%d x=%.6f", fib(20 + n // 20000), top, topn, acc, #s, digits, replaced, x))
