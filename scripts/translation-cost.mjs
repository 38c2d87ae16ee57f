#!/usr/bin/env node
// Runs scripts/translation-cost.ts from a bundle (bin/bundle.mjs), as bin/cdvm runs cdvm: through tsx's
// per-file transform the emitter runs ~3x slower, which is no measure of what a run's worker spends.
import { pathToFileURL } from "node:url";
import { bundle } from "../bin/bundle.mjs";

await import(pathToFileURL(bundle("scripts/translation-cost.ts")).href);
