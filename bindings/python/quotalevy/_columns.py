"""The columnar path's Python half: which given columns are which inputs,
cells of any supported type as the text the library reads, and the
output columns handed back by C (packed, read lazily).

The C half (bindings/python/columns.h) takes one list of cells per input
and turns str, int, bool and None cells into field texts itself; every
other cell comes here once, through `Converter`, which says what is
exact (Decimal, numpy and pandas integers and booleans, dates) and
refuses binary floats unless the caller asked for their shortest repr.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
import warnings
from array import array as _array
from collections.abc import Mapping, Sequence, Set as AbstractSet
from decimal import Decimal
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

from ._errors import ExtraColumnsWarning, FieldTypeError, RecordError

# ql_type values, as columns.h and the native module use them
NUMBER, BOOL, STRING, DATE, TABLE = 1, 2, 3, 4, 5
CHECK_PARTS = ("applicable", "compliant", "required", "actual", "shortfall")
ERROR_COLUMNS = ("error_status", "error_field", "error_message")

FLOAT_ADVICE = ("a binary float cannot hold a decimal such as 0.015 exactly; "
                "read the data as text (pandas.read_csv(..., dtype=str)), pass "
                "Decimal or int values, or pass floats='exact-repr' to read each "
                "float by its shortest repr")


def column_specs(ruleset) -> Tuple[List[str], List[Tuple[int, int, int, int]]]:
    """The output columns under the command's CSV names, in rule-set
    order (a check output as its five parts), and how C finds each:
    (0 output / 1 check, index, check part, ql_type)."""
    check_index = {c.name: k for k, c in enumerate(ruleset.checks)}
    names, specs = [], []
    for i, name in enumerate(ruleset.outputs):
        kind = ruleset._output_kinds[i]
        if name in check_index and ruleset._output_is_check[i]:
            for part, field in zip(CHECK_PARTS, range(5)):
                names.append("%s_%s" % (name, part))
                specs.append((1, check_index[name], field, BOOL if field < 2 else NUMBER))
            continue
        names.append(name)
        specs.append((0, i, 0, STRING if kind in (STRING, TABLE, 0) else kind))
    return names, specs


# ------------------------------------------------------------ names


def _unpad(name: str) -> str:
    return re.sub(r"\[0*(\d+)\]", r"[\1]", name)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _fold(name: str) -> str:
    """The name as a reader sees it: characters that print as nothing
    (format characters: zero-width space, BOM, word joiner …) dropped,
    compatibility forms folded (NFKC: full-width digits and brackets to
    ASCII, other blanks to a space)."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", visible)


def shown(name: str) -> str:
    """A name for a message: characters that print as nothing or as a
    blank other than the space, and control characters, by their number
    (\\u200B), so that the name printed is the name given."""
    out = []
    for ch in name:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Zl", "Zp") or (cat == "Zs" and ch != " "):
            out.append("\\u%04X" % ord(ch) if ord(ch) <= 0xFFFF else "\\U%08X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def bad_list_item(ruleset, given: str, folded: Optional[dict] = None) -> Optional[str]:
    """The list input NAME when `given` is NAME[…] but no item of it
    (positions[13] of twelve, positions[3][1]), else None.  `folded`:
    the lists by their casefolded names, when the caller has made it."""
    base = _fold(given).casefold().split("[", 1)
    if len(base) < 2 or not base[0] or given in ruleset._index:
        return None
    if folded is None:
        folded = {}
        for name in ruleset.lists:
            folded.setdefault(name.casefold(), name)
    return folded.get(base[0])


def _forms(s: str) -> set:
    """s with up to two of its characters left out, every way."""
    out = {s}
    for i in range(len(s)):
        t = s[:i] + s[i + 1:]
        out.add(t)
        out.update(t[:j] + t[j + 1:] for j in range(i, len(t)))
    return out


class _NearIndex:
    """The names a misspelt column may have been meant for, found without
    measuring it against every name (P3-23: a frame of 500 extra columns
    against 5,000 inputs took 265 s).  Every name that near_miss could
    accept is among a label's candidates: the same once unpadded and
    casefolded (looked up), or within edit distance 2 — a name of 9 or
    more characters is cut in three parts, two edits leave one part whole
    within two places of where it was; a shorter one is indexed by its
    forms with up to two characters left out, which two edits leave in
    common.  The candidates are then measured (near_miss)."""

    SHORT = 8

    def __init__(self, names: Sequence[str]) -> None:
        self.names = names
        self.eq: dict = {}
        self.parts: dict = {}
        for pos, n in enumerate(names):
            self.eq.setdefault(_unpad(n).casefold(), []).append(pos)
            if len(n) <= self.SHORT:
                for v in _forms(n):
                    self.parts.setdefault(("D", v), []).append(pos)
            else:
                for k in range(3):
                    a, b = len(n) * k // 3, len(n) * (k + 1) // 3
                    self.parts.setdefault(("S", len(n), k, n[a:b]), []).append(pos)

    def candidates(self, given: str) -> set:
        g = _fold(given)
        out = set(self.eq.get(_unpad(g).casefold(), ()))
        if len(g) <= self.SHORT + 2:
            for v in _forms(g):
                out.update(self.parts.get(("D", v), ()))
        for length in range(max(self.SHORT + 1, len(g) - 2), len(g) + 3):
            for k in range(3):
                a, b = length * k // 3, length * (k + 1) // 3
                for at in range(max(0, a - 2), min(a + 2, len(g) - (b - a)) + 1):
                    out.update(self.parts.get(("S", length, k, g[at:at + b - a]), ()))
        return out


_ITEM = re.compile(r"(.*)\[([0-9]+)\]")


def near_miss(given: str, name: str) -> bool:
    """Whether column `given` looks like a misspelling of input `name`:
    the same but for case, zero padding in a list index or a look-alike
    character (_fold), or an edit distance of at most 2 (1 for names of
    3 to 5 characters, none for shorter ones, so that 'id' is never taken
    for 'n')."""
    given = _fold(given)
    if given.casefold() == name.casefold():
        return True
    if _unpad(given).casefold() == _unpad(name).casefold():
        return True
    # list items differ by their number, not by a slip: position 13 of a
    # list of 12 is no misspelt position 1 (P6-05)
    g, n = _ITEM.fullmatch(_unpad(given)), _ITEM.fullmatch(_unpad(name))
    if g and n and g.group(2) != n.group(2):
        return False
    limit = min(2, len(name) // 3)
    return limit > 0 and _distance(given, name, limit) <= limit


# an item's index at the end of a name, blanks and separators in and
# before the brackets as the command's fold allows them (a[ 2 ], a [1],
# a[1][2]); zero padding is in the digits
_ITEM_OF = re.compile(r"(.+?)[ _.\-]*(?:\[[ _.\-]*[0-9]+[ _.\-]*\])+")


def item_base(given: str) -> Optional[str]:
    """The base of `given` when it is written as a list's item, a of a[1]
    (tools/quotalevy/nearmiss.h's near_item_base), else None."""
    m = _ITEM_OF.fullmatch(_fold(given))
    return m.group(1) if m else None


def item_of(given: str, name: str) -> bool:
    """Whether `given` is an item a[1] (A[01], a[ 2 ], amout[1]) of the
    input `name` that is one value, no list (P18-10): a slip of it, as
    near_item_folded decides in every front end."""
    base = item_base(given)
    return base is not None and "[" not in name and near_miss(base, name)


def not_text(name: str) -> Optional[str]:
    """Why name cannot be a C text (None when it can): a NUL, or a lone
    surrogate, which has no UTF-8 form."""
    if "\0" in name:
        return "a NUL character is not allowed in a name"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as e:
        return ("it holds a lone surrogate (%r at position %d), which is not a "
                "character" % (name[e.start], e.start))
    return None


def match_columns(ruleset, given: Iterable[Any], keep: Iterable[str] = (),
                  extra: str = "warn", stacklevel: int = 3) -> List[Optional[Any]]:
    """For each input of the rule set, the label of its column in `given`
    (None when there is none).  A label that is no input, not 'id' and not
    kept is extra: warned about once (extra='warn'), refused
    (extra='error') or passed over (extra='ignore'); an extra label that is
    a near miss of an input without a column is an error whatever `extra`
    says, as in the command.  `stacklevel` points the warning at the
    caller's line."""
    if extra not in ("warn", "ignore", "error"):
        raise ValueError("extra must be 'warn', 'ignore' or 'error'")
    given = list(given)
    index = ruleset._index
    found: List[Optional[Any]] = [None] * len(index)
    kept = set(keep)
    extras = []
    has_id = False
    for label in given:
        has_id = has_id or label == "id"
        i = index.get(label) if isinstance(label, str) else None
        if i is not None:
            found[i] = label
            continue
        if isinstance(label, str) and label in ruleset.lists:
            continue  # a whole list input: list_columns reads it
        if isinstance(label, str) and not_text(label):
            # never an input's name: a header cut or mangled on its way
            raise RecordError("QL_ERECORD", "column %r is no input's name: %s"
                              % (label, not_text(label)), field=label)
        if label != "id" and label not in kept:
            extras.append(label)
    missing = [inp.name for inp, f in zip(ruleset.inputs, found) if f is None]
    given_set = set(g for g in given if isinstance(g, str))
    for lst, size in ruleset.lists.items():  # a whole list none of whose items has a column
        if lst not in given_set and all(found[ruleset._index[it]] is None
                                        for it in ("%s[%d]" % (lst, k) for k in range(1, size + 1))
                                        if it in ruleset._index):
            missing.append(lst)
    if not has_id and "id" not in kept:
        missing.append("id")  # a column that looks like 'id' (a second BOM)
    near = None
    folded: dict = {}
    for name in ruleset.lists:
        folded.setdefault(name.casefold(), name)
    one_value: Optional[dict] = None  # the inputs that are one value, casefolded
    for label in extras:
        if not isinstance(label, str):
            continue
        if near is None:
            near = _NearIndex(missing)
        g = _fold(label)
        for name in (missing[p] for p in sorted(near.candidates(label),
                                                key=lambda p: (g != missing[p], p))):
            if near_miss(label, name):  # alike first, then in order
                raise RecordError(
                    "QL_ERECORD",
                    "column '%s' is not an input of '%s': did you mean '%s'? "
                    "(the input '%s' has no column)" % (shown(label), ruleset.id, name, name),
                    field=label)
        base = item_base(label)
        if base is not None:  # a[1] for the one-value a (P18-10)
            b = _unpad(base).casefold()
            for name in (missing[p] for p in sorted(
                    near.candidates(base), key=lambda p: (b != missing[p].casefold(), p))):
                if name in index and item_of(label, name):
                    raise RecordError(
                        "QL_ERECORD",
                        "column '%s' is not an input of '%s': '%s' is one value, not a "
                        "list: give its value under '%s' (the input '%s' has no column)"
                        % (shown(label), ruleset.id, name, name, name), field=label)
            if one_value is None:
                one_value = {}
                for name in index:
                    if "[" not in name:
                        one_value.setdefault(name.casefold(), name)
            name = one_value.get(b)
            if name is not None and found[index[name]] is not None:
                raise RecordError(
                    "QL_ERECORD",
                    "column '%s' is not an input of '%s': '%s' is one value, not a list, "
                    "and the column '%s' gives it: which of the two is meant?"
                    % (shown(label), ruleset.id, name, found[index[name]]), field=label)
        lst = bad_list_item(ruleset, label, folded)
        if lst is not None:
            raise RecordError(
                "QL_ERECORD",
                "column '%s' is not an input of '%s': '%s' is a list of %d items, "
                "%s[1] … %s[%d]" % (shown(label), ruleset.id, lst, ruleset.lists[lst],
                                    lst, lst, ruleset.lists[lst]),
                field=label)
    partial_list(ruleset, found, given_set)
    if "date" in given_set and "date" not in index and extra != "ignore":
        # the command reads a 'date' column as each row's own evaluation
        # date; these calls take one date a call, so they refuse to drop
        # each row's date without a word (probe4 P4-12)
        raise RecordError(
            "QL_ERECORD",
            "column 'date' gives each row its own evaluation date, but this call "
            "evaluates every row on the date it is given: evaluate each date's rows "
            "on their date (groupby('date')) and drop the column, or pass "
            "extra='ignore' to evaluate them all on the call's date knowingly",
            field="date")
    if extras and extra == "error":
        raise RecordError("QL_ERECORD", "columns that are not inputs of '%s': %s"
                          % (ruleset.id, ", ".join(map(repr, extras))), field=str(extras[0]))
    if extras and extra == "warn":
        warnings.warn("ignored columns that are not inputs of '%s': %s"
                      % (ruleset.id, ", ".join(map(repr, extras))),
                      ExtraColumnsWarning, stacklevel=stacklevel)
    return found


def _joined(ruleset, label: str) -> Optional[str]:
    """The separator a label holds between names the rules read (a file
    separated by ';', a tab or '|' read as one column), or None."""
    for sep in (";", "\t", "|", ","):
        if sep in label and any(p.strip(' "\r') == "id" or p.strip(' "\r') in ruleset._index
                                for p in label.split(sep)):
            return sep
    return None


def _no_input_message(ruleset, given: int, table: bool, holder: str,
                      names: List[Any]) -> Optional[str]:
    """The refusal every front end gives names none of which is an input
    (tools/quotalevy/noinput.h, through the binding), or None when some
    input is given."""
    from . import native
    texts = [(n if isinstance(n, str) else repr(n)).encode("utf-8", "backslashreplace")
             .decode("utf-8") for n in names[:7]]  # noinput.h reads no more
    return native.no_input_message(ruleset._handle(), given, int(table), holder, texts)


def no_input(ruleset, found: List[Optional[Any]], given: Iterable[Any], n: int,
             extra: str) -> None:
    """Refuses rows none of whose columns is an input, as the command
    refuses such a header: every row would be evaluated on the inputs'
    defaults alone (Japan's levy 0 for every employer).  A ';'-separated
    file read with pandas' default separator is one such column, headers
    in another language another (probe5 P5-07).  extra='ignore' says the
    columns are not the rules' knowingly."""
    given = list(given)
    if not n:
        return
    fed = sum(f is not None for f in found) + sum(
        isinstance(g, str) and g in ruleset.lists for g in given)  # lists given whole
    msg = _no_input_message(ruleset, fed, True, "the batch", given)
    if msg is None:
        return
    for g in given:
        sep = _joined(ruleset, g) if isinstance(g, str) else None
        if sep is not None:
            raise RecordError(
                "QL_ERECORD", "column '%s' holds names of inputs separated by %s: the "
                "file seems to be separated by %s and was read as one column (read it "
                "with that separator, e.g. pandas.read_csv(..., sep=%r, dtype=str))"
                % (shown(g[:60]) + ("…" if len(g) > 60 else ""),
                   "tabs" if sep == "\t" else repr(sep), "tabs" if sep == "\t" else repr(sep),
                   sep), field=g)
    if extra == "ignore":
        return
    raise RecordError(
        "QL_ERECORD", msg + "; name the columns after the inputs, or pass extra='ignore' "
        "to evaluate on the defaults knowingly")


def gives_an_input(ruleset, record: Mapping) -> bool:
    """Whether some key of the record is an input (or a list given whole)."""
    return any(isinstance(k, str) and (k in ruleset._index or k in ruleset.lists)
               for k in record)


def _near_an_input(ruleset, key: str) -> bool:
    """Whether key is a near miss of an input or of a list's items: the
    record's fill refuses it with "did you mean", which says more."""
    names = [i.name for i in ruleset.inputs] + list(ruleset.lists)
    near = _NearIndex(names)
    if any(near_miss(key, names[p]) for p in near.candidates(key)):
        return True
    folded = {n.casefold(): n for n in ruleset.lists}
    return bad_list_item(ruleset, key, folded) is not None


def no_input_error(ruleset, record: Mapping) -> Optional[RecordError]:
    """The refusal of a record none of whose keys is an input ({}, only
    'id', or keys in another language), as the command refuses such a
    JSON Lines record and Java and Lua such a map, whatever extra says
    (probe5 P5-07; probe8 P8-06: keys that were all unknown were passed
    over with a warning and the record evaluated on the defaults alone).
    None when some key is an input, or when a key is refused by name
    where it is read (not a str, not text, a near miss of an input)."""
    if gives_an_input(ruleset, record):
        return None
    for k in record:
        if not isinstance(k, str) or (k != "id" and (not_text(k) or _near_an_input(ruleset, k))):
            return None
    msg = _no_input_message(ruleset, 0, False, "the record", list(record))
    if msg is None:
        return None
    from ._errors import FieldValueError
    return FieldValueError("QL_ERECORD", msg)


def own_date_error(ruleset, record: Mapping, extra: str) -> Optional[RecordError]:
    """The refusal of a record with a 'date' key the rules do not read, as
    match_columns refuses such a column (probe4 P4-12) and the command's
    JSON Lines refuses the key with --date: the record's own date would
    be dropped for the call's, with a warning at most.  None when it has
    none, or with extra='ignore' (knowingly)."""
    if extra == "ignore" or "date" not in record or "date" in ruleset._index:
        return None
    return RecordError(
        "QL_ERECORD",
        "key 'date' gives the record its own evaluation date, but this call "
        "evaluates on the date it is given: evaluate each date's records on their "
        "date and leave the key out, or pass extra='ignore' to evaluate on the "
        "call's date knowingly", field="date")


def no_input_record(ruleset, record: Mapping) -> None:
    """no_input_error raised."""
    e = no_input_error(ruleset, record)
    if e is not None:
        raise e


def partial_list(ruleset, found: List[Optional[Any]], given: AbstractSet[str]) -> None:
    """A list input some of whose items have a column and others not: each
    missing item would be read as empty in every row and the levy change
    without a word (an export that lost a month, P3-21).  Refused, naming
    the missing items; a column of None says an item is meant empty."""
    index = ruleset._index
    for lst, size in ruleset.lists.items():
        if lst in given:
            continue  # given whole: list_columns reads it
        items = ["%s[%d]" % (lst, k) for k in range(1, size + 1)]
        missing = [it for it in items if found[index[it]] is None]
        if 0 < len(missing) < size:
            shown_missing = ", ".join(missing[:6]) + (", …" if len(missing) > 6 else "")
            raise RecordError(
                "QL_ERECORD",
                "the columns give %d of the %d items of the list '%s': %s %s no "
                "column, so every row would read %s as empty (give %s, None where "
                "an item is meant empty)"
                % (size - len(missing), size, lst, shown_missing,
                   "has" if len(missing) == 1 else "have",
                   "it" if len(missing) == 1 else "them",
                   "the column" if len(missing) == 1 else "the columns"),
                field=missing[0])


def error_columns_free(ruleset, errors: str) -> None:
    """With errors='column', the generated error columns must not take the
    place of outputs of the same names: refused before anything is read."""
    if errors != "column":
        return
    names = column_specs(ruleset)[0]
    clash = [n for n in ERROR_COLUMNS if n in names]
    if clash:
        raise ValueError("errors='column' adds the columns %s, but the rule set '%s' "
                         "has output columns of the same names: %s; use "
                         "errors='raise' (or rename the outputs)"
                         % (", ".join(ERROR_COLUMNS), ruleset.id, ", ".join(map(repr, clash))))


def list_columns(ruleset, given: Iterable[Any]) -> List[str]:
    """The labels in `given` that name a list input whole ('positions'
    for positions[1] … positions[12]).  Such a column holds, in each cell,
    a sequence of the list's items (or None: every item empty); giving
    the whole list and one of its items too is refused."""
    labels = [g for g in given if isinstance(g, str) and g in ruleset.lists
              and g not in ruleset._index]
    present = set(g for g in given if isinstance(g, str))
    for name in labels:
        both = ["%s[%d]" % (name, k) for k in range(1, ruleset.lists[name] + 1)
                if "%s[%d]" % (name, k) in present]
        if both:
            raise ValueError("column %r gives the whole list and column %s one of its "
                             "items too: give one or the other"
                             % (name, ", ".join(map(repr, both))))
    return labels


def length(values: Any, name: str) -> int:
    """The number of cells of a column the rules do not read (id, an
    ignored one), refused as cells() refuses a column that is no sequence."""
    mod = type(values).__module__
    if isinstance(values, (list, tuple)) or mod.startswith(("pandas", "numpy")):
        return len(values)
    return len(cells(values, name, "exact-repr"))


def same_lengths(columns: Any, lengths: dict) -> None:
    """Refuses columns of different lengths, naming each with its length;
    pandas Series are paired by position only when they share one index
    (else the same row would be two units)."""
    if len(set(lengths.values())) > 1:
        raise ValueError("columns of different lengths: %s (every column, id and "
                         "ignored ones too, has one cell a row)"
                         % ", ".join("%r %d" % kv for kv in lengths.items()))
    first = None
    for label in lengths:
        v = columns[label]
        index = getattr(v, "index", None)
        if type(v).__module__.startswith("pandas") and index is not None \
                and not callable(index):
            if first is None:
                first = (label, index)
            elif not index.equals(first[1]):
                raise ValueError("columns %r and %r are pandas Series with different "
                                 "indexes: evaluate_columns pairs cells by position; use "
                                 "evaluate_frame (which aligns by index) or "
                                 ".reset_index(drop=True)" % (first[0], label))


def list_items(ruleset, name: str, column: Sequence, cells_out: list,
               found: list, labels: Optional[Sequence] = None) -> None:
    """Spreads a whole-list column into its item inputs: cells_out and
    found (one entry per input) receive, for each item name[k], the k-th
    item of every row's sequence.  A cell that is neither None nor a
    sequence of exactly the list's length is refused naming its row."""
    size = ruleset.lists[name]
    items = ["%s[%d]" % (name, k) for k in range(1, size + 1)]
    slots = [ruleset._index.get(it) for it in items]
    cols: List[list] = [[] for _ in items]
    for row, v in enumerate(column):
        if v is None or (isinstance(v, float) and v != v) or \
                _kind_name(v) == "pandas._libs.missing.NAType":
            for c in cols:
                c.append(None)
            continue
        if isinstance(v, (str, bytes)) or not hasattr(v, "__len__") or \
                isinstance(v, (dict, set, frozenset)):
            what = "not %s" % type(v).__name__
        elif len(v) != size:
            what = "not %d" % len(v)
        else:
            for c, item in zip(cols, list(v)):
                c.append(item)
            continue
        at = "row %d" % row
        if labels is not None:
            at += " (index %r)" % (labels[row],)
        message = ("'%s' is a list of %d items (%s[1] … %s[%d]): each cell is a "
                   "sequence of %d values (None for an empty item), %s"
                   % (name, size, name, name, size, size, what))
        raise FieldTypeError("QL_ERECORD", message, field=name, row=row,
                             text="column %r, %s: %s" % (name, at, message))
    for slot, item, c in zip(slots, items, cols):
        if slot is not None:
            cells_out[slot] = c
            found[slot] = item


# ------------------------------------------------------------ cells


def float_text(x: Any) -> str:
    """A float read by the shortest repr of its own type, in plain
    notation: 0.1 → '0.1', 1e-05 → '0.00001', 12.0 → '12' (repr's '.0'
    is not a digit of the data).  A numpy float32 or float16 is read as
    itself, never through the float64 it widens to: float32 100.1 is
    '100.1', not '100.0999984741211' (P5-05)."""
    if type(x) is not float and type(x).__module__ == "numpy":
        import numpy as np
        if isinstance(x, np.floating) and not isinstance(x, np.float64):
            return np.format_float_positional(x, unique=True, trim="-")
    text = format(Decimal(repr(float(x))), "f")
    return text[:-2] if text.endswith(".0") else text


DECIMAL_DIGITS = 36  # QL_DECIMAL_DIGITS and QL_DECIMAL_MAX_SCALE


def past_limits(v: Decimal) -> bool:
    """Whether a finite Decimal written out holds more than a decimal can:
    36 significant digits, or a nonzero digit past 36 places (trailing
    zeros aside, which the library drops) — convert.h's
    decimal_past_limits."""
    _, digits, exp = v.as_tuple()
    n = len(digits)
    while n and digits[n - 1] == 0:
        n -= 1
    if not n or not isinstance(exp, int):
        return False  # zero: 0E+50 is 0
    e2 = exp + len(digits) - n
    return n > DECIMAL_DIGITS or n + e2 > DECIMAL_DIGITS or e2 < -DECIMAL_DIGITS


def decimal_text(v: Decimal) -> str:
    """A finite Decimal in plain notation, or as Python writes it (1E+40)
    when written out it is past what a decimal holds: the library refuses
    it as "number too long", saying how long, and the message quotes the
    Decimal's own text, not 41 digits the caller never wrote (probe8
    P8-02's class); Decimal('1E+99999999999') written out would take
    100 GB (P5-06)."""
    if past_limits(v):
        return Decimal.__str__(v)
    return format(v, "f")


def _float_texts(arr, real) -> list:
    """float_text of each number of a numpy float array, None where
    `real` is False: a float64 array through Python floats (their repr is
    float64's shortest), any other width element by element as itself."""
    import numpy as np
    if arr.dtype == np.float64:
        return [float_text(x) if ok else None for x, ok in zip(arr.tolist(), real.tolist())]
    return [np.format_float_positional(x, unique=True, trim="-") if ok else None
            for x, ok in zip(arr, real.tolist())]


def _kind_name(v: Any) -> str:
    return type(v).__module__ + "." + type(v).__qualname__


class Converter:
    """Turns one cell that C does not handle itself (anything but an exact
    str, int, bool or None) into its field text, or None for empty.
    Called by C as conv(value, input index, row)."""

    def __init__(self, ruleset, floats: str, labels: Optional[Sequence] = None,
                 columns: Optional[Sequence] = None, frame: bool = False):
        if floats not in ("refuse", "exact-repr"):
            raise ValueError("floats must be 'refuse' or 'exact-repr'")
        self.exact_repr = floats == "exact-repr"
        # a frame's missing values are NaN floats, None, pd.NA and NaT; a
        # Decimal NaN is a broken value (0/0 upstream), refused as the
        # record path refuses it, never read as empty
        self.frame = frame
        self.names = [i.name for i in ruleset.inputs]
        self.columns = columns   # the given label of each input's column
        self.labels = labels     # the frame's index, to name a row by it

    def where(self, input: int, row: int) -> str:
        col = self.names[input] if self.columns is None else self.columns[input]
        at = "row %d" % row
        if self.labels is not None:
            at += " (index %r)" % (self.labels[row],)
        return "column %r, %s" % (col, at)

    def refuse(self, input: int, row: int, message: str):
        name = self.names[input]
        raise FieldTypeError("QL_ERECORD", message, field=name,
                             text="%s: %s" % (self.where(input, row), message),
                             row=row)

    def __call__(self, v: Any, input: int, row: int) -> Optional[str]:
        if isinstance(v, str):
            return str.__str__(v)
        if isinstance(v, Decimal):
            if v.is_finite():
                return decimal_text(v)
            return str(v)  # NaN, sNaN, ±Infinity: the row's error, in every path
        if isinstance(v, float):  # numpy.float64 too
            if v != v:
                return None
            if self.exact_repr:
                return float_text(v)
            self.refuse(input, row, FLOAT_ADVICE)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(int(v))
        if isinstance(v, _dt.datetime):  # and pandas.Timestamp
            if v != v:  # NaT
                return None
            if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
                self.refuse(input, row, "a date field takes a date, not the time "
                                        "of day of %s" % v.isoformat())
            return v.date().isoformat()
        if isinstance(v, _dt.date):
            return v.isoformat()
        kind = _kind_name(v)
        if kind in ("pandas._libs.missing.NAType", "pandas._libs.tslibs.nattype.NaTType"):
            return None
        if kind.startswith("numpy."):
            import numpy as np
            if isinstance(v, np.bool_):
                return "true" if v else "false"
            if isinstance(v, np.integer):
                return str(int(v))
            if isinstance(v, np.floating):  # float32, float16: as themselves
                if v != v:
                    return None
                if self.exact_repr:
                    return float_text(v)
                self.refuse(input, row, FLOAT_ADVICE)
            if isinstance(v, np.datetime64):
                if np.isnat(v):
                    return None
                day = v.astype("datetime64[D]")
                if day != v:
                    self.refuse(input, row, "a date field takes a date, not the "
                                            "time of day of %s" % v)
                return str(day)
        self.refuse(input, row, "expected a str, Decimal, int, bool, date or an "
                                "empty value, not %s" % type(v).__name__)
        return None  # not reached


# ------------------------------------------------------------ cells of arrays


def cells(values: Any, name: str, floats: str) -> Union[list, tuple]:
    """One input's column as a list of cells C can read: lists and tuples
    as they are, numpy arrays and pandas Series made lists with their
    missing values (NaN, None, pd.NA, NaT) as None.  Binary float columns
    are refused here, naming the first row that holds a number."""
    if isinstance(values, (list, tuple)):
        return values
    mod = type(values).__module__
    if mod.startswith("pandas"):
        import pandas as pd
        if not isinstance(values, (pd.Series, pd.Index)):
            values = pd.Series(values)
        return _series_cells(values, name, floats)
    if mod.startswith("numpy"):
        import pandas as pd
        return _series_cells(pd.Series(values, copy=False), name, floats)
    if isinstance(values, (str, bytes, bytearray, memoryview)) or \
            (isinstance(values, _array) and values.typecode in "uw") or \
            not isinstance(values, Iterable) or isinstance(values, (Mapping, AbstractSet)):
        # a mapping would give its keys, a set an order of its own, a text
        # or a buffer of bytes its characters or byte codes
        raise TypeError("column %r: expected a sequence of cells (list, tuple, "
                        "numpy array, pandas Series), not %s"
                        % (name, type(values).__name__))
    return list(values)


def _series_cells(s, name: str, floats: str) -> list:
    import numpy as np
    import pandas as pd
    dt = s.dtype
    if not isinstance(dt, np.dtype) and isinstance(dt, pd.api.extensions.ExtensionDtype) \
            and getattr(dt, "kind", "") == "f":
        # pandas' nullable Float32/Float64: as the numpy floats of its own
        # width (to_numpy(object) would widen a Float32 to float64)
        s = pd.Series(s.to_numpy(dtype=dt.numpy_dtype, na_value=np.nan),
                      index=s.index if isinstance(s, pd.Series) else None)
        dt = s.dtype
    if isinstance(dt, np.dtype) and dt.kind == "f":
        arr = s.to_numpy()
        real = ~np.isnan(arr)
        if not real.any():
            return [None] * len(arr)
        if floats != "exact-repr":
            row = int(np.flatnonzero(real)[0])
            label = s.index[row] if isinstance(s, pd.Series) else row
            raise FieldTypeError(
                "QL_ERECORD", FLOAT_ADVICE, field=name, row=row,
                text="column %r holds binary floats (%s, first at row %d, index %r): %s"
                     % (name, dt, row, label, FLOAT_ADVICE))
        return _float_texts(arr, real)
    if isinstance(dt, np.dtype) and dt.kind in "iub":
        return s.to_numpy().tolist()   # Python ints and bools: C reads them
    if isinstance(dt, np.dtype) and dt.kind == "M":
        days = s.dt.normalize() if isinstance(s, pd.Series) else s.normalize()
        bad = (days != s) & s.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise FieldTypeError("QL_ERECORD", "a date field takes dates, not times of day",
                                 field=name, row=row,
                                 text="column %r, row %d: a date field takes dates, "
                                      "not times of day" % (name, row))
        text = s.dt.strftime("%Y-%m-%d") if isinstance(s, pd.Series) else s.strftime("%Y-%m-%d")
        return [None if t != t else t for t in text.tolist()]
    # NaN, None, pd.NA and NaT are left as they are: C reads None as empty
    # and hands every other cell that is not a str, an int or a bool to
    # the Converter, which reads them as empty too
    return s.to_numpy(dtype=object).tolist()


# ------------------------------------------------------------ output columns


class Column(Sequence):
    """One output column of evaluate_columns: a read-only sequence whose
    values (Decimal, bool, date, str or None) are made when read, from the
    library's text kept packed in three buffers — a number column's
    numbers as 64-bit coefficients and scales in two more (in C, a
    repeated cell being one object)."""
    __slots__ = ("name", "_type", "_data", "_offb", "_off", "_mask", "_text", "_coef",
                 "_scl")

    def __init__(self, name: str, type_: int, packed: Tuple[bytes, ...]):
        self.name = name
        self._type = type_
        self._data = packed[0]
        self._offb = packed[1]
        self._off = memoryview(packed[1]).cast("q")
        self._mask = packed[2]
        self._text: Optional[str] = None
        # a number column: each number's 64-bit coefficient and scale (no
        # text was written for them)
        self._coef = packed[3] if len(packed) > 3 else None
        self._scl = packed[4] if len(packed) > 4 else None

    def __len__(self) -> int:
        return len(self._mask)

    def _objects(self, start: int, stop: int) -> list:
        from . import native
        if self._coef is not None:
            return native.column_numbers(self._data, self._offb, self._mask, self._coef,
                                         self._scl, start, stop, 0)
        return native.column_objects(self._type, self._data, self._offb, self._mask,
                                     start, stop)

    def __getitem__(self, i):
        n = len(self._mask)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            if step == 1:
                return self._objects(start, max(start, stop))
            return [self[k] for k in range(start, stop, step)]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("column index out of range")
        return self._objects(i, i + 1)[0]

    def texts(self) -> List[Optional[str]]:
        """The values as the command writes them (None for empty)."""
        if self._coef is not None:
            from . import native
            return native.column_numbers(self._data, self._offb, self._mask, self._coef,
                                         self._scl, 0, len(self._mask), 1)
        data, off, mask = self._data, self._off, self._mask
        if self._type != STRING and self._text is None:
            self._text = data.decode("ascii")  # numbers, dates, bools: ASCII
        if self._text is not None:
            t = self._text
            return [t[off[k]:off[k + 1]] if mask[k] else None for k in range(len(mask))]
        return [data[off[k]:off[k + 1]].decode("utf-8") if mask[k] else None
                for k in range(len(mask))]

    def __iter__(self) -> Iterator:
        return iter(self._objects(0, len(self._mask)))

    def tolist(self) -> list:
        return self._objects(0, len(self._mask))

    def __eq__(self, other):
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and self.tolist() == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        head = ", ".join(repr(v) for v in self[:5])
        return "Column(%r, [%s%s], %d rows)" % (self.name, head,
                                                ", …" if len(self) > 5 else "", len(self))
