#!/usr/bin/env python3
"""Differential test of lib/decimal.c against Python's exact arithmetic.

Generates random operands of every shape (tiny, huge, many places, mixed
scales, edge values such as 10^36 - 1), feeds them to decimal_oracle and
checks each answer against the exact rational result:

  * + - * exact whenever the exact result fits in 36 digits and 36 places,
    and otherwise "inexact" (an error), never a rounded number;
  * a quotient exact when it terminates, otherwise the 05up (sticky)
    rounding of the exact value at the scale the library chose, with no
    more than 36 digits;
  * overflow exactly when the integer part needs more than 36 digits;
  * every rounding mode against decimal.Context.quantize.

Usage: decimal_oracle.py ORACLE_BINARY [CASES] [SEED]
"""
import decimal
import random
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

D = decimal.Context(prec=200, Emax=999, Emin=-999)
MODES = {
    "half_up": decimal.ROUND_HALF_UP, "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN, "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN, "ceiling": decimal.ROUND_CEILING,
    "floor": decimal.ROUND_FLOOR, "05up": decimal.ROUND_05UP,
}
LIMIT = 10 ** 36


def rand_operand(rng):
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(["0", "1", "-1", "0.5", "999999999999999999999999999999999999",
                           "0.000000000000000000000000000000000001", "100", "3", "7"])
    digits = rng.choice([1, 2, 3, 6, 10, 18, 19, 20, 30, 36])
    coef = rng.randrange(10 ** (digits - 1), 10 ** digits)
    scale = rng.randint(0, min(36, 36))
    s = str(coef)
    if scale >= len(s):
        s = "0" * (scale - len(s) + 1) + s
    text = s if scale == 0 else s[:-scale] + "." + s[-scale:]
    # keep within 36 significant digits (the parser's limit)
    if len(str(coef)) > 36:
        return "1"
    return ("-" if rng.random() < 0.4 else "") + text


def rand_near36(rng, op):
    """Operands whose exact sum or product needs about 34 to 40 digits:
    where a result stops fitting and the library must refuse to round."""
    def num(digits, scale):
        coef = rng.randrange(10 ** (digits - 1), 10 ** digits)
        if rng.random() < 0.2:  # trailing zeros: exact after all
            coef = coef // 1000 * 1000 or 1
        s = str(coef).rjust(scale + 1, "0")
        text = s if scale == 0 else s[:-scale] + "." + s[-scale:]
        return ("-" if rng.random() < 0.4 else "") + text
    if op == "mul":
        da = rng.randint(1, 35)
        db = rng.randint(max(1, 33 - da), min(36, 41 - da))
        return (num(da, rng.randint(0, da)), num(db, rng.randint(0, db)))
    # a sum: one large, one with many places (10^35 + 0.5)
    da = rng.randint(25, 36)
    sa = rng.randint(0, 3)
    db = rng.randint(1, 20)
    sb = rng.randint(min(36, 34 - da + sa + db // 2 + 1), 36)
    sb = max(sb, 0)
    a, b = num(da, sa), num(db, min(sb, 36))
    return (a, b) if rng.random() < 0.5 else (b, a)


def places(d):
    e = d.as_tuple().exponent
    return -e if e < 0 else 0


def fits(v):
    """Whether Fraction v is a decimal of <= 36 places and < 10^36 coef."""
    for s in range(0, 37):
        c = v * 10 ** s
        if c.denominator == 1:
            return abs(c.numerator) < LIMIT
    return False


def check_inexact(got, exact, what):
    """got must be exact rounded 05up at got's scale, and as long as fits."""
    s = places(got)
    # the exact value cut to s places with 05up: truncate, then step away
    # from zero if digits were dropped and the last kept digit is 0 or 5
    scaled = exact * 10 ** s
    trunc = scaled.numerator // scaled.denominator if scaled >= 0 else \
        -((-scaled.numerator) // scaled.denominator)
    if Fraction(trunc) != scaled and abs(trunc) % 10 in (0, 5):
        trunc += 1 if scaled > 0 else -1
    want = Fraction(trunc, 10 ** s)
    if Fraction(got) != want:
        return f"{what}: got {got}, want 05up at {s} places = {Decimal(trunc).scaleb(-s)}"
    ndigits = len(got.as_tuple().digits)
    if ndigits > 36:
        return f"{what}: {got} has more than 36 digits"
    # no precision thrown away: a quotient keeps 20 places (or as many
    # digits as fit), any other inexact result all 36 digits or places
    enough = 20 if what.startswith("div") else 36
    if s < enough and ndigits < 35:
        return f"{what}: {got} keeps only {ndigits} digits, {s} places"
    return None


def verify(op, a, b, out):
    A, B = Fraction(Decimal(a)), Fraction(Decimal(b))
    what = f"{op} {a} {b}"
    if op == "cmp":
        want = (A > B) - (A < B)
        return None if int(out) == want else f"{what}: got {out}, want {want}"
    if op.startswith("round:"):
        _, digits, mode = op.split(":")
        digits = int(digits)
        exp = Decimal(1).scaleb(-digits)
        want = Decimal(a).quantize(exp, rounding=MODES[mode], context=D)
        if abs(Fraction(want)) >= LIMIT:
            return None if out == "overflow" else f"{what}: got {out}, want overflow"
        if out == "overflow":
            return f"{what}: unexpected overflow"
        if Fraction(Decimal(out)) != Fraction(want):
            return f"{what}: got {out}, want {want}"
        return None
    if op.startswith("divround:"):
        _, digits, mode = op.split(":")
        if B == 0:
            return None if out == "divzero" else f"{what}: got {out}, want divzero"
        q = A / B
        # the exact rational rounded once, at `digits` places
        scaled = q * 10 ** int(digits)
        fl = scaled.numerator // scaled.denominator
        rem = scaled - fl
        want = Decimal(fl) + (Decimal(rem.numerator) / Decimal(rem.denominator)
                              if rem else 0)
        exp = Decimal(1).scaleb(-int(digits))
        # decide with exact fractions: quantize a precise-enough decimal
        with decimal.localcontext(D):
            approx = (Decimal(q.numerator) / Decimal(q.denominator))
        wantq = approx.quantize(exp, rounding=MODES[mode], context=D)
        if len(wantq.as_tuple().digits) > 36 or abs(Fraction(wantq)) >= LIMIT:
            # not representable at these places: any answer within one
            # unit of its own last place of the true value, or overflow
            if out == "overflow":
                return None if abs(q) >= Fraction(LIMIT, 10 ** 36) else f"{what}: overflow"
            got = Fraction(Decimal(out))
            ulp = Fraction(1, 10 ** places(Decimal(out)))
            return None if abs(got - q) <= ulp else f"{what}: got {out}, far from {float(q)}"
        if out == "overflow" or Fraction(Decimal(out)) != Fraction(wantq):
            return f"{what}: got {out}, want {wantq}"
        return None
    if op == "div" and B == 0:
        return None if out == "divzero" else f"{what}: got {out}, want divzero"
    exact = {"add": A + B, "sub": A - B, "mul": A * B,
             "div": A / B if B else None}[op]
    if abs(exact) >= LIMIT:
        return None if out == "overflow" else f"{what}: got {out}, want overflow"
    if out == "overflow":
        # only allowed when exact needs > 36 integer digits after rounding
        return f"{what}: unexpected overflow (exact {float(exact):.3e})"
    if op != "div":
        if not fits(exact):
            return None if out == "inexact" else \
                f"{what}: got {out}, want inexact (exact {Decimal(exact.numerator) / exact.denominator})"
        if out == "inexact":
            return f"{what}: inexact, but {exact} fits"
        got = Decimal(out)
        return None if Fraction(got) == exact else f"{what}: got {out}, want exact {exact}"
    got = Decimal(out)
    if op == "div" and Fraction(got) == exact:
        return None
    return check_inexact(got, exact, what)


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261128
    rng = random.Random(seed)
    cases = [("add", "100000000000000000000000000000000000", "0.5"),
             ("mul", "744330394067141706.5409", "232527208896030686.55105825"),
             ("mul", "0.000000000000000000000000000000000001", "0.1"),
             ("sub", "0.000000000000000000000000000000000001",
              "100000000000000000000000000000000000")]
    for _ in range(n):
        r = rng.random()
        a, b = rand_operand(rng), rand_operand(rng)
        if r < 0.2:
            op = rng.choice(["add", "sub", "mul"])
            a, b = rand_near36(rng, "mul" if op == "mul" else "add")
        elif r < 0.8:
            op = rng.choice(["add", "sub", "mul", "div", "cmp"])
        elif r < 0.9:
            op = "round:%d:%s" % (rng.randint(-5, 36), rng.choice(list(MODES)))
        else:
            op = "divround:%d:%s" % (rng.randint(0, 36), rng.choice(
                [m for m in MODES if m != "05up"]))
        cases.append((op, a, b))
    text = "".join(f"{op} {a} {b}\n" for op, a, b in cases)
    res = subprocess.run([binary], input=text, capture_output=True, text=True)
    print(res.stderr.strip())  # the fast path's 64-bit arithmetic, compared
    if res.returncode != 0:
        return 1
    outs = res.stdout.splitlines()
    assert len(outs) == len(cases), "oracle output count differs"
    failures = [m for (op, a, b), out in zip(cases, outs)
                if (m := verify(op, a, b, out))]
    for m in failures[:20]:
        print("FAIL", m)
    print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
