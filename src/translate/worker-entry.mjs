// Worker-thread entry. Binaryen is imported before tsx's loader is registered in this thread:
// through the loader its 10 MB module takes seconds to load, natively a few hundred milliseconds.
// Then tsx is registered (as bin/cdvm does in the main thread) and the TypeScript worker starts.
import "binaryen";
import { register } from "tsx/esm/api";
register();
await import("./worker.ts");
