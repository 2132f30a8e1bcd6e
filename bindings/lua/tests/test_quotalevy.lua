--[[ Tests of the Lua binding: loading, values in and out, each error
with its location, batches, every example file equal to the command
line's output, closing.  Run by meson with LUA_PATH / LUA_CPATH on the
build tree, QL_SOURCE_DIR and QL_CLI set. ]]
local quotalevy = require "quotalevy"

local SRC = os.getenv("QL_SOURCE_DIR") or "."
local CLI = os.getenv("QL_CLI")
local JILIN = SRC .. "/rules/cn/jilin.yaml"
local NATIONAL = SRC .. "/rules/cn/national.yaml"
local JUNE = "2024-06-30"

local function firm()
  return { unit_type = "enterprise", employees = "125.5", disabled = 1,
           disabled_severe = 0, wage_total = "9000000", local_avg_wage = 60000 }
end

local SMALL = [[
quotalevy: 1
id: small
title: Small
jurisdiction: XX
version: "1"
inputs:
  n: {type: decimal, scale: 0}
  flag: bool
  kind: {type: enum, values: [a, b]}
  day: date
  label: string
computed:
  third: {expr: n / 3, scale: 19, display: half_even}
  double: n * 2
  later: if(present(day), add_days(day, 1), date)
outputs: [third, double, flag, kind, later, label]
]]

local tests, failed = {}, 0
local function test(name, fn) tests[#tests + 1] = { name, fn } end

local function eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what or "value", tostring(want), tostring(got)), 2)
  end
end

-- The error object a call raises (fails if it raises none).
local function raises(fn, ...)
  local ok, e = pcall(fn, ...)
  if ok then error("expected an error, got none", 2) end
  return e
end

local function with(t, k, v)
  local c = {}
  for kk, vv in pairs(t) do c[kk] = vv end
  c[k] = v
  return c
end

local jilin = quotalevy.load(JILIN)
local national = quotalevy.load(NATIONAL)

test("load and metadata", function()
  eq(jilin.id, "cn-jilin", "id")
  eq(jilin.jurisdiction, "CN-JL", "jurisdiction")
  assert(jilin.title:find("quota"), jilin.title)
  eq(jilin.inputs[1].name, "id")
  eq(jilin.inputs[2].name, "unit_type")
  local types = {}
  for _, i in ipairs(jilin.inputs) do types[i.name] = i.type end
  eq(types.employees, "decimal")
  eq(types.wage_total, "money")
  eq(jilin.outputs[1], "counted_disabled")
  eq(jilin.checks[1].name, "agency_post_minimum")
  assert(jilin.checks[1].source:find("^jlplan2022"), jilin.checks[1].source)
  eq(tostring(jilin), "RuleSet(cn-jilin, version " .. jilin.version .. ")")
  assert(quotalevy.version:match("^%d+%.%d+%.%d+$"), quotalevy.version)
end)

test("currency", function()
  -- jilin keeps national's yuan; Japan's yen have no minor unit
  eq(jilin.currency, "CNY", "jilin's currency")
  eq(jilin.currency_places, 2, "jilin's places")
  assert(jilin:evaluate(firm(), JUNE).outputs.levy_due:match("%.%d%d$"))
  local jp = quotalevy.load("jp/levy")
  eq(jp.currency, "JPY", "jp")
  eq(jp.currency_places, 0, "jp places")
  jp:close()
  local none = quotalevy.from_string(SMALL)
  eq(none.currency, nil, "no currency")
  eq(none.currency_places, nil, "no places")
end)

test("rule sets by name", function()
  local rs = quotalevy.load("cn/jilin") -- QUOTALEVY_RULES_PATH: the source's rules/
  eq(rs.id, "cn-jilin")
  eq(rs:evaluate(firm(), JUNE).outputs.levy_due, jilin:evaluate(firm(), JUNE).outputs.levy_due)
  eq(raises(quotalevy.load, "cn/nowhere").status, "QL_EIO")
end)

test("parameters", function()
  eq(jilin:parameter("ratio", JUNE), "0.016")
  eq(jilin:parameter("wage_cap_multiple", "2018-03-31"), "3")
  eq(raises(jilin.parameter, jilin, "levy_share", "2028-01-01").status, "QL_ENODATA")
end)

test("rules errors have locations", function()
  local e = raises(quotalevy.from_string, SMALL:gsub("n %* 2", "n * nope"), "inline.yaml")
  eq(getmetatable(e), quotalevy.Error, "metatable")
  eq(e.status, "QL_ENAME")
  eq(e.file, "inline.yaml")
  eq(e.line, 14, "line")
  eq(e.column, 15, "column")
  assert(e.message:find("unknown name 'nope'", 1, true), e.message)
  assert(tostring(e):find("^inline.yaml:14:15:"), tostring(e))
  eq(raises(quotalevy.load, "/nonexistent/rules.yaml").status, "QL_EIO")
  local y = raises(quotalevy.from_string, "a: [1,\n", "bad.yaml")
  eq(y.status, "QL_EPARSE")
  assert(y.line > 0)
end)

test("the worked example, exact to the digit", function()
  local r = national:evaluate(firm(), JUNE)
  eq(r.outputs.required_disabled, "1.88250")
  eq(r.outputs.average_wage, "71713.15")
  eq(r.outputs.levy_due, "56958.16")
  eq(r.outputs.exempt, false)
  eq(math.type(r.outputs.levy_due), nil, "a number never becomes a Lua number")
end)

test("explain is the command's text", function()
  local p = assert(io.popen(("cd '%s' && '%s' explain rules/cn/national.yaml --date 2024-06-30 "
    .. "--set unit_type=enterprise --set employees=125.5 --set disabled=1 "
    .. "--set disabled_severe=0 --set wage_total=9000000 --set local_avg_wage=60000"):format(SRC, CLI)))
  local want = p:read("a")
  p:close()
  assert(want:find("levy_due", 1, true), want)
  eq(national:explain(firm(), JUNE), want, "explain")
  eq(raises(national.explain, national, with(firm(), "employees", "x"), JUNE).field, "employees")
end)

test("checks", function()
  local r = jilin:evaluate({ unit_type = "agency", admin_level = "province", posts = 50,
                             employees = 45, disabled = 0, disabled_severe = 0,
                             wage_total = 4500000, local_avg_wage = 50000,
                             disability_federation = false }, JUNE)
  local c = r.checks.agency_post_minimum
  eq(c.applicable, true)
  eq(c.compliant, false)
  eq(c.required, "1")
  eq(c.actual, "0.00")
  eq(c.shortfall, "1.00")
  local n = r.checks.institution_post_minimum
  eq(n.applicable, false)
  eq(n.compliant, nil)
  eq(n.shortfall, nil)
  eq(r.outputs.agency_post_minimum, false)
  eq(r.outputs.institution_post_minimum, nil)
end)

test("values in: strings, integers, booleans; floats refused naming the field", function()
  for _, v in ipairs { "125.5", "125.50" } do
    eq(jilin:evaluate(with(firm(), "employees", v), JUNE).outputs.required_disabled + 0 == 2.008,
       true, v) -- (a float comparison, in the test only)
  end
  eq(jilin:evaluate(with(firm(), "employees", 125), JUNE).outputs.required_disabled, "2.00000")
  for _, v in ipairs { 125.5, 125.0 } do
    local e = raises(jilin.evaluate, jilin, with(firm(), "employees", v), JUNE)
    eq(e.field, "employees")
    eq(e.status, "QL_ERECORD")
    assert(tostring(e):find("float", 1, true), tostring(e))
  end
  -- 125.0 is exact in binary: never "125.0 is 125 in binary" (P3-20)
  local e = raises(jilin.evaluate, jilin, with(firm(), "employees", 125.0), JUNE)
  assert(e.message:find("a float is refused, even 125.0: pass 125 as an integer", 1, true),
         e.message)
  assert(not e.message:find("in binary", 1, true), e.message)
  -- the reason is true of the float given (probe5 P5-04: 100.5 and 1e16
  -- were said not to hold a decimal exactly, NaN was "-nan in binary")
  local function says(v, want)
    local m = raises(jilin.evaluate, jilin, with(firm(), "employees", v), JUNE).message
    assert(m:find(want, 1, true), m)
    return m
  end
  says(100.5, "a float is refused, even 100.5 (exact in binary)")
  says(123456789.25, "even 123456789.25 (exact in binary)")
  says(1e16, "pass 10000000000000000 as an integer")
  says(100.1, "100.1 is 100.09999999999999431")
  says(0/0, "NaN (not a number) is no value")
  says(1/0, "an infinite float is no value")
  says(-1/0, "an infinite float is no value")
  eq(raises(jilin.evaluate, jilin, with(firm(), "employees", {}), JUNE).field, "employees")
  eq(raises(jilin.evaluate, jilin, with(firm(), "unit_type", "a\0b"), JUNE).field, "unit_type")
end)

test("value types out", function()
  local rs = quotalevy.from_string(SMALL)
  local r = rs:evaluate({ n = 3, flag = true, kind = "b", day = "2024-02-28", label = "吉林 😀" },
                        "2024-01-01")
  eq(r.outputs.double, "6")
  eq(r.outputs.flag, true)
  eq(r.outputs.kind, "b")
  eq(r.outputs.later, "2024-02-29")
  eq(r.outputs.label, "吉林 😀")
  r = rs:evaluate({ n = 3 }, "2024-01-01")
  eq(r.outputs.flag, nil)
  eq(r.outputs.later, "2024-01-01")
  eq(rs:evaluate({ n = "1" }, "2024-01-01").outputs.third, "0.3333333333333333333")
end)

test("record errors name the field", function()
  local e = raises(jilin.evaluate, jilin, with(firm(), "employees", "abc"), JUNE)
  eq(e.field, "employees")
  eq(e.status, "QL_ERECORD")
  e = raises(jilin.evaluate, jilin, with(firm(), "wage_total", nil), JUNE)
  eq(e.field, "wage_total")
  assert(e.file:find("national.yaml$"), e.file)
  assert(e.line > 0 and e.column > 0)
  eq(raises(jilin.evaluate, jilin, with(firm(), "disabled", 200), JUNE).field, "disabled")
  eq(raises(jilin.evaluate, jilin, with(firm(), "colour", "red"), JUNE, { extra = "error" }).field,
     "colour")
  eq(raises(jilin.evaluate, jilin, firm(), "2028-01-01").status, "QL_ENODATA")
  eq(raises(jilin.evaluate, jilin, firm(), "2024-13-01").status, "QL_EPARSE")
  assert(raises(jilin.evaluate, jilin, firm(), 20240630))
  assert(raises(jilin.evaluate, jilin, "not a table", JUNE))
end)

test("a number too long for its places is an error, never fewer places", function()
  local rs = quotalevy.from_string([[
quotalevy: 1
id: places
title: Places
jurisdiction: XX
version: "1"
inputs:
  n: {type: decimal, scale: 0}
computed:
  double: {expr: n * 2, scale: 2}
outputs: [double]
]], "places.yaml")
  local fits, long = ("1"):rep(34), ("1"):rep(35)
  eq(rs:evaluate({ n = fits }, JUNE).outputs.double, ("2"):rep(34) .. ".00")
  local e = raises(rs.evaluate, rs, { n = long }, JUNE)
  eq(e.status, "QL_ERANGE")
  assert(e.message:find("output 'double' is " .. ("2"):rep(35) .. ", which with its 2 decimal places", 1, true),
         e.message)
  eq(e.file, "places.yaml")
  local many = rs:evaluate_many({ { n = fits }, { n = long } }, JUNE)
  eq(many[1].outputs.double, ("2"):rep(34) .. ".00")
  eq(getmetatable(many[2]), quotalevy.Error)
  eq(many[2].status, "QL_ERANGE")
end)

test("list inputs take tables", function()
  local rs = quotalevy.load(SRC .. "/rules/de/sgb9.yaml")
  eq(rs.lists.positions, 12)
  local twelve = function(v) local t = {} for k = 1, 12 do t[k] = v end return t end
  local r = rs:evaluate({ positions = twelve(121), severely_disabled = twelve(3) }, "2020-06-30")
  eq(r.outputs.yearly_mandatory, "73")
  eq(r.outputs.levy + 0 == 8140, true, "levy")
  local part = twelve(100)
  for k = 1, 6 do part[k] = "" end
  eq(rs:evaluate({ positions = part, severely_disabled = twelve(5) }, "2024-12-31").outputs.months, "6")
  local thirteen = twelve(1)
  thirteen[13] = 1
  eq(raises(rs.evaluate, rs, { positions = thirteen }, JUNE).field, "positions")
end)

test("a list short of items, or given with one of its items too, is refused", function()
  -- 11 months read December as empty: levy 6065.00 -> 4595.00, no error;
  -- an item beside its list was dropped (P3-09).  Both ways, both paths.
  local rs = quotalevy.load(SRC .. "/rules/de/sgb9.yaml")
  local function twelve(v) local t = {} for k = 1, 12 do t[k] = v end return t end
  local full = { positions = twelve(121), severely_disabled = twelve(3), workshop_labour = "6000" }
  eq(rs:evaluate(full, "2024-12-31").outputs.levy, "6065.00")
  local eleven = twelve(121)
  eleven[12] = nil
  local holed = twelve(121)
  holed[5] = nil
  local bad = {
    { with(full, "positions", eleven), "positions", "a list of 12 items, got 11" },
    { with(full, "positions", holed), "positions", "a list of 12 items, got 11" },
    { with(full, "positions[2]", "999"), "positions[2]",
      "'positions[2]' is given twice in the record (a list given whole and this item of it too?)" },
  }
  local items = { severely_disabled = twelve(3), workshop_labour = "6000" }
  for k = 1, 11 do items[("positions[%d]"):format(k)] = 121 end
  bad[#bad + 1] = { items, "positions[12]", "the record has 11 of the 12 items of the list "
                    .. "'positions': no item positions[12], so it would be read as empty" }
  local recs = {}
  for k, b in ipairs(bad) do
    local e = raises(rs.evaluate, rs, b[1], "2024-12-31")
    eq(getmetatable(e), quotalevy.Error, "case " .. k)
    eq(e.field, b[2], "case " .. k)
    assert(e.message:find(b[3], 1, true), e.message)
    recs[k] = b[1]
  end
  recs[#recs + 1] = full
  local many = rs:evaluate_many(recs, "2024-12-31")
  for k, b in ipairs(bad) do
    eq(getmetatable(many[k]), quotalevy.Error, "batch case " .. k)
    eq(many[k].field, b[2], "batch case " .. k)
  end
  eq(many[#recs].outputs.levy, "6065.00")
  -- "" says an item is meant empty, in the list or as an item
  eleven[12] = ""
  eq(rs:evaluate(with(full, "positions", eleven), "2024-12-31").outputs.levy, "4595.00")
  items["positions[12]"] = ""
  eq(rs:evaluate(items, "2024-12-31").outputs.levy, "4595.00")
end)

test("a field name too long for the error is cut at a whole character, marked", function()
  -- an item index past the list's end names the key as given: 199 bytes
  -- into the error's 128-byte field were cut inside an 'é' (swig_batch.h)
  local rs = quotalevy.from_string((SMALL:gsub("  flag: bool", "  flag: bool\n  p: {type: integer, count: 2}")))
  local key = "p[" .. ("é"):rep(98) .. "]"
  for _, e in ipairs { raises(rs.evaluate, rs, { [key] = 1 }, JUNE),
                       rs:evaluate_many({ { [key] = 1 } }, JUNE)[1] } do
    eq(getmetatable(e), quotalevy.Error)
    assert(utf8.len(e.field), "not UTF-8: " .. e.field)
    assert(#e.field <= 127 and e.field:sub(-3) == "…", e.field)
    eq(e.field:sub(1, 4), "p[é", "the name's start")
    -- in the message quoted as the library quotes (ql_text_quote): its
    -- start, cut at a character, and its length
    assert(e.message:find("it has no item '[" .. ("é"):rep(59) .. "…' (100 characters)", 1, true),
           e.message)
  end
end)

test("the binding's own messages quote a long or invalid key, name or value as valid UTF-8", function()
  -- swig_batch.h and quotalevy.lua wrote keys with '%.200s' or whole: 120 × 企
  -- (360 bytes) was cut inside a character, and a byte that is no UTF-8 went
  -- into the message as it was
  local long = ("企"):rep(120) .. "\xFF"
  local function valid(msg, what)
    assert(utf8.len(msg), "not UTF-8: " .. what)
    assert(#msg < 512, "not bounded: " .. what)
    assert(not msg:find("\xFF", 1, true), "the invalid byte raw: " .. what)
  end
  local rs = quotalevy.from_string(SMALL)
  -- a key that is no input, refused: the message names it, cut, with its length
  local e = raises(rs.evaluate, rs, { n = "1", [long] = "1" }, JUNE, { extra = "error" })
  valid(e.message, "unknown key")
  assert(e.message:find("has no input called '" .. ("企"):rep(50) .. "…' (121 characters)", 1, true),
         e.message)
  e = rs:evaluate_many({ { n = "1", [long] = "1" } }, JUNE, { extra = "error" })[1]
  valid(e.message, "unknown key in a batch")
  -- a value the library refuses: quoted by the library, as valid (one that
  -- is no UTF-8 is refused as such, naming the byte)
  e = raises(rs.evaluate, rs, { n = long }, JUNE)
  valid(e.message, "value")
  e = raises(rs.evaluate, rs, { n = ("企"):rep(120) .. "\t" }, JUNE)
  valid(e.message, "value")
  assert(e.message:find("…' %(12%d characters%) is not a valid decimal"), e.message)
  -- the module's own messages
  e = raises(rs.parameter, rs, long, JUNE)
  valid(e, "parameter name")
  assert(e:find("no parameter called '" .. ("企"):rep(50) .. "…' (121 characters)", 1, true), e)
  e = raises(rs.evaluate, rs, { n = "1" }, JUNE, { [long] = 1 })
  valid(e, "option")
  assert(e:find("unknown option '企", 1, true), e)
  e = raises(rs.evaluate_many, rs, { [long] = { n = "1" } }, JUNE)
  valid(e, "batch key")
  assert(e:find("key '企", 1, true), e)
end)

test("id is the record's id, echoed; a record that is not a table is an Error in its place", function()
  -- Java and Lua refused an 'id' key ("did you mean 'i'?") that the command,
  -- SQL and Python take as the record's id (P3-05); evaluate_many put a
  -- plain string where its loop expects a Result or an Error (P3-16)
  local r = jilin:evaluate(with(firm(), "id", "JL-1"), JUNE)
  eq(r.id, "JL-1")
  eq(r.outputs.levy_due, jilin:evaluate(firm(), JUNE).outputs.levy_due)
  local many = jilin:evaluate_many({ with(firm(), "id", "A"), "x", with(firm(), "id", "C") }, JUNE)
  eq(many[1].id, "A")
  eq(many[3].id, "C")
  eq(getmetatable(many[2]), quotalevy.Error)
  eq(many[2].status, "QL_EINVAL")
  assert(tostring(many[2]):find("records[2]: record must be a table, not string", 1, true),
         tostring(many[2]))
  -- a key that is no input is passed over (refused with extra = "error")
  eq(jilin:evaluate(with(firm(), "colour", "red"), JUNE).outputs.levy_due,
     jilin:evaluate(firm(), JUNE).outputs.levy_due)
end)

test("keys that are not inputs: one rule (docs/architecture.md)", function()
  -- P3-05: Java, Lua and Python's records refused an unknown key that the
  -- command and SQL pass over; now a near miss of an input with no value
  -- is refused, any other key passed over, and extra = "error" refuses all
  local levy = jilin:evaluate(firm(), JUNE).outputs.levy_due
  local slip = with(with(firm(), "employees", nil), "Employees", "125.5")
  for _, rec in ipairs { slip, with(with(firm(), "employees", nil), "employes", "125.5"),
                         with(with(firm(), "disabled", nil), "disabld", 1) } do
    local e = raises(jilin.evaluate, jilin, rec, JUNE)
    eq(e.status, "QL_ERECORD")
    assert(e.message:find("did you mean '", 1, true), e.message)
    local many = jilin:evaluate_many({ rec, firm() }, JUNE)
    eq(many[1].text, e.text, "batch and single alike")
    eq(many[2].outputs.levy_due, levy)
  end
  eq(raises(jilin.evaluate, jilin, slip, JUNE).field, "Employees")
  -- the input has its value: the look-alike key is something else, passed over
  eq(jilin:evaluate(with(firm(), "Employees", "9"), JUNE).outputs.levy_due, levy)
  eq(jilin:evaluate(with(firm(), "note", "x"), JUNE, { extra = "ignore" }).outputs.levy_due, levy)
  local e = raises(jilin.evaluate, jilin, with(firm(), "note", "x"), JUNE, { extra = "error" })
  eq(e.field, "note")
  local many = jilin:evaluate_many({ with(firm(), "note", "x"), firm() }, JUNE, { extra = "error" })
  eq(many[1].field, "note")
  eq(many[2].outputs.levy_due, levy)
  assert(not pcall(jilin.evaluate, jilin, firm(), JUNE, { extra = "warn" }))
  assert(not pcall(jilin.evaluate, jilin, firm(), JUNE, { extr = "error" }))
end)

test("an item key of an input that is one value: refused, not passed over", function()
  -- P18-10: employees[1] for the one-value employees was passed over, so
  -- employees was read as empty and the levy changed without a word; it
  -- is a slip of employees, as in the command, and so is it beside
  -- employees itself (two values for one input)
  local levy = jilin:evaluate(firm(), JUNE).outputs.levy_due
  local one = "'employees' is one value, not a list: give its value under 'employees'"
  local cases = {
    { with(with(firm(), "employees", nil), "employees[1]", "125.5"), "employees[1]", one },
    { with(with(firm(), "employees", nil), "Employees[01]", "125.5"), "Employees[01]", one },
    { with(with(firm(), "employees", nil), "employees[ 2 ]", "125.5"), "employees[ 2 ]", one },
    { with(with(firm(), "employees", nil), "employes[1]", "125.5"), "employes[1]", one },
    { with(firm(), "employees[1]", "125.5"), "employees[1]",
      "'employees' is one value, not a list, and the record gives it under 'employees': " ..
      "which of the two is meant?" },
  }
  for k, c in ipairs(cases) do
    for _, e in ipairs { raises(jilin.evaluate, jilin, c[1], JUNE),
                         jilin:evaluate_many({ firm(), c[1] }, JUNE)[2] } do
      eq(getmetatable(e), quotalevy.Error, "case " .. k)
      eq(e.status, "QL_ERECORD", "case " .. k)
      eq(e.field, c[2], "case " .. k)
      assert(e.message:find(c[3], 1, true), e.message)
    end
  end
  eq(jilin:evaluate_many({ cases[1][1], firm() }, JUNE)[2].outputs.levy_due, levy)
  -- a key of another name with an index is passed over as before
  eq(jilin:evaluate(with(firm(), "note[1]", "x"), JUNE).outputs.levy_due, levy)
end)

test("a key past a list, a list's name or id misspelt: refused as the command refuses them", function()
  -- Positions[13] and Positions[1] were passed over (the month dropped),
  -- Positions = {...} too (every month read as empty), ID for id as well,
  -- where the command, Python's columns and SQL refuse or name them
  local rs = quotalevy.load(SRC .. "/rules/de/sgb9.yaml")
  local function twelve(v) local t = {} for k = 1, 12 do t[k] = v end return t end
  local full = { positions = twelve(121), severely_disabled = twelve(3), workshop_labour = "6000" }
  local cases = {
    { with(full, "Positions[13]", 5), "Positions[13]",
      "'positions' is a list of 12 items, positions[1] … positions[12]" },
    { with(full, "Positions[1]", 5), "Positions[1]",
      "'positions' is a list of 12 items, positions[1] … positions[12]" },
    { with(full, "positions[13]", 5), "positions[13]",
      "'positions' is a list of 12 items: it has no item '[13]'" },
    { with(with(full, "positions", nil), "Positions", twelve(121)), "Positions",
      "did you mean the list 'positions'?" },
    { with(full, "ID", "E1"), "ID", "did you mean 'id'?" },
  }
  for k, c in ipairs(cases) do
    for _, e in ipairs { raises(rs.evaluate, rs, c[1], "2024-12-31"),
                         rs:evaluate_many({ full, c[1] }, "2024-12-31")[2] } do
      eq(getmetatable(e), quotalevy.Error, "case " .. k)
      eq(e.field, c[2], "case " .. k)
      assert(e.message:find(c[3], 1, true), e.message)
    end
  end
  -- beside an id of its own, ID is another key, passed over
  eq(rs:evaluate(with(with(full, "ID", "E1"), "id", "E1"), "2024-12-31").outputs.levy, "6065.00")
  -- a record none of whose keys is an input says so first
  local e = raises(rs.evaluate, rs, { ID = "x", naam = "y" }, "2024-12-31")
  assert(e.message:find("no key is an input", 1, true), e.message)
end)

test("nil arguments and a dot for the colon are refused, naming what is taken", function()
  -- rs:evaluate(nil, d) returned nil without a word; load(nil) said "NULL
  -- argument", from_string(nil) "bad argument #1 to 'ql_swig_load_buffer'",
  -- evaluate_many(nil) "bad argument #1 to 'for iterator'", explain(nil)
  -- and rs.evaluate(r, d) "attempt to index a nil value"
  for _, fn in ipairs { jilin.evaluate, jilin.explain } do
    local e = raises(fn, jilin, nil, JUNE)
    eq(getmetatable(e), quotalevy.Error)
    eq(e.message, "record must be a table, not nil")
  end
  local cases = {
    { quotalevy.load, { nil }, "quotalevy.load: the rules file's path or name must be a string, not nil" },
    { quotalevy.from_string, { nil }, "quotalevy.from_string: the YAML text must be a string, not nil" },
    { quotalevy.from_string, { SMALL, 5 }, "the name must be a string or nil, not number" },
    { jilin.evaluate_many, { jilin, nil, JUNE }, "evaluate_many takes a list of records, not nil" },
    { jilin.evaluate, { firm(), JUNE }, "call rs:evaluate(…) with a colon" },
    { jilin.explain, { firm(), JUNE }, "call rs:explain(…) with a colon" },
    { jilin.evaluate_many, { { firm() }, JUNE }, "call rs:evaluate_many(…) with a colon" },
    { jilin.parameter, { "ratio", JUNE }, "call rs:parameter(…) with a colon" },
  }
  for k, c in ipairs(cases) do
    local ok, e = pcall(c[1], table.unpack(c[2], 1, 3))
    assert(not ok, "case " .. k)
    assert(tostring(e):find(c[3], 1, true), tostring(e))
  end
end)

test("the error reported is the first in declaration order, whatever pairs() gives", function()
  -- P4-05: the first failing field in pairs() order, which changes from
  -- run to run; now employees (declared before wage_total) every time
  local bad = { unit_type = "enterprise", employees = "22.881", disabled = 1,
                disabled_severe = 0, wage_total = "12345678901234567890.123456789",
                local_avg_wage = 50000 }
  local keys = {}
  for k in pairs(bad) do keys[#keys + 1] = k end
  table.sort(keys)
  local seen = {}
  for round = 1, 60 do
    local rec = {}
    for j = 1, round % 7 do rec["pad" .. j] = j end -- another table size
    for j = 0, #keys - 1 do
      local k = keys[(j * (round % 5 + 1) + round) % #keys + 1]
      rec[k] = bad[k]
    end
    for k, v in pairs(bad) do rec[k] = v end
    for j = 1, round % 7 do rec["pad" .. j] = nil end
    local variants = { rec, with(rec, "employees", 1.5), with(with(rec, "employees", {}), "disabled", 0.5) }
    for v, r in ipairs(variants) do
      seen[v .. " " .. raises(jilin.evaluate, jilin, r, JUNE).field] = true
      seen[v .. " " .. jilin:evaluate_many({ r }, JUNE)[1].field] = true
    end
  end
  local got = {}
  for k in pairs(seen) do got[#got + 1] = k end
  table.sort(got)
  eq(table.concat(got, "; "), "1 employees; 2 employees; 3 employees")
end)

test("evaluate_many equals evaluate, errors in their place", function()
  local recs = {}
  for i = 1, 300 do recs[i] = with(with(firm(), "employees", tostring(40 + i)), "disabled", i % 3) end
  recs[7] = with(firm(), "disabled", 500)
  recs[8] = with(firm(), "employees", 1.5)
  recs[9] = with(firm(), "employees", "x")
  local many = jilin:evaluate_many(recs, JUNE)
  eq(#many, 300)
  eq(many[7].field, "disabled")
  eq(many[8].field, "employees")
  eq(many[9].field, "employees")
  eq(getmetatable(many[9]), quotalevy.Error)
  for _, i in ipairs { 1, 6, 10, 300 } do
    eq(tostring(many[i]), tostring(jilin:evaluate(recs[i], JUNE)), "record " .. i)
  end
  eq(#jilin:evaluate_many({}, JUNE), 0)
end)

test("evaluate_many refuses a table that is not a list 1 … n", function()
  -- ipairs stopped at the first hole: records 3 … were never evaluated,
  -- and a stray key was ignored, without a word (P2-11)
  local e = raises(jilin.evaluate_many, jilin, { [1] = firm(), [3] = firm() }, JUNE)
  assert(tostring(e):find("records%[3%] follows a hole at %[2%]"), tostring(e))
  e = raises(jilin.evaluate_many, jilin, { firm(), firm(), n = 5 }, JUNE)
  assert(tostring(e):find("key 'n' is no position"), tostring(e))
  e = raises(jilin.evaluate_many, jilin, { [0] = firm(), firm() }, JUNE)
  assert(tostring(e):find("key 0 is no position"), tostring(e))
  eq(#jilin:evaluate_many({ firm(), firm(), firm() }, JUNE), 3)
end)

test("an empty string output is a string, not nil", function()
  -- the batch wrote "" for an empty string and for no value alike (P2-16)
  local rs = quotalevy.from_string((SMALL:gsub("  label: string", '  label: {type: string, default: ""}')))
  for _, r in ipairs { rs:evaluate({ n = 3 }, "2024-01-01"),
                       rs:evaluate_many({ { n = 3 } }, "2024-01-01")[1] } do
    eq(r.outputs.label, "")
    eq(r.outputs.flag, nil)
    eq(r.outputs.double, "6")
  end
end)

-- RFC 4180 rows of a CSV text: a list of lists, and each row's line.
test("a NUL in a field name is refused for its record: it cannot forge the batch's framing", function()
  -- the batch packs "name\0text\0" pairs: a name holding NULs once read
  -- as extra fields (employees=7, disabled=9) or as an extra record that
  -- shifted every later result onto the wrong record
  local forged = {
    with(firm(), "employees\0" .. "7\0disabled", "9"),
    with(firm(), "employees\0" .. "1\0\0disabled", "2"),
    with(firm(), "\0", "1"),
  }
  for _, bad in ipairs(forged) do
    local good = with(firm(), "employees", "300")
    local many = jilin:evaluate_many({ bad, good, firm() }, JUNE)
    eq(#many, 3)
    eq(getmetatable(many[1]), quotalevy.Error, "the forged record")
    eq(many[1].status, "QL_ERECORD")
    assert(many[1].field:find("\\0", 1, true), many[1].field) -- named, NUL shown as \0
    assert(not many[1].field:find("\0", 1, true), "a raw NUL in the field")
    eq(tostring(many[2]), tostring(jilin:evaluate(good, JUNE)), "the record after it")
    eq(tostring(many[3]), tostring(jilin:evaluate(firm(), JUNE)), "the last record")
    -- one record alone: refused, not read as the name cut at its NUL
    local e = raises(jilin.evaluate, jilin, bad, JUNE)
    eq(e.status, "QL_ERECORD")
    assert(e.field:find("\\0", 1, true), e.field)
    assert(raises(jilin.explain, jilin, bad, JUNE))
  end
  -- a list input's items are named by the binding: a NUL in a value is refused there too
  local de = quotalevy.load(SRC .. "/rules/de/sgb9.yaml")
  eq(de:evaluate_many({ { positions = { "1\0severely_disabled[1]\0" .. "5" } } }, JUNE)[1].field, "positions")
  -- the core module: no C string is cut at a NUL either
  local core = require "quotalevy.core"
  assert(not pcall(core.ql_ruleset, JILIN .. "\0x"), "a path cut at its NUL")
  local rec = core.ql_record(jilin._h)
  assert(not pcall(rec.set, rec, "employees\0x", "1"), "a name cut at its NUL")
  assert(not pcall(rec.set, rec, "employees", "1\0" .. "5"), "a value cut at its NUL")
  rec:set("employees", "1")
end)

test("a nil record is refused and the caller's own error is raised, never a result", function()
  -- evaluate(nil) returned nil without a word ({ nil } is an empty list),
  -- and a record whose __pairs raised had that error returned AS the
  -- result, a string or table where a Result was meant (probe12 P12-08)
  local e = raises(function() return jilin:evaluate(nil, JUNE) end)
  eq(getmetatable(e), quotalevy.Error)
  assert(tostring(e):find("record must be a table, not nil", 1, true), tostring(e))
  raises(function() return jilin:explain(nil, JUNE) end)
  for _, thrown in ipairs({ "boom", { code = 1 } }) do
    local bad = setmetatable({}, { __pairs = function() error(thrown, 0) end })
    local ok, got = pcall(function() return jilin:evaluate(bad, JUNE) end)
    eq(ok, false, "evaluate of a record that raises")
    eq(got, thrown)
    ok, got = pcall(function() return jilin:evaluate_many({ firm(), bad, firm() }, JUNE) end)
    eq(ok, false, "evaluate_many with a record that raises")
    eq(got, thrown)
  end
end)

local function csv(text)
  local rows, row, f, i, n, line, lines, start = {}, {}, {}, 1, #text, 1, {}, 1
  local quoted = false
  while i <= n do
    local ch = text:sub(i, i)
    if quoted then
      if ch == '"' and text:sub(i + 1, i + 1) == '"' then f[#f + 1] = '"'; i = i + 1
      elseif ch == '"' then quoted = false
      else if ch == "\n" then line = line + 1 end; f[#f + 1] = ch end
    elseif ch == '"' then quoted = true
    elseif ch == "," then row[#row + 1] = table.concat(f); f = {}
    elseif ch == "\n" then
      row[#row + 1] = table.concat(f):gsub("\r$", "")
      rows[#rows + 1], lines[#rows + 1] = row, start
      row, f = {}, {}
      line = line + 1
      start = line
    else f[#f + 1] = ch end
    i = i + 1
  end
  if #f > 0 or #row > 0 then row[#row + 1] = table.concat(f); rows[#rows + 1], lines[#rows + 1] = row, start end
  return rows, lines
end

local function field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Every rule set with every example data file it runs on: the rows of
-- tests/example-table.txt (rules, data, date, currency places, money
-- outputs), the table every front end's tests read.
local function example_table()
  local rows = {}
  for line in io.lines(SRC .. "/tests/example-table.txt") do
    if line:find("%S") and not line:find("^#") then
      local f = {}
      for w in line:gmatch("%S+") do f[#f + 1] = w end
      eq(#f, 5, "columns of " .. line)
      local money = {}
      if f[5] ~= "-" then
        for m in f[5]:gmatch("[^,]+") do money[m] = true end
      end
      rows[#rows + 1] = { rules = f[1], data = f[2], date = f[3], places = tonumber(f[4]),
                          money = money }
    end
  end
  return rows
end

test("the example table runs every rule set and example file on disk", function()
  -- this file's list of examples was its own (4 rule sets of 7)
  local missing = {}
  local p = assert(io.popen(("cd '%s' && ls rules/*/*.yaml examples/*.csv"):format(SRC)))
  for f in p:lines() do
    if not f:find("%.expected%.csv$") and not f:find("%.rejects%.csv$") then missing[f] = true end
  end
  p:close()
  for _, ex in ipairs(example_table()) do missing[ex.rules], missing[ex.data] = nil, nil end
  eq(next(missing), nil, "a rule set or example file in no row of tests/example-table.txt")
end)

test("every example file equals the command line's output, each number at its scale", function()
  assert(CLI, "QL_CLI is not set")
  for _, ex in ipairs(example_table()) do
    local rules, data, date = ex.rules, ex.data, ex.date
    local keep = slurp(SRC .. "/" .. data):match("^[^\n]*"):find("%f[^,\n]name%f[,\n\0]") and "name"
                 or nil
    local rejects = os.tmpname()
    local cmd = ("cd '%s' && '%s' run %s %s --date %s -o - -q --rejects '%s'%s"):format(
      SRC, CLI, rules, data, date, rejects, keep and (" --keep " .. keep) or "")
    local p = assert(io.popen(cmd))
    local want = p:read("a")
    p:close()
    local want_rejects = csv(slurp(rejects))
    os.remove(rejects)

    local rs = quotalevy.load(SRC .. "/" .. rules)
    local rows, lines = csv(slurp(SRC .. "/" .. data))
    local header, col, known = rows[1], {}, {}
    for c, name in ipairs(header) do col[name] = c end
    for _, i in ipairs(rs.inputs) do known[i.name] = true end
    local recs = {}
    for k = 2, #rows do
      local rec = {}
      for c, name in ipairs(header) do
        if known[name] then rec[name] = rows[k][c] end -- "": empty
      end
      recs[k - 1] = rec
    end
    local out = { "id" }
    if keep then out[#out + 1] = keep end
    local is_check = {}
    for _, c in ipairs(rs.checks) do is_check[c.name] = true end
    for _, o in ipairs(rs.outputs) do
      if is_check[o] then
        for _, f in ipairs { "applicable", "compliant", "required", "actual", "shortfall" } do
          out[#out + 1] = o .. "_" .. f
        end
      else out[#out + 1] = o end
    end
    local text = { table.concat(out, ",") }
    local rejected = {}
    local places = {} -- output: { [decimal places] = true }
    for k, r in ipairs(rs:evaluate_many(recs, date)) do
      local row = rows[k + 1]
      if getmetatable(r) == quotalevy.Error then
        rejected[#rejected + 1] = table.concat({ lines[k + 1], col[r.field] or 0, r.field,
                                                 r.status, row[col.id] }, ",")
      else
        local t = { field(row[col.id]) }
        if keep then t[#t + 1] = field(row[col[keep]]) end
        local function s(v) if v == nil then return "" end return tostring(v) end
        for _, o in ipairs(rs.outputs) do
          if is_check[o] then
            local c = r.checks[o]
            t[#t + 1] = tostring(c.applicable)
            t[#t + 1] = s(c.compliant)
            t[#t + 1] = s(c.required)
            t[#t + 1] = s(c.actual)
            t[#t + 1] = s(c.shortfall)
          else
            local v = r.outputs[o]
            t[#t + 1] = field(s(v))
            if type(v) == "string" and v:find("^%-?%d+%.?%d*$") then
              places[o] = places[o] or {}
              places[o][#(v:match("%.(%d+)$") or "")] = true
            end
          end
        end
        text[#text + 1] = table.concat(t, ",")
      end
    end
    eq(table.concat(text, "\n") .. "\n", want, data)
    local wr = {}
    for k = 2, #want_rejects do
      local w = want_rejects[k]
      wr[#wr + 1] = table.concat({ w[1], w[2], w[3], w[4], w[6] }, ",")
    end
    eq(table.concat(rejected, "\n"), table.concat(wr, "\n"), data .. " rejects")
    eq(rs.currency_places, ex.places, rules .. " currency places")
    assert(next(places), rules .. ": no number seen")
    for o, seen in pairs(places) do
      local n = 0
      for _ in pairs(seen) do n = n + 1 end
      eq(n, 1, rules .. ": places of " .. o)
    end
    for o in pairs(ex.money) do
      assert(places[o] and places[o][ex.places], rules .. ": money output " .. o .. " not at the currency's places")
    end
    rs:close()
  end
end)

-- P18-09: a record whose __pairs (or __index, read for its id) closes the
-- rule set in the middle of the call got the bare "NULL argument" (the
-- handle taken before the record was read was freed); it gets the words
-- every closed rule set gets, from evaluate, evaluate_many and explain
test("a record that closes the rule set while it is read gets the closed message", function()
  local function closer(rs)
    return setmetatable({}, { __pairs = function()
      rs:close()
      collectgarbage()
      return next, firm(), nil
    end })
  end
  for _, call in ipairs { "evaluate", "explain", "evaluate_many" } do
    local rs = quotalevy.load(NATIONAL)
    local arg = closer(rs)
    if call == "evaluate_many" then arg = { firm(), arg, firm() } end
    local e = tostring(raises(rs[call], rs, arg, JUNE))
    assert(e:find("the rule set 'cn-national' is closed", 1, true), call .. ": " .. e)
    assert(not e:find("NULL", 1, true), call .. ": " .. e)
  end
end)

test("close, and rule sets dropped in any order", function()
  local rs = quotalevy.load(NATIONAL)
  local r = rs:evaluate(firm(), JUNE)
  rs:evaluate_many({ firm() }, JUNE)
  rs:close()
  assert(tostring(raises(rs.evaluate, rs, firm(), JUNE)):find("closed"))
  eq(r.outputs.levy_due, "56958.16")
  rs:close() -- twice is fine
  do
    local scoped <close> = quotalevy.load(NATIONAL)
    eq(scoped:evaluate(firm(), JUNE).outputs.levy_due, "56958.16")
  end
  for _ = 1, 50 do
    local x = quotalevy.load(NATIONAL)
    x:evaluate(firm(), JUNE)
    x:evaluate_many({ firm(), firm() }, JUNE)
  end
  collectgarbage()
  collectgarbage()
end)

-- The raw module (quotalevy.core, generated from bindings/quotalevy.i):
-- each C object borrows from another (a record, result or batch from
-- its rule set; a result, after an evaluation, from that record), so its
-- userdata keeps that one alive.  Run under AddressSanitizer by the
-- suite (build-asan), where a freed rule set read is an error.
local core = require "quotalevy.core"
local DAY = core.ql_swig_date_parse(JUNE)
local function small() return core.ql_swig_load_buffer(SMALL, "small.yaml") end
local function sweep() collectgarbage("collect"); collectgarbage("collect") end

test("raw handles keep their rule set alive", function()
  local rec, res, batch
  do
    local rs = small()
    rec, res, batch = core.ql_record(rs), core.ql_result(rs), core.ql_swig_batch(rs)
  end
  sweep() -- the rule set is unreachable but through rec, res and batch
  rec:set("n", "9")
  rec:set("label", "a label")
  res:evaluate(rec, DAY, 0)
  eq(res:output_string(1), "18", "double")
  eq(res:output_string(5), "a label", "label")
  local got = batch:evaluate("n\0" .. "4\0" .. "\0", DAY, 0)
  eq(got:match("^K%z[^%z]*%z([^%z]*)%z"), "=8", "batch's double (\"=\" and its text)")
end)

test("a raw result keeps the record it last evaluated alive", function()
  local res
  do
    local rs = small()
    local rec = core.ql_record(rs)
    rec:set("label", "kept")
    rec:set("n", "3")
    res = core.ql_result(rs)
    res:evaluate(rec, DAY, core.QL_EVAL_TRACE)
  end
  sweep() -- the label and the trace's inputs are the record's
  eq(res:output_string(5), "kept", "label")
  assert(res:explanation():find("kept", 1, true), res:explanation())
  -- a result evaluating another record lets the first go
  local rs = small()
  local r1, r2, out = core.ql_record(rs), core.ql_record(rs), core.ql_result(rs)
  r1:set("n", "1")
  r2:set("n", "2")
  out:evaluate(r1, DAY, 0)
  out:evaluate(r2, DAY, 0)
  core.ql_record_free(r1) -- borrowed by nobody now
  eq(out:output_string(1), "4", "double")
end)

test("raw explicit frees: once, in order, and a freed handle raises", function()
  local rs = small()
  local rec, res = core.ql_record(rs), core.ql_result(rs)
  rec:set("n", "5")
  res:evaluate(rec, DAY, 0)
  -- what something still borrows from is not freed
  local e = raises(core.ql_ruleset_free, rs)
  eq(e.status, "QL_EINVAL")
  assert(e.message:find("still", 1, true), e.message)
  eq(raises(core.ql_record_free, rec).status, "QL_EINVAL") -- res borrows it
  eq(res:output_string(1), "10", "after the refusals")
  core.ql_result_free(res)
  core.ql_result_free(res) -- twice is harmless
  eq(raises(res.output_string, res, 1).status, "QL_EINVAL")
  core.ql_record_free(rec)
  eq(raises(rec.set, rec, "n", "1").status, "QL_EINVAL")
  core.ql_ruleset_free(rs)
  assert(raises(rs.input_count, rs).message:find("freed", 1, true))
  -- a batch too
  local rs2 = small()
  local b = core.ql_swig_batch(rs2)
  eq(raises(core.ql_ruleset_free, rs2).status, "QL_EINVAL")
  core.ql_swig_batch_free(b)
  eq(raises(b.evaluate, b, "\0", DAY, 0).status, "QL_EINVAL")
  core.ql_ruleset_free(rs2)
  sweep() -- and the collector frees none of them again
end)

test("a record with no input among its keys is refused, not levied on defaults", function()
  -- probe5 P5-07: {} or only an id or headers in another language gave
  -- Japan's levy 0; the command stops such a header, Python refuses it
  local jp = quotalevy.load(SRC .. "/rules/jp/levy.yaml")
  for _, r in ipairs { {}, { id = "a" }, { ["番号"] = "1", x = "2" } } do
    local e = raises(jp.evaluate, jp, r, "2025-10-01")
    eq(e.status, "QL_ERECORD")
    assert(e.message:find("no key is an input of the rule set 'jp-levy' (the record has ",
                          1, true), e.message)
  end
  -- the words of every front end (tools/quotalevy/noinput.h)
  local e = raises(jp.evaluate, jp, { id = "a" }, "2025-10-01")
  assert(e.message:find("no key is an input of the rule set 'jp-levy' (the record has only 'id'; the rules read exclusion_rate, industry, full_time[1], …): it would be evaluated on the inputs' defaults alone", 1, true), e.message)
  local got = jp:evaluate_many({ {}, { id = "b" } }, "2025-10-01")
  eq(#got, 2)
  assert(got[1].message:find("defaults alone", 1, true), tostring(got[1].message))
  -- a near miss still says "did you mean", which helps more
  local e = raises(jilin.evaluate, jilin, { employes = "100" }, JUNE)
  assert(e.message:find("did you mean 'employees'", 1, true), e.message)
end)

for _, t in ipairs(tests) do
  local ok, e = pcall(t[2])
  if ok then
    print("ok - " .. t[1])
  else
    failed = failed + 1
    print("not ok - " .. t[1] .. ": " .. tostring(e))
  end
end
print(("%d tests, %d failed"):format(#tests, failed))
os.exit(failed == 0 and 0 or 1, true) -- closed: every __gc runs, for valgrind
