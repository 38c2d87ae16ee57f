#!/usr/bin/env node
/**
 * Generates the inputs of the real-software suite, deterministically, into
 * a directory (no downloads): pseudo-English text, a CSV of orders, an SQL
 * dump of a small shop database, and the text compressed with the pinned
 * gzip, xz and bzip2 (run natively through the sysroot's loader, or under
 * qemu-i386 when the host cannot run i386 code). Everything comes from one
 * xorshift32 generator with a fixed seed per file, so the bytes are the
 * same on every machine; bench/real/suite.json records their SHA-256 and
 * the harness checks them.
 *
 *   node bench/real/inputs.mjs --out DIR --sysroot SYSROOT [--size small|ref|all]
 *
 * Each size's files are named *-SIZE.* and made separately (a small run
 * need not wait for the ref files). DIR/.cdvm-inputs-SIZE, holding the
 * version (the SHA-256 of this script), is written last: a size whose stamp
 * holds the current version is complete, and is not made again.
 * `--print-version` prints that version.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);
export const INPUTS_VERSION = crypto.createHash("sha256").update(fs.readFileSync(SELF)).digest("hex").slice(0, 16);

/** Per size: bytes of text, rows of CSV, customers/orders in the SQL dump. */
const SIZES = {
  small: { textBytes: 2_000_000, csvRows: 20_000, customers: 2_000, orders: 20_000 },
  ref: { textBytes: 16_000_000, csvRows: 200_000, customers: 10_000, orders: 150_000 },
};

class Rng {
  constructor(seed) { this.s = seed >>> 0 || 1; }
  next() {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return (this.s = x);
  }
  below(n) { return this.next() % n; }
  pick(a) { return a[this.below(a.length)]; }
}

const WORDS = (
  "the of and to in is was that for it with as his on be at by had are but from or have an they which one you were her all " +
  "she there would their we him been has when who will more no if out so said what up its about into than them can only other " +
  "new some could time these two may then do first any my now such like our over man me even most made after also did many " +
  "before must through back years where much your way well down should because each just those people how too little state " +
  "good very make world still own see men work long get here between both life being under never day same another know while " +
  "last might us great old year off come since against go came right used take three running walking thinking making going " +
  "looking nothing something everything house water number sound place letter mother answer found study learn plant cover " +
  "food country father keep tree never start city earth light thought head under story saw left few along might close " +
  "something seemed next hard open example beginning life always those both paper together got group often run important " +
  "until children side feet car mile night walked white sea began grow took river four carry state once book hear stop " +
  "without second later miss idea enough eat face watch far indian really almost let above girl sometimes mountains cut young " +
  "talk soon list song being leave family"
).split(" ");
const CITIES = ["Lyon", "Osaka", "Quito", "Perth", "Oslo", "Dakar", "Lima", "Hanoi", "Porto", "Cusco", "Turin", "Accra", "Kyoto", "Bergen", "Tunis", "Recife"];
const PRODUCTS = ["widget", "gadget", "sprocket", "gizmo", "doohickey", "flange", "bracket", "valve", "gasket", "rotor", "spindle", "lever"];
const NAMES = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Ken", "Dennis", "Margaret", "Niklaus", "Radia", "Tony", "Leslie", "Butler"];

function text(bytes, seed) {
  const r = new Rng(seed);
  const out = [];
  let total = 0, line = "", sentenceStart = true, wordsInSentence = 0;
  while (total < bytes) {
    let w = r.pick(WORDS);
    if (r.below(40) === 0) w = String(r.below(100000));
    else if (r.below(25) === 0) w = r.pick(CITIES);
    if (sentenceStart) w = w[0].toUpperCase() + w.slice(1);
    sentenceStart = false;
    wordsInSentence++;
    if (wordsInSentence > 6 && r.below(8) === 0) { w += r.pick([".", ".", ".", "?", "!"]); sentenceStart = true; wordsInSentence = 0; }
    else if (r.below(12) === 0) w += ",";
    if (line.length + 1 + w.length > 72) {
      out.push(line + "\n");
      total += line.length + 1;
      line = "";
      if (sentenceStart && r.below(5) === 0) { out.push("\n"); total++; }
    }
    line = line ? `${line} ${w}` : w;
  }
  out.push(line + "\n");
  return out.join("");
}

function csv(rows, seed) {
  const r = new Rng(seed);
  const out = ["id,customer,city,product,quantity,price,date\n"];
  for (let i = 1; i <= rows; i++) {
    const month = 1 + r.below(12), day = 1 + r.below(28);
    const price = (100 + r.below(99900)) / 100;
    out.push(`${i},${r.pick(NAMES)} ${String.fromCharCode(65 + r.below(26))}.,${r.pick(CITIES)},${r.pick(PRODUCTS)},${1 + r.below(20)},${price.toFixed(2)},2023-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}\n`);
  }
  return out.join("");
}

function sqlDump(customers, orders, seed) {
  const r = new Rng(seed);
  const out = ["BEGIN;\n",
    "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, since INTEGER NOT NULL);\n",
    "CREATE TABLE product(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL);\n",
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customer(id), product INTEGER NOT NULL REFERENCES product(id), quantity INTEGER NOT NULL, day INTEGER NOT NULL, note TEXT);\n"];
  PRODUCTS.forEach((p, i) => out.push(`INSERT INTO product VALUES(${i + 1},'${p}',${((i + 3) * 7.25).toFixed(2)});\n`));
  for (let i = 1; i <= customers; i++) out.push(`INSERT INTO customer VALUES(${i},'${r.pick(NAMES)} ${r.pick(NAMES)}son','${r.pick(CITIES)}',${2000 + r.below(24)});\n`);
  for (let i = 1; i <= orders; i++) {
    const note = r.below(4) === 0 ? `'${r.pick(WORDS)} ${r.pick(WORDS)} ${r.pick(WORDS)}'` : "NULL";
    out.push(`INSERT INTO orders VALUES(${i},${1 + r.below(customers)},${1 + r.below(PRODUCTS.length)},${1 + r.below(9)},${r.below(730)},${note});\n`);
  }
  out.push("COMMIT;\n");
  return out.join("");
}

/** Runs a sysroot program (through its loader) with stdin from a file and stdout to a file. */
function runTool(sysroot, bin, args, inFile, outFile) {
  const loader = path.join(sysroot, "lib/ld-linux.so.2");
  const libs = ["lib/i386-linux-gnu", "usr/lib/i386-linux-gnu"].map((d) => path.join(sysroot, d)).join(":");
  const argv = [loader, "--library-path", libs, path.join(sysroot, bin), ...args];
  const run = (cmd) => {
    const inFd = fs.openSync(inFile, "r"), outFd = fs.openSync(outFile, "w");
    try { return spawnSync(cmd[0], cmd.slice(1), { stdio: [inFd, outFd, "pipe"], env: {} }); } finally { fs.closeSync(inFd); fs.closeSync(outFd); }
  };
  let r = run(argv);
  if (r.error && ["ENOEXEC", "EACCES"].includes(r.error.code)) {
    const qemu = ["/usr/bin/qemu-i386", "/usr/local/bin/qemu-i386"].find((q) => fs.existsSync(q));
    if (qemu) r = run([qemu, ...argv]);
  }
  if (r.error || r.status !== 0) throw new Error(`inputs.mjs: ${bin} ${args.join(" ")} failed: ${r.error?.message ?? `status ${r.status}: ${r.stderr}`}`);
}

export const INPUT_SIZES = Object.keys(SIZES);
export const stampFile = (out, size) => path.join(out, `.cdvm-inputs-${size}`);

/** Makes one size's inputs unless its stamp is current; returns whether it made them. */
export function generate(out, sysroot, size) {
  const s = SIZES[size];
  if (!s) throw new Error(`inputs.mjs: unknown size ${size} (sizes: ${INPUT_SIZES.join(", ")})`);
  const stamp = stampFile(out, size);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === INPUTS_VERSION) return false;
  fs.mkdirSync(out, { recursive: true });
  fs.rmSync(stamp, { force: true });
  {
    const seed = size === "small" ? 1 : 2;
    const txt = path.join(out, `text-${size}.txt`);
    fs.writeFileSync(txt, text(s.textBytes, 0x9e3779b9 ^ seed));
    fs.writeFileSync(path.join(out, `orders-${size}.csv`), csv(s.csvRows, 0x85ebca6b ^ seed));
    fs.writeFileSync(path.join(out, `shop-${size}.sql`), sqlDump(s.customers, s.orders, 0xc2b2ae35 ^ seed));
    runTool(sysroot, "bin/gzip", ["-c", "-6", "-n"], txt, `${txt}.gz`);
    runTool(sysroot, "usr/bin/xz", ["-c", "-6", "-T1"], txt, `${txt}.xz`);
    runTool(sysroot, "bin/bzip2", ["-c", "-9"], txt, `${txt}.bz2`);
  }
  fs.writeFileSync(stamp, INPUTS_VERSION + "\n");
  return true;
}

/** SHA-256 and size of every input file of a size (stamps excluded), sorted by name. */
export function inputHashes(dir, size) {
  const out = {};
  for (const f of fs.readdirSync(dir).filter((f) => !f.startsWith(".") && f.includes(`-${size}.`)).sort()) {
    const data = fs.readFileSync(path.join(dir, f));
    out[f] = { sha256: crypto.createHash("sha256").update(data).digest("hex"), bytes: data.length };
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const a = process.argv.slice(2);
  if (a[0] === "--print-version") { process.stdout.write(INPUTS_VERSION + "\n"); process.exit(0); }
  const opt = (k) => { const i = a.indexOf(k); return i >= 0 ? a[i + 1] : undefined; };
  const out = opt("--out"), sysroot = opt("--sysroot"), size = opt("--size") ?? "all";
  if (!out || !sysroot) { process.stderr.write("usage: node bench/real/inputs.mjs --out DIR --sysroot SYSROOT [--size small|ref|all]\n"); process.exit(2); }
  for (const sz of size === "all" ? INPUT_SIZES : [size]) {
    const made = generate(path.resolve(out), path.resolve(sysroot), sz);
    process.stderr.write(made ? `bench/real/inputs.mjs: generated the ${sz} inputs in ${out}\n` : `bench/real/inputs.mjs: the ${sz} inputs are already in ${out}\n`);
  }
}
