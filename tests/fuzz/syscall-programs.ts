/**
 * Program generator for the random-syscall fuzzer (tests/fuzz-syscalls.test.ts
 * and `npm run fuzz -- --syscalls`). Program k of seed s is a tiny static
 * i386 ELF of raw machine code that
 *
 *   1. sets ESP to ESP_VALUE and maps MMAP_BUF (mmap2, MAP_FIXED);
 *   2. makes CALLS syscalls, each `mov eax/ebx/ecx/edx/esi/edi/ebp, imm32;
 *      int 0x80` with a random number and random or boundary arguments,
 *      then compares EBX..EBP and ESP with the values it loaded and, if one
 *      changed, exits with CLOBBER_STATUS + its index (REG_NAMES order);
 *   3. exits with status 0.
 *
 * Numbers are, by halves, those of the VMM's syscall table and uniform over
 * 0..450 (a tenth beyond it). For a number in the table, most arguments are
 * drawn for the kind its row declares (fd, path, pointer, flags...), so
 * calls get past their first EBADF or EFAULT; the rest are drawn at random.
 * Left out (SKIP): the calls that legitimately end the process or block it
 * forever (exit, exit_group, pause, sigsuspend, rt_sigsuspend), pipe (its
 * blocking read end; pipe2 is made O_NONBLOCK instead), and the process
 * creators (fork, vfork, clone, clone3, execve, execveat), which would run
 * more than one program, and sigreturn and rt_sigreturn, whose job is to
 * load every register from the stack (random code would follow). TAME pins the arguments that would make a call
 * sleep or wait (timeouts become zero), arm a timer (alarm, setitimer, timer_settime), stop the process (SIGSTOP and
 * friends become signal 0), install a handler that would run random code
 * (only SIG_DFL / SIG_IGN), or make a FIFO. Everything else is random:
 * boundary values (0, -1, 0x7fffffff, 0x80000000, the end of user space,
 * the concealed region and the top page), pointers into the program's own
 * code, data (paths, structs, random bytes), stack, mapped buffer and just
 * past their ends, and tiny and huge sizes.
 *
 * The program's files live in a root made by makeRoot (the --root of the
 * run), so no call can reach a real host file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArgKind } from "../../src/linux/syscalls/row.ts";
import { SYSCALLS } from "../../src/linux/syscalls/table.ts";
import { buildElf, PF_R, PF_W, PF_X, TEXT } from "../linux-minielf.ts";
import { caseRng, type Rng } from "./rng.ts";

export const CALLS = 150;
const DATA = 0x0a000000;
const DATA_FILESZ = 0x1000, DATA_MEMSZ = 0x3000;
const MMAP_BUF = 0x40000000;
const MMAP_LEN = 0x10000;
/** Inside the stack mapped at exec (the 128 KiB below the initial stack contents). */
const ESP_VALUE = 0xbfff8000;
const CODE = TEXT + 0x100;
/** A changed register r (REG_NAMES order) ends the program with status CLOBBER_STATUS + r. */
export const CLOBBER_STATUS = 100;
export const REG_NAMES = ["ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"];

const SKIP = new Set([1, 252, 29, 72, 179, 42, 2, 190, 120, 435, 11, 358, 119, 173]);

const PATHS = ["f", "/f", "d", "d/g", "/d/g", "l", "nope", ".", "/", "..", "../../f", "d/new", "", "/proc/self/exe", "/proc/self/fd/1", "/proc/self/maps"];

/** Offsets of the data segment's contents. */
const D_IOV = 0x150, D_POLL = 0x180, D_FDSET = 0x200, D_OLD_MMAP = 0x300, D_RANDOM = 0x400, D_OUT = 0x800;
/**
 * What TAME points at lives in the read-only text segment, between the ELF
 * headers and the code, so no earlier call can have overwritten it (uname
 * into the data segment once turned the zero timeout into a long sleep).
 */
const ZERO_TS = TEXT + 0x80, SIGACT_IGN = TEXT + 0x90, SELECT_ARGS = TEXT + 0xb0;

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

interface DataImage { bytes: Uint8Array; paths: number[]; constants: Uint8Array }

function dataImage(rng: Rng): DataImage {
  const bytes = new Uint8Array(DATA_FILESZ), dv = new DataView(bytes.buffer);
  const paths: number[] = [];
  let at = 0;
  for (const p of PATHS) {
    paths.push(DATA + at);
    bytes.set(Buffer.from(p + "\0"), at);
    at += p.length + 1;
  }
  const words = (off: number, ws: number[]) => ws.forEach((w, k) => dv.setUint32(off + 4 * k, w >>> 0, true));
  words(D_IOV, [DATA + D_OUT, 16, MMAP_BUF, 0x1000, 0xbffff000, 0x2000, 0xc0000000, 16, 0, 0, TEXT, 0x7fffffff]);
  words(D_POLL, [0, 1, 1, 4, 0xffffffff, 1, 1000, 5]); // struct pollfd {fd; short events, revents}: 0 POLLIN, 1 POLLOUT, -1, 1000
  for (let k = 0; k < 0x100; k++) bytes[D_FDSET + k] = rng.int(256);
  words(D_OLD_MMAP, [0, 0x1000, 3, 0x22, 0xffffffff, 0]);
  for (let k = D_RANDOM; k < D_OUT; k++) bytes[k] = rng.int(256);
  const constants = new Uint8Array(0x80), cv = new DataView(constants.buffer);
  const constWords = (at: number, ws: number[]) => ws.forEach((w, k) => cv.setUint32(at - TEXT - 0x80 + 4 * k, w >>> 0, true));
  constWords(SIGACT_IGN, [1, rng.u32() & 0x1fffffff, 0, rng.u32(), rng.u32()]);
  constWords(SELECT_ARGS, [rng.int(70), DATA + D_FDSET, DATA + D_FDSET + 0x80, 0, ZERO_TS]);
  return { bytes, paths, constants };
}

const BOUNDARY = [0, 1, 2, 3, 4, 0xffffffff, 0x7fffffff, 0x80000000, 0xbffff000, 0xbfffffff, 0xc0000000, 0xc0010000, 0xfffff000, 0xfffffffc, 0x1000, 0xffff, 0x10000, 0x100000];
const SIZES = [0, 1, 4, 16, 64, 0x1000, 0x10000, 0x100000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function pointer(rng: Rng, d: DataImage, codeLen: number): number {
  switch (rng.int(8)) {
    case 0: return rng.pick(d.paths);
    case 1: return rng.chance(0.2) ? rng.pick([ZERO_TS, SIGACT_IGN, SELECT_ARGS]) : DATA + rng.pick([D_IOV, D_POLL, D_FDSET, D_OLD_MMAP, D_OUT]);
    case 2: return DATA + rng.int(DATA_MEMSZ);
    case 3: return CODE + rng.int(codeLen);
    case 4: return MMAP_BUF + rng.int(MMAP_LEN);
    case 5: return ESP_VALUE + rng.int(0x1000) - 0x800;
    case 6: return rng.pick([DATA + DATA_MEMSZ - rng.range(1, 8), MMAP_BUF + MMAP_LEN - rng.range(1, 8), 0xbffffffc, TEXT, DATA + DATA_MEMSZ]);
    default: return rng.pick([DATA + D_OUT, MMAP_BUF, ESP_VALUE]);
  }
}

function arg(rng: Rng, d: DataImage, codeLen: number): number {
  const r = rng.int(100);
  if (r < 25) return rng.pick(BOUNDARY);
  if (r < 60) return pointer(rng, d, codeLen);
  if (r < 80) return rng.chance(0.5) ? rng.int(16) : rng.int(256);
  if (r < 90) return rng.pick(SIZES);
  return rng.u32();
}

/** An argument of the kind a syscall-table row declares; one time in four, any argument at all. */
function typedArg(rng: Rng, kind: ArgKind, d: DataImage, codeLen: number): number {
  if (rng.chance(0.25)) return arg(rng, d, codeLen);
  if (typeof kind === "object") return pointer(rng, d, codeLen);
  switch (kind) {
    case "fd": return rng.chance(0.85) ? rng.int(8) : rng.pick([0xffffffff, 1023, 1024, 0x7fffffff]);
    case "dirfd": return rng.chance(0.5) ? -100 >>> 0 : rng.int(8);
    case "str": return rng.chance(0.85) ? rng.pick(d.paths) : pointer(rng, d, codeLen);
    case "ptr": return rng.chance(0.8) ? pointer(rng, d, codeLen) : rng.pick(BOUNDARY);
    case "oflags": return rng.pick([0, 1, 2, 0x42, 0x241, 0x442, 0x800, 0x10000, 0x200000, 0x410000, 0x80000, rng.u32()]);
    case "prot": return rng.chance(0.8) ? rng.int(8) : rng.u32();
    case "mflags": return rng.pick([0x22, 0x32, 0x02, 0x01, 0x21, 0x12, 0x100022, 0x20022, 0x4022, rng.u32()]);
    case "atflags": return rng.pick([0, 0x100, 0x200, 0x400, 0x800, 0x1000, 0x1100, rng.u32()]);
    case "signal": return rng.chance(0.8) ? rng.int(66) : rng.u32();
    default: return rng.chance(0.4) ? rng.pick(SIZES) : arg(rng, d, codeLen);
  }
}

const TABLE_NRS = [...SYSCALLS.keys()].filter((nr) => !SKIP.has(nr)).sort((a, b) => a - b);

function number(rng: Rng, exclude: ReadonlySet<number>): number {
  for (;;) {
    const r = rng.int(100);
    const nr = r < 50 ? rng.pick(TABLE_NRS) : r < 90 ? rng.int(451) : r < 97 ? rng.range(451, 1023) : rng.pick([1024, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]);
    if (!SKIP.has(nr) && !exclude.has(nr)) return nr;
  }
}

const STOP_SIGNALS = new Set([19, 20, 21, 22]);
const O_NONBLOCK = 0x800, S_IFREG = 0x8000;
const noStop = (a: number[], k: number) => { if (STOP_SIGNALS.has(a[k])) a[k] = 0; };
const safeHandler = (rng: Rng) => rng.pick([0, SIGACT_IGN, 0xc0000000, 0xbffffffc, MMAP_BUF + MMAP_LEN - 4]);

/** Argument fixes by syscall number (i386), each for a call that could otherwise sleep, stop or run random code. */
const TAME: Record<number, (a: number[], rng: Rng) => void> = {
  27: (a) => { a[0] = 0; },                                 // alarm: never armed (its SIGALRM would end the
  104: (a) => { a[1] = 0; },                                // setitimer: program at a time that depends on speed)
  260: (a) => { a[2] = 0; },                                // timer_settime: never armed, as alarm
  409: (a) => { a[2] = 0; },                                // timer_settime64
  162: (a) => { a[0] = ZERO_TS; },                          // nanosleep
  267: (a) => { a[2] = ZERO_TS; },                          // clock_nanosleep
  407: (a) => { a[2] = ZERO_TS; },                          // clock_nanosleep_time64
  168: (a, rng) => { a[2] = rng.int(3); },                  // poll: timeout in ms
  309: (a) => { a[2] = ZERO_TS; },                          // ppoll
  414: (a) => { a[2] = ZERO_TS; },                          // ppoll_time64
  82: (a) => { a[0] = SELECT_ARGS; },                   // select (its arguments in a struct)
  142: (a) => { a[4] = ZERO_TS; },                          // _newselect
  308: (a) => { a[4] = ZERO_TS; },                          // pselect6
  413: (a) => { a[4] = ZERO_TS; },                          // pselect6_time64
  256: (a) => { a[3] = 0; },                                // epoll_wait
  319: (a) => { a[3] = 0; },                                // epoll_pwait
  441: (a) => { a[3] = ZERO_TS; },                          // epoll_pwait2
  177: (a) => { a[2] = ZERO_TS; },                          // rt_sigtimedwait
  421: (a) => { a[2] = ZERO_TS; },                          // rt_sigtimedwait_time64
  240: (a) => { a[3] = ZERO_TS; },                          // futex
  422: (a) => { a[3] = ZERO_TS; },                          // futex_time64
  37: (a) => noStop(a, 1),                                  // kill
  238: (a) => noStop(a, 1),                                 // tkill
  270: (a) => noStop(a, 2),                                 // tgkill
  178: (a) => noStop(a, 1),                                 // rt_sigqueueinfo
  335: (a) => noStop(a, 2),                                 // rt_tgsigqueueinfo
  174: (a, rng) => { a[1] = safeHandler(rng); },            // rt_sigaction
  67: (a, rng) => { a[1] = safeHandler(rng); },             // sigaction
  48: (a, rng) => { a[1] = rng.int(2); },                   // signal: SIG_DFL or SIG_IGN
  14: (a) => { a[1] = S_IFREG | 0o644; },                   // mknod
  297: (a) => { a[2] = S_IFREG | 0o644; },                  // mknodat
  331: (a) => { a[1] = (a[1] | O_NONBLOCK) >>> 0; },        // pipe2
};

export interface Call { nr: number; args: number[] }

export interface SyscallProgram {
  elf: Uint8Array;
  calls: Call[];
}

const MOV_IMM = [0xb8, 0xbb, 0xb9, 0xba, 0xbe, 0xbf, 0xbd]; // eax, ebx, ecx, edx, esi, edi, ebp
const CMP_IMM = [0xfb, 0xf9, 0xfa, 0xfe, 0xff, 0xfd, 0xfc]; // 81 /7 with ebx, ecx, edx, esi, edi, ebp, esp

function syscallCode(nr: number, args: number[]): number[] {
  return [nr, ...args].flatMap((v, r) => [MOV_IMM[r], ...le32(v)]).concat([0xcd, 0x80]);
}

/** Program k of seed s; numbers in exclude are never drawn (to look past a known, still open failure). */
export function syscallProgram(seed: number, k: number, calls = CALLS, exclude: ReadonlySet<number> = new Set()): SyscallProgram {
  const rng = caseRng(seed, k);
  const d = dataImage(rng);
  const checkLen = 6 * 12 + 12;
  const perCall = 7 * 5 + 2 + checkLen;
  const prologueLen = 5 + 7 * 5 + 2;
  const codeLen = prologueLen + calls * perCall + 12 + REG_NAMES.length * 12;
  const stubs = CODE + codeLen - REG_NAMES.length * 12;

  const list: Call[] = [];
  const code: number[] = [0xbc, ...le32(ESP_VALUE), ...syscallCode(192, [MMAP_BUF, MMAP_LEN, 3, 0x32, 0xffffffff, 0])];
  for (let c = 0; c < calls; c++) {
    const nr = number(rng, exclude);
    const kinds = SYSCALLS.get(nr)?.args ?? [];
    const args = Array.from({ length: 6 }, (_, i) => (i < kinds.length ? typedArg(rng, kinds[i], d, codeLen) : arg(rng, d, codeLen)) >>> 0);
    TAME[nr]?.(args, rng);
    list.push({ nr, args });
    code.push(...syscallCode(nr, args));
    [...args, ESP_VALUE].forEach((v, r) => {
      code.push(0x81, CMP_IMM[r], ...le32(v));
      const next = CODE + code.length + 6;
      code.push(0x0f, 0x85, ...le32(stubs + 12 * r - next)); // jne stub r
    });
  }
  code.push(...syscallCode(1, [0]).slice(0, 10), 0xcd, 0x80); // mov eax, 1; mov ebx, 0; int 0x80
  REG_NAMES.forEach((_, r) => code.push(...syscallCode(1, [CLOBBER_STATUS + r]).slice(0, 10), 0xcd, 0x80));
  if (code.length !== codeLen) throw new Error(`code length ${code.length}, planned ${codeLen}`);

  const textLen = 0x100 + codeLen;
  const dataOff = (textLen + 0xfff) & ~0xfff;
  const elf = new Uint8Array(dataOff + DATA_FILESZ);
  elf.set(buildElf({
    segs: [
      { vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: textLen, memsz: textLen },
      { vaddr: DATA, offset: dataOff, flags: PF_R | PF_W, filesz: DATA_FILESZ, memsz: DATA_MEMSZ },
    ],
    entry: CODE,
  }).subarray(0, 0x100));
  elf.set(d.constants, 0x80);
  elf.set(code, 0x100);
  elf.set(d.bytes, dataOff);
  return { elf, calls: list };
}

/** Makes the guest's root: a file, a directory with a file, a symlink, an empty file. */
export function makeRoot(dir: string): void {
  fs.mkdirSync(path.join(dir, "d"), { recursive: true });
  fs.writeFileSync(path.join(dir, "f"), "hello, fuzzer\n".repeat(100));
  fs.writeFileSync(path.join(dir, "d/g"), "");
  fs.symlinkSync("f", path.join(dir, "l"));
}
