// Injected into the CommonJS builds by scripts/tsup-dual.mjs: `import.meta.url`
// becomes this, the file URL of the output file (pathToFileURL keeps `#`, `%`
// and spaces in the path exact, which tsup's own `file:${__filename}` does not).
import { pathToFileURL } from 'node:url';

// A call marked pure, so that esbuild drops it from files that never read it.
const fileUrl = () => pathToFileURL(__filename).href;
export const importMetaUrl = /* @__PURE__ */ fileUrl();
