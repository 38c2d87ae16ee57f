/** See bundle.mjs: path of the plain-JavaScript bundle of a TypeScript entry point, rebuilt when stale. */
export function bundle(entry: string): string;
/** The project's root directory: the nearest one above bundle.mjs holding src/. */
export const ROOT: string;
