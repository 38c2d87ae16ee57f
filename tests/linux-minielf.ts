/**
 * Builds small i386 ELF images in memory for the linux-* tests: a header, a
 * program-header table and the segments' bytes, with every field
 * overridable so tests can make each kind of malformed file.
 */
export interface SegSpec {
  type?: number; offset?: number; vaddr: number; filesz?: number; memsz?: number; flags?: number;
  /** Bytes placed at offset (defaults to filesz zero bytes, or nothing). */
  data?: Uint8Array;
}

export interface ElfSpec {
  ident?: Partial<Record<4 | 5 | 6, number>>;
  type?: number; machine?: number; entry?: number; phoff?: number; phentsize?: number; phnum?: number;
  segs?: SegSpec[];
  /** Truncate the final image to this many bytes. */
  truncate?: number;
}

export const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const TEXT = 0x08048000;

/** Default: one R+X PT_LOAD covering the whole file at TEXT, entry just after the headers. */
export function buildElf(spec: ElfSpec = {}): Uint8Array {
  const segs = spec.segs ?? [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X }];
  const phoff = spec.phoff ?? 52;
  const headerEnd = 52 + segs.length * 32;
  let size = Math.max(headerEnd + 16, ...segs.map((s) => (s.offset ?? 0) + (s.data?.length ?? 0)));
  const out = new Uint8Array(Math.max(size, phoff + segs.length * 32));
  size = out.length;
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  for (const [k, v] of Object.entries(spec.ident ?? {})) out[Number(k)] = v;
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 3, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, spec.entry ?? TEXT + headerEnd, true);
  dv.setUint32(28, phoff, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(42, spec.phentsize ?? 32, true);
  dv.setUint16(44, spec.phnum ?? segs.length, true);
  segs.forEach((s, i) => {
    const o = phoff + 32 * i;
    if (o + 32 > out.length) return;
    const filesz = s.filesz ?? (s.data ? s.data.length : size - (s.offset ?? 0));
    dv.setUint32(o, s.type ?? PT_LOAD, true);
    dv.setUint32(o + 4, s.offset ?? 0, true);
    dv.setUint32(o + 8, s.vaddr, true);
    dv.setUint32(o + 12, s.vaddr, true);
    dv.setUint32(o + 16, filesz, true);
    dv.setUint32(o + 20, s.memsz ?? filesz, true);
    dv.setUint32(o + 24, s.flags ?? PF_R, true);
    dv.setUint32(o + 28, 0x1000, true);
    if (s.data) out.set(s.data, s.offset ?? 0);
  });
  return spec.truncate !== undefined ? out.slice(0, spec.truncate) : out;
}
