"""quotalevy — disability-employment quota rules and levies, from YAML.

    import quotalevy
    rs = quotalevy.RuleSet.load("rules/cn/jilin.yaml")
    res = rs.evaluate({"unit_type": "enterprise", "employees": "100", ...},
                      "2024-06-30")
    res.outputs["levy_due"]          # Decimal('18000.00')
    res.checks["agency_post_minimum"].applicable
    print(res.explain())

Numbers come back as decimal.Decimal with their exact digits; Decimal, int
and numeric strings go in, and a float is refused (it cannot hold 0.015
exactly).  Errors are quotalevy.RulesError (a rules file: .file, .line,
.column) and quotalevy.RecordError (a record: .field), both
quotalevy.Error.  A Result keeps its RuleSet alive, so it stays valid
after the RuleSet object is dropped.
"""
import datetime as _dt
from collections.abc import Mapping as _Mapping
from collections.abc import Sequence as _Sequence
from types import MappingProxyType as _MappingProxy
from decimal import Decimal

from . import native as _native

__all__ = ["RuleSet", "Result", "CheckResult", "Step", "Input", "Check",
           "Parameter", "Error", "RulesError", "RecordError", "version"]

version = _native.version


class Error(Exception):
    """Any error from quotalevy.  `status` is the C status name, e.g.
    'QL_ERECORD'; `message` is the message without its location."""

    def __init__(self, status, message, file="", line=0, column=0, field="",
                 text=None):
        super().__init__(text or message)
        self.status = status
        self.message = message
        self.file = file or None
        self.line = line or None
        self.column = column or None
        self.field = field or None


class RulesError(Error):
    """A rules file that cannot be loaded: .file, .line and .column say
    where."""


class RecordError(Error):
    """A record that cannot be evaluated: .field names the field when the
    problem is one field's (an empty needed field, a bad value, a broken
    validation); .file/.line/.column locate the rule that needed it."""


_RULES = {"QL_EIO", "QL_EPARSE", "QL_ESCHEMA", "QL_ETYPE", "QL_ENAME",
          "QL_ELIMIT"}


def _error(args, record=False):
    status = args[0]
    cls = RecordError if record or status not in _RULES else RulesError
    return cls(*args)


def _call(fn, *args, record=False):
    try:
        return fn(*args)
    except _native.NativeError as e:
        raise _error(e.args, record) from None


def _date(d):
    """Days since 1970-01-01 from a datetime.date or 'YYYY-MM-DD'."""
    if isinstance(d, _dt.datetime):
        d = d.date()
    if isinstance(d, _dt.date):
        d = d.isoformat()
    if not isinstance(d, str):
        raise TypeError("date must be a datetime.date or a 'YYYY-MM-DD' string, "
                        "not %s" % type(d).__name__)
    return _call(_native.parse_date, d, record=True)


class Input:
    """An input field: name, type word ('decimal', 'enum', …), description."""
    __slots__ = ("name", "type", "description")

    def __init__(self, name, type, description):
        self.name, self.type, self.description = name, type, description

    def __repr__(self):
        return "Input(%r, %r)" % (self.name, self.type)


class Check:
    """A check of the rule set: name, title and citation."""
    __slots__ = ("name", "title", "source")

    def __init__(self, name, title, source):
        self.name, self.title, self.source = name, title, source

    def __repr__(self):
        return "Check(%r)" % self.name


class Parameter:
    """A parameter's value on a date, the date it holds from, its citation."""
    __slots__ = ("name", "value", "since", "source")

    def __init__(self, name, value, since, source):
        self.name, self.value, self.since, self.source = name, value, since, source

    def __repr__(self):
        return "Parameter(%r, %r, since=%s)" % (self.name, self.value, self.since)


class CheckResult:
    """The outcome of one check.  When it does not apply, compliant,
    required, actual and shortfall are None."""
    __slots__ = ("name", "applicable", "compliant", "required", "actual",
                 "shortfall")

    def __init__(self, name, applicable, compliant, required, actual, shortfall):
        self.name = name
        self.applicable, self.compliant = applicable, compliant
        self.required, self.actual, self.shortfall = required, actual, shortfall

    def _key(self):
        return (self.name, self.applicable, self.compliant, self.required,
                self.actual, self.shortfall)

    def __eq__(self, other):
        if isinstance(other, CheckResult):
            return self._key() == other._key()
        return NotImplemented

    __hash__ = None  # mutable-looking value object: equal by content

    def __repr__(self):
        if not self.applicable:
            return "CheckResult(%r, not applicable)" % self.name
        return ("CheckResult(%r, compliant=%r, required=%s, actual=%s, "
                "shortfall=%s)" % (self.name, self.compliant, self.required,
                                   self.actual, self.shortfall))


class Step:
    """One step of an evaluation's trace: kind ('input', 'param',
    'computed', 'check'), name, value, formula, description, source, and for
    parameters the dates the value holds from and until."""
    __slots__ = ("kind", "name", "value", "formula", "description", "source",
                 "since", "until")

    def __init__(self, kind, name, value, formula, description, source, since,
                 until):
        self.kind, self.name, self.value = kind, name, value
        self.formula, self.description, self.source = formula, description, source
        self.since, self.until = since, until

    def __repr__(self):
        return "Step(%s %s = %r)" % (self.kind, self.name, self.value)


def _flat(text):
    return " ".join(text.split()) if text else ""


class Explanation:
    """A human-readable account of one evaluation; str() gives the text."""

    def __init__(self, ruleset, date, steps, result):
        self._rs, self._date, self._steps, self._result = ruleset, date, steps, result

    def __str__(self):
        lines = ["%s — %s, evaluated on %s" % (self._rs.id, self._rs.title,
                                               self._date), ""]
        # a list's items (name[k]) on one line, where its first item was
        # settled, in item order ("–" for an item never needed)
        items = {}
        for s in self._steps:
            base, sep, rest = s.name.partition("[")
            if sep and s.kind in ("input", "computed") and rest[:-1].isdigit():
                items.setdefault((s.kind, base), {})[int(rest[:-1])] = s.value
        shown = set()
        for s in self._steps:
            base, sep, rest = s.name.partition("[")
            key = (s.kind, base)
            if sep and key in items:
                if key in shown:
                    continue
                shown.add(key)
                got = items[key]
                values = ", ".join("–" if k not in got else
                                   "(empty)" if got[k] is None else str(got[k])
                                   for k in range(1, max(got) + 1))
                if s.kind == "computed":
                    lines.append("  %-9s %s[…] = %s" % (s.kind, base, _flat(s.formula)))
                    lines.append("            = %s" % values)
                else:
                    lines.append("  %-9s %s[…] = %s" % (s.kind, base, values))
                if s.source:
                    lines.append("            source: %s" % s.source)
                continue
            if s.kind == "computed":
                lines.append("  %-9s %s = %s" % (s.kind, s.name, _flat(s.formula)))
                lines.append("            = %s" % s.value)
            elif s.kind == "param":
                lines.append("  %-9s %s = %s" % (s.kind, s.name, s.value))
                lines.append("            in force from %s%s" % (
                    s.since, " until %s" % s.until if s.until else ""))
            elif s.kind == "check":
                state = ("not applicable" if s.value is None else
                         "met" if s.value else "NOT MET")
                lines.append("  %-9s %s: %s" % (s.kind, s.name, state))
            else:
                lines.append("  %-9s %s = %s" % (s.kind, s.name, s.value))
            if s.source:
                lines.append("            source: %s" % s.source)
        lines.append("")
        lines.append("Outputs")
        for name, value in self._result.outputs.items():
            lines.append("  %-28s %s" % (name, "n/a" if value is None else value))
        return "\n".join(lines)


_NUMBER, _DATE = 1, 4  # ql_type values of numbers and dates


def _cook(kind, raw):
    """A raw value from C (numbers and dates come as text) as its object."""
    if raw is None or isinstance(raw, bool):
        return raw
    if kind == _NUMBER:
        return Decimal(raw)
    if kind == _DATE:
        return _dt.date.fromisoformat(raw)
    return raw


def _field(p):
    """A packed field from C (tag, then text) as its raw form."""
    tag = p[:1]
    if tag == "n" or tag == "d" or tag == "s":
        return p[1:]
    if tag == "T":
        return True
    if tag == "F":
        return False
    return None


class _Outputs(_Mapping):
    """A result's outputs: a read-only mapping in the rule set's order whose
    values become Decimal / date objects when first read.  `raw` is a list
    of raw values, or a list of packed fields (the batch path) when
    `packed` is set."""
    __slots__ = ("_rs", "_raw", "_done", "_packed")

    def __init__(self, ruleset, raw, packed=False):
        self._rs, self._raw, self._done, self._packed = ruleset, raw, None, packed

    def __getitem__(self, name):
        done = self._done
        if done is not None:
            return done[name]
        i = self._rs._output_pos[name]  # KeyError for an unknown name
        v = self._raw[i]
        return _cook(self._rs._output_kinds[i], _field(v) if self._packed else v)

    def _all(self):
        if self._done is None:
            rs = self._rs
            raw = self._raw[:len(rs._output_names)]
            if self._packed:
                raw = [_field(p) for p in raw]
            self._done = {n: _cook(k, v) for n, k, v in
                          zip(rs._output_names, rs._output_kinds, raw)}
        return self._done

    def __iter__(self):
        return iter(self._rs._output_names)

    def __len__(self):
        return len(self._rs._output_names)

    def __eq__(self, other):
        if isinstance(other, _Mapping):
            return self._all() == dict(other.items())
        return NotImplemented

    def __repr__(self):
        return repr(self._all())


class Result:
    """The outcome of one evaluation.

    outputs  mapping of output name → Decimal / bool / str / date / None,
             in the rule set's order (a check's output is its compliance,
             None when it does not apply)
    checks   dict of check name → CheckResult
    """
    __slots__ = ("ruleset", "date", "outputs", "_checks", "_raw_checks", "_trace")

    def __init__(self, ruleset, date, raw):
        self.ruleset = ruleset          # keeps the C rule set alive
        self.date = date
        self._checks = None
        if type(raw) is str:
            # the batch path: every output and check field in one string
            fields = raw.split("\0")
            self.outputs = _Outputs(ruleset, fields, packed=True)
            self._raw_checks = fields
            self._trace = None
            return
        outs, checks, trace = raw
        self.outputs = _Outputs(ruleset, outs)
        self._raw_checks = checks
        self._trace = trace

    @property
    def checks(self):
        raw = self._raw_checks
        if self._checks is None and isinstance(raw, list) and raw and isinstance(raw[0], str):
            no = len(self.ruleset._output_names)
            f = [_field(p) for p in raw[no:]]
            self._raw_checks = [f[k:k + 5] for k in range(0, len(f), 5)]
        if self._checks is None:
            self._checks = {
                c.name: CheckResult(c.name, t[0], t[1], *(None if v is None else
                                                         Decimal(v) for v in t[2:]))
                for c, t in zip(self.ruleset.checks, self._raw_checks)}
        return self._checks

    def trace(self):
        """Every step of the evaluation, in the order values were settled."""
        if self._trace is None:
            raise ValueError("this result was evaluated without a trace "
                             "(pass trace=True)")
        return [Step(*t) for t in self._trace]

    def explain(self):
        """The calculation, step by step (str() of it is the text)."""
        return Explanation(self.ruleset, self.date, self.trace(), self)

    def __repr__(self):
        return "Result(%s)" % ", ".join("%s=%s" % kv for kv in self.outputs.items())


class RuleSet:
    """A loaded, compiled rule set.  Immutable; safe to share between
    threads.  Load with RuleSet.load(path) or RuleSet.from_string(text)."""

    def __init__(self, handle):
        if not isinstance(handle, _native.ql_ruleset):
            raise TypeError("use RuleSet.load(path) or RuleSet.from_string(text)")
        self._h = handle
        info = _native.ruleset_info(handle)
        self._meta = info["meta"]
        self.inputs = [Input(*t) for t in info["inputs"]]
        self.outputs = [name for name, _, _ in info["outputs"]]
        self._output_names = self.outputs
        self._output_kinds = [kind for _, _, kind in info["outputs"]]
        self._output_pos = {name: k for k, name in enumerate(self.outputs)}
        self._index = {i.name: k for k, i in enumerate(self.inputs)}
        # list inputs ('count:' in the rules): name -> items, fields name[k]
        self._lists = {}
        for i in self.inputs:
            base, sep, rest = i.name.partition("[")
            if sep and rest.endswith("]"):
                self._lists[base] = max(self._lists.get(base, 0), int(rest[:-1]))
        self.lists = _MappingProxy(self._lists)  # read-only view
        self._batch = None
        self.checks = [Check(*t) for t in info["checks"]]
        self._param_names = info["params"]
        self._rec = None
        self._res = None

    @classmethod
    def load(cls, path, overrides=None):
        """Loads the rules file at path (str or os.PathLike).

        overrides: what-if parameter values, an iterable of
        (name, value, date) — from `date` on, parameter `name` has `value`
        (a Decimal, int, bool, date or the text a rules file would hold,
        e.g. "1.7%") in place of its values from then."""
        import os
        path = os.fspath(path)
        if not overrides:
            return cls(_call(_native.load_file, path))
        ovr = []
        for item in overrides:
            name, value, since = item
            if isinstance(value, float):
                raise TypeError("override %r: a float cannot hold a decimal "
                                "exactly; pass a Decimal or a string" % name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, Decimal):
                value = format(value, "f")
            elif isinstance(value, _dt.date):
                value = value.isoformat()
            ovr.append((str(name), str(value), _date(since)))
        return cls(_call(_native.load_file_overridden, path, ovr))

    @classmethod
    def from_string(cls, text, name=None):
        """Loads rules from YAML text; `name` is used in messages and as the
        base of relative `extends` paths."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        return cls(_call(_native.load_string, text, name))

    def close(self):
        """Frees the C rule set now rather than at garbage collection.
        Results already made stay valid; using the rule set afterwards
        raises ValueError.  Also done by `with RuleSet.load(p) as rs:`."""
        self._rec = self._res = None
        self._batch = None
        self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._h is None:
            raise ValueError("the rule set %r is closed" % self._meta["id"])
        return self._h

    id = property(lambda self: self._meta["id"])
    title = property(lambda self: self._meta["title"])
    jurisdiction = property(lambda self: self._meta["jurisdiction"])
    version = property(lambda self: self._meta["version"])
    description = property(lambda self: self._meta["description"])

    def parameters(self, date):
        """{name: Parameter} in force on date; None where none is."""
        raw = _native.ruleset_params(self._handle(), _date(date))
        return {n: (Parameter(n, *raw[n]) if raw[n] is not None else None)
                for n in self._param_names}

    def _date_obj(self, date):
        if isinstance(date, str):
            return _dt.date.fromisoformat(date)
        return date.date() if isinstance(date, _dt.datetime) else date

    def _flat(self, record):
        """A record whose list inputs are given as sequences, with each
        item as its own field name[k] (None leaves an item empty)."""
        out = None
        for name, size in self._lists.items():
            items = record.get(name)
            if items is None:
                continue
            if isinstance(items, (str, bytes)) or not isinstance(items, _Sequence):
                raise TypeError("field %r is a list of %d items: pass a list "
                                "or tuple, not %s" % (name, size, type(items).__name__))
            if len(items) > size:
                raise ValueError("field %r has %d items, got %d"
                                 % (name, size, len(items)))
            if out is None:
                out = dict(record)
            del out[name]
            for k, v in enumerate(items, 1):
                if v is not None:
                    out["%s[%d]" % (name, k)] = v
        return record if out is None else out

    def evaluate(self, record, date, trace=True):
        """Evaluates one record (a mapping of field names to values) on
        date; returns a Result or raises RecordError."""
        if not isinstance(record, _Mapping):
            raise TypeError("record must be a mapping, not %s" % type(record).__name__)
        days = _date(date)
        h = self._handle()
        if self._rec is None:
            self._rec = _native.record_new(h)
            self._res = _native.result_new(h)
        raw = _call(_native.evaluate, h, self._rec, self._res,
                    self._flat(record), self._index, days, 1 if trace else 0,
                    record=True)
        return Result(self, self._date_obj(date), raw)

    def evaluate_many(self, records, date, trace=False, batch=1024,
                      errors="raise"):
        """Evaluates an iterable of mappings through the C batch path (the
        GIL is released while it runs) and yields results in order.  A
        record that fails raises RecordError (errors='raise') or is yielded
        as its RecordError (errors='yield')."""
        if errors not in ("raise", "yield"):
            raise ValueError("errors must be 'raise' or 'yield'")
        self._handle()
        days = _date(date)
        when = self._date_obj(date)
        chunk = []
        for r in records:
            chunk.append(r)
            if len(chunk) == batch:
                yield from self._many(chunk, days, when, trace, errors)
                chunk = []
        if chunk:
            yield from self._many(chunk, days, when, trace, errors)

    def _many(self, chunk, days, when, trace, errors):
        for r in chunk:
            if type(r) is not dict and not isinstance(r, _Mapping):
                raise TypeError("records must be mappings, not %s" % type(r).__name__)
        if self._lists:
            chunk = [self._flat(r) for r in chunk]
        h = self._handle()
        batch = self._batch  # one at a time: a thread that finds it taken
        self._batch = None   # makes its own
        if batch is None or batch[0] < len(chunk):
            size = max(len(chunk), 64)
            batch = (size, _call(_native.batch_new, h, size))
        try:
            out = _call(_native.evaluate_many, batch[1], chunk, self._index, days,
                        1 if trace else 0, record=True)
        finally:
            self._batch = batch
        for raw in out:
            if type(raw) is tuple and type(raw[0]) is str:
                # (status, message, …): a failure
                err = _error(raw, record=True)
                if errors == "raise":
                    raise err
                yield err
            else:
                yield Result(self, when, raw)

    def __repr__(self):
        return "RuleSet(%r, version %r)" % (self.id, self.version)
