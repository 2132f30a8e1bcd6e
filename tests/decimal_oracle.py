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
  * every rounding mode against decimal.Context.quantize;
  * a quotient near 36 digits (a long integer part, so fewer than 20
    places are kept) as the evaluator holds it: rounded in every mode
    (qround), shown at a declared scale with a display rounding (qshow)
    and compared (qcmp) — each the exact rational's answer, or refused
    ("cut:S") only where the digits kept truly cannot decide it: the
    quotient did not end within its S places and the rounding needs S or
    more, or the other side of the comparison lies within its last place;
  * two quotients compared exactly, cross-multiplied (ratio), e.g.
    adjacent fractions whose 20 kept places are the same;
  * a quotient worked on by + - * / (qa, qac) before it is rounded or
    compared: the exact answer, or refused with the value's digits and
    doubt ("cut:X:W") where the exact value truly lies within W of X and
    a rounding boundary, or the other side, lies within W of X.

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


def round_frac(q, digits, mode):
    """The Fraction q rounded once, exactly, to `digits` places."""
    scaled = abs(q) * Fraction(10) ** digits
    t = scaled.numerator // scaled.denominator
    r = scaled - t
    neg = q < 0
    up = {"half_up": r >= Fraction(1, 2), "half_down": r > Fraction(1, 2),
          "half_even": r > Fraction(1, 2) or (r == Fraction(1, 2) and t % 2 == 1),
          "up": r > 0, "down": False, "ceiling": r > 0 and not neg,
          "floor": r > 0 and neg, "05up": r > 0 and t % 10 in (0, 5)}[mode]
    v = Fraction(t + (1 if up else 0)) / Fraction(10) ** digits
    return -v if neg else v


def text_at(v, digits):
    """A Fraction with at most `digits` places as plain text."""
    n = v * 10 ** digits
    assert n.denominator == 1
    s = str(abs(n.numerator)).rjust(digits + 1, "0")
    t = s if digits == 0 else s[:-digits] + "." + s[-digits:]
    return ("-" if n.numerator < 0 else "") + t


def rand_quot(rng):
    """A dividend and divisor whose quotient has up to 36 integer digits,
    so that the evaluator keeps 20 places or fewer."""
    def num(digits, scale):
        coef = rng.randrange(10 ** (digits - 1), 10 ** digits)
        s = str(coef).rjust(scale + 1, "0")
        text = s if scale == 0 else s[:-scale] + "." + s[-scale:]
        return ("-" if rng.random() < 0.3 else "") + text
    k = rng.random()
    if k < 0.45:  # a long integer part over a divisor near 1
        da = rng.randint(15, 36)
        a = num(da, rng.randint(0, min(da - 1, 12)))
        b = rng.choice(["0.9999999999", "1.0000000001", "0.3", "7", "0.999",
                        "3", "1.1", "0.0000000007", "99999999999"])
        if rng.random() < 0.5:
            db = rng.randint(1, 12)
            b = num(db, rng.randint(db - 1, db))
        return a, b
    if k < 0.75:  # small integers, quotients that never end
        a = str(rng.randint(1, 10 ** rng.randint(1, 36) - 1))
        b = str(rng.choice([3, 7, 9, 11, 13, 17, 19, 21, 23, 29, 31, 37,
                            rng.randint(2, 10 ** rng.randint(1, 18))]))
        return (("-" if rng.random() < 0.3 else "") + a), b
    return rand_operand(rng), rand_operand(rng)


def rand_near_quot(rng, a, b):
    """A number near a / b: its digits cut at some place, perhaps one
    unit off, or an unrelated number."""
    A, B = Fraction(Decimal(a)), Fraction(Decimal(b))
    if B == 0 or rng.random() < 0.1:
        return rand_operand(rng)
    q = A / B
    for _ in range(40):
        p = rng.choice([rng.randint(0, 36), rng.randint(10, 24)])
        c = round_frac(q, p, rng.choice(["down", "up", "half_even"]))
        c += rng.choice([0, 0, 0, 1, -1]) * Fraction(1, 10 ** p)
        if abs(c * 10 ** p) < LIMIT:
            return text_at(c, p)
    return "0"


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


def verify_quot(op, a, b, c, out):
    """qround / qshow / qcmp of the quotient a / b."""
    A, B = Fraction(Decimal(a)), Fraction(Decimal(b))
    what = f"{op} {a} {b} {c}"
    if B == 0:
        return None if out == "divzero" else f"{what}: got {out}, want divzero"
    q = A / B
    if out == "overflow" and op.startswith("qshow:"):
        # shown at its declared places it would need more than 36 digits:
        # refused (lib/scale.c qli_sc_show), never shown with fewer places
        _, digits, mode = op.split(":")
        d = int(digits)
        shown = round_frac(q, d, mode) * 10 ** max(d, 0)
        return None if abs(q) >= LIMIT or abs(shown) >= LIMIT else \
            f"{what}: unexpected overflow"
    if out == "overflow":
        return None if abs(q) >= LIMIT or op == "qround" and \
            abs(round_frac(q, int(op.split(":")[1]), op.split(":")[2])) >= LIMIT \
            else f"{what}: unexpected overflow"
    if out.startswith("cut:"):
        s = int(out[4:])
        if (q * 10 ** s).denominator == 1:
            return f"{what}: refused, but the quotient ends within {s} places"
        if op == "qcmp":
            kept = round_frac(q, s, "05up")  # the digits the library keeps
            if abs(kept - Fraction(Decimal(c))) >= Fraction(1, 10 ** s):
                return f"{what}: refused, but {c} is outside the last place of {text_at(kept, s)}"
            return None
        digits = int(op.split(":")[1])
        return None if digits >= s else \
            f"{what}: refused, but {digits} places are fewer than the {s} kept"
    if op == "qcmp":
        C = Fraction(Decimal(c))
        want = (q > C) - (q < C)
        return None if out == str(want) else f"{what}: got {out}, want {want}"
    _, digits, mode = op.split(":")
    digits = int(digits)
    want = round_frac(q, digits, mode)
    got = Decimal(out)
    if Fraction(got) != want:
        return f"{what}: got {out}, want {text_at(want, max(digits, 0))}"
    if digits >= 0 and abs(want * 10 ** digits) < LIMIT and places(got) != digits:
        return f"{what}: {out} has {places(got)} places, not {digits}"
    return None


TINY = Fraction(1, 10 ** 90)  # finer than any place a qd or its doubt has


def verify_arith(op, a, b, c, out):
    """qa:K:DIGITS:MODE / qac:K — (a / b) K c rounded, or compared with a,
    with the quotient's doubt carried through K (F-num-5)."""
    A, B, C = Fraction(Decimal(a)), Fraction(Decimal(b)), Fraction(Decimal(c))
    what = f"{op} {a} {b} {c}"
    parts = op.split(":")
    k = parts[1]
    if B == 0 or (k == "div" and C == 0) or (k == "rdiv" and A == 0 and C != 0):
        return None if out == "divzero" else f"{what}: got {out}, want divzero"
    q = A / B
    v = {"add": lambda: q + C, "sub": lambda: q - C, "mul": lambda: q * C,
         "div": lambda: q / C, "rdiv": lambda: C / q, "sq": lambda: q * q}[k]()
    if out == "overflow":
        big = LIMIT // 10 ** 3
        return None if abs(q) >= big or abs(v) >= big else f"{what}: unexpected overflow"
    if out == "inexact":
        # only exact arithmetic may say so: a quotient that ended
        return None if not fits(v) else f"{what}: unexpected inexact"
    if out == "cut:div":
        return None if k == "rdiv" and abs(q) < Fraction(1, 10 ** 15) \
            else f"{what}: refused as a division by about zero"
    if out.startswith("cut:"):
        _, xs, ws = out.split(":")
        X, W = Fraction(Decimal(xs)), Fraction(Decimal(ws))
        if not abs(v - X) < W:
            return f"{what}: the exact value {float(v)} is not within {ws} of {xs}"
        if op.startswith("qac:"):
            return None if abs(X - A) < W else \
                f"{what}: refused, but {a} is outside {xs} ± {ws}"
        d, mode = int(parts[2]), parts[3]
        if round_frac(X - W + TINY, d, mode) == round_frac(X + W - TINY, d, mode):
            return f"{what}: refused, but all of {xs} ± {ws} rounds alike"
        return None
    if out in ("error", "parse-error", "divzero"):
        return f"{what}: got {out}"
    if op.startswith("qac:"):
        want = (v > A) - (v < A)
        return None if out == str(want) else f"{what}: got {out}, want {want}"
    d, mode = int(parts[2]), parts[3]
    want = round_frac(v, d, mode)
    if Fraction(Decimal(out)) != want:
        return f"{what}: got {out}, want {text_at(want, max(d, 0))}"
    return None


def rand_arith(rng, a, b):
    """An operation on a / b and its other operand: often b itself (a / b
    × b), a / b again, small numbers, or a near-equal to make 0."""
    k = rng.choice(["add", "sub", "mul", "mul", "div", "rdiv", "sq"])
    A, B = Fraction(Decimal(a)), Fraction(Decimal(b))
    r = rng.random()
    if r < 0.35 and k in ("mul", "div"):
        c = b
    elif r < 0.5 and k in ("add", "sub") and B:
        c = rand_near_quot(rng, a, b)
    elif r < 0.75:
        c = rng.choice(["1", "2", "3", "7", "12", "100", "0.5", "-3", "0.001",
                        "1000000", "0.9999999999"])
    else:
        c = rand_operand(rng)
    if rng.random() < 0.3:
        return f"qac:{k}", c
    digits = rng.choice([rng.randint(-2, 36), rng.randint(0, 4), rng.randint(12, 22)])
    return f"qa:{k}:{digits}:{rng.choice(list(MODES))}", c


def rand_ratio_pair(rng):
    """Two quotients to compare: adjacent fractions (a·d − b·c = ±1) with
    8–18-digit denominators, the same ratio written twice, or any two."""
    k = rng.random()
    if k < 0.4:
        den = 10 ** rng.randint(7, 17)
        b = rng.randrange(den, 10 * den)
        a = rng.randrange(1, b)
        # the neighbour c/d of a/b in a Farey sequence: a·d − b·c = ±1
        g, x, y = egcd(a, b)
        if g != 1:
            return str(a), str(b), str(a * 3), str(b * 3)
        d = (x % b) or b
        c = (a * d - 1) // b
        if rng.random() < 0.5:
            return str(a), str(b), str(c), str(d)
        return str(c), str(d), str(a), str(b)
    if k < 0.55:
        a, b = rand_quot(rng)
        m = rng.choice(["3", "7", "0.5", "1000", "0.001"])
        A, B, M = Decimal(a), Decimal(b), Decimal(m)
        c, d = (format(D.multiply(X, M), "f") for X in (A, B))
        if all(len(t.lstrip("-").replace(".", "").lstrip("0")) <= 36 and
               places(Decimal(t)) <= 36 for t in (c, d)):
            return a, b, c, d
        return a, b, a, b
    a, b = rand_quot(rng)
    c, d = rand_quot(rng)
    return a, b, c, d


def egcd(a, b):
    if b == 0:
        return a, 1, 0
    g, x, y = egcd(b, a % b)
    return g, y, x - (a // b) * y


def verify(op, a, b, out, c="0", d="1"):
    if op == "ratio":
        A, B, C, D_ = (Fraction(Decimal(t)) for t in (a, b, c, d))
        if B == 0 or D_ == 0:
            return None if out == "divzero" else f"ratio {a} {b} {c} {d}: want divzero"
        want = (A / B > C / D_) - (A / B < C / D_)
        return None if out == str(want) else f"ratio {a} {b} {c} {d}: got {out}, want {want}"
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
    if op.startswith("qa"):
        return verify_arith(op, a, b, c, out)
    if op[0] == "q":
        return verify_quot(op, a, b, c, out)
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
            # not representable at these places: refused ("cut"), never
            # the quotient's cut digits; a quotient that ends may be
            # given exactly, with fewer places
            if out == "overflow":
                return None if abs(q) >= Fraction(LIMIT, 10 ** 36) else f"{what}: overflow"
            if out == "cut":
                return None
            got = Fraction(Decimal(out))
            return None if got == q else f"{what}: got {out}, want refused (exact {float(q)})"
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
    for _ in range(n // 20):  # exact ties, where the modes part ways
        digits = rng.randint(0, 8)
        odd = 2 * rng.randint(0, 10 ** rng.randint(0, 9)) + 1
        sign = "-" if rng.random() < 0.5 else ""
        mode = rng.choice([m for m in MODES if m != "05up"])
        # (2m + 1) / (2 * 10^digits): half a unit of the last place kept
        cases.append((f"divround:{digits}:{mode}", sign + str(odd),
                      str(2 * 10 ** digits * rng.choice([1, 1, 3, 7]))
                      if rng.random() < 0.3 else str(2 * 10 ** digits)))
        # m.5 at digits + 1 places, rounded to digits
        t = str(odd * 5)
        t = "0" * max(0, digits + 2 - len(t)) + t
        cases.append((f"round:{digits}:{rng.choice(list(MODES))}",
                      sign + t[:-(digits + 1)] + "." + t[-(digits + 1):], "0"))
    cases = [(op, a, b, "0") for op, a, b in cases]
    for _ in range(n // 2):  # quotients near 36 digits
        a, b = rand_quot(rng)
        kind = rng.choice(["qround", "qshow", "qcmp"])
        if kind == "qcmp":
            cases.append(("qcmp", a, b, rand_near_quot(rng, a, b)))
            continue
        digits = rng.choice([rng.randint(0, 36), rng.randint(12, 22)])
        modes = [m for m in MODES if kind == "qround" or m != "05up"]
        cases.append((f"{kind}:{digits}:{rng.choice(modes)}", a, b, "0"))
    for _ in range(n // 2):  # quotients worked on, then rounded or compared
        a, b = rand_quot(rng) if rng.random() < 0.6 else \
            (str(rng.randint(1, 10 ** rng.randint(1, 12))),
             str(rng.choice([3, 6, 7, 9, 11, 12, 13, 365, 366])))
        op, c = rand_arith(rng, a, b)
        cases.append((op, a, b, c))
    cases = [(op, a, b, c, "1") for op, a, b, c in cases]
    for _ in range(n // 4):  # two quotients compared exactly (F-num-6)
        cases.append(("ratio", *rand_ratio_pair(rng)))
    text = "".join(f"{op} {a} {b} {c} {d}\n" for op, a, b, c, d in cases)
    res = subprocess.run([binary], input=text, capture_output=True, text=True)
    print(res.stderr.strip())  # the fast path's 64-bit arithmetic, compared
    if res.returncode != 0:
        return 1
    outs = res.stdout.splitlines()
    assert len(outs) == len(cases), "oracle output count differs"
    failures = [m for (op, a, b, c, d), out in zip(cases, outs)
                if (m := verify(op, a, b, out, c, d))]
    for m in failures[:20]:
        print("FAIL", m)
    quot = [(op, out) for (op, *_), out in zip(cases, outs)
            if op[0] == "q" and not op.startswith("qa")]
    ratios = sum(1 for (op, *_), out in zip(cases, outs) if op == "ratio")
    refused = sum(1 for _, out in quot if out.startswith("cut:"))
    arith = [out for (op, *_), out in zip(cases, outs) if op.startswith("qa")]
    arefused = sum(1 for out in arith if out.startswith("cut:"))
    print(f"{len(cases) - len(failures)} passed, {len(failures)} failed "
          f"({len(quot)} quotients near 36 digits rounded, shown or compared: "
          f"{len(quot) - refused} exact answers, {refused} refused as cut; "
          f"{len(arith)} quotients worked on by + - * / then rounded or "
          f"compared: {len(arith) - arefused} exact answers, {arefused} "
          f"refused within their doubt; {ratios} pairs of quotients "
          f"compared exactly)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
