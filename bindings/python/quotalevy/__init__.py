"""quotalevy — disability-employment quota rules and levies, from YAML.

    import quotalevy
    rs = quotalevy.RuleSet.load("rules/cn/jilin.yaml")
    res = rs.evaluate({"unit_type": "enterprise", "employees": "100", ...},
                      "2024-06-30")
    res.outputs["levy_due"]          # Decimal('18000.00')
    res.checks["agency_post_minimum"].applicable
    print(res.explain())

    out = rs.evaluate_frame(df, "2024-06-30", keep=["id"])   # pandas
    cols = rs.evaluate_columns({"employees": [...], ...}, "2024-06-30")

Numbers come back as decimal.Decimal with their exact digits, at each
output's declared scale; Decimal, int and numeric strings go in, and a
binary float is refused (it cannot hold 0.015 exactly).  Errors are
quotalevy.RulesError (loading: .file, .line, .column) and
quotalevy.RecordError (evaluating: .field, and .row in a batch), both
quotalevy.Error.  A Result keeps its RuleSet alive, so it stays valid
after the RuleSet object is dropped.  A RuleSet pickles by its rules texts
(the whole `extends` chain, as loaded) and overrides, and is compiled
again from them, once per process, where it is unpickled.
pandas is needed only by evaluate_frame, imported when it is called.
"""
from __future__ import annotations

import copy as _copy
import datetime as _dt
import os as _os
import threading as _threading
import weakref as _weakref
from collections.abc import Mapping as _Mapping
from collections.abc import Sequence as _Sequence
from decimal import Decimal
from types import MappingProxyType as _MappingProxy
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, Optional,
                    Sequence, Tuple, Union)

from . import native as _native
from . import _columns
from ._columns import Column
from ._errors import (Error, ExtraColumnsWarning, FieldTypeError, FieldValueError,
                      RecordError, RulesError)
from ._result import (Check, CheckResult, Explanation, Input, Parameter, Result,
                      Step)

__all__ = ["RuleSet", "Result", "CheckResult", "Step", "Input", "Check",
           "Parameter", "Column", "Explanation", "Error", "RulesError",
           "RecordError", "FieldTypeError", "FieldValueError", "ExtraColumnsWarning",
           "version"]

DateLike = Union[_dt.date, str]

_native.register_field_type_error(FieldTypeError)
_native.register_field_value_error(FieldValueError)


def version() -> str:
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return _native.ql_version()


def _error(args, cls, row=None, index=None):
    """An Error of class cls from a NativeError's arguments."""
    err = cls(*args)
    if row is not None:
        err.row, err.index = row, index
        at = "row %d" % row if index is None else "row %d (index %r)" % (row, index)
        err.args = ("%s: %s" % (at, err.args[0]),)
    return err


def _call(fn, *args, cls=RecordError):
    """Calls into C; a NativeError becomes cls: RulesError where a rule set
    is being loaded, RecordError where a record is being evaluated."""
    try:
        return fn(*args)
    except _native.NativeError as e:
        raise _error(e.args, cls) from None


def _quoted(text: str) -> str:
    """text quoted for a message as the library quotes one (ql_text_quote):
    escaped, cut at a character with its length, bounded."""
    return _native.ql_swig_quote(text.encode("utf-8", "surrogatepass")).decode("utf-8")


def _text_arg(value, what):
    """A text handed to C as a C string: an embedded NUL would cut it
    short there ("ok.yaml\\0x" would load ok.yaml), and a lone surrogate
    has no UTF-8 form, so both are refused (ValueError, naming the whole
    text), as os.open refuses a NUL."""
    if isinstance(value, str):
        if "\0" in value:
            raise ValueError("%s %r holds a NUL character (embedded null byte)"
                             % (what, value))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError("%s %r holds a lone surrogate (%r at position %d), "
                             "which is not a character" % (what, value,
                                                           value[e.start], e.start)) from None
    return value


def _path_arg(path):
    """A file name for C as os.open takes it: str, bytes or os.PathLike, in
    the file system's encoding (a name that is not UTF-8 comes back from
    os.listdir with surrogates, and goes out as its bytes); a NUL, or a
    surrogate that stands for no byte, is a ValueError naming the path."""
    p = _os.fspath(path)
    try:
        b = _os.fsencode(p)
    except UnicodeEncodeError as e:
        raise ValueError("the path %r holds a lone surrogate (%r at position %d) "
                         "that is not a file name's byte" % (p, p[e.start], e.start)) from None
    if b"\0" in b:
        raise ValueError("the path %r holds a NUL character (embedded null byte)" % (p,))
    return p, b


def _date(d: DateLike) -> int:
    """Days since 1970-01-01 from a datetime.date or 'YYYY-MM-DD'."""
    if isinstance(d, _dt.datetime):
        d = d.date()
    if isinstance(d, _dt.date):
        d = d.isoformat()
    if not isinstance(d, str):
        raise TypeError("date must be a datetime.date or a 'YYYY-MM-DD' string, "
                        "not %s" % type(d).__name__)
    return _call(_native.ql_swig_date_parse, _text_arg(str.__str__(d), "the date"))


def _override_shown(value) -> Optional[str]:
    """How the caller gave an override's value, for the library's
    messages, when _override_text wrote it otherwise: Decimal('1E+1'), not
    the share text '1000%' it is sent as (probe8 P8-02); 10 for an int,
    True for a bool.  None for a str (the caller's own text) or a date."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        return "Decimal('%s')" % Decimal.__str__(value)
    return None


def _plain_text(value) -> str:
    """A Decimal written out as the plain number it is ('1E+34' as 35
    digits); one past what a decimal holds as Python writes it, refused
    as "number too long" without a hundred million digits written out."""
    if _columns.past_limits(value):
        return Decimal.__str__(value)
    return Decimal.__format__(value, "f")


def _override_text(name, value) -> str:
    """An override's value as the text the library reads: a str (a
    subclass by its value, never its own __str__), int, Decimal, bool or
    date; anything else, a float included, is a TypeError.  A str is
    read as a rules file's text (a percentage's '%' written out); a
    Decimal is a value, written as the plain number it is and sent with
    QL_OVERRIDE_NUMBER (_override_flags): the library takes it in the
    parameter's own unit, a percentage's share (Decimal('0.017') is
    1.7 %), any other number as it is (an amount of 1E+34 is that amount,
    not a 37-digit percent: bind14), so the rules are loaded once, not
    first to learn each parameter's unit.  An int is written as the
    integer it is, with no '%': a count or an amount takes it, a
    percentage refuses it, since 1 meant as 1 % would be the share 1,
    100 % (probe8 P8-01)."""
    if isinstance(value, float):
        raise TypeError("override %r: a float cannot hold a decimal "
                        "exactly; pass a Decimal or a string" % (name,))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text_arg(str.__str__(value), "override %r's value" % (name,))
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return Decimal.__format__(value, "f")
        return _plain_text(value)
    if isinstance(value, _dt.datetime):
        raise TypeError("override %r: a date, not the datetime %s" % (name, value))
    if isinstance(value, _dt.date):
        return _dt.date.isoformat(value)
    raise TypeError("override %r: expected a Decimal, int, str, bool or date, "
                    "not %s" % (name, type(value).__name__))


def _override_flags(value) -> int:
    """QL_OVERRIDE_NUMBER for a Decimal (its text is the value itself, in
    the parameter's unit), 0 for a text as a rules file writes it."""
    return _native.QL_OVERRIDE_NUMBER if isinstance(value, Decimal) else 0


_META_KEYS = ("id", "title", "jurisdiction", "version", "description", "file")


def _info(h) -> Dict[str, Any]:
    """What a rule set declares, read once through its getters: meta,
    currency (code, places), inputs (name, type word, description), outputs (name, is a check,
    ql_type), checks (name, title, citation) and parameter names."""
    return {
        "meta": {k: h.meta(k) for k in _META_KEYS},
        "currency": (h.currency(), h.currency_places()),
        "inputs": [(h.input_name(i), h.input_type(i), h.input_description(i))
                   for i in range(h.input_count())],
        "outputs": [(h.output_name(i), bool(h.output_is_check(i)), h.output_type(i))
                    for i in range(h.output_count())],
        "checks": [(h.check_name(i), h.check_title(i), h.check_source(i))
                   for i in range(h.check_count())],
        "params": [h.param_name(i) for i in range(h.param_count())],
    }


_RESTORED: Dict[tuple, tuple] = {}
_RESTORED_LOCK = _threading.Lock()


def _restore(origin: tuple) -> "RuleSet":
    """A pickled RuleSet: compiled from the texts it was first read from,
    once per process while any holder keeps those compiled rules.  Each
    unpickle is a RuleSet of its own over the shared compiled rules (they
    are immutable), so one holder's close() closes only its own: the C
    rules are freed when no RuleSet and no call in flight holds them."""
    if not origin or origin[0] != "sealed":
        raise RulesError("QL_EINVAL", "this pickle is of an older quotalevy, which "
                         "pickled a rule set by its path: load the rules again")
    with _RESTORED_LOCK:
        cached = _RESTORED.get(origin)
        if cached is not None:
            h = cached[0]()  # a weak reference: no holder, no rules
            if h is not None:
                return RuleSet(h, origin, cached[1])
        _, name, top, parents, overrides = origin
        h = _call(_native.load_sealed, None if name is None else _os.fsencode(name),
                  top, [(_os.fsencode(f), t) for f, t in parents], list(overrides),
                  cls=RulesError)
        rs = RuleSet(h, origin)
        for key in [k for k, (ref, _) in _RESTORED.items() if ref() is None]:
            del _RESTORED[key]  # rules every holder has let go of
        _RESTORED[origin] = (_weakref.ref(h), rs._info)
        return rs


def _chain_files(h, name) -> List[str]:
    """The files a load read, top first (meta file.1, file.2, …); a buffer
    is no file unless its name is one (then the library lists it too)."""
    files: List[str] = []
    while True:
        f = h.meta("file.%d" % (len(files) + 1))
        if f is None:
            return files
        files.append(f)


def _sealed(load, name: Optional[str], top: Optional[bytes]):
    """Loads with load() and reads the texts of the files it read, so that
    the RuleSet pickles as those texts (the whole `extends` chain), not as
    paths a worker would read again — perhaps after an edit, giving other
    rules under the same id and version.  The library reads the files, so
    the texts are read around a second load: when both readings agree, the
    second load was made of them (a file that changes meanwhile is read
    again; one that keeps changing is an error).  top: the text of a
    from_string (None: the top file's text is read too).  Returns the
    handle and the pickle's origin."""
    last = None
    for _ in range(4):
        try:
            first = _chain_texts(load(), name, top)
            h = load()
            second = _chain_texts(h, name, top)
        except OSError as e:
            last = e
            continue
        if first == second:
            head, parents = (second[0][1], second[1:]) if top is None else (top, second)
            return h, (head, tuple(parents))
        last = None
    raise RulesError("QL_EIO", "the rules files changed while they were being loaded"
                     + (": %s" % last if last else ""), name or "")


def _chain_texts(h, name, top):
    files = _chain_files(h, name)
    if top is not None and files and name and _os.path.exists(name) and \
            _os.path.realpath(name) == files[0]:
        files = files[1:]  # the buffer's name is a file: not one read
    out = []
    for f in files:
        with open(f, "rb") as fh:
            out.append((f, fh.read()))
    return out



def _extra_mode(extra):
    if extra not in ("warn", "ignore", "error"):
        raise ValueError("extra must be 'warn', 'ignore' or 'error', not %r" % (extra,))

class _Unread:
    """A record of evaluate_many whose reading raised: its exception."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class RuleSet:
    """A loaded, compiled rule set.  Immutable; safe to share between
    threads (each thread evaluates with its own C record and result).
    Load with RuleSet.load(path) or RuleSet.from_string(text).  Pickles
    by its rules texts as loaded (the top file and every file of its
    `extends` chain) and overrides: unpickled, it is the same rule set,
    whatever happened to the files since."""

    def __init__(self, handle, origin: Optional[tuple] = None,
                 info: Optional[Dict[str, Any]] = None):
        if not isinstance(handle, _native.ql_ruleset):
            raise TypeError("use RuleSet.load(path) or RuleSet.from_string(text)")
        self._h: Optional[Any] = handle
        self._origin = origin
        info = _info(handle) if info is None else info
        self._info = info
        self._meta = info["meta"]
        self._currency = info["currency"]
        self.inputs: List[Input] = [Input(*t) for t in info["inputs"]]
        self.outputs: List[str] = [name for name, _, _ in info["outputs"]]
        self._output_names = self.outputs
        self._output_kinds = [kind for _, _, kind in info["outputs"]]
        self._output_is_check = [is_check for _, is_check, _ in info["outputs"]]
        self._output_check = dict(zip(self.outputs, self._output_is_check))
        self._output_pos = {name: k for k, name in enumerate(self.outputs)}
        self._index = {i.name: k for k, i in enumerate(self.inputs)}
        # list inputs ('count:' in the rules): name -> items, fields name[k]
        self._lists: Dict[str, int] = {}
        for i in self.inputs:
            base, sep, rest = i.name.partition("[")
            if sep and rest.endswith("]"):
                self._lists[base] = max(self._lists.get(base, 0), int(rest[:-1]))
        self.lists: Mapping[str, int] = _MappingProxy(self._lists)  # read-only
        self.checks: List[Check] = [Check(*t) for t in info["checks"]]
        self._check_names = [c.name for c in self.checks]
        self._check_pos = {c.name: k for k, c in enumerate(self.checks)}
        self._param_names = info["params"]
        self._colspecs = None
        # C records, results and batches belong to one thread each: no
        # state is shared between calls from different threads
        self._tls = _threading.local()

    @classmethod
    def load(cls, path: Union[str, "_os.PathLike[str]"],
             overrides: Optional[Iterable[Tuple[str, Any, DateLike]]] = None) -> "RuleSet":
        """Loads the rules file at path (str or os.PathLike).

        overrides: what-if parameter values, an iterable of
        (name, value, date) — from `date` on, parameter `name` has `value`
        (a Decimal, int, bool, date or the text a rules file would hold,
        e.g. "1.7%") in place of its values from then."""
        path, encoded = _path_arg(path)
        name = _os.fsdecode(encoded)  # what messages call it, pickled too
        if not overrides:
            h, (top, parents) = _sealed(
                lambda: _call(_native.ql_ruleset, encoded, cls=RulesError), name, None)
            return cls(h, ("sealed", name, top, parents, ()))
        if isinstance(overrides, (str, bytes, _Mapping)):
            # a str iterates as its characters, a dict as its keys
            raise TypeError("overrides is an iterable of (name, value, date) tuples, "
                            "not a %s: %r" % (type(overrides).__name__, overrides))
        given = []
        for k, raw in enumerate(overrides):
            item: Any = raw  # checked here, whatever the hint says
            if isinstance(item, (str, bytes)) or not isinstance(item, _Sequence) \
                    or len(item) != 3:
                raise TypeError("override %d is a (name, value, date) tuple, not %s"
                                % (k, "a %d-item %s" % (len(item), type(item).__name__)
                                   if isinstance(item, (tuple, list)) else repr(item)))
            name, value, since = item
            if not isinstance(name, str):
                raise TypeError("an override's name is a str, not %s: %r"
                                % (type(name).__name__, name))
            name = _text_arg(str.__str__(name), "an override's name")
            _override_text(name, value)  # a value of no type is refused first
            try:
                days = _date(since)
            except RecordError as e:  # a load's error: a RulesError
                raise RulesError(e.status, e.message, field=name,
                                 text="override of parameter %r: its date: %s" % (name, e)) from None
            except TypeError as e:  # which override's date
                raise TypeError("override of parameter %r: %s" % (name, e)) from None
            given.append((name, value, days))
        ovr = [(name, _override_text(name, value), days, _override_shown(value),
                _override_flags(value))
               for name, value, days in given]
        h, (top, parents) = _sealed(
            lambda: _call(_native.load_file_overridden, encoded, ovr, cls=RulesError),
            name, None)
        return cls(h, ("sealed", name, top, parents, tuple(ovr)))

    @classmethod
    def from_string(cls, text: str, name: Optional[str] = None) -> "RuleSet":
        """Loads rules from YAML text; `name` is used in messages and as the
        base of relative `extends` paths."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        if name is not None and not isinstance(name, str):
            raise TypeError("name must be a str, not %s" % type(name).__name__)
        _text_arg(name, "the name")
        try:
            h = _call(_native.ql_swig_load_buffer, text, name, cls=RulesError)
        except UnicodeEncodeError as e:  # a lone surrogate: no UTF-8 form
            line = text.count("\n", 0, e.start) + 1
            column = e.start - (text.rfind("\n", 0, e.start) + 1) + 1
            message = ("not Unicode text: a lone surrogate (%r), which is not a "
                       "character" % text[e.start])
            where = name or "<string>"
            raise RulesError("QL_EPARSE", message, where, line, column,
                             text="%s:%d:%d: %s" % (where, line, column, message)) from None
        if not _chain_files(h, name):
            return cls(h, ("sealed", name, text.encode("utf-8"), (), ()))
        h, (top, parents) = _sealed(
            lambda: _call(_native.ql_swig_load_buffer, text, name, cls=RulesError),
            name, text.encode("utf-8"))
        return cls(h, ("sealed", name, top, parents, ()))

    def __reduce__(self):
        if self._origin is None:
            raise TypeError("this rule set does not know its source: load it with "
                            "RuleSet.load or RuleSet.from_string to pickle it")
        return (_restore, (self._origin,))

    def close(self) -> None:
        """Lets go of the C rule set now rather than at garbage collection:
        it is freed at once unless a call in flight in another thread, or
        another unpickled RuleSet over the same compiled rules, still holds
        it (then when the last of those lets go).  Results already made
        stay valid; using this RuleSet afterwards raises ValueError, in
        every thread.  Also done by `with RuleSet.load(p) as rs:`."""
        self._h = None
        self._tls = _threading.local()

    def __enter__(self) -> "RuleSet":
        return self

    def __exit__(self, *exc) -> None:
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

    @property
    def currency(self) -> Optional[str]:
        """The ISO 4217 code of the currency every money value is in
        ("CNY", "EUR", "JPY"); None when the rule set declares none (it
        then has no money).  A file that extends another has its currency."""
        return self._currency[0]

    @property
    def currency_places(self) -> Optional[int]:
        """The decimal places of that currency's minor unit (2 for CNY and
        EUR, 0 for JPY): every money output's Decimal has them.  None
        when the rule set declares no currency."""
        places = self._currency[1]
        return places if places >= 0 else None

    def parameters(self, date: DateLike) -> Dict[str, Optional[Parameter]]:
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
        item as its own field name[k] (None leaves an item empty).  An
        `id` the rules do not read stays: the C fill takes it as the
        record's id, not read (the command takes an id column from every
        file; so does every entry point), and knows it has one."""
        out = None
        for name, size in self._lists.items():
            items = record.get(name)
            if items is None:
                # None: every item empty.  Items given by key, some but not
                # all (a lost month, read as empty: P3-21), are the C fill's
                # to refuse, ranked among the record's other problems as
                # every front end ranks them (bind14)
                continue
            if isinstance(items, (str, bytes)) or not isinstance(items, _Sequence):
                raise FieldTypeError(
                    "QL_ERECORD", "field %r is a list of %d items: pass a list or "
                    "tuple, not %s" % (name, size, type(items).__name__), field=name)
            if len(items) != size:
                raise FieldValueError(
                    "QL_ERECORD", "field %r has %d items, got %d (None leaves an item "
                    "empty)" % (name, size, len(items)), field=name)
            both = [it for it in ("%s[%d]" % (name, k) for k in range(1, size + 1))
                    if it in record]
            if both:
                raise FieldValueError(
                    "QL_ERECORD", "field %r gives the whole list and %s one of its "
                    "items too: give one or the other"
                    % (name, ", ".join(map(repr, both))), field=both[0])
            if out is None:
                out = dict(record)
            del out[name]
            for k, v in enumerate(items, 1):
                out["%s[%d]" % (name, k)] = v  # None: empty, and given
        return record if out is None else out

    # ---------------------------------------------------- one record

    def _take(self, kind, size=0):
        """A C record and result (kind 'single': (handle, record, result))
        or a batch of at least `size` ('batch': (handle, size, batch)) of
        this thread's, taken from its pool: a call made while another of
        the same thread is under way (from a value's __str__, say) gets one
        of its own.  Give it back with _give.  The item holds the handle,
        first, so the C rule set outlives the C objects made from it (a
        tuple lets go of its last item first) even when close() runs in
        another thread during the call; a closed rule set raises here."""
        h = self._handle()
        pool = self._tls.__dict__.setdefault(kind, [])
        while pool:
            item = pool.pop()
            if item[0] is h and (kind == "single" or item[1] >= size):
                return item
        if kind == "single":
            return (h, _native.ql_record(h), _native.ql_result(h))
        size = max(size, 64)
        return (h, size, _call(_native.batch_new, h, size))

    def _give(self, kind, item):
        if item[0] is not self._h:
            return  # closed meanwhile: the item goes, then its handle
        pool = self._tls.__dict__.setdefault(kind, [])
        if len(pool) < 2:
            pool.append(item)

    def evaluate(self, record: Mapping[str, Any], date: DateLike,
                 trace: Optional[bool] = None, extra: str = "warn") -> Result:
        """Evaluates one record (a mapping of field names to values) on
        date; returns a Result or raises RecordError.

        trace=True records every step now; by default nothing is traced
        and Result.trace() / explain() evaluate the record again, traced,
        when first called (the record is copied for that); trace=False
        keeps no way back to a trace.

        A key that is neither an input nor 'id' is passed over with an
        ExtraColumnsWarning (extra='ignore': silently, extra='error':
        refused), unless it is a near miss of an input the record gives no
        value, which is a RecordError "did you mean" whatever extra says
        (docs/architecture.md); a record none of whose keys is an input
        is refused whatever extra says.  Of a record's problems the one
        raised is the first in the rule set's declaration order, whatever
        the mapping's order."""
        if extra != "warn":
            _extra_mode(extra)
        if not isinstance(record, _Mapping):
            raise TypeError("record must be a mapping, not %s" % type(record).__name__)
        days = _date(date)
        h = self._handle()
        _columns.no_input_record(self, record)
        dated = _columns.own_date_error(self, record, extra)
        if dated is not None:
            raise dated
        flat = self._flat(record)
        single = self._take("single")
        try:
            raw = _call(_native.evaluate, h, single[1], single[2], flat, self._index,
                        days, 1 if trace else 0)
        finally:
            self._give("single", single)
        if extra != "ignore" and not flat.keys() <= self._index.keys():
            bad = self._extra_keys(flat, extra, set(), 3)
            if bad is not None:
                raise bad
        redo = dict(flat.items()) if trace is None else None
        return Result(self, self._date_obj(date), raw, redo)

    def _extra_keys(self, flat, extra, said, stacklevel):
        """A record's keys that are no input (the C fill passed them over,
        near misses aside): the RecordError refusing them with
        extra='error', else None after warning once of those not in
        `said` (extra='warn')."""
        if extra == "ignore" or flat.keys() <= self._index.keys():
            return None
        keys = sorted(k for k in flat if isinstance(k, str) and k not in self._index
                      and k != "id")
        if not keys:
            return None
        if extra == "error":
            return RecordError("QL_ERECORD", "the rule set %s has no input called %s "
                               "(extra='error' refuses keys that are not inputs)"
                               % (_quoted(self.id), _quoted(keys[0])), field=keys[0])
        new = [k for k in keys if k not in said]
        if new:
            said.update(new)
            import warnings
            warnings.warn("ignored keys that are not inputs of '%s': %s"
                          % (self.id, ", ".join(map(repr, new))),
                          ExtraColumnsWarning, stacklevel=stacklevel + 1)
        return None

    # ---------------------------------------------------- batches of records

    def evaluate_many(self, records: Iterable[Mapping[str, Any]], date: DateLike,
                      trace: bool = False, batch: int = 1024,
                      errors: str = "raise",
                      extra: str = "warn") -> Iterator[Union[Result, RecordError]]:
        """Evaluates an iterable of mappings through the C batch path (the
        GIL is released while it runs) and yields results in order, as
        many as records were read.  A record that fails raises its
        RecordError (errors='raise') or is yielded as its RecordError
        (errors='yield'; a float value is a FieldTypeError, a
        RecordError).  If reading `records` raises, the results of the
        records read before are yielded first, then that exception is
        raised: exactly as `(rs.evaluate(r, date) for r in records)`
        would behave.  Keys that are no input: as evaluate() takes them
        (extra=), warned of once per call."""
        _extra_mode(extra)
        if errors not in ("raise", "yield"):
            raise ValueError("errors must be 'raise' or 'yield'")
        if isinstance(batch, bool) or not isinstance(batch, int):
            raise TypeError("batch must be an int, not %s" % type(batch).__name__)
        if batch <= 0:
            raise ValueError("batch must be at least 1, not %d" % batch)
        self._handle()
        days = _date(date)
        if isinstance(records, (_Mapping, str, bytes)):
            # a mapping iterates as its keys, a str as its characters
            raise TypeError("records must be an iterable of mappings, not one %s "
                            "(evaluate takes one record; evaluate_many([record], …) "
                            "a list)" % type(records).__name__)
        try:
            it = iter(records)
        except TypeError:
            raise TypeError("records must be an iterable of mappings, not %s"
                            % type(records).__name__) from None
        return self._many_gen(it, days, self._date_obj(date), trace, batch, errors, extra)

    def _many_gen(self, it, days, when, trace, batch, errors, extra):
        done, said = 0, set()
        while True:
            chunk, failure, ended = [], None, True
            try:
                for r in it:
                    chunk.append(self._held(r))
                    if len(chunk) == batch:
                        ended = False
                        break
            except Exception as e:  # the iterable's own failure
                failure = e
            if chunk:
                yield from self._many(chunk, done, days, when, trace, errors, extra, said)
                done += len(chunk)
            if failure is not None:
                raise failure
            if ended:
                return

    def _held(self, r):
        """Record r as it is now.  A chunk is read only once the records
        after r have been taken from the iterable, so a generator that
        fills one dict again for each record (or one list of a list input)
        had every record of a chunk read as its last: 1,880 wrong results
        of 2,000, without a word (probe18 P18-06).  A dict is copied as
        the C reader reads it, any other mapping by its items (what the C
        reader reads of it), a list input's mutable sequence by
        copy.copy; a mapping that raises as it is read is that record's
        exception, raised in its place (P12-03)."""
        if not isinstance(r, _Mapping):
            return r  # refused in its place by _many_one
        try:
            held = r.copy() if type(r) is dict else dict(r.items())
            for name in self._lists:
                items = held.get(name)
                if items is not None and not isinstance(items, (str, bytes, tuple)):
                    held[name] = _copy.copy(items)
        except Exception as e:  # the record's own, as _many keeps it
            return _Unread(e)
        return held

    def _many_one(self, r, row, k, early, flat, extra):
        """Record k of a chunk (row `row` of the batch) into flat, or its
        refusal into early[k] and {} into flat."""
        if type(r) is _Unread:
            raise r.error
        if not isinstance(r, _Mapping):
            # that record's error, not the batch's: the rest go on
            early[k] = FieldTypeError(
                "QL_ERECORD", "record %d is %s, not a mapping of field names to "
                "values" % (row, "None" if r is None else "a " + type(r).__name__),
                row=row)
            flat.append({})
        elif (not _columns.gives_an_input(self, r) and
              (refused := _columns.no_input_error(self, r)) is not None) or \
                (refused := _columns.own_date_error(self, r, extra)) is not None:
            refused.row = row
            early[k] = refused
            flat.append({})
        elif self._lists:
            try:
                flat.append(self._flat(r))
            except RecordError as e:
                e.row = row
                early[k] = e
                flat.append({})
        else:
            flat.append(r)

    def _many(self, chunk, first, days, when, trace, errors, extra, said):
        early = {}
        flat = []
        for k, r in enumerate(chunk):
            try:
                self._many_one(r, first + k, k, early, flat, extra)
            except Exception as e:  # the record's own: kept in its place
                # a mapping that raises as it is read (a lazy record's
                # RuntimeError): that record's exception, raised where it
                # stands after the results before it, as the native
                # reader keeps one; escaping here lost the chunk's records
                # read before it (probe12 P12-03)
                early[k] = e
                del flat[k:]
                flat.append({})
        chunk = flat
        h = self._handle()
        b = self._take("batch", len(chunk))
        try:
            out = _call(_native.evaluate_many, b[2], chunk, self._index, days,
                        1 if trace else 0)
        finally:
            self._give("batch", b)
        known = self._index.keys()
        for k, raw in enumerate(out):
            bad = early.get(k)
            if bad is None and type(raw) is tuple and type(raw[0]) is str:
                # (status, message, …): the record's evaluation failed
                bad = _error(raw, RecordError, row=first + k)
            elif bad is None and isinstance(raw, BaseException):
                bad = raw
                if isinstance(bad, Error):
                    bad.row = first + k
            if bad is None and extra != "ignore" and not chunk[k].keys() <= known:
                bad = self._extra_keys(chunk[k], extra, said, 4)  # (a mapping: no early)
                if bad is not None:
                    bad.row = first + k
            if bad is None:
                yield Result(self, when, raw)
            elif errors == "yield" and isinstance(bad, RecordError):
                yield bad
            else:
                raise bad
        del h

    # ---------------------------------------------------- columns

    def output_columns(self) -> List[str]:
        """The names of the columns evaluate_columns and evaluate_frame
        return (the command's CSV columns): outputs in rule-set order, a
        check output as its five parts."""
        return list(self._specs()[0])

    def _specs(self):
        if self._colspecs is None:
            self._colspecs = _columns.column_specs(self)
        return self._colspecs

    def _run_columns(self, cells, n, days, errors, conv, block=None, labels=None,
                     typed=True):
        """Evaluates n rows given as one list of cells per input (None for
        no column): (column names, columns, error columns or None, rows
        evaluated in place).  The columns are packed, or None each when
        `block` (a numpy object array of shape (columns, n)) received
        their values.  typed=False takes the record way for every row
        (the tests' reference)."""
        if errors not in ("raise", "column"):
            raise ValueError("errors must be 'raise' or 'column'")
        names, specs = self._specs()
        b = self._take("batch", 1024)
        try:
            cols, errs, in_place = _call(_native.evaluate_columns, b[2], cells, n, days,
                                         specs, conv, block, 1 if errors == "raise" else 0,
                                         1 if typed else 0)
        finally:
            self._give("batch", b)
        if errs and errors == "raise":
            row, args = errs[0]
            raise _error(args, RecordError, row=row,
                         index=None if labels is None else labels[row])
        ecols = None
        if errors == "column":
            ecols = [[None] * n for _ in _columns.ERROR_COLUMNS]
            for row, (status, message, file, line, column, field, _) in errs:
                # as the command's rejects: the rule's place, if any, then
                # the message; the field in its own column
                ecols[0][row], ecols[1][row] = status, field or None
                ecols[2][row] = ("%s:%d:%d: %s" % (file, line, column, message)
                                 if file else message)
        return names, cols, ecols, in_place

    def evaluate_columns(self, columns: Mapping[str, Any], date: DateLike, *,
                         errors: str = "raise", floats: str = "refuse",
                         extra: str = "warn") -> Dict[str, Sequence[Any]]:
        """Evaluates a batch of rows given as columns, in one call into C
        (the GIL released while the library works).

        columns: input name (the command's column name; a list item as
        'positions[1]') → a sequence of cells, all of one length: lists,
        tuples, numpy arrays or pandas Series of str, Decimal, int, bool,
        date or None (NaN, pd.NA and NaT are empty too).  A binary float
        is refused naming its column and row, unless floats='exact-repr'
        (each float read by its shortest repr — a convenience that trusts
        the float to hold the decimal meant).  A name that is no input is
        ignored with one ExtraColumnsWarning (extra='ignore' to accept,
        'error' to refuse), and refused when it is a near miss of an input
        without a column ('Employees' for 'employees').

        Returns the command's CSV columns (output_columns()) in rule-set
        order: name → Column, a sequence of Decimal (at the output's
        declared scale), bool, datetime.date, str or None, made when read.
        A row that fails raises RecordError with .row (errors='raise'), or
        gives None in every output and its status, field and message in
        the columns error_status, error_field and error_message
        (errors='column')."""
        return self._evaluate_columns(columns, date, errors, floats, extra)[0]

    def _evaluate_columns(self, columns, date, errors="raise", floats="refuse",
                          extra="warn", typed=True, stacklevel=4):
        """evaluate_columns, and the number of rows evaluated in place
        (typed=False: none, every row the record way; the tests compare
        the two)."""
        if not isinstance(columns, _Mapping):
            raise TypeError("columns must be a mapping of input names to sequences")
        _columns.error_columns_free(self, errors)
        found = _columns.match_columns(self, columns.keys(), (), extra, stacklevel)
        whole = _columns.list_columns(self, columns.keys())
        conv = _columns.Converter(self, floats)
        cells: List[Any] = []
        # every column given counts, id and ignored ones too: the batch is
        # as long as all of them, or refused (never as long as none)
        lengths: Dict[Any, int] = {}
        for label in found:
            if label is None:
                cells.append(None)
                continue
            c = _columns.cells(columns[label], label, floats)
            lengths[label] = len(c)
            cells.append(c)
        whole_cells = {}
        for label in columns.keys():
            if label in lengths:
                continue
            if label in whole:
                c = _columns.cells(columns[label], label, "exact-repr")
                whole_cells[label] = c
                lengths[label] = len(c)
            else:
                lengths[label] = _columns.length(columns[label], label)
        _columns.same_lengths(columns, lengths)
        n = next(iter(lengths.values()), 0)
        _columns.no_input(self, found, columns.keys(), n, extra)
        for label in whole:
            _columns.list_items(self, label, whole_cells[label], cells, found)
        names, cols, ecols, in_place = self._run_columns(cells, n, _date(date), errors,
                                                         conv, typed=typed)
        out: Dict[str, Sequence[Any]] = {}
        for name, packed, spec in zip(names, cols, self._specs()[1]):
            out[name] = Column(name, spec[3], packed)
        if ecols is not None:
            out.update(zip(_columns.ERROR_COLUMNS, ecols))
        return out, in_place

    def evaluate_frame(self, df, date: DateLike, keep: Iterable[str] = (), *,
                       errors: str = "raise", floats: str = "refuse",
                       extra: str = "warn"):
        """Evaluates every row of a pandas DataFrame; returns a DataFrame
        aligned to df.index with the `keep` columns first (as they are),
        then the command's CSV columns (output_columns()) holding Decimal,
        bool, datetime.date, str or None.  Cells and options as for
        evaluate_columns; see docs/python.md, "pandas"."""
        from ._frame import evaluate_frame
        return evaluate_frame(self, df, date, keep, errors, floats, extra)[0]

    def __repr__(self) -> str:
        return "RuleSet(%r, version %r)" % (self.id, self.version)
