#!/usr/bin/env python3
"""Rule authoring safety: a Beijing rule set written by following the docs
(tests/authoring/beijing.yaml) loads and passes its cases; each kind of
mistake a rule author makes in it gets a message located at the line and
column of the mistake in the author's own file, saying what was expected.

Usage: test_authoring.py QUOTALEVY_BINARY SOURCE_DIR   (run by meson test)
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

BIN = None
SRC = None
WRAP = os.environ.get("QL_WRAP", "").split()


def run(*args, cwd=None):
    env = dict(os.environ, QUOTALEVY_RULES_PATH=os.path.join(SRC, "rules"))
    return subprocess.run([*WRAP, BIN, *args], capture_output=True, text=True,
                          cwd=cwd or SRC, env=env)


def line_of(text, needle):
    """1-based line and column of needle in text."""
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)


# (what, old text, new text, the text the mistake is at, message)
MISTAKES = [
    ("a forgotten %", "value: 1.7%", "value: 1.7", "1.7\n",
     "parameter 'ratio' is a percentage"),
    ("a ratio out of bounds", "value: 1.7%", "value: 170%", "170%",
     "parameter 'ratio': 170% is above its maximum of 100%"),
    ("a value of the wrong type", "computed:\n",
     "  wage_capped:\n    values:\n      - from: 2015-10-01\n"
     "        value: yes\n        source: bj-test\n\ncomputed:\n", "yes",
     "parameter 'wage_capped': 'yes' is a string, but computed 'levy_wage' "
     "needs a bool"),
    # P13-07: a parameter of the wrong type compared with a number, or in
    # a max(), was reported at the formula ("cannot compare a number
    # with a string"), naming neither the parameter nor its value
    ("a quoted number compared", "computed:\n  levy_per_head:\n"
     "    expr: if(employees > 0,",
     "  head_floor:\n    values:\n      - from: 2015-10-01\n"
     "        value: \"0\"\n        source: bj-test\n\ncomputed:\n"
     "  levy_per_head:\n    expr: if(employees > head_floor,", "\"0\"",
     "parameter 'head_floor': '0' is a string, but computed 'levy_per_head' "
     "needs a number"),
    ("a date in a max()", "computed:\n  levy_per_head:\n"
     "    expr: if(employees > 0,",
     "  head_floor:\n    values:\n      - from: 2015-10-01\n"
     "        value: 2015-10-01\n        source: bj-test\n\ncomputed:\n"
     "  levy_per_head:\n    expr: if(max(head_floor, employees) > 0,",
     "2015-10-01\n        source: bj-test\n\ncomputed",
     "parameter 'head_floor': '2015-10-01' is a date, but computed "
     "'levy_per_head' needs a number"),
    # P13-01: a percentage's bound written without '%' was read as a
    # share (max: 0.5 meant as 0.5 % is 50 %, max: 100 is 10,000 %)
    ("an inherited percentage bounded without '%'",
     "  ratio:\n    description:", "  ratio:\n    max: 0.5\n    description:",
     "0.5\n", "parameter 'ratio' is a percentage ("),
    ("a new percentage bounded without '%'", "computed:\n",
     "  reward_share:\n    unit: percent\n    min: 0\n    max: 100\n"
     "    values:\n      - from: 2015-10-01\n        value: 150%\n"
     "        source: bj-test\n\ncomputed:\n", "100\n",
     "parameter 'reward_share' is a percentage: write its bound with '%' "
     "(e.g. 'max: 100%'), not '100'"),
    # P13-09, P13-08, P13-15: messages that said neither the value nor
    # the input, and a citation's date never checked
    ("a money parameter past its minor unit", "computed:\n",
     "  bonus:\n    type: money\n    values:\n      - from: 2015-10-01\n"
     "        value: 100.005\n        source: bj-test\n\ncomputed:\n",
     "100.005", "parameter 'bonus' is money in CNY, which has 2 decimal "
     "places: '100.005' has more; write it in the currency's minor unit"),
    ("a citation dated no day",
     "    title: The ratio the rule author was given",
     "    date: 2023-12-32\n    title: The ratio the rule author was given",
     "2023-12-32", "source 'bj-test' date: '2023-12-32' is not a real "
     "calendar date"),
    ("a bool default that is no bool", "parameters:\n",
     "inputs:\n  school: {type: bool, default: maybe}\n\nparameters:\n",
     "maybe", "input 'school': default: expected true or false, found "
     "'maybe'"),
    # P13-14: a province narrowing an inherited enum was told so at the
    # parent's formula (national.yaml:423:20), a line it never wrote
    ("an inherited enum narrowed", "parameters:\n",
     "inputs:\n  unit_type: {type: enum, values: [enterprise, agency]}\n\n"
     "parameters:\n", "unit_type: {",
     "input 'unit_type': its values (enterprise, agency) leave out "
     "\"institution\", which check 'institution_post_minimum' applies "
     "compares it with ("),
    # P13-10: an enum value off by case or a letter gets the nearest
    ("an enum value in another case", "if(employees > 0, round(levy_due",
     "if(unit_type == \"Enterprise\" and employees > 0, round(levy_due",
     "\"Enterprise\"", "\"Enterprise\" is not a value of unit_type "
     "(expected one of: enterprise, agency, institution, social_org, "
     "private_nonenterprise); did you mean 'enterprise'?"),
    ("a misspelt key", "    description: The levy per employee",
     "    descripton: The levy per employee", "descripton",
     "unknown key 'descripton' in computed 'levy_per_head'; did you mean "
     "'description'?"),
    ("a misspelt name", "round(levy_due / employees, 2)",
     "round(levy_due / employes, 2)", "employes",
     "unknown name 'employes'; did you mean 'employees'?"),
    ("a misspelt output", "levy_per_head, share_short]",
     "levy_per_hed, share_short]", "levy_per_hed",
     "output 'levy_per_hed' is not a computed value, check or input; did you "
     "mean 'levy_per_head'?"),
    ("an amount not rounded", "round(levy_due / employees, 2)",
     "levy_due / employees", "if(employees",
     "output 'levy_per_head' is an amount in CNY, which has 2 decimal "
     "places, but its value can carry any number of places: round it"),
    ("a quotient without a scale", "    scale: 4\n    display: half_up\n", "",
     "if(required_disabled",
     "output 'share_short' can carry any number of decimal places"),
    ("a display rounding without a scale", "    scale: 4\n", "", "half_up",
     "'display' rounds to the places of 'scale': give 'scale' too"),
    ("money past its minor unit", "parameters:\n",
     "inputs:\n  bonus: {type: money, default: 1.234}\n\nparameters:\n", "1.234",
     "default '1.234' has more than 2 decimal places: money is in CNY's minor unit"),
    ("a fraction for an integer", "parameters:\n",
     "parameters:\n  months:\n    type: integer\n    values:\n"
     "      - from: 2015-10-01\n        value: 2.5\n        source: bj-test\n",
     "2.5", "parameter 'months' is an integer: '2.5' is not a whole number"),
    ("a date parameter given a number", "computed:\n",
     "  post_rule_deadline:\n    values:\n      - from: 2025-06-25\n"
     "        value: 20271231\n        source: bj-test\n\ncomputed:\n",
     "20271231", "parameter 'post_rule_deadline': '20271231' is not a date, "
     "as its value in"),
    ("a date parameter given text", "computed:\n",
     "  post_rule_deadline:\n    values:\n      - from: 2025-06-25\n"
     "        value: \"2027-12-31\"\n        source: bj-test\n\ncomputed:\n",
     "\"2027-12-31\"", "parameter 'post_rule_deadline': '2027-12-31' is not a "
     "date"),
    ("a date that is no day", "computed:\n",
     "  post_rule_deadline:\n    values:\n      - from: 2025-06-25\n"
     "        value: 2027-13-31\n        source: bj-test\n\ncomputed:\n",
     "2027-13-31", "parameter 'post_rule_deadline': '2027-13-31' is not a real "
     "calendar date"),
    ("an inherited input given another type", "parameters:\n",
     "inputs:\n  unit_type: {type: integer}\n\nparameters:\n", "integer}",
     "input 'unit_type' is an enum in"),
    ("money made a decimal", "parameters:\n",
     "inputs:\n  wage_total: decimal\n\nparameters:\n", "decimal\n\n",
     "input 'wage_total' is money in"),
    ("an inherited input's places dropped", "parameters:\n",
     "inputs:\n  employees: {type: decimal, min: 0}\n\nparameters:\n",
     "employees: {", "input 'employees' has 'scale: 2' in"),
    ("an inherited input given more places", "parameters:\n",
     "inputs:\n  employees: {type: decimal, scale: 3}\n\nparameters:\n",
     "3}", "a file that extends it may give 2 places or fewer, not more"),
    ("a misspelt redefinition", "parameters:\n  ratio:\n",
     "parameters:\n  ratoi:\n", "ratoi:",
     "parameter 'ratoi' is read by no formula, check or output, and"),
    ("a redefinition by another case", "parameters:\n  ratio:\n",
     "parameters:\n  Ratio:\n", "Ratio:", "defines parameter 'ratio': to "
     "redefine that one, give its name exactly"),
    ("a parameter nothing reads", "parameters:\n  ratio:\n",
     "parameters:\n  ratio_beijing:\n", "ratio_beijing:",
     "parameter 'ratio_beijing' is read by no formula, check or output: a "
     "file that extends another changes nothing by it"),
    ("a computed value nothing reads", "computed:\n",
     "computed:\n  levy_per_hed:\n    expr: levy_due\n", "levy_per_hed:",
     "computed value 'levy_per_hed' is read by no formula"),
    ("a percentage removed, then redefined without its '%'",
     "sources:\n", "remove:\n  parameters: [ratio]\n\nsources:\n", "1.7\n",
     "parameter 'ratio' is a percentage"),
    # P4-21: a name `remove:` lists that the parent does not define
    ("a misspelt name to remove", "sources:\n",
     "remove:\n  parameters: [ratoi]\n\nsources:\n", "ratoi]",
     "cannot remove 'ratoi': the files it extends define no such entry under "
     "'parameters'; did you mean 'ratio'?"),
    ("a name to remove under another section", "sources:\n",
     "remove:\n  inputs: [ratio]\n\nsources:\n", "ratio]",
     "cannot remove 'ratio' from 'inputs': the files it extends define it "
     "under 'parameters' ('remove: {parameters: [ratio]}')"),
    ("a misspelt section to remove from", "sources:\n",
     "remove:\n  paramters: [ratio]\n\nsources:\n", "paramters",
     "cannot remove from 'paramters'; did you mean 'parameters'?"),
    ("a name removed twice", "sources:\n",
     "remove:\n  checks: [agency_post_minimum, agency_post_minimum]\n\nsources:\n",
     "agency_post_minimum]",
     "cannot remove 'agency_post_minimum': it is removed already ("),
    ("a bracket bound without its %", "computed:\n",
     "  levy_share:\n    values:\n      - from: 2023-01-01\n"
     "        source: bj-test\n        brackets:\n"
     "          - {from: 0%, value: 90%}\n          - {from: 1, value: 50%}\n"
     "\ncomputed:\n", "1, value: 50%",
     "parameter 'levy_share' has bounds in percent"),
    # P4-10: the docs' Tables style (no `bounds: percent`) mixing '2%'
    # and a bare '3' in one table, or in one parameter's dated values
    ("a table's bounds written with and without %", "computed:\n",
     "  bj_table:\n    values:\n      - from: 2023-01-01\n"
     "        source: bj-test\n        brackets:\n"
     "          - {from: 0, value: 245}\n          - {from: 2%, value: 140}\n"
     "          - {from: 3, value: 0}\n\ncomputed:\n", "3, value: 0}",
     "parameter 'bj_table': the bound '3' is written without '%', but '2%' "
     "(line "),
    ("a table's values written with and without %", "computed:\n",
     "  bj_table:\n    values:\n      - from: 2023-01-01\n"
     "        source: bj-test\n        brackets:\n"
     "          - {from: 0, value: 720}\n          - {from: 1, value: 2%}\n"
     "\ncomputed:\n", "2%}",
     "parameter 'bj_table': the value '2%' is written with '%', but '720'"),
    ("a parameter's dated values written with and without %", "computed:\n",
     "  bj_bonus_share:\n    values:\n      - from: 2015-10-01\n"
     "        value: 1.5%\n        source: bj-test\n"
     "      - from: 2024-01-01\n        value: 2.25\n        source: bj-test\n"
     "\ncomputed:\n", "2.25\n",
     "parameter 'bj_bonus_share': the value '2.25' is written without '%', but "
     "'1.5%' (line "),
    ("a bracket bound past 100 %", "computed:\n",
     "  levy_share:\n    values:\n      - from: 2023-01-01\n"
     "        source: bj-test\n        brackets:\n"
     "          - {from: 0%, value: 90%}\n          - {from: 150%, value: 50%}\n"
     "\ncomputed:\n", "150%", "a bound in percent is between 0% and 100%"),
    ("a rate with more places than a parameter may have", "value: 1.7%",
     "value: 1.7000000000000000000000000000000001%", "1.7000000000000000000000000000000001%",
     "parameter 'ratio': this value has 36 decimal places, more than the 24 a "
     "parameter may have"),
    ("a levy per head without its aggregation", "    aggregate: none\n", "",
     "if(employees > 0, round(levy_due",
     "output 'levy_per_head' is an amount divided by a number somewhere in its "
     "making (an amount per unit, like a wage per head), and whether its total "
     "over records means anything the rules must say"),
    ("a bool added up", "\n\noutputs: [",
     "\n  big:\n    expr: employees > 100\n    aggregate: sum\n\noutputs: [big, ",
     "sum\n\noutputs", "output 'big' is a bool, and 'aggregate: sum' is for "
     "numbers: declare 'aggregate: count' (or none)"),
    ("a number counted", "\n\noutputs: [",
     "\n  half:\n    expr: round(employees / 2, 1)\n    aggregate: count\n"
     "\noutputs: [half, ", "count\n\noutputs",
     "output 'half' is a number, and 'aggregate: count' is for bools (counted "
     "where true): declare sum, min, max or none"),
    ("a bool added up that is no output", "\n\noutputs: [",
     "\n  big:\n    expr: employees > 100\n    aggregate: sum\n"
     "\n  bigs:\n    expr: if(big, 1, 0)\n\noutputs: [bigs, ",
     "sum\n\n  bigs", "computed 'big' is a bool, and 'aggregate: sum' is for "
     "numbers: declare 'aggregate: count' (or none)"),
    ("one place too many (P2-18: '1 place', not '1 places')", "\n\noutputs: [",
     "\n  tenths:\n    expr: round(employees / 3, 1)\n    scale: 0\n"
     "\noutputs: [tenths, ", "0\n\noutputs",
     "output 'tenths' is shown with 0 places ('scale: 0') but its value can "
     "carry 1 place: round it"),
    ("a date's minimum", "\n\noutputs: [",
     "\n  since:\n    expr: registered\n    aggregate: min\n"
     "\noutputs: [since, ", "min\n\noutputs",
     "output 'since' is a date, and 'aggregate: min' is for numbers: declare "
     "'aggregate: none' (or leave it out)"),
    ("an enum value with a blank", "parameters:\n",
     "inputs:\n  region: {type: enum, values: [east, \" west\"]}\n\nparameters:\n",
     "\" west\"", "enum value ' west' begins or ends with a blank, which a "
     "record's field never does"),
    # P4-09: text compared byte for byte must be NFC with nothing
    # invisible in it, or two same-looking texts silently differ
    ("an enum value written decomposed", "parameters:\n",
     "inputs:\n  region: {type: enum, values: [east, \"cafe\u0301\"]}\n\nparameters:\n",
     "\"cafe\u0301\"", "enum value 'cafe\\u0301' holds U+0301 (character 5), "
     "which Unicode's normalization form C writes otherwise"),
    ("an enum value with a zero-width space", "parameters:\n",
     "inputs:\n  region: {type: enum, values: [east, \"we\u200bst\"]}\n\nparameters:\n",
     "\"we\u200bst\"", "enum value 'we\\u200Bst' holds an invisible character, "
     "U+200B (character 3)"),
    ("an enum value in a compatibility form", "parameters:\n",
     "inputs:\n  region: {type: enum, values: [east, \"\u2126\"]}\n\nparameters:\n",
     "\"\u2126\"", "enum value '\\u2126' holds U+2126 (character 1)"),
    ("a string literal with an invisible character", "round(levy_due / employees, 2)",
     "if(unit_type == \"enterpri\u200bse\", 1.00, 0.00)", "\u200bse",
     "the string \"enterpri\\u200Bse\" holds an invisible character, U+200B "
     "(character 9)"),
    ("a string literal written decomposed", "round(levy_due / employees, 2)",
     "if(unit_type == \"agence\u0301\", 1.00, 0.00)", "\u0301",
     "the string \"agence\\u0301\" holds U+0301 (character 7)"),
    ("a line separator in a title", "title: Beijing,", "title: Beijing,\u2028",
     "\u2028", "a line or paragraph separator (U+2028, U+2029), which YAML "
     "reads as a line end"),
    ("a NEL in a description", "The province's quota ratio.",
     "The province's\u0085 quota ratio.", "\u0085", "a NEL (U+0085)"),
    ("an unknown currency", "version: \"1\"\n", "version: \"1\"\ncurrency: RMB\n",
     "RMB", "unknown currency 'RMB'; did you mean 'CNY', its ISO 4217 code?"),
    ("a currency other than the parent's", "version: \"1\"\n",
     "version: \"1\"\ncurrency: USD\n", "USD",
     "currency 'USD' is not the currency of the rules this file extends "
     "('CNY', "),
    ("an inherited input's bound widened", "parameters:\n",
     "inputs:\n  local_avg_wage:\n    type: money\n    min: -5\n\nparameters:\n",
     "-5\n", "input 'local_avg_wage': 'min: -5' lets through values that "
     "'above: 0' in "),
    ("an inherited input's strict bound loosened", "parameters:\n",
     "inputs:\n  disabled:\n    type: decimal\n    scale: 2\n    min: -1\n    max: 10\n"
     "\nparameters:\n", "-1\n", "'min: -1' lets through values that 'min: 0'"),
    # probe5 P5-02: a parameter's own bounds narrowed the parent's only
    # by luck: a child's `min: 0%` dropped national.yaml's legal floor
    ("an inherited parameter's floor lowered",
     "    description: The province's quota ratio.\n",
     "    description: The province's quota ratio.\n    min: 0%\n", "0%\n",
     "parameter 'ratio': 'min: 0%' lets through values that 'min: 1.5%' in "),
    ("an inherited parameter's ceiling raised",
     "    description: The province's quota ratio.\n",
     "    description: The province's quota ratio.\n    max: 1000%\n", "1000%",
     "parameter 'ratio': 'max: 1000%' lets through values that 'max: 100%' in "),
    # P3-04: every unknown name is said to be unknown, with the nearest
    # valid one, wherever it is written
    ("a misspelt parameter in at()", "round(levy_due / employees, 2)",
     "round(at(ratoi, date) * levy_due, 2)", "ratoi",
     "unknown parameter 'ratoi'; did you mean 'ratio'? (at() takes a "
     "parameter (not a table) first)"),
    ("an input in at()", "round(levy_due / employees, 2)",
     "round(at(employees, date) * levy_due, 2)", "employees, date",
     "'employees' is an input: at() takes a parameter (not a table) first"),
    ("a misspelt table in bracket()", "round(levy_due / employees, 2)",
     "round(bracket(levy_shar, 0.5) * levy_due, 2)", "levy_shar",
     "unknown table parameter 'levy_shar'; did you mean 'levy_share'?"),
    ("a misspelt input in present()", "round(levy_due / employees, 2)",
     "if(present(employes), 1.00, 0.00)", "employes",
     "unknown input 'employes'; did you mean 'employees'? (present() takes "
     "the name of an input)"),
    ("a misspelt check before its field", "round(levy_due / employees, 2)",
     "if(agency_post_minimun.compliant, 1.00, 0.00)", "agency_post_minimun",
     "unknown check 'agency_post_minimun'; did you mean "
     "'agency_post_minimum'? (only checks have fields)"),
    ("a misspelt function", "round(levy_due / employees, 2)",
     "rnd(levy_due / employees, 2)", "rnd(",
     "unknown function 'rnd'; did you mean 'round'?"),
    ("a misspelt source id", "source: bj-test", "source: bj-tset", "bj-tset",
     "cites 'bj-tset', which is not declared under 'sources'; did you mean "
     "'bj-test'?"),
    ("a misspelt validation field", "\n\noutputs: [",
     "\n\nvalidations:\n  wage_positive:\n    rule: wage_total > 0\n"
     "    message: m\n    field: wage_totl\n\noutputs: [", "wage_totl",
     "validation 'wage_positive': 'wage_totl' is not an input; did you mean "
     "'wage_total'?"),
    ("a misspelt rule set to extend", "extends: cn/national",
     "extends: cn/nationa", "cn/nationa", "did you mean 'cn/national'?"),
    ("a rule set to extend with the wrong suffix", "extends: cn/national",
     "extends: cn/national.yml", "cn/national.yml",
     "did you mean 'cn/national'?"),
]


class Authoring(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(SRC, "tests/authoring/beijing.yaml"),
                  encoding="utf-8") as f:
            self.good = f.read()

    def test_the_rule_set_as_written_loads_and_passes_its_cases(self):
        p = run("check", "tests/authoring/beijing.yaml")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = run("test", "tests/authoring/beijing-tests.yaml")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        real = os.path.realpath(os.path.join(SRC, "tests/authoring"))
        self.assertEqual(p.stdout, "tests/authoring/beijing-tests.yaml: rules "
                         f"{real}/beijing.yaml (test-beijing version 1), "
                         "which extends "
                         f"{os.path.realpath(os.path.join(SRC, 'rules/cn'))}"
                         "/national.yaml\n1 passed, 0 failed\n")

    def test_each_mistake_gets_a_located_message(self):
        for what, old, new, at, message in MISTAKES:
            with self.subTest(what), tempfile.TemporaryDirectory() as d:
                self.assertIn(old, self.good)
                bad = self.good.replace(old, new, 1)
                if "removed, then redefined" in what:
                    bad = bad.replace("value: 1.7%", "value: 1.7", 1)
                path = os.path.join(d, "beijing.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(bad)
                p = run("check", path)
                out = p.stdout + p.stderr
                self.assertEqual(p.returncode, 1, out)
                line, col = line_of(bad, at)
                self.assertRegex(
                    out, re.escape(f"{path}:{line}:{col}: ") + ".*" +
                    re.escape(message), out)
                # the load stops with the same message
                p = run("run", path, "-", "--date", "2024-06-30")
                self.assertEqual(p.returncode, 2)
                self.assertIn(f"{path}:{line}:{col}: ", p.stderr)

    def test_a_failed_input_adds_no_derived_error_at_the_parent(self):
        # probe13 P13-15: a misspelt key in a child's input was followed by
        # "national.yaml:…: validation 'disabled_within_employees':
        # 'disabled' is not an input", an error the author never made
        with tempfile.TemporaryDirectory() as d:
            new = "inputs:\n  disabled: {type: integer, min: 0, defualt: 0}\n\nparameters:\n"
            bad = self.good.replace("parameters:\n", new, 1)
            path = os.path.join(d, "beijing.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(bad)
            p = run("check", path)
            out = p.stdout + p.stderr
            self.assertEqual(p.returncode, 1, out)
            line, col = line_of(bad, "defualt")
            located = [l for l in out.splitlines() if re.match(r"\S+:\d+:\d+: ", l)]
            self.assertEqual(len(located), 1, out)
            self.assertIn(f"{path}:{line}:{col}: ", located[0])
            self.assertIn("did you mean 'default'?", located[0])
            self.assertNotIn("is not an input", out)
            self.assertNotIn("national.yaml", out)


class Redefined(unittest.TestCase):
    """A child that redefines an inherited input (to describe it, say)
    keeps the parent's bounds unless it narrows them (probe3 P3-02: a
    re-described local_avg_wage let a negative wage through to a negative
    levy, exit 0)."""

    ROWS = ("id,unit_type,employees,disabled,disabled_severe,wage_total,"
            "local_avg_wage\nC,enterprise,100,0,0,10000000,-100000\n"
            "D,enterprise,100,0,0,10000000,500\n"
            "E,enterprise,100,-3,0,10000000,90000\n")

    def levy(self, inputs):
        with open(os.path.join(SRC, "tests/authoring/beijing.yaml"),
                  encoding="utf-8") as f:
            good = f.read()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bj.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(good.replace("parameters:\n", "inputs:\n" + inputs +
                                     "\nparameters:\n", 1))
            env = dict(os.environ, QUOTALEVY_RULES_PATH=os.path.join(SRC, "rules"))
            return subprocess.run([*WRAP, BIN, "run", path, "-", "--date",
                                   "2024-06-30"], input=self.ROWS,
                                  capture_output=True, text=True, env=env)

    def test_bounds_kept_when_not_given(self):
        for inputs in ("  local_avg_wage:\n    type: money\n"
                       "    description: Beijing's average wage.\n"
                       "  disabled:\n    type: decimal\n    scale: 2\n    description: x\n",
                       "  local_avg_wage: money\n  disabled: {type: decimal, scale: 2}\n"):
            with self.subTest(inputs):
                p = self.levy(inputs)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("rejected (id C): field 'local_avg_wage': -100000 is "
                              "out of range (expected > 0)", p.stderr)
                self.assertIn("rejected (id E): field 'disabled': -3 is out of "
                              "range (expected >= 0)", p.stderr)
                rows = p.stdout.splitlines()
                self.assertEqual([r.split(",")[0] for r in rows], ["id", "D"])
                self.assertIn(",1530.00,", rows[1])

    def test_narrower_bounds_hold(self):
        p = self.levy("  local_avg_wage:\n    type: money\n    above: 1000\n")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("rejected (id D): field 'local_avg_wage': 500 is out of "
                      "range (expected > 1000)", p.stderr)
        self.assertIn("(id E): field 'disabled'", p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1, p.stdout)
# Ways of writing the same values: every output must come out the same,
# byte for byte (P2-14: 1.7000000000% gave required_disabled 12 places, and
# 1.7% with 34 zeros passed `check` and then failed every row).  Each row:
# where in the file, the value written plainly, the same with zeros.
TABLE = ("  levy_share:\n    values:\n      - from: 2023-01-01\n"
         "        source: bj-test\n        brackets:\n"
         "          - {from: %s, value: %s}\n"
         "          - {from: %s, value: %s}\n\ncomputed:\n")
WEIGHT = ("  severe_weight:\n    values:\n      - from: 2015-10-01\n"
          "        value: %s\n        source: bj-test\n\ncomputed:\n")
SAME_VALUES = [
    ("value: 1.7%", "value: 1.7%", "value: 1.70%"),
    ("value: 1.7%", "value: 1.7%", "value: 1.7000000000%"),
    ("value: 1.7%", "value: 1.7%", "value: 1.7" + "0" * 33 + "%"),
    ("computed:\n", TABLE % ("0%", "90%", "1%", "50%"),
     TABLE % ("0.00%", "90.000%", "1.0%", "50.0000000000%")),
    ("computed:\n", WEIGHT % "2", WEIGHT % "2.000"),
]


class WrittenPlaces(unittest.TestCase):
    def test_how_a_value_is_written_never_changes_the_outputs(self):
        with open(os.path.join(SRC, "tests/authoring/beijing.yaml"),
                  encoding="utf-8") as f:
            good = f.read()
        # the outputs the table and the weight set too
        good = good.replace("outputs: [", "outputs: [levy_rate, counted_disabled, ", 1)
        data = ("id,unit_type,employees,disabled,disabled_severe,wage_total,"
                "local_avg_wage\nA,enterprise,100,0,0,10000000,100000\n"
                "B,enterprise,118.40,1,1,9000000,80000\n"
                "C,enterprise,35,0.50,0,2000000,60000\n")
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "u.csv")
            with open(src, "w", encoding="utf-8") as f:
                f.write(data)

            def outputs(text, *opts):
                path = os.path.join(d, "bj.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                p = run("run", path, src, "--date", "2024-06-30", "-q", *opts)
                self.assertEqual(p.returncode, 0, p.stderr)
                return p.stdout

            for at, plain, zeros in SAME_VALUES:
                with self.subTest(zeros):
                    self.assertIn(at, good)
                    want = outputs(good.replace(at, plain, 1))
                    self.assertEqual(outputs(good.replace(at, zeros, 1)), want)
            want = outputs(good)
            self.assertIn("A,0.9,0.00,1.70000,", want)
            for v in ("1.7000000%", "1.70000%"):
                with self.subTest(override=v):
                    self.assertEqual(outputs(good, "--override",
                                             f"ratio={v}@2024-01-01"), want)


class LineEnds(unittest.TestCase):
    def test_a_cr_alone_is_refused_and_crlf_read(self):
        # P2-23: with CR-only line ends an expression's error was at 1:212
        with open(os.path.join(SRC, "tests/authoring/beijing.yaml"),
                  encoding="utf-8") as f:
            good = f.read()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bj.yaml")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(good.replace("\n", "\r\n"))
            p = run("check", path)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(good.replace("\n", "\r"))
            p = run("check", path)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            col = good.index("\n") + 1
            self.assertIn(f"{path}:1:{col}: a CR without LF: line ends must be "
                          "LF or CRLF", p.stdout + p.stderr)


class ExtendsNotAFile(unittest.TestCase):
    def test_extends_of_a_pipe_says_what_it_is(self):
        # P2-18: extends /dev/stdin (a pipe) said "No such file or
        # directory"; the top file named the same way says what it is
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ex.yaml")
            with open(path, "w") as f:
                f.write("quotalevy: 1\nid: x\ntitle: x\njurisdiction: XX\n"
                        "version: \"1\"\nextends: /dev/stdin\n"
                        "inputs:\n  a: integer\noutputs: [a]\n")
            p = subprocess.run([*WRAP, BIN, "check", path, "--allow-any-extends"],
                               input="hi\n", capture_output=True, text=True)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn(f"{path}:6:10: extends '/dev/stdin': not read: a "
                          "FIFO; rules are read from regular files only",
                          p.stdout + p.stderr)


class TextForms(unittest.TestCase):
    """P4-09: a record's text that a formula compares, given decomposed
    (NFD) or with an invisible character, is the record's error naming
    the code point, never a silent 'false'; an enum value so given gets
    'did you mean'; text no formula reads passes through as given."""

    RULES = """quotalevy: 1
id: forms
title: forms
jurisdiction: XX
currency: EUR
version: "1"
inputs:
  s: {type: string, default: ""}
  t: {type: string, default: ""}
  e: {type: enum, values: [aa, "caf\u00e9"], default: aa}
computed:
  s_cafe: s == "caf\u00e9"
  e_cafe: e == "caf\u00e9"
outputs: [s_cafe, e_cafe, t]
"""

    def test_compared_text_in_another_form_is_the_records_error(self):
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "forms.yaml")
            data = os.path.join(d, "in.csv")
            with open(rules, "w", encoding="utf-8") as f:
                f.write(self.RULES)
            with open(data, "w", encoding="utf-8") as f:
                f.write("id,s,t,e\n"
                        "A,caf\u00e9,cafe\u0301,caf\u00e9\n"
                        "B,cafe\u0301,x,aa\n"
                        "C,a\u200bb,y,aa\n"
                        "D,x,y,cafe\u0301\n"
                        "E,x,y,c\u200baf\u00e9\n")
            p = run("run", rules, data, "--date", "2024-06-30", "-q")
            self.assertEqual(p.returncode, 1, p.stderr)
            # t is read by no formula: its NFD text goes out as it came in
            self.assertEqual(p.stdout, "id,s_cafe,e_cafe,t\nA,true,true,cafe\u0301\n")
            err = p.stderr
            self.assertIn("in.csv:3:2: rejected (id B): field 's': 'cafe\\u0301' "
                          "holds U+0301 (character 5)", err)
            self.assertIn("in.csv:4:2: rejected (id C): field 's': 'a\\u200Bb' "
                          "holds an invisible character, U+200B (character 2)", err)
            self.assertIn("(id D): field 'e': 'cafe\\u0301' is not one of the "
                          "allowed values: it holds U+0301 (character 5)", err)
            self.assertIn("did you mean 'caf\u00e9'?", err)
            self.assertIn("(id E): field 'e': 'c\\u200Baf\u00e9' is not one of the "
                          "allowed values: it holds an invisible character", err)

    def test_an_enum_value_off_by_case_or_a_letter_gets_the_nearest(self):
        """P13-10: 'Agency' in a title-case export was refused with the
        list alone; the value it is but for case (or a letter) is named,
        and a value near none gets the list only."""
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "forms.yaml")
            data = os.path.join(d, "in.csv")
            with open(rules, "w", encoding="utf-8") as f:
                f.write(self.RULES)
            with open(data, "w", encoding="utf-8") as f:
                f.write("id,s,t,e\nA,x,y,AA\nB,x,y,Caf\u00e9\nC,x,y,aaa\n"
                        "D,x,y,zz\n")
            p = run("run", rules, data, "--date", "2024-06-30", "-q")
            self.assertEqual(p.returncode, 1, p.stderr)
            err = p.stderr
            self.assertIn("(id A): field 'e': 'AA' is not one of the allowed "
                          "values: aa, caf\u00e9; did you mean 'aa'?\n", err)
            self.assertIn("(id B): field 'e': 'Caf\u00e9' is not one of the "
                          "allowed values: aa, caf\u00e9; did you mean "
                          "'caf\u00e9'?\n", err)
            self.assertIn("(id C): field 'e': 'aaa' is not one of the allowed "
                          "values: aa, caf\u00e9; did you mean 'aa'?\n", err)
            self.assertIn("(id D): field 'e': 'zz' is not one of the allowed "
                          "values: aa, caf\u00e9\n", err)


class TestFormatDoc(unittest.TestCase):
    def test_the_example_of_docs_testing_md_passes(self):
        with open(os.path.join(SRC, "docs/testing.md"), encoding="utf-8") as f:
            doc = f.read()
        block = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "docs"))
            os.symlink(os.path.join(SRC, "rules"), os.path.join(d, "rules"))
            path = os.path.join(d, "docs", "jilin-cases.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(block)
            p = run("test", path)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        real = os.path.realpath(os.path.join(SRC, "rules/cn"))
        self.assertEqual(p.stdout, f"{path}: rules {real}/jilin.yaml (cn-jilin version "
                         f"2026.1), which extends {real}/national.yaml\n"
                         "2 passed, 0 failed\n")


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1])
