/**
 * x87 FPU rows (escape opcodes d8-df), in the row syntax of opcodes.ts.
 * Memory forms are selected by ModRM.reg; register forms by ModRM.reg with
 * mod = 3 (operand ST(i) = ModRM.rm) or by the exact ModRM byte. All rows carry
 * the "x87" attribute; every mnemonic starts with "f" and none has an
 * executor, so the interpreter raises SIGILL for them.
 */
const ARITH = ["add", "mul", "com", "comp", "sub", "subr", "div", "divr"];
/** Memory operand per escape byte and ModRM.reg ("" = no memory form). */
const MEM: Record<string, string[]> = {
  d9: ["fld Md", "", "fst Md", "fstp Md", "fldenv Me", "fldcw Mw", "fnstenv Me", "fnstcw Mw"],
  db: ["fild Md", "fisttp Md", "fist Md", "fistp Md", "", "fld Mt", "", "fstp Mt"],
  dd: ["fld Mq", "fisttp Mq", "fst Mq", "fstp Mq", "frstor Ms", "", "fnsave Ms", "fnstsw Mw"],
  df: ["fild Mw", "fisttp Mw", "fist Mw", "fistp Mw", "fbld Mt", "fild Mq", "fbstp Mt", "fistp Mq"],
};
/** Register forms with an ST(i) operand, by escape byte and ModRM.reg. */
const REG: Record<string, string[]> = {
  d8: ARITH.map((m) => (m.startsWith("com") ? `f${m} STi` : `f${m} ST,STi`)),
  d9: ["fld STi", "fxch STi"],
  da: ["fcmovb ST,STi", "fcmove ST,STi", "fcmovbe ST,STi", "fcmovu ST,STi"],
  db: ["fcmovnb ST,STi", "fcmovne ST,STi", "fcmovnbe ST,STi", "fcmovnu ST,STi", "", "fucomi ST,STi", "fcomi ST,STi"],
  dc: ["fadd STi,ST", "fmul STi,ST", "", "", "fsubr STi,ST", "fsub STi,ST", "fdivr STi,ST", "fdiv STi,ST"],
  dd: ["ffree STi", "", "fst STi", "fstp STi", "fucom STi", "fucomp STi"],
  de: ["faddp STi,ST", "fmulp STi,ST", "", "", "fsubrp STi,ST", "fsubp STi,ST", "fdivrp STi,ST", "fdivp STi,ST"],
  df: ["ffreep STi", "", "", "", "", "fucomip ST,STi", "fcomip ST,STi"],
};
/** Operand-less forms by exact ModRM byte. */
const FIXED: Record<string, string> = {
  "d9 d0": "fnop", "d9 e0": "fchs", "d9 e1": "fabs", "d9 e4": "ftst", "d9 e5": "fxam",
  "d9 e8": "fld1", "d9 e9": "fldl2t", "d9 ea": "fldl2e", "d9 eb": "fldpi", "d9 ec": "fldlg2", "d9 ed": "fldln2", "d9 ee": "fldz",
  "d9 f0": "f2xm1", "d9 f1": "fyl2x", "d9 f2": "fptan", "d9 f3": "fpatan", "d9 f4": "fxtract", "d9 f5": "fprem1",
  "d9 f6": "fdecstp", "d9 f7": "fincstp", "d9 f8": "fprem", "d9 f9": "fyl2xp1", "d9 fa": "fsqrt", "d9 fb": "fsincos",
  "d9 fc": "frndint", "d9 fd": "fscale", "d9 fe": "fsin", "d9 ff": "fcos",
  "da e9": "fucompp", "db e2": "fnclex", "db e3": "fninit", "de d9": "fcompp",
};
/** Flags: comi-family compares write ZF PF CF; fcmovcc reads the condition. */
const FLAGS: Record<string, string> = {
  fucomi: "w:zpc", fcomi: "w:zpc", fucomip: "w:zpc", fcomip: "w:zpc",
  fcmovb: "r:c", fcmovnb: "r:c", fcmove: "r:z", fcmovne: "r:z", fcmovbe: "r:cz", fcmovnbe: "r:cz", fcmovu: "r:p", fcmovnu: "r:p",
};

function row(op: string, spec: string): string {
  const [mnem, ops = ""] = spec.split(" ");
  return `${op} | ${mnem} | ${ops} | ${FLAGS[mnem] ?? ""} | x87`;
}

export const X87_ROWS: string[] = [
  ...["d8", "da", "dc", "de"].flatMap((op) => ARITH.map((m, d) => {
    const int = op === "da" || op === "de";
    return row(`${op}/${d} mem`, `f${int ? "i" : ""}${m} ${{ d8: "Md", da: "Md", dc: "Mq", de: "Mw" }[op]}`);
  })),
  ...Object.entries(MEM).flatMap(([op, forms]) => forms.flatMap((f, d) => (f ? [row(`${op}/${d} mem`, f)] : []))),
  ...Object.entries(REG).flatMap(([op, forms]) => forms.flatMap((f, d) => (f ? [row(`${op}/${d} reg`, f)] : []))),
  ...Object.entries(FIXED).map(([op, m]) => row(op, m)),
  row("df e0", "fnstsw AX"),
];
