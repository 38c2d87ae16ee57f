/**
 * The IA-32 instruction description: one row per opcode form, read by the
 * decoder, the disassembler, the interpreter's dispatch, and the tests that
 * mask undefined flags. Nothing else in cdvm restates an encoding.
 *
 * Row syntax:  opcode | mnemonic | operands | flags | attributes
 *  opcode     hex bytes, optionally preceded by a mandatory prefix (66/f2/f3)
 *             and followed by "/d" (ModRM.reg digit), "+r" (register in the
 *             low three opcode bits), or a second ModRM-selector word:
 *             "mem" / "reg" (ModRM.mod), "c8" (an exact ModRM byte).
 *             "0f 38 xx" and "0f 3a xx" are the three-byte opcode maps.
 *  mnemonic   Intel mnemonic; "a/b" names the 32-bit/16-bit operand-size forms;
 *             a ".v" suffix (movsd.v, cmpsd.v) keeps a vector instruction apart
 *             from the integer one of the same name (dispatch is by mnemonic);
 *             the disassembler prints the name without it.
 *  operands   Intel SDM operand notation: E G M R S I J O Z X Y A with size
 *             letters b w d v z q p t; "Ibs" is an imm8 sign-extended to the
 *             operand size; fixed operands are registers (AL, AX, eAX, CL, DX) or 1.
 *             Vector operands: V (xmm in ModRM.reg), W (xmm or memory in
 *             ModRM.rm), U (xmm in ModRM.rm, register only), P / Q / N the
 *             same for mmx, XMM0 the implicit xmm0; sizes ps pd ss sd dq q d w b
 *             (dq, ps, pd: 128 bits). x87: ST is st(0), STi st(ModRM.rm);
 *             memory Mw Md Mq (16/32/64-bit int or float), Mt (80-bit float or
 *             BCD), Me (14/28-byte environment), Ms (94/108-byte state).
 *             "Rd/Mb": a register operand of one size or memory of another.
 *  flags      r: flags read, w: flags written (defined), u: flags left
 *             undefined, letters o d s z a p c; "w:*" = all of EFLAGS.
 *  attributes lock (LOCK allowed), rep (REP/REPE/REPNE meaningful), jump,
 *             call, ret, cond (conditional branch), stop (ends a block),
 *             sys (privileged or I/O: decoded for disassembly, raises a fault).
 *             Extension tags x87, simd, sse4, popcnt, movbe, rdrand, tsx mark
 *             rows that decode and disassemble but have no executor (SIGILL).
 *
 * The x87 rows live in opcodes-x87.ts, the vector rows in opcodes-simd.ts.
 */
import { SIMD_ROWS } from "./opcodes-simd.ts";
import { X87_ROWS } from "./opcodes-x87.ts";

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const ALU_FLAGS = (m: string) => (m === "adc" || m === "sbb" ? "r:c w:oszapc" : m === "and" || m === "or" || m === "xor" ? "w:oszpc u:a" : "w:oszapc");
const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
/** OF is defined only for counts of 1, so tests against hardware treat it as undefined. */
const SHIFT_FLAGS = (m: string) => (m === "rcl" || m === "rcr" ? "r:c w:c u:o" : m.startsWith("ro") ? "w:c u:o" : "w:szpc u:oa");
const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const CC_READS = ["o", "o", "c", "c", "z", "z", "cz", "cz", "s", "s", "p", "p", "so", "so", "soz", "soz"];
const hex = (n: number) => n.toString(16).padStart(2, "0");

function generated(): string[] {
  const rows: string[] = [];
  ALU.forEach((m, i) => {
    const f = ALU_FLAGS(m), lock = m === "cmp" ? "" : "lock";
    const forms = ["Eb,Gb", "Ev,Gv", "Gb,Eb", "Gv,Ev", "AL,Ib", "eAX,Iz"];
    forms.forEach((ops, j) => rows.push(`${hex(i * 8 + j)} | ${m} | ${ops} | ${f} | ${j < 2 ? lock : ""}`));
    for (const [op, ops] of [["80", "Eb,Ib"], ["81", "Ev,Iz"], ["82", "Eb,Ib"], ["83", "Ev,Ibs"]]) rows.push(`${op}/${i} | ${m} | ${ops} | ${f} | ${lock}`);
  });
  SHIFTS.forEach((m, i) => {
    const f = SHIFT_FLAGS(m);
    for (const [op, ops] of [["c0", "Eb,Ib"], ["c1", "Ev,Ib"], ["d0", "Eb,1"], ["d1", "Ev,1"], ["d2", "Eb,CL"], ["d3", "Ev,CL"]]) rows.push(`${op}/${i} | ${m} | ${ops} | ${f} |`);
  });
  CC.forEach((c, i) => {
    const r = `r:${CC_READS[i]}`;
    rows.push(`${hex(0x70 + i)} | j${c} | Jb | ${r} | jump cond`);
    rows.push(`0f ${hex(0x80 + i)} | j${c} | Jz | ${r} | jump cond`);
    rows.push(`0f ${hex(0x90 + i)} | set${c} | Eb | ${r} |`);
    rows.push(`0f ${hex(0x40 + i)} | cmov${c} | Gv,Ev | ${r} |`);
  });
  return rows;
}

const ROWS = `
06 | push | ES | |
07 | pop | ES | |
0e | push | CS | |
16 | push | SS | |
17 | pop | SS | |
1e | push | DS | |
1f | pop | DS | |
27 | daa | | r:ac w:szapc u:o |
2f | das | | r:ac w:szapc u:o |
37 | aaa | | r:a w:ac u:oszp |
3f | aas | | r:a w:ac u:oszp |
40+r | inc | Zv | w:oszap | 
48+r | dec | Zv | w:oszap |
50+r | push | Zv | |
58+r | pop | Zv | |
60 | pushad/pushaw | | |
61 | popad/popaw | | |
62 | bound | Gv,Ma | | sys
63 | arpl | Ew,Gw | w:z | sys
68 | push | Iz | |
69 | imul | Gv,Ev,Iz | w:oc u:szap |
6a | push | Ibs | |
6b | imul | Gv,Ev,Ibs | w:oc u:szap |
6c | insb | Yb,DX | | rep sys
6d | insd/insw | Yv,DX | | rep sys
6e | outsb | DX,Xb | | rep sys
6f | outsd/outsw | DX,Xv | | rep sys
84 | test | Eb,Gb | w:oszpc u:a |
85 | test | Ev,Gv | w:oszpc u:a |
86 | xchg | Eb,Gb | | lock
87 | xchg | Ev,Gv | | lock
88 | mov | Eb,Gb | |
89 | mov | Ev,Gv | |
8a | mov | Gb,Eb | |
8b | mov | Gv,Ev | |
8c | mov | Ev,Sw | |
8d | lea | Gv,M | |
8e | mov | Sw,Ew | |
8f/0 | pop | Ev | |
90 | nop/xchg | | |
f3 90 | pause | | |
90+r | xchg | Zv,eAX | |
98 | cwde/cbw | | |
99 | cdq/cwd | | |
9a | call | Ap | | call stop sys
9b | fwait | | |
9c | pushfd/pushfw | | r:* |
9d | popfd/popfw | | w:* |
9e | sahf | | w:szapc |
9f | lahf | | r:szapc |
a0 | mov | AL,Ob | |
a1 | mov | eAX,Ov | |
a2 | mov | Ob,AL | |
a3 | mov | Ov,eAX | |
a4 | movsb | Yb,Xb | r:d | rep
a5 | movsd/movsw | Yv,Xv | r:d | rep
a6 | cmpsb | Xb,Yb | r:d w:oszapc | rep
a7 | cmpsd/cmpsw | Xv,Yv | r:d w:oszapc | rep
a8 | test | AL,Ib | w:oszpc u:a |
a9 | test | eAX,Iz | w:oszpc u:a |
aa | stosb | Yb,AL | r:d | rep
ab | stosd/stosw | Yv,eAX | r:d | rep
ac | lodsb | AL,Xb | r:d | rep
ad | lodsd/lodsw | eAX,Xv | r:d | rep
ae | scasb | AL,Yb | r:d w:oszapc | rep
af | scasd/scasw | eAX,Yv | r:d w:oszapc | rep
b0+r | mov | Zb,Ib | |
b8+r | mov | Zv,Iz | |
c2 | ret | Iw | | ret stop
c3 | ret | | | ret stop
c4 | les | Gv,Mp | | sys
c5 | lds | Gv,Mp | | sys
c6/0 | mov | Eb,Ib | |
c7/0 | mov | Ev,Iz | |
c8 | enter | Iw,Ib | |
c9 | leave | | |
ca | retf | Iw | | ret stop sys
cb | retf | | | ret stop sys
cc | int3 | | | stop
cd | int | Ib | | stop
ce | into | | r:o | stop
cf | iretd/iretw | | w:* | stop sys
d4 | aam | Ib | w:szp u:oac |
d5 | aad | Ib | w:szp u:oac |
d6 | salc | | r:c |
d7 | xlatb | | |
e0 | loopne | Jb | r:z | jump cond
e1 | loope | Jb | r:z | jump cond
e2 | loop | Jb | | jump cond
e3 | jecxz | Jb | | jump cond
e4 | in | AL,Ib | | sys
e5 | in | eAX,Ib | | sys
e6 | out | Ib,AL | | sys
e7 | out | Ib,eAX | | sys
e8 | call | Jz | | call stop
e9 | jmp | Jz | | jump stop
ea | jmp | Ap | | jump stop sys
eb | jmp | Jb | | jump stop
ec | in | AL,DX | | sys
ed | in | eAX,DX | | sys
ee | out | DX,AL | | sys
ef | out | DX,eAX | | sys
f1 | int1 | | | stop
f4 | hlt | | | stop sys
f5 | cmc | | r:c w:c |
f6/0 | test | Eb,Ib | w:oszpc u:a |
f6/1 | test | Eb,Ib | w:oszpc u:a |
f6/2 | not | Eb | | lock
f6/3 | neg | Eb | w:oszapc | lock
f6/4 | mul | Eb | w:oc u:szap |
f6/5 | imul | Eb | w:oc u:szap |
f6/6 | div | Eb | u:oszapc |
f6/7 | idiv | Eb | u:oszapc |
f7/0 | test | Ev,Iz | w:oszpc u:a |
f7/1 | test | Ev,Iz | w:oszpc u:a |
f7/2 | not | Ev | | lock
f7/3 | neg | Ev | w:oszapc | lock
f7/4 | mul | Ev | w:oc u:szap |
f7/5 | imul | Ev | w:oc u:szap |
f7/6 | div | Ev | u:oszapc |
f7/7 | idiv | Ev | u:oszapc |
f8 | clc | | w:c |
f9 | stc | | w:c |
fa | cli | | | sys
fb | sti | | | sys
fc | cld | | w:d |
fd | std | | w:d |
fe/0 | inc | Eb | w:oszap | lock
fe/1 | dec | Eb | w:oszap | lock
ff/0 | inc | Ev | w:oszap | lock
ff/1 | dec | Ev | w:oszap | lock
ff/2 | call | Ev | | call stop
ff/3 | call | Mp | | call stop sys
ff/4 | jmp | Ev | | jump stop
ff/5 | jmp | Mp | | jump stop sys
ff/6 | push | Ev | |
0f 00/0 | sldt | Ew | | sys
0f 00/1 | str | Ew | | sys
0f 00/2 | lldt | Ew | | sys
0f 00/3 | ltr | Ew | | sys
0f 00/4 | verr | Ew | w:z | sys
0f 00/5 | verw | Ew | w:z | sys
0f 01/0 mem | sgdt | M | | sys
0f 01/1 mem | sidt | M | | sys
0f 01/2 mem | lgdt | M | | sys
0f 01/3 mem | lidt | M | | sys
0f 01/4 | smsw | Ew | | sys
0f 01/6 | lmsw | Ew | | sys
0f 01/7 mem | invlpg | M | | sys
0f 01 d0 | xgetbv | | | sys
0f 02 | lar | Gv,Ew | w:z | sys
0f 03 | lsl | Gv,Ew | w:z | sys
0f 06 | clts | | | sys
0f 08 | invd | | | sys
0f 09 | wbinvd | | | sys
0f 0b | ud2 | | | stop
0f 0d/1 | prefetchw | M | |
0f 18/0 mem | prefetchnta | Mb | |
0f 18/1 mem | prefetcht0 | Mb | |
0f 18/2 mem | prefetcht1 | Mb | |
0f 18/3 mem | prefetcht2 | Mb | |
0f 1f/0 | nop | Ev | |
f3 0f 1e fb | endbr32 | | |
f3 0f 1e fa | endbr64 | | |
f3 0f 1e/1 reg | rdsspd | Rd | |
f3 0f ae/5 reg | incsspd | Rd | |
0f 31 | rdtsc | | |
0f a0 | push | FS | |
0f a1 | pop | FS | |
0f a2 | cpuid | | |
0f a3 | bt | Ev,Gv | w:c u:osap |
0f a4 | shld | Ev,Gv,Ib | w:szpc u:oa |
0f a5 | shld | Ev,Gv,CL | w:szpc u:oa |
0f a8 | push | GS | |
0f a9 | pop | GS | |
0f ab | bts | Ev,Gv | w:c u:osap | lock
0f ac | shrd | Ev,Gv,Ib | w:szpc u:oa |
0f ad | shrd | Ev,Gv,CL | w:szpc u:oa |
0f ae/0 mem | fxsave | M | |
0f ae/1 mem | fxrstor | M | |
0f ae/2 mem | ldmxcsr | Md | |
0f ae/3 mem | stmxcsr | Md | |
0f ae/5 reg | lfence | | |
0f ae/6 reg | mfence | | |
0f ae/7 reg | sfence | | |
0f ae/7 mem | clflush | Mb | |
0f af | imul | Gv,Ev | w:oc u:szap |
0f b0 | cmpxchg | Eb,Gb | w:oszapc | lock
0f b1 | cmpxchg | Ev,Gv | w:oszapc | lock
0f b3 | btr | Ev,Gv | w:c u:osap | lock
0f b6 | movzx | Gv,Eb | |
0f b7 | movzx | Gv,Ew | |
0f ba/4 | bt | Ev,Ib | w:c u:osap |
0f ba/5 | bts | Ev,Ib | w:c u:osap | lock
0f ba/6 | btr | Ev,Ib | w:c u:osap | lock
0f ba/7 | btc | Ev,Ib | w:c u:osap | lock
0f bb | btc | Ev,Gv | w:c u:osap | lock
0f bc | bsf | Gv,Ev | w:z u:osapc |
0f bd | bsr | Gv,Ev | w:z u:osapc |
f3 0f bc | bsf | Gv,Ev | w:z u:osapc |
f3 0f bd | bsr | Gv,Ev | w:z u:osapc |
0f be | movsx | Gv,Eb | |
0f bf | movsx | Gv,Ew | |
0f c0 | xadd | Eb,Gb | w:oszapc | lock
0f c1 | xadd | Ev,Gv | w:oszapc | lock
0f c7/1 mem | cmpxchg8b | Mq | w:z | lock
0f c8+r | bswap | Zd | |
`;

export const OPCODE_ROWS: string[] = [
  ...generated(),
  ...ROWS.split("\n").filter((l) => l.trim() !== ""),
  ...[0, 2, 3, 4, 5, 6, 7].map((d) => `0f 0d/${d} | prefetch | M | |`),
  ...[1, 2, 3, 4, 5, 6, 7].map((d) => `0f 1f/${d} | nop | Ev | |`),
  ...["19", "1a", "1b", "1c", "1d", "1e"].map((o) => `0f ${o} | nop | Ev | |`),
  ...[4, 5, 6, 7].map((d) => `0f 18/${d} | nop | Ev | |`),
  ...X87_ROWS,
  ...SIMD_ROWS,
];
