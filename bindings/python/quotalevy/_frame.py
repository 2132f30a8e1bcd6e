"""RuleSet.evaluate_frame: a pandas DataFrame in, a DataFrame out.

pandas is imported here, when a frame is evaluated, so that `import
quotalevy` works without it.  The frame's columns are matched to the
rule set's inputs by name (extra columns warned about, near misses
refused), each made a list of cells (binary floats refused; missing
values are read as empty by the converter), evaluated in one call into C,
which writes the output values — Decimal, bool, date, str or None — into
one numpy object block that becomes the new frame, on the input's own
index, after the kept columns.
"""
from __future__ import annotations

from . import _columns


def evaluate_frame(rs, df, date, keep, errors, floats, extra, typed=True, stacklevel=4):
    """The frame, and the number of rows evaluated in place (typed=False:
    none, every row the record way; the tests compare the two)."""
    import numpy as np
    import pandas as pd
    from . import _date

    if not isinstance(df, pd.DataFrame):
        raise TypeError("evaluate_frame takes a pandas.DataFrame, not %s"
                        % type(df).__name__)
    if isinstance(df.columns, pd.MultiIndex):
        raise ValueError("the frame's columns are a MultiIndex: name each column "
                         "after one input (flatten them first)")
    dup = list(dict.fromkeys(df.columns[df.columns.duplicated()]))
    if dup:
        raise ValueError("duplicate column names: %s" % ", ".join(map(repr, dup)))
    keep = [keep] if isinstance(keep, str) else list(keep)
    absent = [k for k in keep if k not in df.columns]
    if absent:
        raise KeyError("keep: no such column: %s" % ", ".join(map(repr, absent)))
    names, specs = rs._specs()
    clash = [k for k in keep if k in names or k in _columns.ERROR_COLUMNS]
    if clash:
        raise ValueError("keep: %s would collide with output columns of the same "
                         "name" % ", ".join(map(repr, clash)))
    _columns.error_columns_free(rs, errors)
    days = _date(date)
    found = _columns.match_columns(rs, df.columns, keep, extra, stacklevel=stacklevel)
    whole = _columns.list_columns(rs, df.columns)  # read, kept or not
    n = len(df)
    _columns.no_input(rs, found, df.columns, n, extra)
    cells = []
    for label in found:
        if label is None:
            cells.append(None)
            continue
        s = df.iloc[:, df.columns.get_loc(label)]
        try:
            cells.append(_columns.cells(s, label, floats))
        except _columns.FieldTypeError as e:
            e.index = df.index[e.row] if e.row is not None and e.row < n else None
            raise
    for label in whole:
        s = df.iloc[:, df.columns.get_loc(label)]
        _columns.list_items(rs, label, s.to_numpy(dtype=object).tolist(), cells, found,
                            labels=df.index)
    conv = _columns.Converter(rs, floats, labels=df.index, columns=found, frame=True)
    # C puts each value straight into its place in one object block, which
    # becomes the frame's storage as it is (no list, no copy)
    block = np.empty((len(names), n), dtype=object)
    names, _, ecols, in_place = rs._run_columns(cells, n, days, errors, conv, block,
                                                labels=df.index, typed=typed)
    out = pd.DataFrame(block.T, index=df.index, columns=pd.Index(names, dtype=object),
                       dtype=object, copy=False)
    for pos, k in enumerate(keep):
        out.insert(pos, k, df.iloc[:, df.columns.get_loc(k)].array)
    if ecols is not None:
        for name, values in zip(_columns.ERROR_COLUMNS, ecols):
            out[name] = _objects(np, values)
    return out, in_place


def _objects(np, values):
    # fromiter, not arr[:] = values: assigning a list looks into every
    # element for a nested sequence, 50 times slower
    return np.fromiter(values, dtype=object, count=len(values))
