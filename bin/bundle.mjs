// Bundles a TypeScript entry point (and all it imports from src/) into one plain-JavaScript module
// under node_modules/.cache/cdvm, rebuilt whenever a source file or the entry is newer. Node then
// loads one file instead of compiling every source through a loader: bin/cdvm starts in a fraction
// of the time, and the translator's worker thread needs no loader at all. Packages stay external
// (resolved from node_modules as usual); esbuild does the bundling. Binaryen is the exception, see
// splitBinaryen().
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The project root: the nearest directory above this module holding src/ (this module may itself sit inside a bundle). */
function projectRoot() {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "src/cli/main.ts"))) return dir;
    if (dir === path.dirname(dir)) throw new Error("cdvm: cannot find the project's src/ directory");
  }
}

export const ROOT = projectRoot();
const CACHE = path.join(ROOT, "node_modules/.cache/cdvm");

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/**
 * binaryen.js embeds its 9.9 MB WebAssembly binary as a 14.7 MB string literal, and parsing and
 * decoding that literal is ~200 ms of its ~270 ms load. This writes the binary to a file once,
 * plus a copy of the module whose literal is replaced by a read of that file (load: ~75 ms), and
 * returns that copy's path; or the package's own entry when its layout is not the expected one.
 */
function splitBinaryen() {
  const require = createRequire(import.meta.url);
  const orig = require.resolve("binaryen");
  const dir = path.join(CACHE, "binaryen"), out = path.join(dir, "index.mjs");
  if ((fs.statSync(out, { throwIfNoEntry: false })?.mtimeMs ?? 0) > fs.statSync(orig).mtimeMs) return out;
  const src = fs.readFileSync(orig, "utf8"), key = "bA??=x6(`", at = src.indexOf(key);
  if (at < 0) return orig;
  let end = at + key.length;
  for (; end < src.length && src[end] !== "`"; end++) if (src[end] === "\\") end++;
  // The literal is the package's own code; evaluating it yields one char per byte of the binary.
  const chars = new Function(`return ${src.slice(at + key.length - 1, end + 1)}`)();
  const bytes = Uint8Array.from(chars, (c) => c.charCodeAt(0));
  if (src.slice(end + 1, end + 2) !== ")" || bytes[0] !== 0 || String.fromCharCode(...bytes.subarray(1, 4)) !== "asm") return orig;
  const glue = `import { readFileSync as cdvmReadWasm } from "node:fs";\n${src.slice(0, at)}` +
    `bA??=cdvmReadWasm(new URL("./binaryen.wasm", import.meta.url))${src.slice(end + 2)}`;
  fs.mkdirSync(dir, { recursive: true });
  const tag = `.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(path.join(dir, "binaryen.wasm" + tag), bytes);
  fs.renameSync(path.join(dir, "binaryen.wasm" + tag), path.join(dir, "binaryen.wasm"));
  fs.writeFileSync(out + tag, glue);
  fs.renameSync(out + tag, out);
  return out;
}

/** Path of the bundle of ROOT/entry (e.g. "src/cli/main.ts"), building it first if stale (older than src/, the entry or this file). */
export function bundle(entry) {
  const out = path.join(CACHE, entry.replace(/[/\\]/g, "_").replace(/\.ts$/, ".mjs"));
  const built = fs.statSync(out, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(newest(path.join(ROOT, "src")), fs.statSync(path.join(ROOT, entry)).mtimeMs, fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (built <= sources) {
    // esbuild is loaded only when a bundle is stale: loading it costs more than the rest of start-up.
    const { buildSync } = createRequire(import.meta.url)("esbuild");
    const result = buildSync({
      entryPoints: [path.join(ROOT, entry)], outfile: out, bundle: true, format: "esm", platform: "node",
      target: "node20", packages: "external", logLevel: "error", write: false,
    });
    const code = result.outputFiles[0].text.replace(/\bimport\((["'])binaryen\1\)/g, () => `import(${JSON.stringify(pathToFileURL(splitBinaryen()).href)})`);
    // Several cdvm processes may rebuild at once (the test suite starts many): write aside, then rename atomically.
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, out);
  }
  return out;
}
