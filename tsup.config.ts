import { defineConfig } from "tsup";

export default defineConfig({
  // worker: the worker threads that read fact files (src/node/parallel.ts loads ./worker.js beside the bundle).
  entry: { index: "src/index.ts", cli: "src/cli/main.ts", worker: "src/node/worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  shims: true,
  target: "node20",
});
