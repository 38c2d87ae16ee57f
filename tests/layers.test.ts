/**
 * The layering ARCHITECTURE.md promises: its layer table lists every folder
 * of src/, bottom floor first, and no source file imports (type-only imports
 * included) from a folder the table lists below its own — so the folders
 * form no cycle.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/guest.ts";

const SRC = path.join(ROOT, "src");
/** The folders in the order of ARCHITECTURE.md's layer table (rows starting "| `name/` |"). */
const ORDER = [...fs.readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8").matchAll(/^\| `([a-z]+)\/` \|/gm)].map((m) => m[1]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
}

/** [importing file, imported folder] for every relative import that leaves the file's own folder. */
function crossings(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const file of sources(SRC)) {
    const own = path.relative(SRC, file).split(path.sep)[0];
    for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)\b[^"';]*?from\s+"(\.[^"]+)"/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), m[1])).split(path.sep)[0];
      if (target !== own && !target.startsWith("..")) out.push([path.relative(ROOT, file), own, target]);
    }
  }
  return out;
}

describe("layers", () => {
  it("ARCHITECTURE.md's layer table lists exactly the folders of src/", () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect([...ORDER].sort()).toEqual(folders.sort());
  });

  it("no folder imports a folder listed below it", () => {
    const wrong = crossings().filter(([, own, target]) => ORDER.indexOf(target) > ORDER.indexOf(own));
    expect(wrong.map(([f, , t]) => `${f} imports ${t}/`)).toEqual([]);
    expect(crossings().length).toBeGreaterThan(50);
  });
});
