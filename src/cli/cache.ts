/**
 * `cdvm cache`: what the persistent translation cache (translate/tcache.ts)
 * holds, or clearing it. One line on stdout either way.
 */
import { clearTCache, listTCache } from "../translate/tcache.ts";

export function cacheCommand(dir: string, clear: boolean): number {
  if (clear) {
    const n = clearTCache(dir);
    process.stdout.write(`cdvm: removed ${n} translation cache file${n === 1 ? "" : "s"} from ${dir}\n`);
    return 0;
  }
  const { files, bytes } = listTCache(dir);
  process.stdout.write(`${dir}: ${files} file${files === 1 ? "" : "s"}, ${bytes} bytes\n`);
  return 0;
}
