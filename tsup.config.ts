import { defineConfig } from "tsup";

export default defineConfig({
  // worker: the worker threads that read fact files (src/node/parallel.ts loads ./worker.js beside the bundle).
  // core: the browser/edge-safe entry (masb/core, and "." under the browser condition).
  // metodos: the epidemiological methods over plain numbers (masb/metodos).
  entry: { index: "src/index.ts", core: "src/core.ts", metodos: "src/metodos.ts", cli: "src/cli/main.ts", launch: "src/cli/launch.ts", worker: "src/node/worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", core: "src/core.ts", metodos: "src/metodos.ts" } },
  sourcemap: true,
  clean: true,
  shims: true,
  target: "node20",
  // The DuckDB motor's engine: an optional peer dependency, loaded with import() when asked for, never bundled.
  external: ["@duckdb/node-api"],
});
