"""The table of bundled examples (tests/example-table.txt) for the Python
tests of every front end: its rows, and what on disk it leaves out.

Each test that runs "every example" takes its rows from here and checks
uncovered() is empty, so a rule set added under rules/ or a data file
added under examples/ fails those tests until the table has a row for it.
"""
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))


class Example:
    """One row: rules and data are paths relative to the source folder."""

    def __init__(self, rules, data, date, places, money):
        self.rules, self.data, self.date = rules, data, date
        self.places = int(places)
        self.money = frozenset() if money == "-" else frozenset(money.split(","))

    @property
    def name(self):
        """The rule set's name on the search path ("cn/jilin")."""
        return self.rules[len("rules/"):-len(".yaml")]

    def __repr__(self):
        return "%s+%s" % (self.name, os.path.basename(self.data))


def rows(src=os.path.dirname(HERE)):
    with open(os.path.join(src, "tests", "example-table.txt"), encoding="utf-8") as f:
        lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
    for parts in lines:
        if len(parts) != 5:
            raise ValueError("tests/example-table.txt: 5 columns expected: %r" % parts)
    return [Example(*parts) for parts in lines]


def uncovered(src=os.path.dirname(HERE)):
    """The rule sets (rules/*/*.yaml) and example data files (examples/*.csv
    but the checked-in outputs) that no row of the table runs."""
    table = rows(src)
    on_disk = {os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "rules", "*", "*.yaml"))}
    on_disk |= {os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "examples", "*.csv"))
                if not p.endswith((".expected.csv", ".rejects.csv"))}
    return sorted(on_disk - {e.rules for e in table} - {e.data for e in table})
