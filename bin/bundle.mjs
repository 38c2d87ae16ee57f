// Bundles a TypeScript entry point (and all it imports from src/) into one plain-JavaScript module
// under node_modules/.cache/cdvm, rebuilt whenever a source file is newer. Node then loads one file
// instead of compiling every source through a loader: bin/cdvm starts in a fraction of the time, and
// the translator's worker thread needs no loader at all. Packages stay external (resolved from
// node_modules as usual); esbuild does the bundling.
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The project root: the nearest directory above this module holding src/ (this module may itself sit inside a bundle). */
function projectRoot() {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "src/cli/main.ts"))) return dir;
    if (dir === path.dirname(dir)) throw new Error("cdvm: cannot find the project's src/ directory");
  }
}

const ROOT = projectRoot();
const CACHE = path.join(ROOT, "node_modules/.cache/cdvm");

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Path of the bundle of ROOT/entry (e.g. "src/cli/main.ts"), building it first if stale. */
export function bundle(entry) {
  const out = path.join(CACHE, entry.replace(/[/\\]/g, "_").replace(/\.ts$/, ".mjs"));
  const built = fs.statSync(out, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built <= Math.max(newest(path.join(ROOT, "src")), fs.statSync(fileURLToPath(import.meta.url)).mtimeMs)) {
    // esbuild is loaded only when a bundle is stale: loading it costs more than the rest of start-up.
    const { buildSync } = createRequire(import.meta.url)("esbuild");
    const result = buildSync({
      entryPoints: [path.join(ROOT, entry)], outfile: out, bundle: true, format: "esm", platform: "node",
      target: "node20", packages: "external", logLevel: "error", write: false,
    });
    // Several cdvm processes may rebuild at once (the test suite starts many): write aside, then rename atomically.
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(tmp, result.outputFiles[0].contents);
    fs.renameSync(tmp, out);
  }
  return out;
}
