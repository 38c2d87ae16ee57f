/**
 * flag-locals: a region's function keeps the flag record pending at an exit
 * or a linked branch in WebAssembly locals instead of storing its five words
 * in the register file there. The one way out stores it (when one is kept),
 * as does any operation that reads the register file's copy: a condition the
 * module's flag functions evaluate, an executor call, an updflags. A bail-out
 * leaves through the same way out, so the interpreter always finds the
 * record the guest's last flag-setting instruction made. A loop linked inside
 * its region then writes no flags to memory per iteration, and each exit's
 * stores become one shared copy.
 */
import type { Block } from "../ir.ts";

export function flagLocals(blocks: Block[]): void {
  for (const b of blocks) b.flagLocals = true;
}
