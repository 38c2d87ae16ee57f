/**
 * The one WebAssembly.Memory that holds both the guest and the VMM.
 *
 * Guest addresses are identity-mapped: guest virtual address A lives at byte A
 * of the memory, so neither the interpreter nor translated code adds a base.
 * Like the i386 kernel's 3G/1G split, guest user space is [0, GUEST_LIMIT);
 * everything at or above GUEST_LIMIT is the concealed VMM region. The guest can
 * form those addresses, but every guest access is checked against the page
 * permission table, whose entries for pages >= GUEST_LIMIT are always zero, so
 * such an access faults exactly as a user-mode access to kernel space would.
 *
 *   0x00000000 +---------------------------+
 *              | guest pages (mapped on    |  ELF segments, brk heap, mmap
 *              | demand; unmapped = zero)  |  area (top-down from MMAP_TOP),
 *   0xC0000000 +---------------------------+  stack just below GUEST_LIMIT
 *              | register file (64 KiB)    |  REGS_OFF
 *              | page permissions (1 MiB)  |  PERM_OFF: one byte per page
 *              | profile counters          |  PROFILE_OFF (translator tiers)
 *              | code-cache directory      |  CACHE_OFF (translator tiers)
 *   +VMM_SIZE  +---------------------------+
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const WASM_PAGE = 65536;

export const GUEST_LIMIT = 0xc0000000;
export const STACK_TOP = GUEST_LIMIT;
export const STACK_SIZE = 8 << 20;
export const MMAP_TOP = 0xb8000000;

export const VMM_BASE = GUEST_LIMIT;
export const REGS_OFF = VMM_BASE;
export const PERM_OFF = VMM_BASE + 0x10000;
export const PERM_ENTRIES = 1 << (32 - PAGE_SHIFT);
export const PROFILE_OFF = PERM_OFF + PERM_ENTRIES;
/**
 * Block-entry counters, hashed by EIP. Small on purpose: every first touch of
 * a page of this memory is a page fault, and 16 Ki counters on 16 pages cost
 * a short run nothing, where 1 Mi of them scattered a fault over every new
 * block (~10 ms for hello). A collision only makes a block look hot sooner.
 */
export const PROFILE_SIZE = 64 << 10;
export const CACHE_OFF = PROFILE_OFF + PROFILE_SIZE;
export const CACHE_SIZE = 16 << 20;
/**
 * The code-cache directory at CACHE_OFF, written by vmm/codecache.ts and
 * probed by the WebAssembly dispatcher (translate/backend.ts): open
 * addressing over DIR_ENTRIES (guest EIP, table slot) pairs of two u32,
 * slot h = (EIP * DIR_HASH) >>> (32 - DIR_BITS), then linear probing; key 0
 * is an empty slot, DIR_TOMBSTONE a removed one (EIP 1 is never executable:
 * page 0 is never mapped).
 */
export const DIR_BITS = 17;
export const DIR_ENTRIES = 1 << DIR_BITS;
export const DIR_HASH = 0x9e3779b1;
export const DIR_SIZE = DIR_ENTRIES * 8;
export const DIR_TOMBSTONE = 1;
export const VMM_SIZE = CACHE_OFF + CACHE_SIZE - VMM_BASE;
export const MEMORY_BYTES = VMM_BASE + VMM_SIZE;

/** Page permission bits, one byte per guest page at PERM_OFF. */
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
/** Set while decoded or translated code exists for the page: stores to it must invalidate. */
export const PAGE_CODE = 8;
/** Set for every mapped page, whatever its protection (PROT_NONE pages stay mapped). */
export const PAGE_MAPPED = 16;

/**
 * Register file, as 32-bit slots from REGS_OFF. The eight general registers
 * come first in encoding order so that byte/word views index them directly.
 */
export const R_EAX = 0, R_ECX = 1, R_EDX = 2, R_EBX = 3, R_ESP = 4, R_EBP = 5, R_ESI = 6, R_EDI = 7;
export const S_EIP = 8;
/** EFLAGS bits that are not computed lazily (DF, ID, the fixed bit 1, ...). */
export const S_EFLAGS = 9;
/** Lazy-flag state: the operation that last set the arithmetic flags and its operands. */
export const S_LAZY_OP = 10, S_LAZY_RES = 11, S_LAZY_A = 12, S_LAZY_B = 13, S_LAZY_CF = 14;
/** Segment selectors (ES CS SS DS FS GS order, as in ModRM sreg encoding) then their bases. */
export const S_SEL = 16;
export const S_SEGBASE = 24;
/**
 * Counters kept by translated code and the dispatcher, each a float64 over a slot pair: instructions
 * retired, chain transitions through the dispatcher, directory lookups, linked branches, and
 * transitions translated code made itself (direct-chain).
 */
export const S_RETIRED = 32;
export const S_CHAINS = 34;
export const S_LOOKUPS = 36;
export const S_LINKS = 40;
export const S_DIRECT = 44;
/** Why translated code returned to the VMM: 0 = directory miss or budget, 1 = bail-out to the interpreter. */
export const S_EXIT = 38;
/**
 * The linked-branch budget a translation had left when it returned (an i32): the dispatcher
 * counts linked branches from it, so translated code does not update S_LINKS on every way out.
 */
export const S_LINK_LEFT = 39;
/**
 * Linked branches a translation module may take per entry before it returns
 * to the dispatcher (read on entry; the dispatcher lowers it near --max-insns).
 */
export const S_LINK_BUDGET = 42;
export const LINK_BUDGET = 1 << 12;
/**
 * Transitions into another translation that translated code may still make without returning to
 * the dispatcher (direct-chain): the dispatcher sets it before each call and takes back what is left.
 */
export const S_CHAIN_LEFT = 43;
/** Calls of a module's nest (nest-calls) under way: reset by the dispatcher's run, at most NEST_DEPTH. */
export const S_NEST_DEPTH = 46;
/** Directory lookups and linked branches counted by nest (i32s), which run adds to S_LOOKUPS and S_LINKS once per call. */
export const S_NEST_LOOKUPS = 47, S_NEST_LINKS = 48;
export const NEST_DEPTH = 64;
export const STATE_SLOTS = 64;
/** x87 FPU state; the register stack's encodings and the words' meanings are interp/fpu.ts's. */
export const FPU_OFF = REGS_OFF + 0x400;
export const FPU_SIZE = 0x400;
/**
 * Byte offsets within the FPU state: R0..R7 at 0, 16 bytes each; the control
 * word (stored XOR 0x037f), the status word without TOP, TOP, one tag byte
 * per register, and the last instruction's FIP/FCS/FOP/FDP/FDS.
 */
export const FPU_CW = 0x80, FPU_SW = 0x84, FPU_TOP = 0x88, FPU_TAG = 0x8c;
export const FPU_FIP = 0x94, FPU_FCS = 0x98, FPU_FOP = 0x9a, FPU_FDP = 0x9c, FPU_FDS = 0xa0;
/** SSE state: XMM0-7 (16 bytes each), then MXCSR (stored XOR 0x1f80) at XMM_MXCSR. */
export const XMM_OFF = REGS_OFF + 0x800;
export const XMM_SIZE = 0x100;
export const XMM_MXCSR = 0x80;
