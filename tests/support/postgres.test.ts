import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPostgres, startPostgres, type PostgresCluster } from "./postgres.js";

// One cluster for the file; tests that stop a cluster start their own.
const started = await startPostgres();
const skip = "skipped" in started ? started.skipped : null;
if (skip) console.warn(`aviso: se omiten las pruebas del clúster de PostgreSQL: ${skip}`);
const pg = started as PostgresCluster;
afterAll(() => (skip ? undefined : pg.stop()));

describe("finding PostgreSQL", () => {
  it("says why when there are no server binaries, so that a test can skip and say so", async () => {
    expect(findPostgres({ path: "/nonexistent", roots: ["/nonexistent"] })).toEqual({ missing: expect.stringContaining("initdb") });
    expect(await startPostgres({ path: "", roots: [] })).toEqual({ skipped: expect.stringContaining("no se encontraron initdb y pg_ctl") });
  });
});

describe.skipIf(skip)("a throwaway PostgreSQL cluster", () => {
  it("runs SQL through psql and answers in CSV", async () => {
    expect(await pg.run("SELECT 1 AS uno, 'dos' AS dos")).toBe("uno,dos\n1,dos\n");
    expect(await pg.query("SELECT current_setting('server_encoding') AS e, current_setting('fsync') AS f")).toEqual([["e", "f"], ["UTF8", "off"]]);
  });

  it("stops at the first SQL error and says what it was", async () => {
    await expect(pg.run("SELECT 1; SELECT * FROM no_existe; SELECT 2")).rejects.toThrow(/relation "no_existe" does not exist/);
  });

  it("copies CSV in, an empty quoted field as '' and an empty unquoted one as NULL, line breaks inside quotes kept", async () => {
    await pg.run("CREATE TABLE copia (a text, b text)");
    await pg.copyIn("copia", 'a,b\nx,"1\n2"\ny,\n"",z\n', { header: true });
    expect(await pg.query("SELECT a, b, b IS NULL AS nulo FROM copia ORDER BY a")).toEqual([
      ["a", "b", "nulo"],
      ["", "z", "f"],
      ["x", "1\n2", "f"],
      ["y", "", "t"],
    ]);
  });

  it("lives in a temporary folder, and runs as the postgres OS user when we are root", async () => {
    expect(pg.host.startsWith(resolve(process.env.TMPDIR ?? "/tmp"))).toBe(true);
    expect(existsSync(join(pg.host, `.s.PGSQL.${pg.port}`))).toBe(true);
    const owner = statSync(join(pg.host, "data")).uid;
    if (process.getuid?.() === 0) expect(owner).not.toBe(0);
    else expect(owner).toBe(process.getuid?.());
  });

  it("stops and deletes its folder", async () => {
    const other = await startPostgres();
    if ("skipped" in other) throw new Error(other.skipped);
    const pid = Number(readFileSync(join(other.host, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    await other.stop();
    expect(existsSync(other.host)).toBe(false);
    // pg_ctl returns once the server has removed its pid file, a moment before it exits
    expect(await gone(pid, 5_000)).toBe(true);
    await other.stop(); // a second time does nothing
  });

  it("is stopped and deleted even when the process that started it is killed", async () => {
    // A child starts a cluster, prints its folder and server pid, and is killed with SIGKILL:
    // no exit handler runs, the watchdog started beside the cluster cleans up.
    const code = `import { startPostgres } from ${JSON.stringify(resolve(import.meta.dirname, "postgres.ts"))};
      import { readFileSync } from "node:fs";
      const pg = await startPostgres();
      if ("skipped" in pg) { console.log("SKIP"); process.exit(0); }
      console.log(pg.host, readFileSync(pg.host + "/data/postmaster.pid", "utf8").split("\\n")[0]);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((done) => child.stdout.once("data", (d: Buffer) => done(d.toString().trim())));
    const [host, pid] = line.split(" ");
    expect(existsSync(host)).toBe(true);
    child.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while ((existsSync(host) || alive(Number(pid))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(host)).toBe(false);
    expect(await gone(Number(pid), 5_000)).toBe(true);
  }, 30_000);
});

/** A process that has exited (or is a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}
