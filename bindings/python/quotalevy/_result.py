"""Results and the small value classes: what an evaluation hands back.

A Result's outputs and checks are read-only mappings in the rule set's
order whose values are made when first read — from a list of raw values
(evaluate) or from one packed string of tagged fields (the batch path) —
so that a caller who reads one output per record does not pay for the
others.  The value classes are dataclasses.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping as _Mapping
from dataclasses import dataclass as _dataclass
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional

@_dataclass(frozen=True)
class Input:
    """An input field: name, type word ('decimal', 'enum', …), description."""
    name: str
    type: str
    description: Optional[str] = None

    def __repr__(self) -> str:
        return "Input(%r, %r)" % (self.name, self.type)


@_dataclass(frozen=True)
class Check:
    """A check of the rule set: name, title and citation."""
    name: str
    title: str
    source: str

    def __repr__(self) -> str:
        return "Check(%r)" % self.name


@_dataclass(frozen=True)
class Parameter:
    """A parameter's value on a date, the date it holds from, its citation."""
    name: str
    value: Any
    since: _dt.date
    source: Optional[str]

    def __repr__(self) -> str:
        return "Parameter(%r, %r, since=%s)" % (self.name, self.value, self.since)


@_dataclass(eq=True, repr=False)
class CheckResult:
    """The outcome of one check.  When it does not apply, compliant,
    required, actual and shortfall are None."""
    __slots__ = ("name", "applicable", "compliant", "required", "actual", "shortfall")
    name: str
    applicable: bool
    compliant: Optional[bool]
    required: Optional[Decimal]
    actual: Optional[Decimal]
    shortfall: Optional[Decimal]

    def __repr__(self) -> str:
        if not self.applicable:
            return "CheckResult(%r, not applicable)" % self.name
        return ("CheckResult(%r, compliant=%r, required=%s, actual=%s, "
                "shortfall=%s)" % (self.name, self.compliant, self.required,
                                   self.actual, self.shortfall))


@_dataclass(frozen=True)
class Step:
    """One step of an evaluation's trace: kind ('input', 'param',
    'computed', 'check'), name, value, formula, description, source, and for
    parameters the dates the value holds from and until."""
    kind: str
    name: str
    value: Any
    formula: Optional[str]
    description: Optional[str]
    source: Optional[str]
    since: Optional[_dt.date]
    until: Optional[_dt.date]

    def __repr__(self) -> str:
        return "Step(%s %s = %r)" % (self.kind, self.name, self.value)


class Explanation:
    """A human-readable account of one evaluation; str() gives the text."""

    def __init__(self, ruleset, date, steps, result):
        self._rs, self._date, self._steps, self._result = ruleset, date, steps, result

    def __str__(self):
        # the library's text (ql_result_explain): the command's explain,
        # and every other front end's, word for word
        return self._result._text


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


class _Checks(_Mapping):
    """A result's checks: a read-only mapping of check name → CheckResult
    in the rule set's order, each made when first read.  `raw` is a list
    of (applicable, compliant, required, actual, shortfall) raw tuples, or
    the packed fields of the batch path with `base` the first check's."""
    __slots__ = ("_rs", "_raw", "_base", "_made")

    def __init__(self, ruleset, raw, base=None):
        self._rs, self._raw, self._base, self._made = ruleset, raw, base, {}

    def __getitem__(self, name):
        made = self._made.get(name)
        if made is not None:
            return made
        k = self._rs._check_pos[name]  # KeyError for an unknown name
        if self._base is None:
            t = self._raw[k]
        else:
            at = self._base + 5 * k
            t = [_field(p) for p in self._raw[at:at + 5]]
        made = CheckResult(name, t[0], t[1], *(None if v is None else Decimal(v)
                                               for v in t[2:]))
        self._made[name] = made
        return made

    def __iter__(self):
        return iter(self._rs._check_names)

    def __len__(self):
        return len(self._rs._check_names)

    def __eq__(self, other):
        if isinstance(other, _Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self):
        return repr(dict(self.items()))


class Result:
    """The outcome of one evaluation.

    outputs  mapping of output name → Decimal / bool / str / date / None,
             in the rule set's order (a check's output is its compliance,
             None when it does not apply)
    checks   mapping of check name → CheckResult, in the rule set's order
    """
    __slots__ = ("ruleset", "date", "outputs", "checks", "_trace", "_text", "_redo")

    def __init__(self, ruleset, date: _dt.date, raw, redo=None):
        self.ruleset = ruleset          # keeps the C rule set alive
        self.date = date
        self._redo = redo               # the record, to trace it on demand
        if type(raw) is str:
            # the batch path: every output and check field in one string
            fields = raw.split("\0")
            self.outputs: Mapping[str, Any] = _Outputs(ruleset, fields, packed=True)
            self.checks: Mapping[str, CheckResult] = _Checks(
                ruleset, fields, base=len(ruleset._output_names))
            self._trace = self._text = None
            return
        outs, checks, trace, self._text = raw
        self.outputs = _Outputs(ruleset, outs)
        self.checks = _Checks(ruleset, checks)
        self._trace = trace

    def trace(self) -> List[Step]:
        """Every step of the evaluation, in the order values were settled.
        A result of evaluate() without trace=True is evaluated again, with
        the trace, when this is first called."""
        if self._trace is None and self._redo is not None:
            if getattr(self.ruleset, "_h", True) is None:
                raise ValueError(
                    "the rule set %r is closed: this result was evaluated without a "
                    "trace, and explain()/trace() evaluate its record again; call "
                    "them before close(), or evaluate with trace=True (such a "
                    "result explains itself after close)" % self.ruleset.id)
            again = self.ruleset.evaluate(self._redo, self.date, trace=True)
            self._trace, self._text, self._redo = again._trace, again._text, None
        if self._trace is None:
            raise ValueError("this result was evaluated without a trace "
                             "(pass trace=True)")
        return [Step(*t) for t in self._trace]

    def explain(self) -> "Explanation":
        """The calculation, step by step (str() of it is the text)."""
        return Explanation(self.ruleset, self.date, self.trace(), self)

    def as_dict(self) -> Dict[str, Any]:
        """The outputs under the command's CSV column names, in rule-set
        order, each check output as its five parts (NAME_applicable,
        NAME_compliant, NAME_required, NAME_actual, NAME_shortfall)."""
        out: Dict[str, Any] = {}
        checks = self.ruleset._check_pos
        for name in self.ruleset._output_names:
            if name in checks and self.ruleset._output_check[name]:
                c = self.checks[name]
                out[name + "_applicable"] = c.applicable
                out[name + "_compliant"] = c.compliant
                out[name + "_required"] = c.required
                out[name + "_actual"] = c.actual
                out[name + "_shortfall"] = c.shortfall
            else:
                out[name] = self.outputs[name]
        return out

    def __repr__(self) -> str:
        rs = self.ruleset
        plain = [n for n in rs._output_names if not rs._output_check[n]]
        shown = ", ".join("%s=%s" % (n, self.outputs[n]) for n in plain[-4:])
        unmet = [n for n in rs._check_names
                 if self.checks[n].applicable and not self.checks[n].compliant]
        return "Result(%s, %s: %s%s%s)" % (
            rs.id, self.date, "…, " if len(plain) > 4 else "", shown,
            "; not met: " + ", ".join(unmet) if unmet else "")


# Rule sets unpickled in this process, by their source: a pickled RuleSet
# is compiled once per process however many tasks bring it.
