/**
 * The request slot between the translator and its backend worker: a
 * SharedArrayBuffer holding a header of Int32 counters and one request's
 * bytes (remote.ts writes, worker.ts reads).
 */
/** Header indices: requests written, requests taken by the worker, the current one's byte length, kind and id (its reply carries it). */
export const REQ_WRITTEN = 0, REQ_TAKEN = 1, REQ_LENGTH = 2, REQ_KIND = 3, REQ_ID = 4;
/** Request kinds: regions' guest code to translate (request.ts); a module's WebAssembly bytes to compile (a recalled translation). */
export const KIND_REGIONS = 0, KIND_WASM = 1;
/** Where the bytes start, and how many fit: a module of MODULE_BLOCKS blocks of the longest kind needs well under this. */
export const REQ_DATA = 32, REQ_CAPACITY = 64 << 20;
