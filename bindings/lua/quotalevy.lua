--[[
quotalevy.lua — disability-employment quota rules and levies, for Lua 5.4.

    local quotalevy = require "quotalevy"
    local rs = quotalevy.load("cn/jilin")           -- a path or an installed name
    local r = rs:evaluate({unit_type = "enterprise", employees = "100",
                           disabled = 1, disabled_severe = 0,
                           wage_total = "6000000", local_avg_wage = 50000},
                          "2024-06-30")
    print(r.outputs.levy_due)                        --> 18000.00

Exact numbers are strings: the library's own digits at the output's
scale ("18000.00", "1.600"), never a Lua float.  Lua has no decimal type,
a float cannot hold 0.015 and Lua turns "1.5" + 1 into a float silently,
so a number that must stay exact stays text; a host hands it on as text
(CSV, JSON, SQL) or to a decimal library of its choice.  Going in, a
field takes a string, an integer or a boolean; a float is refused naming
the field.  Dates are "YYYY-MM-DD" strings.

Errors are raised as values with metatable quotalevy.Error: fields
status, message, file, line, column, field, text; tostring(e) is the
text.  Catch them with pcall.

Built on quotalevy.core, which SWIG generates from bindings/quotalevy.i
(the language-neutral interface) and quotalevy_lua.i.
]]
local core = require "quotalevy.core"

local M = {}
M.Error = core.error_metatable()
M.version = core.ql_version()

local TYPE_NUMBER, TYPE_BOOL = core.QL_TYPE_NUMBER, core.QL_TYPE_BOOL

-- A user's key, name or value quoted for a message as the library quotes
-- one (ql_text_quote): escaped, cut at a character, bounded, so the
-- message stays valid UTF-8 whatever bytes the Lua string holds.
local function quote(s) return core.ql_swig_quote(tostring(s)) end

local CHECK_FIELDS = { "applicable", "compliant", "required", "actual", "shortfall" }

local function raise(status, field, message, level)
  error(setmetatable({ status = status, field = field, message = message,
                       text = ("field '%s': %s"):format(field, message) },
                     M.Error), level or 3)
end

-- The text a field's value crosses as ("" for an empty field), or
-- false and why it is refused: the refusal is packed in the field's place
-- (swig_batch.h), so that it is ranked among the record's other problems
-- in the rule set's declaration order, not in pairs() order.
local function text_of(v)
  local t = type(v)
  if t == "string" then
    if v:find("\0", 1, true) then return false, "a NUL character cannot be part of a value" end
    return v
  elseif t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v then
      return false, "a float NaN (not a number) is no value: pass nil for an empty field"
    end
    if v == math.huge or v == -math.huge then
      return false, "an infinite float is no value: pass the number as a string"
    end
    if math.tointeger(v) then
      -- exact in binary, yet no float is taken: what it was meant as is unsure
      return false, ("a float is refused, even %s: pass %d as an integer "
                     .. "or the number as a string"):format(v, math.tointeger(v))
    end
    -- k: the binary fraction digits of v, so that its exact value has k
    -- decimal places; say "in binary" only when that differs from the
    -- shortest text that reads back as v (100.5 is exact, 100.1 is not)
    local k, m = 0, v
    while m ~= math.floor(m) and k < 1100 do m, k = m * 2, k + 1 end
    local short
    for p = 1, 17 do
      short = ("%." .. p .. "g"):format(v)
      if tonumber(short) == v then break end
    end
    local exact = k <= 99 and ("%." .. k .. "f"):format(v) or nil
    if exact and tonumber(exact) == v and #exact <= 40 and
       exact:gsub("^%-?0*", ""):gsub("%.", "") == short:gsub("^%-?0*", ""):gsub("%.", "") then
      return false, ("a float is refused, even %s (exact in binary): pass the number "
                     .. "as a string"):format(short)
    end
    return false, ("a float is refused: %s is %.25g… in binary, not the decimal it reads "
                   .. "as, so none is taken: pass the number as a string"):format(short, v)
  elseif t == "boolean" then
    return v and "true" or "false"
  elseif v == nil then
    return ""
  end
  return false, ("a %s cannot be a field's value: pass a string, an integer or "
                 .. "a boolean"):format(t)
end

local RuleSet = {}
RuleSet.__index = RuleSet

local function days(date)
  if type(date) ~= "string" then
    error(("date must be a 'YYYY-MM-DD' string, not %s"):format(type(date)), 3)
  end
  return core.ql_swig_date_parse(date)
end

local function wrap(h)
  local rs = setmetatable({ _h = h, inputs = {}, outputs = {}, checks = {},
                            lists = {}, _type = {}, _is_check = {}, _check = {},
                            _input = {} },
                          RuleSet)
  for _, k in ipairs { "id", "title", "jurisdiction", "version", "description", "file" } do
    rs[k] = h:meta(k)
  end
  -- the ISO 4217 code of its money ("CNY", "JPY") and its minor unit's
  -- places (2, 0), every money text's decimals; both nil when it has none
  rs.currency = h:currency()
  local places = h:currency_places()
  rs.currency_places = places >= 0 and places or nil
  for i = 0, h:input_count() - 1 do
    local name = h:input_name(i)
    rs.inputs[#rs.inputs + 1] = { name = name, type = h:input_type(i),
                                  description = h:input_description(i) }
    rs._input[name] = true
    local base, k = name:match("^(.-)%[(%d+)%]$")
    if base then rs.lists[base] = math.max(rs.lists[base] or 0, tonumber(k)) end
  end
  for i = 0, h:output_count() - 1 do
    local name = h:output_name(i)
    rs.outputs[#rs.outputs + 1] = name
    rs._type[i + 1] = h:output_type(i)
    rs._is_check[i + 1] = h:output_is_check(i) ~= 0
  end
  for i = 0, h:check_count() - 1 do
    rs.checks[#rs.checks + 1] = { name = h:check_name(i), title = h:check_title(i),
                                  source = h:check_source(i) }
  end
  return rs
end

-- A string argument or a refusal naming the call and what it takes (a
-- nil path was "NULL argument", a nil text SWIG's "bad argument #1 to
-- 'ql_swig_load_buffer'").
local function need_string(v, what, call, optional)
  if type(v) == "string" or (optional and v == nil) then return v end
  error(("quotalevy.%s: %s must be a string%s, not %s"):format(
    call, what, optional and " or nil" or "", type(v)), 3)
end

--- Loads the rules file at path, or an installed rule set by name ("cn/jilin").
function M.load(path)
  return wrap(core.ql_ruleset(need_string(path, "the rules file's path or name", "load")))
end

--- Loads rules from YAML text; name is used in messages and for relative extends.
function M.from_string(yaml, name)
  return wrap(core.ql_swig_load_buffer(need_string(yaml, "the YAML text", "from_string"),
                                       need_string(name, "the name", "from_string", true)))
end

function RuleSet:_handle()
  if not self._h then error(("the rule set '%s' is closed"):format(self.id), 3) end
  return self._h
end

-- rs.evaluate(record, date), a dot for the colon, took the record for the
-- rule set: "attempt to index a nil value (local 'self')".
local function need_self(self, method)
  if getmetatable(self) ~= RuleSet then
    error(("quotalevy: call rs:%s(…) with a colon: the rule set was given as %s"):format(
      method, type(self)), 3)
  end
end

-- The record's fields as (name, text) pairs, lists spread into their
-- items, into fn.  A value or name the binding cannot send goes as a
-- refusal, fn("\1" .. name, why), and every check of the record is made
-- in C (swig_batch.h): the problem reported is the one first in the rule
-- set's declaration order, the same in every run (Lua's pairs() order
-- changes from one run to the next, P4-05).  A name holding a NUL is
-- refused: C would read it cut at the NUL, and the batch, which packs
-- "name\0text\0", would read the rest as more fields or records.  A
-- list is given whole, every item ("" for an empty one: nil would be a
-- hole), or by all of its items (an item beside its list is given
-- twice, which C refuses).  `at` names the record's position in a
-- batch.
local function each_field(rs, record, fn, at)
  if type(record) ~= "table" then
    local why = ("%srecord must be a table, not %s"):format(
      at and ("records[%d]: "):format(at) or "", type(record))
    error(setmetatable({ status = "QL_EINVAL", message = why, text = why }, M.Error), 4)
  end
  for name, v in pairs(record) do
    if type(name) ~= "string" then
      fn("\1\1" .. tostring(name), ("a field name must be a string, not %s"):format(type(name)))
    elseif name:find("\0", 1, true) or name:byte(1) == 1 then
      fn("\1\1" .. name:gsub("%z", "\\0"):gsub("^\1", "\\x01"),
         "a NUL character (or a \\x01 first) cannot be part of a field name")
    elseif rs.lists[name] and type(v) == "table" then
      local size, bad = rs.lists[name], nil
      for k in pairs(v) do
        if math.type(k) ~= "integer" or k < 1 or k > size then bad = bad or k end
      end
      local got = 0
      for k = 1, size do got = got + (v[k] ~= nil and 1 or 0) end
      if bad ~= nil then
        fn("\1" .. name, ("a list of %d items, got item %s"):format(
          size, type(bad) == "string" and quote(bad) or tostring(bad)))
      elseif got ~= size then
        fn("\1" .. name, ("a list of %d items, got %d (an empty item is \"\": "
                          .. "nil is a hole in a Lua table)"):format(size, got))
      else
        for k = 1, size do -- an item given beside its list: C says "twice"
          local item, text, why = ("%s[%d]"):format(name, k), text_of(v[k])
          if text then fn(item, text) else fn("\1" .. item, why) end
        end
      end
    else
      local text, why = text_of(v)
      if text then fn(name, text) else fn("\1" .. name, why) end
    end
  end
end

local function value(kind, s)
  if s == "" then return nil end
  if kind == TYPE_BOOL then return s == "true" end
  return s -- numbers, dates, enums and strings as text
end

-- An output's text as the batch writes it: "" none, else "=" and the text,
-- so that an empty string is "" and not nil.
local function output_value(kind, s)
  if s == "" then return nil end
  s = s:sub(2)
  if kind == TYPE_BOOL then return s == "true" end
  return s
end

local Result = {}
Result.__index = Result
function Result:__tostring()
  local parts = {}
  for i, name in ipairs(self.ruleset.outputs) do
    parts[i] = ("%s=%s"):format(name, tostring(self.outputs[name]))
  end
  return "Result(" .. table.concat(parts, ", ") .. ")"
end

-- A Result from the texts of the outputs then the five fields of each check.
local function result(rs, date, texts)
  local r = setmetatable({ ruleset = rs, date = date, outputs = {}, checks = {} }, Result)
  local n = #rs.outputs
  for i, name in ipairs(rs.outputs) do
    r.outputs[name] = output_value(rs._type[i], texts[i])
  end
  for c, check in ipairs(rs.checks) do
    local t = {}
    for f, field in ipairs(CHECK_FIELDS) do
      t[field] = value(f <= 2 and TYPE_BOOL or TYPE_NUMBER, texts[n + 5 * (c - 1) + f])
    end
    t.applicable = t.applicable == true
    r.checks[check.name] = t
  end
  return r
end

-- The batch's flags for the options table of a call: {extra = "ignore"}
-- (the default: a key that is no input and no near miss is passed over)
-- or {extra = "error"} (refused).
local function flags_of(opts, level)
  if opts == nil then return 0 end
  if type(opts) ~= "table" then
    error(("quotalevy: options must be a table, not %s"):format(type(opts)), level)
  end
  for k in pairs(opts) do
    if k ~= "extra" then
      error(("quotalevy: unknown option %s (the options are: extra)"):format(quote(k)), level)
    end
  end
  if opts.extra == nil or opts.extra == "ignore" then return 0 end
  if opts.extra == "error" then return core.QL_SWIG_NO_EXTRA end
  error(("quotalevy: extra must be \"ignore\" or \"error\", not %s"):format(quote(opts.extra)),
        level)
end

-- The error object of a batch entry "E" at fields[pos].
local function batch_error(f, pos)
  return setmetatable({ status = f[pos + 1], message = f[pos + 2],
                        file = f[pos + 3] ~= "" and f[pos + 3] or nil,
                        line = tonumber(f[pos + 4]) ~= 0 and tonumber(f[pos + 4]) or nil,
                        column = tonumber(f[pos + 5]) ~= 0 and tonumber(f[pos + 5]) or nil,
                        field = f[pos + 6] ~= "" and f[pos + 6] or nil,
                        text = f[pos + 7] }, M.Error)
end

-- Evaluates records (already checked to be a list) in one call into C:
-- a Result or an Error for each; with trace, each Result's explanation
-- in .explanation.
local function run_batch(self, records, date, flags, many)
  local h, d = self:_handle(), days(date)
  local parts, out, sent = {}, {}, {}
  for i, record in ipairs(records) do
    local ok, e = pcall(each_field, self, record, function(name, text)
      parts[#parts + 1] = name
      parts[#parts + 1] = text
    end, many and i or nil)
    if ok then
      parts[#parts + 1] = "" -- ends the record
      sent[#sent + 1] = i
    elseif getmetatable(e) ~= M.Error then
      -- the caller's own code failed as the record was read (a __pairs
      -- or __index that raises): its error, not a result in its place
      error(e, 0)
    else
      out[i] = e
      -- drop the fields packed before the refusal
      for k = #parts, 1, -1 do
        if parts[k] == "" then break end
        parts[k] = nil
      end
    end
  end
  if #sent == 0 then return out end
  -- the handle again: a record's __pairs or __index may have closed the
  -- rule set as it was read, and `h` is then freed (P18-09: "NULL
  -- argument"); a closed rule set is refused in the words it gets anywhere
  h = self:_handle()
  self._batch = self._batch or core.ql_swig_batch(h)
  local packed = table.concat(parts, "\0") .. "\0"
  local got = self._batch:evaluate(packed, d, flags)
  local fields = {}
  for s in got:gmatch("([^\0]*)\0") do fields[#fields + 1] = s end
  local pos, width = 1, #self.outputs + 5 * #self.checks
  local trace = flags & core.QL_EVAL_TRACE ~= 0 and 1 or 0
  for _, i in ipairs(sent) do
    if fields[pos] == "E" then
      out[i] = batch_error(fields, pos)
      pos = pos + 8
    else
      out[i] = result(self, date, table.move(fields, pos + 1, pos + width, 1, {}))
      if records[i].id ~= nil then out[i].id = tostring(records[i].id) end
      if trace == 1 then out[i].explanation = fields[pos + 1 + width] end
      pos = pos + 1 + width + trace
    end
  end
  if pos ~= #fields + 1 then -- one entry a record, or the framing broke
    error(("quotalevy: the batch returned %d fields for %d records"):format(#fields, #sent), 3)
  end
  return out
end

-- One record through the batch: its Result, or its Error raised.
local function run_one(self, record, date, flags)
  if type(record) ~= "table" then
    -- a nil record was a list of none: rs:evaluate(nil, d) returned nil
    local why = ("record must be a table, not %s"):format(type(record))
    error(setmetatable({ status = "QL_EINVAL", message = why, text = why }, M.Error), 3)
  end
  local r = run_batch(self, { record }, date, flags)[1]
  if getmetatable(r) == M.Error then error(r, 3) end
  return r
end

--- Evaluates one record (a table of field = value) on date ("YYYY-MM-DD").
--- Returns a Result: r.outputs (name -> string, boolean or nil) and
--- r.checks (name -> {applicable, compliant, required, actual, shortfall}).
--- opts: {extra = "error"} refuses keys that are not inputs (see docs/lua.md).
function RuleSet:evaluate(record, date, opts)
  need_self(self, "evaluate")
  return run_one(self, record, date, flags_of(opts, 3))
end

--- The calculation of one record step by step, as `quotalevy explain`
--- prints it: the library's own text (ql_result_explain).
function RuleSet:explain(record, date, opts)
  need_self(self, "explain")
  return run_one(self, record, date, flags_of(opts, 3) | core.QL_EVAL_TRACE).explanation
end

--- Evaluates a list of records on date in one call into C.  Returns a list
--- of the same length: a Result, or the error object of a record that failed.
function RuleSet:evaluate_many(records, date, opts)
  need_self(self, "evaluate_many")
  if type(records) ~= "table" then
    error(("quotalevy: evaluate_many takes a list of records, not %s"):format(type(records)), 2)
  end
  local flags = flags_of(opts, 3)
  self:_handle()
  days(date)
  -- a list 1 … n, every key checked: ipairs stops at the first hole, and a
  -- batch built by index with one skipped lost every record after it
  local count, most = 0, 0
  for k in pairs(records) do
    if math.type(k) ~= "integer" or k < 1 then
      error(("quotalevy: evaluate_many takes a list of records, and key %s is no "
             .. "position 1, 2, …"):format(type(k) == "string" and quote(k)
                                            or tostring(k)), 2)
    end
    count, most = count + 1, math.max(most, k)
  end
  if most ~= count then
    local hole = 1
    while records[hole] ~= nil do hole = hole + 1 end
    local after = hole + 1
    while records[after] == nil do after = after + 1 end
    error(("quotalevy: evaluate_many takes a list of records without gaps: "
           .. "records[%d] follows a hole at [%d]"):format(after, hole), 2)
  end
  return run_batch(self, records, date, flags, true)
end

--- The value of parameter name in force on date, as the rules file writes it.
function RuleSet:parameter(name, date)
  need_self(self, "parameter")
  local h, d = self:_handle(), days(date)
  for i = 0, h:param_count() - 1 do
    if h:param_name(i) == name then return h:param_text(i, d) end
  end
  error(("the rule set %s has no parameter called %s"):format(quote(self.id), quote(name)), 2)
end

--- Frees the C rule set now rather than at garbage collection; the
--- Results already made stay valid (they hold only Lua values).
function RuleSet:close()
  if not self._h then return end
  -- each free clears its handle: the collector will not free it again;
  -- a borrower goes before what it borrows from (the result borrows the
  -- record it evaluated, everything the rule set), or the free refuses
  if self._batch then core.ql_swig_batch_free(self._batch) end
  core.ql_ruleset_free(self._h)
  self._batch, self._h = nil, nil
end
RuleSet.__close = RuleSet.close

function RuleSet:__tostring()
  return ("RuleSet(%s, version %s)"):format(self.id, self.version)
end

return M
