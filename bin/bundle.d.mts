/** See bundle.mjs: path of the plain-JavaScript bundle of a TypeScript entry point, rebuilt when stale. */
export function bundle(entry: string): string;
