/**
 * SSE/SSE2 conversion executors: between float and double lanes, from and to
 * int32 lanes (cvt: rounded per MXCSR.RC, cvtt: truncated; NaN and
 * out-of-range give the integer indefinite 0x80000000 with IE), between
 * the scalar forms and general registers, and between two lanes and an MMX
 * register (cvtpi2ps/pd, cvt(t)ps2pi, cvt(t)pd2pi). Numerics in interp/sse-math.ts.
 */
import type { Insn } from "../../isa/decode.ts";
import { K_E } from "../../isa/table.ts";
import type { Machine } from "../machine.ts";
import { begin, commit, convertLane, F32, F64, type Fmt, fromInt32, toInt32 } from "../sse-math.ts";
import { enterMmx, getXmm, loadSrc, loadW, putMm, putXmm } from "../sse.ts";
import { D, DV, S, SV } from "./sse-float.ts";

type X = (m: Machine, i: Insn) => void;

/** int32 lanes, for the conversion table. */
const I32 = "i32";
type Kind = Fmt | typeof I32;
const width = (k: Kind) => (k === I32 ? 4 : k.w);

/**
 * V = n lanes of W converted from one kind to the other. A scalar form keeps
 * V's other lanes; a packed one zeroes what it does not write (cvtpd2ps,
 * cvtpd2dq). The source is 16-byte aligned when it is a whole vector.
 */
function convert(from: Kind, to: Kind, n: number, scalar: boolean, truncate = false): X {
  const sw = width(from), dw = width(to);
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, sw * n, sw * n === 16);
    if (scalar) getXmm(sse, i.reg, D);
    else D.fill(0);
    begin(sse);
    for (let j = 0; j < n; j++) {
      if (from === I32) fromInt32(to as Fmt, DV, j * dw, S[j]);
      else if (to === I32) D[j] = toInt32(from, SV, j * sw, truncate);
      else convertLane(from, to, DV, j * dw, SV, j * sw);
    }
    commit(sse, i);
    putXmm(sse, i.reg, D);
  };
}

/**
 * The MMX forms: two int32 lanes of Q (an MMX register or m64) to floats in V's low lanes (its
 * upper ones kept) or doubles (all of V), or two lanes of W to int32 in P. Every form that
 * touches an MMX register leaves the x87 unit as MMX instructions do; cvtpi2ps/pd from memory
 * do not touch it.
 */
function convertMmx(from: Kind, to: Kind, truncate = false): X {
  const sw = width(from), dw = width(to);
  return (m, i) => {
    const sse = m.sse;
    if (from === I32) loadSrc(m, i, S, 8);
    else loadW(m, sse, i, S, 2 * sw, 2 * sw === 16);
    if (to === F32) getXmm(sse, i.reg, D);
    else D.fill(0);
    begin(sse);
    for (let j = 0; j < 2; j++) {
      if (from === I32) fromInt32(to as Fmt, DV, j * dw, S[j]);
      else D[j] = toInt32(from, SV, j * sw, truncate);
    }
    commit(sse, i);
    if (to === I32) putMm(m.fpu, i.reg, D);
    else putXmm(sse, i.reg, D);
    if (to === I32 || i.mod === 3) enterMmx(m.fpu);
  };
}

/** cvtsi2ss/cvtsi2sd: a general register or memory integer into V's low lane. */
function fromGeneral(f: Fmt): X {
  return (m, i) => {
    const v = m.get(i, K_E, 2), sse = m.sse;
    getXmm(sse, i.reg, D);
    begin(sse);
    fromInt32(f, DV, 0, v);
    commit(sse, i);
    putXmm(sse, i.reg, D);
  };
}

/** cvt(t)ss2si/cvt(t)sd2si: W's low lane into a general register. */
function toGeneral(f: Fmt, truncate: boolean): X {
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, f.w);
    begin(sse);
    const r = toInt32(f, SV, 0, truncate);
    commit(sse, i);
    m.setReg(2, i.reg, r);
  };
}

export const sseConvertExecutors: Record<string, X> = {
  cvtss2sd: convert(F32, F64, 1, true), cvtsd2ss: convert(F64, F32, 1, true),
  cvtps2pd: convert(F32, F64, 2, false), cvtpd2ps: convert(F64, F32, 2, false),
  cvtdq2ps: convert(I32, F32, 4, false), cvtdq2pd: convert(I32, F64, 2, false),
  cvtps2dq: convert(F32, I32, 4, false), cvttps2dq: convert(F32, I32, 4, false, true),
  cvtpd2dq: convert(F64, I32, 2, false), cvttpd2dq: convert(F64, I32, 2, false, true),
  cvtpi2ps: convertMmx(I32, F32), cvtpi2pd: convertMmx(I32, F64),
  cvtps2pi: convertMmx(F32, I32), cvttps2pi: convertMmx(F32, I32, true),
  cvtpd2pi: convertMmx(F64, I32), cvttpd2pi: convertMmx(F64, I32, true),
  cvtsi2ss: fromGeneral(F32), cvtsi2sd: fromGeneral(F64),
  cvtss2si: toGeneral(F32, false), cvttss2si: toGeneral(F32, true),
  cvtsd2si: toGeneral(F64, false), cvttsd2si: toGeneral(F64, true),
};
