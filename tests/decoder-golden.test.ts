/**
 * Hand-picked encodings -> decoded length, mnemonic, operand fields and
 * disassembly: prefixes, 16-bit addressing, SIB corner cases, moffs, the 0f
 * 38 / 0f 3a maps, x87 and SSE forms, and the DecodeError cases.
 */
import { describe, expect, it } from "vitest";
import { decode, DecodeError, Insn, SEG_DS, SEG_GS, SEG_SS } from "../src/isa/decode.ts";
import { formatInsn } from "../src/isa/disasm.ts";
import { K_E, K_G, K_IMM, K_MOFFS, K_ST0, K_STI, K_VE, K_VREG } from "../src/isa/table.ts";

const ADDR = 0x8048000;

function dec(hex: string): Insn {
  const bytes = hex.split(" ").map((b) => parseInt(b, 16));
  return decode((a) => { const i = a - ADDR; if (i >= bytes.length) throw new Error(`read past end at +${i}`); return bytes[i]; }, ADDR);
}

type Case = [hex: string, len: number, text: string, fields?: Partial<Record<keyof Insn, unknown>>];

const CASES: Case[] = [
  // operand-size and address-size prefixes
  ["66 89 c8", 3, "mov ax,cx", { mnem: "mov", osz16: true, sz: 1, k0: K_E, k1: K_G }],
  ["66 b8 34 12", 4, "mov ax,0x1234", { imm: 0x1234 }],
  ["67 8b 00", 3, "mov eax,DWORD PTR [bx+si]", { asz16: true, base: 3, index: 6, seg: SEG_DS }],
  ["67 8b 42 10", 4, "mov eax,DWORD PTR [bp+si+0x10]", { base: 5, index: 6, disp: 0x10, seg: SEG_SS }],
  ["67 8b 06 34 12", 5, "mov eax,DWORD PTR ds:0x1234", { base: -1, index: -1, disp: 0x1234 }],
  ["67 8b 87 00 80", 5, "mov eax,DWORD PTR [bx-0x8000]", { base: 3, index: -1, disp: -0x8000 }],
  // segment overrides, lock, rep
  ["65 a1 14 00 00 00", 6, "mov eax,gs:0x14", { segOverride: SEG_GS, seg: SEG_GS, disp: 0x14, k1: K_MOFFS }],
  ["65 8b 03", 3, "mov eax,DWORD PTR gs:[ebx]", { seg: SEG_GS }],
  ["8b 45 f0", 3, "mov eax,DWORD PTR [ebp-0x10]", { seg: SEG_SS, base: 5, disp: -0x10 }],
  ["f0 0f b1 11", 4, "lock cmpxchg DWORD PTR [ecx],edx", { lock: true }],
  ["f3 a5", 2, "rep movs DWORD PTR es:[edi],DWORD PTR ds:[esi]", { rep: 0xf3, mnem: "movsd" }],
  ["f2 ae", 2, "repnz scas al,BYTE PTR es:[edi]", { rep: 0xf2 }],
  ["f3 a6", 2, "repz cmps BYTE PTR ds:[esi],BYTE PTR es:[edi]", { rep: 0xf3 }],
  // SIB without base / without index
  ["8b 04 8d 00 10 00 00", 7, "mov eax,DWORD PTR [ecx*4+0x1000]", { base: -1, index: 1, scale: 2, disp: 0x1000 }],
  ["8b 04 24", 3, "mov eax,DWORD PTR [esp]", { base: 4, index: -1, seg: SEG_SS }],
  ["8d 74 26 00", 4, "lea esi,[esi+eiz*1+0x0]", { base: 6, index: -1 }],
  ["a3 78 56 34 12", 5, "mov ds:0x12345678,eax", { disp: 0x12345678, k0: K_MOFFS }],
  // immediates and branches
  ["c8 10 00 01", 4, "enter 0x10,0x1", { imm: 0x10, imm2: 1 }],
  ["83 e8 ff", 3, "sub eax,0xffffffff", { imm: -1, k1: K_IMM }],
  ["e8 fb ff ff ff", 5, "call 0x8048000", { target: ADDR }],
  ["74 fe", 2, "je 0x8048000", { target: ADDR }],
  ["0f af c1", 3, "imul eax,ecx", { mnem: "imul" }],
  ["98", 1, "cwde", { mnem: "cwde" }],
  ["97", 1, "xchg edi,eax", { rm: 7 }],
  ["66 90", 2, "xchg ax,ax"],
  [`${"3e ".repeat(9)}81 c0 01 02 03 04`, 15, "add eax,0x4030201", { segOverride: SEG_DS }],
  ["3e ff e1", 3, "notrack jmp ecx"],
  // x87
  ["dd 45 f0", 3, "fld QWORD PTR [ebp-0x10]", { mnem: "fld", k0: K_E }],
  ["dd d9", 2, "fstp st(1)", { rm: 1, k0: K_STI }],
  ["df e9", 2, "fucomip st,st(1)", { k0: K_ST0, k1: K_STI }],
  ["d9 6c 24 02", 4, "fldcw WORD PTR [esp+0x2]"],
  ["df e0", 2, "fnstsw ax"],
  ["db 28", 2, "fld TBYTE PTR [eax]"],
  ["d9 30", 2, "fnstenv [eax]"],
  ["d9 ee", 2, "fldz"],
  ["de c1", 2, "faddp st(1),st"],
  // SSE, 0f 38 and 0f 3a maps, mandatory prefixes
  ["66 0f 6f 00", 4, "movdqa xmm0,XMMWORD PTR [eax]", { k0: K_VREG, k1: K_VE, osz16: false }],
  ["66 0f 74 c8", 4, "pcmpeqb xmm1,xmm0"],
  ["66 0f d7 c1", 4, "pmovmskb eax,xmm1"],
  ["f3 0f 7e 06", 4, "movq xmm0,QWORD PTR [esi]", { rep: 0 }],
  ["f2 0f 10 45 f0", 5, "movsd xmm0,QWORD PTR [ebp-0x10]", { mnem: "movsd.v" }],
  ["66 0f 38 00 c1", 5, "pshufb xmm0,xmm1"],
  ["66 0f 3a 0f c1 05", 6, "palignr xmm0,xmm1,0x5", { imm: 5 }],
  ["66 0f 3a 63 c1 1a", 6, "pcmpistri xmm0,xmm1,0x1a"],
  ["0f c2 c1 01", 4, "cmpltps xmm0,xmm1"],
  ["0f 6f c1", 3, "movq mm0,mm1"],
  ["c7 f8 00 00 00 00", 6, "xbegin 0x8048006", { target: ADDR + 6 }],
  ["c6 f8 ff", 3, "xabort 0xff"],
];

describe("decoder golden cases", () => {
  for (const [hex, len, text, fields] of CASES) {
    it(`${hex} -> ${text}`, () => {
      const insn = dec(hex);
      expect(insn.len).toBe(len);
      expect(formatInsn(insn)).toBe(text);
      for (const [k, v] of Object.entries(fields ?? {})) expect([k, insn[k as keyof Insn]]).toEqual([k, v]);
    });
  }

  const errors: [string, string][] = [
    ["0f 04", "invalid opcode"],
    ["d9 08", "invalid opcode"],                 // d9 /1 has no memory form
    ["0f 38 ff c0", "invalid opcode"],
    ["66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", "instruction longer than 15 bytes"],
    [`${"3e ".repeat(10)}81 c0 01 02 03 04`, "instruction longer than 15 bytes"],
  ];
  for (const [hex, reason] of errors) {
    it(`${hex} -> DecodeError (${reason})`, () => {
      let err: unknown;
      try { dec(hex); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).reason).toBe(reason);
      expect((err as DecodeError).addr).toBe(ADDR);
    });
  }
});
