/**
 * float80.ts: exact extended arithmetic, rounding control and precision
 * control, integer conversion and the fixed-point transcendentals, checked
 * against values the x87 produces (see guest-tests/insn/x87_ops.c for the
 * full hardware comparison).
 */
import { describe, expect, it } from "vitest";
import {
  add, atan2, div, exp2m1, fromBigInt, fromNumber, mul, prem, RC_DOWN, RC_NEAR, RC_UP, RC_ZERO, sqrt, status, toInt,
  toNumber, ylog2x, type F80,
} from "../src/interp/float80.ts";

const hex = (v: F80) => ((v.s << 15) | v.e).toString(16).padStart(4, "0") + v.m.toString(16).padStart(16, "0");
const n = fromNumber;

describe("float80", () => {
  it("divides with every rounding mode at 64-bit precision", () => {
    expect(hex(div(n(1), n(3), 64, RC_NEAR))).toBe("3ffdaaaaaaaaaaaaaaab");
    expect(hex(div(n(1), n(3), 64, RC_DOWN))).toBe("3ffdaaaaaaaaaaaaaaaa");
    expect(hex(div(n(1), n(3), 64, RC_UP))).toBe("3ffdaaaaaaaaaaaaaaab");
    expect(hex(div(n(-1), n(3), 64, RC_ZERO))).toBe("bffdaaaaaaaaaaaaaaaa");
  });

  it("honours precision control", () => {
    expect(toNumber(div(n(1), n(3), 53, RC_NEAR))).toBe(1 / 3);
    expect(hex(div(n(1), n(3), 24, RC_NEAR))).toBe("3ffdaaaaab0000000000");
  });

  it("adds exactly and signs zero results by rounding mode", () => {
    expect(toNumber(add(n(0.1), n(0.2), false, 53, RC_NEAR))).toBe(0.1 + 0.2);
    expect(hex(add(n(1), n(1), true, 64, RC_NEAR))).toBe("00000000000000000000");
    expect(hex(add(n(1), n(1), true, 64, RC_DOWN))).toBe("80000000000000000000");
    expect(hex(add(n(1), n(2 ** -63), false, 64, RC_NEAR))).toBe("3fff8000000000000001");
  });

  it("multiplies, takes square roots and raises flags", () => {
    status.exc = 0;
    expect(toNumber(mul(n(3), n(7), 64, RC_NEAR))).toBe(21);
    expect(status.exc).toBe(0);
    expect(hex(sqrt(n(2), 64, RC_NEAR))).toBe("3fffb504f333f9de6484");
    expect(status.exc & 0x20).toBe(0x20);
    status.exc = 0;
    expect(hex(div(n(1), n(0), 64, RC_NEAR))).toBe("7fff8000000000000000");
    expect(status.exc).toBe(4);
  });

  it("converts to integers per rounding mode and flags overflow", () => {
    expect(toInt(n(2.5), RC_NEAR, 32)).toBe(2n);
    expect(toInt(n(-2.5), RC_DOWN, 32)).toBe(-3n);
    expect(toInt(n(2.5), RC_UP, 16)).toBe(3n);
    expect(toInt(n(2 ** 31), RC_NEAR, 32)).toBeUndefined();
    expect(toInt(fromBigInt(-(2n ** 63n)), RC_NEAR, 64)).toBe(-(2n ** 63n));
  });

  it("computes partial remainders", () => {
    const r = prem(n(17), n(5), false);
    expect(toNumber(r.r)).toBe(2);
    expect(r.q).toBe(3);
    expect(toNumber(prem(n(17), n(5), true).r)).toBe(2);
    expect(toNumber(prem(n(18), n(5), true).r)).toBe(-2);
  });

  it("evaluates the transcendental instructions to extended precision", () => {
    expect(toNumber(exp2m1(n(0.5), RC_NEAR))).toBe(0.41421356237309504880); // sqrt(2) - 1, correctly rounded
    expect(toNumber(ylog2x(n(1), n(8), false, RC_NEAR))).toBe(3);
    expect(toNumber(atan2(n(1), n(1), RC_NEAR))).toBe(Math.PI / 4);
    expect(hex(ylog2x(n(1), n(10), false, RC_NEAR))).toBe("4000d49a784bcd1b8afe");
  });
});
