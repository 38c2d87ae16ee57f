// Worker-thread entry: registers tsx's loader in this thread (as bin/cdvm does in the main thread), then starts the backend worker.
import { register } from "tsx/esm/api";
register();
await import("./worker.ts");
