import { resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "./helpers.js";

/**
 * `@duckdb/node-api` is an optional peer dependency: masb installs without it. Asked for the
 * DuckDB motor without it, the CLI says what to install, in Spanish, and exits 2. (The package
 * is installed here, for the other tests: its import is made to fail as a missing package's does.)
 */
vi.mock("@duckdb/node-api", () => {
  throw Object.assign(new Error("Cannot find package '@duckdb/node-api'"), { code: "ERR_MODULE_NOT_FOUND" });
});

describe("the DuckDB motor without @duckdb/node-api", () => {
  it("says how to install it and exits 2, before reading anything", async () => {
    const run = await runCli(["compute", resolve(import.meta.dirname, "../fixtures/demo"), "--motor", "duckdb"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error [MASB_DUCKDB_NO_INSTALADO] el motor duckdb necesita el paquete @duckdb/node-api");
    expect(run.stderr).toContain("npm install @duckdb/node-api");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).toBe("");
  });
});
