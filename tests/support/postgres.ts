/**
 * A throwaway PostgreSQL cluster for tests and the bench: `initdb` into a temporary folder,
 * `postgres` on a free port with its unix socket in that folder (no TCP), trust
 * authentication, and everything deleted by `stop()` — or, if the process dies without
 * calling it, at exit and by a watchdog that outlives a killed process. No mock database:
 * what the tests check is what PostgreSQL stores.
 *
 * Where PostgreSQL cannot run (no binaries, root without a `postgres` user, initdb or start
 * failing), `startPostgres` returns `{ skipped: reason }` so that a test can skip and say why.
 *
 * PostgreSQL refuses to run as root (CI runs as root): then initdb and the server run as the
 * `postgres` OS user, through `runuser -u postgres --` (or `su postgres -s /bin/sh -c`), and
 * the folder is handed to that user. psql, the client, runs as whoever we are.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { accessSync, chownSync, constants, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The programs of one PostgreSQL installation. */
export interface PostgresBinaries {
  bindir: string;
  initdb: string;
  pgCtl: string;
  psql: string;
  /** `15.8`, from `pg_ctl --version`. */
  version: string;
}

export interface FindOptions {
  /** Directories to search first, as $PATH lists them (default: $MASB_PG_BINDIR, then $PATH). */
  path?: string;
  /** Where distributions install versioned binaries (default: /usr/lib/postgresql, /usr/pgsql-*, /opt). */
  roots?: string[];
}

/** An executable file (not a folder) at p. */
const isFile = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Numeric sort key of a folder like `15` or `pgsql-16`, so the newest version is tried first. */
const versionKey = (name: string) => Number(/(\d+(?:\.\d+)?)/.exec(name)?.[1] ?? 0);

/**
 * Finds initdb, pg_ctl and psql: a directory of $MASB_PG_BINDIR or $PATH that has initdb and
 * pg_ctl (Debian puts only wrappers and psql in /usr/bin), else the newest
 * /usr/lib/postgresql/<version>/bin (Debian, Ubuntu) or /usr/pgsql-<version>/bin (RHEL).
 * Returns why not when none has them.
 */
export function findPostgres(options: FindOptions = {}): PostgresBinaries | { missing: string } {
  const path = options.path ?? [process.env.MASB_PG_BINDIR, process.env.PATH].filter(Boolean).join(delimiter);
  const candidates = path.split(delimiter).filter(Boolean);
  for (const root of options.roots ?? ["/usr/lib/postgresql", "/usr/pgsql", "/usr"]) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    const versioned = root === "/usr" ? names.filter((n) => n.startsWith("pgsql-")) : names;
    for (const n of versioned.sort((a, b) => versionKey(b) - versionKey(a))) candidates.push(join(root, n, "bin"));
  }
  const searched: string[] = [];
  for (const bindir of candidates) {
    searched.push(bindir);
    const initdb = join(bindir, "initdb");
    const pgCtl = join(bindir, "pg_ctl");
    if (!isFile(initdb) || !isFile(pgCtl)) continue;
    const out = spawnSync(pgCtl, ["--version"], { encoding: "utf8" });
    if (out.status !== 0) continue;
    const psqlHere = join(bindir, "psql");
    const psql = isFile(psqlHere) ? psqlHere : whichOnPath("psql", path);
    if (!psql) continue;
    return { bindir, initdb, pgCtl, psql, version: /(\d+(?:\.\d+)*)/.exec(out.stdout)?.[1] ?? "?" };
  }
  return { missing: `no se encontraron initdb y pg_ctl de PostgreSQL en $PATH ni en /usr/lib/postgresql/*/bin (buscados: ${searched.length} directorios)` };
}

function whichOnPath(program: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) if (isFile(join(dir, program))) return join(dir, program);
  return null;
}

/** The OS user the server runs as: ourselves, or `postgres` when we are root. */
interface RunAs {
  /** Prefix that runs a program as that user (empty: as ourselves). */
  wrap: (program: string, args: string[]) => { program: string; args: string[] };
  uid: number;
  gid: number;
  name: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function runAs(): RunAs | { missing: string } {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { wrap: (program, args) => ({ program, args }), uid, gid: process.getgid?.() ?? -1, name: "" };
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const u = id("-u");
  const g = id("-g");
  if (u.status !== 0 || g.status !== 0) {
    return { missing: "se ejecuta como root y PostgreSQL no corre como root, pero no existe el usuario del sistema 'postgres' (lo crea el paquete postgresql de Debian)" };
  }
  const runuser = whichOnPath("runuser", `${process.env.PATH ?? ""}${delimiter}/usr/sbin${delimiter}/sbin`);
  const wrap = runuser
    ? (program: string, args: string[]) => ({ program: runuser, args: ["-u", "postgres", "--", program, ...args] })
    : (program: string, args: string[]) => ({ program: "su", args: ["postgres", "-s", "/bin/sh", "-c", [program, ...args].map(shellQuote).join(" ")] });
  return { wrap, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()), name: "postgres" };
}

/** A TCP port nobody listens on now (the server listens on its unix socket only, but names it by port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("sin puerto"))));
    });
  });
}

/** A running throwaway cluster. */
export interface PostgresCluster {
  /** The socket directory (libpq's `host`). */
  host: string;
  port: number;
  user: string;
  database: string;
  /** `host=… port=… user=postgres dbname=postgres`: for psql -d, or the loader's --postgres. */
  conninfo: string;
  binaries: PostgresBinaries;
  /** Environment for a psql of one's own (client encoding UTF-8, no ~/.psqlrc surprises). */
  env: NodeJS.ProcessEnv;
  /** Runs SQL through `psql -X -v ON_ERROR_STOP=1 --csv`; resolves to what psql printed (CSV, a header line per result). */
  run(sql: string): Promise<string>;
  /** Like `run`, with psql's CSV parsed into rows of text (header included; NULL and '' both come as ''). */
  query(sql: string): Promise<string[][]>;
  /** `COPY <table> FROM STDIN (FORMAT csv)` of a CSV text or the contents of a file. */
  copyIn(table: string, data: string | { file: string }, options?: { header?: boolean }): Promise<void>;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export type StartResult = PostgresCluster | { skipped: string };

export interface StartOptions extends FindOptions {
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
}

const tail = (text: string, lines = 6) => text.trim().split("\n").slice(-lines).join(" | ");

/**
 * Starts a throwaway cluster, or says why it cannot. Settings favour speed over durability
 * (fsync off, WAL minimal): the data dies with the folder anyway.
 */
export async function startPostgres(options: StartOptions = {}): Promise<StartResult> {
  const found = findPostgres(options);
  if ("missing" in found) return { skipped: found.missing };
  const as = runAs();
  if ("missing" in as) return { skipped: as.missing };
  const dir = mkdtempSync(join(tmpdir(), "masb-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "postgres.log");
  const sync = (program: string, args: string[]): SpawnSyncReturns<string> => {
    const w = as.wrap(program, args);
    return spawnSync(w.program, w.args, { encoding: "utf8", cwd: dir, env: { ...process.env, LC_ALL: "C" } });
  };
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });
  if (as.name) chownSync(dir, as.uid, as.gid);
  const init = sync(found.initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
  if (init.status !== 0) {
    cleanupDir();
    return { skipped: `initdb falló (PostgreSQL ${found.version}, ${found.bindir}): ${tail(`${init.stderr}${init.error?.message ?? ""}`)}` };
  }
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "''",
    unix_socket_directories: shellQuote(dir),
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    wal_level: "minimal",
    max_wal_senders: "0",
    ...options.settings,
  };
  // pg_ctl hands -o to a shell: values are shell-quoted where they need it.
  const serverOptions = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
  const stopArgs = ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"];
  const start = sync(found.pgCtl, ["-D", data, "-l", log, "-w", "-t", "60", "-o", serverOptions, "start"]);
  if (start.status !== 0) {
    const serverLog = existsSync(log) ? readFileSync(log, "utf8") : "";
    sync(found.pgCtl, stopArgs);
    cleanupDir();
    return { skipped: `PostgreSQL ${found.version} no arrancó: ${tail(`${start.stderr}\n${serverLog}`)}` };
  }

  // If this process dies without stop() — killed, or a test runner that exits hard — a
  // watchdog of our own stops the server and deletes the folder once our pid is gone.
  const stopCommand = as.wrap(found.pgCtl, stopArgs);
  const watchdog = spawn(
    "/bin/sh",
    ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ${[stopCommand.program, ...stopCommand.args].map(shellQuote).join(" ")} >/dev/null 2>&1; rm -rf ${shellQuote(dir)}`],
    { detached: true, stdio: "ignore" },
  );
  watchdog.unref();
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stopNow);
    if (watchdog.pid !== undefined) {
      try {
        process.kill(watchdog.pid);
      } catch {
        // already gone
      }
    }
    sync(found.pgCtl, stopArgs);
    cleanupDir();
  };
  process.on("exit", stopNow);

  const user = "postgres";
  const database = "postgres";
  const env: NodeJS.ProcessEnv = { ...process.env, PGCLIENTENCODING: "UTF8", PGCONNECT_TIMEOUT: "10", PGOPTIONS: "" };
  const connArgs = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir, "-p", String(port), "-U", user, "-d", database];

  const psql = (args: string[], input: string | { file: string }): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(found.psql, [...connArgs, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`psql terminó con código ${code}: ${err.trim()}`))));
      child.stdin.on("error", () => {}); // psql may exit early on an error; its code says why
      if (typeof input === "string") child.stdin.end(input);
      else createReadStream(input.file).pipe(child.stdin);
    });

  const cluster: PostgresCluster = {
    host: dir,
    port,
    user,
    database,
    conninfo: `host=${dir} port=${port} user=${user} dbname=${database}`,
    binaries: found,
    env,
    run: (sql) => psql(["--csv", "-f", "-"], sql),
    async query(sql) {
      const { parse } = await import("csv-parse/sync");
      return parse(await psql(["--csv", "-f", "-"], sql), { relax_column_count: true }) as string[][];
    },
    async copyIn(table, data, opts = {}) {
      await psql(["-c", `COPY ${table} FROM STDIN (FORMAT csv${opts.header ? ", HEADER true" : ""})`], data);
    },
    async stop() {
      stopNow();
    },
  };
  return cluster;
}
