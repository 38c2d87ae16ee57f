/**
 * Little-endian fixed-layout byte buffers for building and parsing guest
 * structs (stat64, timespec, user_desc, ...) before one bulk copy to or from
 * guest memory. Offsets are byte offsets within the struct; 64-bit fields
 * take a number or bigint and are stored as two's complement.
 */
export class Struct {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;

  constructor(sizeOrBytes: number | Uint8Array) {
    this.bytes = typeof sizeOrBytes === "number" ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
    this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  u8(off: number, v: number): this { this.dv.setUint8(off, v); return this; }
  u16(off: number, v: number): this { this.dv.setUint16(off, v, true); return this; }
  u32(off: number, v: number): this { this.dv.setUint32(off, v >>> 0, true); return this; }
  u64(off: number, v: number | bigint): this { this.dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true); return this; }
  str(off: number, s: string): this { this.bytes.set(new TextEncoder().encode(s), off); return this; }

  getU16(off: number): number { return this.dv.getUint16(off, true); }
  getU32(off: number): number { return this.dv.getUint32(off, true); }
  getI32(off: number): number { return this.dv.getInt32(off, true); }
  getI64(off: number): bigint { return this.dv.getBigInt64(off, true); }
}
