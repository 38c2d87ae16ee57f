/**
 * MMX, SSE..SSE4.2, AES rows (maps 0f, 0f 38, 0f 3a) plus the few other
 * non-integer forms gcc/glibc emit (popcnt, movbe, crc32, rdrand, TSX), in the
 * row syntax of opcodes.ts. Each table line is
 *   opcode | no-prefix form | 66 form | f3 form | f2 form
 * where a form is "mnemonic operands" ("-" or empty: none) and ";" separates
 * alternatives (a memory-only and a register-only form of one opcode). Forms
 * with an M operand become "mem" rows, forms with U/N operands "reg" rows.
 * All rows carry the "simd" (or their own extension) attribute and have no
 * executor, so the interpreter raises SIGILL for them.
 */
const INT_OPS: Record<string, string> = {
  "60": "punpcklbw", "61": "punpcklwd", "62": "punpckldq", "63": "packsswb", "64": "pcmpgtb", "65": "pcmpgtw", "66": "pcmpgtd",
  "67": "packuswb", "68": "punpckhbw", "69": "punpckhwd", "6a": "punpckhdq", "6b": "packssdw", "74": "pcmpeqb", "75": "pcmpeqw",
  "76": "pcmpeqd", d1: "psrlw", d2: "psrld", d3: "psrlq", d4: "paddq", d5: "pmullw", d8: "psubusb", d9: "psubusw", da: "pminub",
  db: "pand", dc: "paddusb", dd: "paddusw", de: "pmaxub", df: "pandn", e0: "pavgb", e1: "psraw", e2: "psrad", e3: "pavgw",
  e4: "pmulhuw", e5: "pmulhw", e8: "psubsb", e9: "psubsw", ea: "pminsw", eb: "por", ec: "paddsb", ed: "paddsw", ee: "pmaxsw",
  ef: "pxor", f1: "psllw", f2: "pslld", f3: "psllq", f4: "pmuludq", f5: "pmaddwd", f6: "psadbw", f8: "psubb", f9: "psubw",
  fa: "psubd", fb: "psubq", fc: "paddb", fd: "paddw", fe: "paddd",
  "38 00": "pshufb", "38 01": "phaddw", "38 02": "phaddd", "38 03": "phaddsw", "38 04": "pmaddubsw", "38 05": "phsubw",
  "38 06": "phsubd", "38 07": "phsubsw", "38 08": "psignb", "38 09": "psignw", "38 0a": "psignd", "38 0b": "pmulhrsw",
  "38 1c": "pabsb", "38 1d": "pabsw", "38 1e": "pabsd",
};
/** SSE4.1/4.2 and AES-NI rows with a 66 prefix only, "Vdq,Wdq" unless given. */
const OPS_66: Record<string, string> = {
  "38 10": "pblendvb Vdq,Wdq,XMM0", "38 14": "blendvps Vps,Wps,XMM0", "38 15": "blendvpd Vpd,Wpd,XMM0", "38 17": "ptest",
  "38 20": "pmovsxbw Vdq,Wq", "38 21": "pmovsxbd Vdq,Wd", "38 22": "pmovsxbq Vdq,Ww", "38 23": "pmovsxwd Vdq,Wq",
  "38 24": "pmovsxwq Vdq,Wd", "38 25": "pmovsxdq Vdq,Wq", "38 28": "pmuldq", "38 29": "pcmpeqq", "38 2a": "movntdqa Vdq,Mdq",
  "38 2b": "packusdw", "38 30": "pmovzxbw Vdq,Wq", "38 31": "pmovzxbd Vdq,Wd", "38 32": "pmovzxbq Vdq,Ww",
  "38 33": "pmovzxwd Vdq,Wq", "38 34": "pmovzxwq Vdq,Wd", "38 35": "pmovzxdq Vdq,Wq", "38 37": "pcmpgtq", "38 38": "pminsb",
  "38 39": "pminsd", "38 3a": "pminuw", "38 3b": "pminud", "38 3c": "pmaxsb", "38 3d": "pmaxsd", "38 3e": "pmaxuw",
  "38 3f": "pmaxud", "38 40": "pmulld", "38 41": "phminposuw", "38 db": "aesimc", "38 dc": "aesenc", "38 dd": "aesenclast",
  "38 de": "aesdec", "38 df": "aesdeclast",
  "3a 08": "roundps Vps,Wps,Ib", "3a 09": "roundpd Vpd,Wpd,Ib", "3a 0a": "roundss Vss,Wss,Ib", "3a 0b": "roundsd Vsd,Wsd,Ib",
  "3a 0c": "blendps Vps,Wps,Ib", "3a 0d": "blendpd Vpd,Wpd,Ib", "3a 0e": "pblendw Vdq,Wdq,Ib", "3a 14": "pextrb Rd/Mb,Vdq,Ib",
  "3a 15": "pextrw Rd/Mw,Vdq,Ib", "3a 16": "pextrd Ed,Vdq,Ib", "3a 17": "extractps Ed,Vdq,Ib", "3a 20": "pinsrb Vdq,Rd/Mb,Ib",
  "3a 21": "insertps Vdq,Udq/Md,Ib", "3a 22": "pinsrd Vdq,Ed,Ib", "3a 40": "dpps Vps,Wps,Ib", "3a 41": "dppd Vpd,Wpd,Ib",
  "3a 42": "mpsadbw Vdq,Wdq,Ib", "3a 44": "pclmulqdq Vdq,Wdq,Ib", "3a 60": "pcmpestrm Vdq,Wdq,Ib",
  "3a 61": "pcmpestri Vdq,Wdq,Ib", "3a 62": "pcmpistrm Vdq,Wdq,Ib", "3a 63": "pcmpistri Vdq,Wdq,Ib",
  "3a df": "aeskeygenassist Vdq,Wdq,Ib",
};
/** The packed/scalar float arithmetic rows: ps, pd, ss, sd forms. */
const FP_OPS: Record<string, string> = { "51": "sqrt", "58": "add", "59": "mul", "5c": "sub", "5d": "min", "5e": "div", "5f": "max" };
const FP_LOGIC: Record<string, string> = { "14": "unpcklp", "15": "unpckhp", "54": "andp", "55": "andnp", "56": "orp", "57": "xorp" };
const SHIFT_IMM: [string, string, boolean][] = [["71/2", "psrlw", true], ["71/4", "psraw", true], ["71/6", "psllw", true],
  ["72/2", "psrld", true], ["72/4", "psrad", true], ["72/6", "pslld", true], ["73/2", "psrlq", true], ["73/3", "psrldq", false],
  ["73/6", "psllq", true], ["73/7", "pslldq", false]];

const TABLE = `
10 | movups Vps,Wps | movupd Vpd,Wpd | movss Vss,Wss | movsd.v Vsd,Wsd
11 | movups Wps,Vps | movupd Wpd,Vpd | movss Wss,Vss | movsd.v Wsd,Vsd
12 | movlps Vq,Mq; movhlps Vq,Uq | movlpd Vq,Mq | movsldup Vps,Wps | movddup Vq,Wq
13 | movlps Mq,Vq | movlpd Mq,Vq
16 | movhps Vq,Mq; movlhps Vq,Uq | movhpd Vq,Mq | movshdup Vps,Wps
17 | movhps Mq,Vq | movhpd Mq,Vq
28 | movaps Vps,Wps | movapd Vpd,Wpd
29 | movaps Wps,Vps | movapd Wpd,Vpd
2a | cvtpi2ps Vps,Qq | cvtpi2pd Vpd,Qq | cvtsi2ss Vss,Ed | cvtsi2sd Vsd,Ed
2b | movntps Mps,Vps | movntpd Mpd,Vpd
2c | cvttps2pi Pq,Wq | cvttpd2pi Pq,Wpd | cvttss2si Gd,Wss | cvttsd2si Gd,Wsd
2d | cvtps2pi Pq,Wq | cvtpd2pi Pq,Wpd | cvtss2si Gd,Wss | cvtsd2si Gd,Wsd
2e | ucomiss Vss,Wss | ucomisd Vsd,Wsd
2f | comiss Vss,Wss | comisd Vsd,Wsd
50 | movmskps Gd,Ups | movmskpd Gd,Upd
52 | rsqrtps Vps,Wps | | rsqrtss Vss,Wss
53 | rcpps Vps,Wps | | rcpss Vss,Wss
5a | cvtps2pd Vpd,Wq | cvtpd2ps Vps,Wpd | cvtss2sd Vsd,Wss | cvtsd2ss Vss,Wsd
5b | cvtdq2ps Vps,Wdq | cvtps2dq Vdq,Wps | cvttps2dq Vdq,Wps
6c | | punpcklqdq Vdq,Wdq
6d | | punpckhqdq Vdq,Wdq
6e | movd Pq,Ed | movd Vdq,Ed
6f | movq Pq,Qq | movdqa Vdq,Wdq | movdqu Vdq,Wdq
70 | pshufw Pq,Qq,Ib | pshufd Vdq,Wdq,Ib | pshufhw Vdq,Wdq,Ib | pshuflw Vdq,Wdq,Ib
77 | emms
7c | | haddpd Vpd,Wpd | | haddps Vps,Wps
7d | | hsubpd Vpd,Wpd | | hsubps Vps,Wps
7e | movd Ed,Pq | movd Ed,Vdq | movq Vq,Wq
7f | movq Qq,Pq | movdqa Wdq,Vdq | movdqu Wdq,Vdq
c2 | cmpps Vps,Wps,Ib | cmppd Vpd,Wpd,Ib | cmpss Vss,Wss,Ib | cmpsd.v Vsd,Wsd,Ib
c3 | movnti Md,Gd
c4 | pinsrw Pq,Rd/Mw,Ib | pinsrw Vdq,Rd/Mw,Ib
c5 | pextrw Gd,Nq,Ib | pextrw Gd,Udq,Ib
c6 | shufps Vps,Wps,Ib | shufpd Vpd,Wpd,Ib
d0 | | addsubpd Vpd,Wpd | | addsubps Vps,Wps
d6 | | movq Wq,Vq | movq2dq Vdq,Nq | movdq2q Pq,Uq
d7 | pmovmskb Gd,Nq | pmovmskb Gd,Udq
e6 | | cvttpd2dq Vdq,Wpd | cvtdq2pd Vpd,Wq | cvtpd2dq Vdq,Wpd
e7 | movntq Mq,Pq | movntdq Mdq,Vdq
f0 | | | | lddqu Vdq,M
f7 | maskmovq Pq,Nq | maskmovdqu Vdq,Udq
3a 0f | palignr Pq,Qq,Ib | palignr Vdq,Wdq,Ib
`;

/** Compare-style rows set EFLAGS (ZF PF CF from the result, OF SF AF cleared or defined). */
const FLAGS: Record<string, string> = { ucomiss: "w:oszapc", ucomisd: "w:oszapc", comiss: "w:oszapc", comisd: "w:oszapc",
  ptest: "w:oszapc", pcmpestri: "w:oszapc", pcmpestrm: "w:oszapc", pcmpistri: "w:oszapc", pcmpistrm: "w:oszapc" };

/** One row from an opcode ("12", "38 00", "71/2"), a prefix and a form "mnem ops". */
function simdRow(op: string, prefix: string, form: string, tag = "simd"): string {
  const [mnem, ops = ""] = form.trim().split(/\s+/);
  const list = ops.split(",");
  const sel = list.some((o) => /^[UN][a-z]*$/.test(o)) ? " reg" : list.some((o) => /^M[a-z]*$/.test(o)) ? " mem" : "";
  return `${prefix ? prefix + " " : ""}0f ${op}${sel} | ${mnem} | ${ops} | ${FLAGS[mnem] ?? ""} | ${tag}`;
}

function tableRows(): string[] {
  const rows: string[] = [];
  const add = (op: string, cells: string[]) => cells.forEach((cell, i) => {
    for (const form of cell.split(";")) if (form.trim() && form.trim() !== "-") rows.push(simdRow(op, ["", "66", "f3", "f2"][i], form));
  });
  for (const line of TABLE.split("\n").filter((l) => l.trim())) {
    const [op, ...cells] = line.split("|").map((c) => c.trim());
    add(op, cells);
  }
  for (const [op, m] of Object.entries(INT_OPS)) add(op, [`${m} Pq,${/^punpckl/.test(m) ? "Qd" : "Qq"}`, `${m} Vdq,Wdq`]);
  for (const [op, form] of Object.entries(OPS_66)) add(op, ["", form.includes(" ") ? form : `${form} Vdq,Wdq`]);
  for (const [op, m] of Object.entries(FP_OPS)) add(op, [`${m}ps Vps,Wps`, `${m}pd Vpd,Wpd`, `${m}ss Vss,Wss`, `${m}sd Vsd,Wsd`]);
  for (const [op, m] of Object.entries(FP_LOGIC)) add(op, [`${m}s Vps,Wps`, `${m}d Vpd,Wpd`]);
  for (const [op, m, mmx] of SHIFT_IMM) add(op, [mmx ? `${m} Nq,Ib` : "", `${m} Udq,Ib`]);
  return rows;
}

/** Integer-register forms outside the vector extensions, each with its own extension tag. */
const MISC = `
f3 0f b8 | popcnt | Gv,Ev | w:oszapc | popcnt
0f 38 f0 mem | movbe | Gv,Mv | | movbe
0f 38 f1 mem | movbe | Mv,Gv | | movbe
f2 0f 38 f0 | crc32 | Gd,Eb | | sse4
f2 0f 38 f1 | crc32 | Gd,Ev | | sse4
0f c7/6 reg | rdrand | Rv | w:oszapc | rdrand
0f c7/7 reg | rdseed | Rv | w:oszapc | rdrand
0f 01 d5 | xend | | | tsx
0f 01 d6 | xtest | | w:oszapc | tsx
c6 f8 | xabort | Ib | | tsx
c7 f8 | xbegin | Jz | | tsx
`;

export const SIMD_ROWS: string[] = [...tableRows(), ...MISC.split("\n").filter((l) => l.trim())];
