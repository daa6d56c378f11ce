#!/usr/bin/env python3
"""Reference cases for kuan::Decimal from Python's decimal module.

Prints lines `op a b expected` for tests/decimal_diff_main.cpp:
  add/sub/mul a b       exact a+b, a-b, a*b (scale as Python keeps it)
  round a 2             a quantized to 2 places, ROUND_HALF_UP
  div a b               a/b quantized to 10 places, ROUND_HALF_UP
  cmp a b               -1, 0 or 1
Operands mix small money-like values, values near the int128 boundary and
values far beyond it, so both representations of Decimal are exercised.
"""
import random
import sys
from decimal import Decimal, getcontext, localcontext, ROUND_DOWN, ROUND_HALF_UP

getcontext().prec = 200
SEED = 20240611
CASES_PER_OP = 800
I128 = 2**127


def operand(rng: random.Random) -> Decimal:
    kind = rng.randrange(5)
    if kind == 0:    # money-like: up to 10^9 yuan with 0..4 decimals
        mant, scale = rng.randrange(10**13), rng.randrange(5)
    elif kind == 1:  # int64-ish
        mant, scale = rng.randrange(2**63), rng.randrange(12)
    elif kind == 2:  # close to the int128 boundary
        mant, scale = I128 + rng.randrange(-1000, 1000), rng.randrange(6)
    elif kind == 3:  # well beyond int128
        mant, scale = rng.randrange(10**(40 + rng.randrange(20))), rng.randrange(15)
    else:            # tiny values with long fractions
        mant, scale = rng.randrange(1000), 20 + rng.randrange(30)
    if rng.randrange(2):
        mant = -mant
    return Decimal(mant).scaleb(-scale)


def fmt(d: Decimal) -> str:
    # Plain notation keeping the exponent, e.g. 0E-10 -> 0.0000000000.
    return format(d, "f")


def main() -> None:
    rng = random.Random(SEED)
    out = sys.stdout
    for _ in range(CASES_PER_OP):
        a, b = operand(rng), operand(rng)
        out.write(f"add {fmt(a)} {fmt(b)} {fmt(a + b)}\n")
        a, b = operand(rng), operand(rng)
        out.write(f"sub {fmt(a)} {fmt(b)} {fmt(a - b)}\n")
        a, b = operand(rng), operand(rng)
        out.write(f"mul {fmt(a)} {fmt(b)} {fmt(a * b)}\n")
        a = operand(rng)
        out.write(f"round {fmt(a)} 2 {fmt(a.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}\n")
        a, b = operand(rng), operand(rng)
        if b != 0:
            # Truncate (not round) to 200 digits first: a truncated quotient can
            # never cross the half-way point, so the quantize below rounds the
            # exact quotient rather than a pre-rounded one.
            with localcontext() as ctx:
                ctx.rounding = ROUND_DOWN
                q = a / b
            out.write(f"div {fmt(a)} {fmt(b)} "
                      f"{fmt(q.quantize(Decimal('1E-10'), rounding=ROUND_HALF_UP))}\n")
        a, b = operand(rng), operand(rng)
        if rng.randrange(4) == 0:
            b = a + Decimal(0).scaleb(-rng.randrange(5))  # equal value, other scale
        out.write(f"cmp {fmt(a)} {fmt(b)} {(a > b) - (a < b)}\n")


if __name__ == "__main__":
    main()
