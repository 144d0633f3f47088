import type { Catalog, Indicator, Source } from "../catalog/load.js";
import { NIVELES, type ClaveIntento, type Nivel } from "../catalog/schema.js";
import { DataError, MasbError, type Aviso } from "../errors.js";
import { compileFilter, formatIsoDate, monthIndexOfDays, type EvalContext } from "../expr/index.js";
import { ENTIDAD_NO_ESPECIFICADA, Hierarchy, type RegionInfo, type UnitInfo } from "../hierarchy/index.js";
import { mergeUnclosed, RawRecord, readSource, unclosedQuoteProblem, type Chunks, type FileProblem, type ReadPart, type RecordObject, type Rejection, type RowSink, type Unclosed } from "../sources/reader.js";
import { noNetworkError, regionalisationAvisos, sourceAvisos, suggestClues } from "./avisos.js";
import type { Grain } from "./evaluate.js";
import { monthIndex } from "./periods.js";
import { compileAccumulator, planFor, type Accumulator, type Plan, type SourcePlan } from "./plan.js";
import { KeyHasher, SeenKeys, sharesAKey } from "./keys.js";
import { QUOTED } from "../sources/csv.js";
import { Bucket, SourceStore } from "./store.js";

/** One input of a source: a name for messages and a way to get its bytes or text, once. */
export interface SourceInput {
  name: string;
  open(): Chunks;
  /** The file on disk, when the input is one: lets worker threads read it themselves. */
  path?: string;
  /** Its size in bytes, to share files out among workers. */
  size?: number;
}

/** An extract: the inputs of each source, by source name. A source with no inputs is missing (`sin_datos`). */
export type Extract = Map<string, SourceInput[]>;

/** Read, accepted and rejected rows of one input file. */
export interface FileReport {
  source: string;
  file: string;
  read: number;
  accepted: number;
  rejected: number;
  /**
   * Accepted rows that a universe's key left out, by universe (`red`: another institution's
   * CLUES, a birth outside a unit; `residentes`: residence abroad, or an entidad outside the
   * extract's network): valid input, in none of that universe's aggregates. Absent when none.
   */
  fueraDeAlcance?: Record<string, number>;
  /** Wide files (SIS): the variable columns of its header (those the pivot's pattern matches), read or not. */
  variables?: string[];
}

export type ProgressEvent =
  | { kind: "archivo"; source: string; file: string }
  | { kind: "renglones"; source: string; file: string; read: number }
  | { kind: "fin_archivo"; report: FileReport };

/** What to read and how strictly. */
export interface IngestOptions {
  /** Indicator ids, aliases or tags (`C9`, `fase:1`, `impacto`) to compute; all when empty. */
  only?: string[];
  /** Stop at the first rejected row with a `DataError`. */
  strict?: boolean;
  /** Receives every rejected row as it happens (the CLI writes them to the `rechazos` file). */
  onReject?: (r: Rejection & { source: string }) => void;
  onProgress?: (e: ProgressEvent) => void;
  /**
   * Record, for one org unit and everything below it, how many rows each aggregate counted
   * and the first few of them (file and line): what `masb explain --unit` shows.
   */
  trace?: { nivel: Nivel; key: string; lines?: number };
  /**
   * How many threads read the fact files (every source but the CLUES catalog and the
   * regionalisation, which build the hierarchy first). 1 reads everything in this thread.
   * Takes effect only with a `runner` (the Node entry points pass one); the default there is
   * the number of cores, and small extracts are read in this thread anyway.
   */
  workers?: number;
  /** Reads fact files in other threads (see `src/node/parallel.ts`); without it, everything is read here. */
  runner?: FileRunner;
}

/** Rows an aggregate took at the traced org unit (and below). */
export interface TraceEntry {
  source: string;
  slot: number;
  count: number;
  first: { file: string; line: number; period: number }[];
}

/** Everything one pass over the extract leaves: the partial sums, the hierarchy, the reports. */
export interface Ingested {
  catalog: Catalog;
  indicators: Indicator[];
  plan: Plan;
  /** The partial sums of each source, rolled up the hierarchy. */
  stores: Map<string, SourceStore>;
  hierarchy: Hierarchy;
  files: FileReport[];
  problems: FileProblem[];
  /**
   * Sources the selected indicators need that the extract does not have, or whose files hold
   * no accepted row (empty, header only, every row rejected): their indicators are `sin_datos`.
   */
  missingSources: string[];
  /**
   * Warnings of the pass: sources missing or without rows, no regionalisation, units without
   * one (see `Aviso`). `compute` adds those of the listing and the evaluation.
   */
  avisos: Aviso[];
  /** Latest month index with data in a monthly source, or -1. */
  latestMonth: number;
  trace?: Map<string, TraceEntry>;
  /**
   * For sources that require a monthly report (`exige_reporte`): per file (SIS apartado) and
   * month, which units sent a row. A unit missing from any file in a month is incomplete.
   */
  reports: Map<string, Map<string, Map<number, Uint8Array>>>;
}

const REQUIRED_CLUES_COLUMNS = ["clues", "clave_entidad", "entidad", "clave_jurisdiccion", "jurisdiccion", "nombre"];
const REQUIRED_REGION_COLUMNS = ["clues", "clave_region", "region", "clave_zona", "zona"];

/** Picks indicators by id, alias, componente, fase (`fase:2` or `2`) or dimension. */
export function selectIndicators(catalog: Catalog, only: string[] | undefined): Indicator[] {
  if (!only || only.length === 0) return catalog.indicators;
  const picked = new Set<Indicator>();
  for (const token of only) {
    const byId = catalog.byId.get(token);
    if (byId) {
      picked.add(byId);
      continue;
    }
    const fase = /^(?:fase:)?([123])$/.exec(token);
    const hits = catalog.indicators.filter((i) =>
      (i.def.componentes as string[]).includes(token) || i.def.dimension === token || (fase !== null && i.def.fases.includes(Number(fase[1]) as 1 | 2 | 3)));
    if (hits.length === 0) throw new MasbError("MASB_SELECCION_DESCONOCIDA", `'${token}' no es un id, alias, componente, fase ni dimensión del catálogo`, { value: token });
    for (const h of hits) picked.add(h);
  }
  return catalog.indicators.filter((i) => picked.has(i));
}

/** How a source's rows are bucketed in time. */
export function grainOf(source: Source): Grain {
  const p = source.def.periodo;
  if (!p) return "ninguno";
  return p.fecha || p.mes ? "mes" : "anio";
}


// ---------------------------------------------------------------------------------------
// Reading fact files elsewhere (worker threads): what crosses the thread boundary.

/** What a worker needs to read fact files exactly as `ingest` would here. Structured-clone friendly. */
export interface WorkerJob {
  catalog: Catalog;
  /** Ids of the selected indicators, in catalog order: the worker rebuilds the same plan. */
  indicators: string[];
  units: UnitInfo[];
  regions: [string, RegionInfo][];
  excluded: string[];
  /** Per source, per slot: the nodes whose rows count (aggregates with a `unidad` condition). */
  unitMasks: Record<string, (Uint8Array | null)[]>;
}

/** One fact file to read; `index` is its place in the deterministic reading order. */
export interface FileTask {
  index: number;
  source: string;
  file: string;
  path: string;
  size: number;
  /**
   * Tasks with the same group are read by one thread, one after the other in index order,
   * with one reader and one key set: what one thread would do with a source's files. The
   * runner is handed such a group when reading them apart did not give that (see `ingest`).
   */
  group?: string;
  /**
   * The source has a natural key (`llave`). Its files (and their parts) are read apart, each
   * with a key set of its own that it hands back (`FilePartial.keys`); once all are read, a
   * key in two of them sends the source to be read again as a group.
   */
  keyed?: boolean;
  /** A byte range of a big file, read apart from the rest of it (the runner splits files). */
  part?: FilePart;
}

/**
 * A part of a file: bytes [start, end), starting after a line break. The parts of a file
 * cover it: the first starts at 0, the last ends at its size.
 */
export interface FilePart {
  /** Its place among the file's `n` parts, from 0. */
  k: number;
  n: number;
  start: number;
  end: number;
  /** Bytes of the file's first line, its header, which a later part reads first to bind the columns. */
  head: number;
}

/** The partial sums of one bucket, as plain arrays (transferable). */
export interface PartialBucket {
  key: number;
  a: Float64Array;
  b: Float64Array;
  rows: Float64Array;
  sets: Map<number, Set<unknown>>;
}

/** Everything reading one file leaves, before it is added to the totals. */
export interface FilePartial {
  index: number;
  report: FileReport;
  latest: number;
  /** `exige_reporte`: per month, which units sent a row (null when the file had no row at all). */
  sent: Map<number, Uint8Array> | null;
  rejections: Rejection[];
  problems: FileProblem[];
  buckets: PartialBucket[];
  /**
   * A part of a file (`FileTask.part`): which, whether it ended at a record's end (a part
   * that is not the last; see `ReadOutcome.clean`), and its quotes that never closed.
   */
  part?: { k: number; n: number; clean: boolean; unclosed?: Unclosed };
  /** A keyed task read alone: the keys it accepted, sorted (a, b) pairs (`SeenKeys.sortedPairs`). */
  keys?: Int32Array;
  /** A part of a file of a source with `unico`: its rows' keys, sorted (a, b) pairs; the file's parts must not share one. */
  uniqueKeys?: Int32Array;
}

/** Runs `FileTask`s somewhere else and hands back each task's partial sums, in any order. */
export interface FileRunner {
  /** How many threads it would use for these tasks; 1 or less means: read them here. */
  threadsFor(tasks: FileTask[], requested: number | undefined): number;
  /**
   * Reads the tasks in `threads` threads, handing each task's partial sums to `on.partial`;
   * it may split a big file into parts (`FileTask.part`), each handed back on its own. With
   * `on.local`, this thread is one of them: it reads too, between messages, a task (or a
   * group, see `FileTask.group`) at a time, opening it with `open`. `on.partial` may hand
   * back more tasks (`more`), read before the rest; `run` ends once they are read too.
   */
  run(job: WorkerJob, tasks: FileTask[], threads: number, on: {
    partial(p: FilePartial, more: (group: FileTask[]) => void): void;
    progress(e: ProgressEvent): void;
    local?(tasks: FileTask[], each: (p: FilePartial) => void, open: (task: FileTask) => Promise<TaskInput>, progress: (task: FileTask, read: number) => void): Promise<void>;
  }): Promise<void>;
  /** Allocates the arrays of the totals, in memory that its threads can share (so that evaluating in them needs no copy). */
  allocate?: (length: number) => Float64Array;
}

/**
 * An `Ingested` as another thread can rebuild it (`restoreIngested`), to evaluate some of its
 * indicators there. Structured-clone friendly; the bucket arrays may be shared memory.
 */
export interface IngestedSnapshot extends WorkerJob {
  stores: Record<string, PartialBucket[]>;
  files: FileReport[];
  problems: FileProblem[];
  missingSources: string[];
  avisos: Aviso[];
  latestMonth: number;
  reports: Map<string, Map<string, Map<number, Uint8Array>>>;
}

/** What built each `Ingested`'s hierarchy, kept aside for `snapshotOf`. */
const hierarchyInputs = new WeakMap<Ingested, Pick<IngestedSnapshot, "units" | "regions" | "excluded">>();

/** The snapshot of an `Ingested` made by `ingest` (null for one built otherwise). */
export function snapshotOf(ingested: Ingested): IngestedSnapshot | null {
  const inputs = hierarchyInputs.get(ingested);
  if (!inputs) return null;
  const stores: Record<string, PartialBucket[]> = {};
  const unitMasks: Record<string, (Uint8Array | null)[]> = {};
  for (const [name, store] of ingested.stores) {
    stores[name] = [...store.buckets].map(([key, b]) => ({ key, a: b.a, b: b.b, rows: b.rows, sets: b.sets }));
    unitMasks[name] = ingested.plan.sources.get(name)!.slots.map((s) => s.unitMask);
  }
  return {
    catalog: ingested.catalog, indicators: ingested.indicators.map((i) => i.id), ...inputs, unitMasks, stores,
    files: ingested.files, problems: ingested.problems, missingSources: ingested.missingSources, avisos: ingested.avisos, latestMonth: ingested.latestMonth, reports: ingested.reports,
  };
}

/** Rebuilds an `Ingested` from its snapshot: the same plan, hierarchy and partial sums (rolled up already). */
export function restoreIngested(s: IngestedSnapshot): Ingested {
  const byId = new Map(s.catalog.indicators.map((i) => [i.id, i]));
  const indicators = s.indicators.map((id) => byId.get(id)!);
  const plan = planFor(s.catalog, indicators);
  const hierarchy = new Hierarchy(s.units, new Map(s.regions), s.excluded);
  const stores = new Map<string, SourceStore>();
  for (const [name, sp] of plan.sources) {
    const masks = s.unitMasks[name];
    if (masks) sp.slots.forEach((slot, k) => (slot.unitMask = masks[k] ?? null));
    const store = new SourceStore(sp, storeNodes(sp, hierarchy));
    for (const p of s.stores[name] ?? []) store.buckets.set(p.key, Bucket.over(p));
    stores.set(name, store);
  }
  const ingested: Ingested = {
    catalog: s.catalog, indicators, plan, stores, hierarchy, files: s.files, problems: s.problems,
    missingSources: s.missingSources, avisos: s.avisos, latestMonth: s.latestMonth, reports: s.reports,
  };
  hierarchyInputs.set(ingested, { units: s.units, regions: s.regions, excluded: s.excluded });
  return ingested;
}

// ---------------------------------------------------------------------------------------
// Reading one file of one source

/** What reading one file reports as it goes; `reject` may throw (strict mode). */
export interface FileHooks {
  reject(r: Rejection): void;
  problem(p: FileProblem): void;
  progress(read: number): void;
  /** Tracing only: a row counted by a slot at a node. */
  counted?: (slot: number, node: number, line: number, period: number) => void;
}

export interface FileOutcome {
  report: FileReport;
  latest: number;
  sent: Map<number, Uint8Array> | null;
  /** A part that is not the file's last: whether it ended at a record's end (see `ReadOutcome.clean`). */
  clean?: boolean;
  /** A part: its quotes that never closed (reported once per file). */
  unclosed?: Unclosed;
  /** Read `alone`: the natural keys it accepted, as sorted (a, b) pairs. */
  keys?: Int32Array;
  /** A part of a file of a source with `unico`: the keys of its rows, as sorted (a, b) pairs. */
  uniqueKeys?: Int32Array;
}

/** How `SourceReader.read` reads one input besides its bytes. */
export interface ReadOptions {
  /** The size of this file and of the source's files still to read after it, when known (sizes the key set). */
  bytesAhead?: number;
  /** The size of this input (a file, or a part's range), when known (sizes the set of `unico` keys). */
  bytes?: number;
  /** A byte range of the file (a part read on its own). */
  part?: ReadPart;
  /**
   * Read apart from the source's other inputs: with a fresh key set, handed back with the
   * outcome (`keys`) and forgotten, so that the keys of all the parts can be checked together.
   */
  alone?: boolean;
}

/**
 * Reads the files of one planned source into a store: attaches each row to a hierarchy node
 * (by its key, or the aggregates' key overrides), buckets it by period, checks duplicate
 * keys, and hands it to the source's compiled accumulator. Built once per source; used here
 * and in worker threads alike, so both produce the same partial sums.
 *
 * The natural keys of records (`llave`) are remembered across every file it reads, in the
 * order it reads them, until `forgetKeys()`: a source's files must be read by one reader,
 * in reading order, for a duplicate in a later file to be found (and named the same way).
 */
export class SourceReader {
  private readonly attach: (row: unknown[]) => number | Unplaced;
  private readonly overrides: ((row: unknown[]) => number | Unplaced)[];
  private readonly period: (row: unknown[]) => number | null;
  private readonly accumulate: Accumulator;
  /** The universe each key group stands for (group 0: the source's own), and whether any slot reads it. */
  private readonly labels: string[];
  private readonly used: boolean[];
  /** Nodes its store holds: the hierarchy's nodes down to the finest level its keys attach to. */
  readonly nNodes: number;
  /** `llave`: the positions of its columns (empty for the whole record), or null without one. */
  private readonly keyColumns: number[] | null;
  private readonly keyHeaders: string;
  private readonly hasher = new KeyHasher();
  private readonly uniqueHasher = new KeyHasher();
  /** The delimiter's code, to hash a whole record from its text. */
  private readonly delimiter: number;
  /** The keys of the records read since the last `forgetKeys()`. */
  private seenKeys: SeenKeys | null = null;

  constructor(readonly sp: SourcePlan, readonly hierarchy: Hierarchy) {
    const source = sp.source;
    this.attach = attacher(source, hierarchy, source.def.clave, source.def.sin_clave, false);
    // Other universes' keys (by residence, say) never reject a row the source's own key
    // accepts: what they cannot place goes to "no especificada" (or out of their scope).
    const groups = sp.groups.slice(1).map((g) => JSON.parse(g) as { clave: ClaveIntento[]; sin_clave: SinClave; universo: string });
    this.overrides = groups.map((g) => attacher(source, hierarchy, g.clave, g.sin_clave, true));
    this.labels = [source.universo, ...groups.map((g) => g.universo)];
    this.used = sp.groups.map((_, g) => sp.slots.some((s) => s.group === g));
    this.period = periodOf(source);
    this.accumulate = compileAccumulator(sp);
    this.nNodes = storeNodes(sp, hierarchy);
    const llave = source.def.llave;
    this.keyColumns = llave === undefined ? null : llave === "renglon" ? [] : llave.map((c) => source.index.get(c)!);
    this.keyHeaders = Array.isArray(llave) ? llave.map((c) => originalName(source, c)).join("/") : "";
    this.delimiter = source.def.formato.delimitador.charCodeAt(0);
  }

  /** Drops the keys read so far (their memory with them): the source's last file has been read. */
  forgetKeys(): void {
    this.seenKeys = null;
  }

  /**
   * `bytesAhead`: the size of this file and of the source's files still to read after it, when
   * known. With a `llave`, it sizes the key set once, from the density of the first megabyte,
   * instead of doubling it (a doubling leaves the old table as garbage: a national SINAC
   * year peaked at 1.75 times its table).
   */
  async read(file: string, chunks: Chunks, store: SourceStore, hooks: FileHooks, options: ReadOptions = {}): Promise<FileOutcome> {
    const { bytesAhead, bytes, part, alone } = options;
    if (alone) this.seenKeys = null;
    const source = this.sp.source;
    const report: FileReport = { source: source.name, file, read: 0, accepted: 0, rejected: 0 };
    const { attach, overrides, period, accumulate, labels, used } = this;
    const nodes = new Int32Array(this.sp.groups.length);
    const unique = source.def.unico?.map((c) => source.index.get(c)!);
    // Keys of `unico` in this file, by period, as 64-bit hashes (as `llave`'s): no string per row.
    const seen = unique ? new SeenKeys() : null;
    const uniqueHasher = this.uniqueHasher;
    const monthly = grainOf(source) === "mes";
    const hierarchySize = this.hierarchy.size;
    const sent = source.def.exige_reporte ? new Map<number, Uint8Array>() : null;
    let sawRow = false;
    const ctx: EvalContext = { month: 0 };
    const counted = hooks.counted;
    const slots = this.sp.slots;
    let latest = -1;
    const outside = new Array<number>(labels.length).fill(0);
    let lastLine = -1, lastNode = -1, rejectedLine = -1, rowsSeen = 0;
    let placed = false;
    let bucketKey = NaN;
    let bucket: Bucket | null = null;
    let sentKey = NaN;
    let sentNow: Uint8Array | null = null;
    let raw: RawRecord | null = null;
    const reader = this;
    const seenKeys = this.keyColumns ? (this.seenKeys ??= new SeenKeys()) : null;
    seenKeys?.startFile(file);
    if ((seenKeys && bytesAhead) || (seen && bytes)) {
      let sized = false;
      chunks = countingBytes(chunks, (before) => {
        if (sized || before < SIZING_SAMPLE_BYTES) return;
        sized = true;
        // A tenth more than the estimate: rows further on may be shorter. A key set that has
        // room for the estimate keeps its table (the second file of a source, say: on the ×4
        // bench extract, sinac_2024's estimate was 0.1 % over sinac_2023's table, and growing
        // it held both tables, 300 MB, at once).
        if (seenKeys && bytesAhead) seenKeys.reserve(Math.ceil(seenKeys.size + ((bytesAhead - before) * rowsSeen) / before), 1.1);
        if (seen && bytes) seen.reserve(Math.ceil(seen.size + ((bytes - before) * rowsSeen) / before), 1.1);
      });
    }
    const reject = (code: string, reason: string, column?: string, value?: string): void => {
      rejectedLine = lastLine;
      lastNode = -1;
      placed = false;
      report.rejected++;
      hooks.reject({ file, line: lastLine, code, reason, column, value, raw: raw!.all() });
    };
    const sink: RowSink = {
      row(row, line, record) {
        if (line === rejectedLine) return; // one rejection per physical record, even when pivoted
        if (line !== lastLine) {
          // Key and period are the same for every pivoted row of one record: resolve them once.
          lastLine = line;
          raw = record;
          sawRow = true;
          if (++rowsSeen % 100_000 === 0) hooks.progress(rowsSeen);
          const at = attach(row);
          if (typeof at !== "number") return reject(at.code, at.reason, at.column, at.value);
          const key = period(row);
          if (key === null) return reject("MASB_PERIODO_INVALIDO", `el renglón no tiene fecha o periodo válido (${periodColumns(source)})`);
          if (unique && at >= 0) {
            const h = uniqueHasher;
            h.start();
            h.value(key);
            for (let i = 0; i < unique.length; i++) h.value(row[unique[i]]);
            h.end();
            if (seen!.add(h.a, h.b, line) >= 0) {
              return reject("MASB_CLAVE_DUPLICADA", `renglón duplicado: ya hubo uno con ${source.def.unico!.join(", ")} = ${unique.map((i) => row[i]).join(", ")} en el periodo`);
            }
          }
          // Last of the checks, so that only accepted records (out of scope included) hold a key.
          if (seenKeys) {
            const first = reader.firstOccurrence(seenKeys, row, record, line);
            if (first >= 0) return reject("MASB_REGISTRO_DUPLICADO", reader.duplicateReason(seenKeys, first, row), ...reader.keyCell(row));
          }
          lastNode = at;
          nodes[0] = at;
          placed = at >= 0;
          if (at < 0 && used[0]) outside[0]++;
          for (let g = 0; g < overrides.length; g++) {
            const o = overrides[g](row) as number; // lenient: a node or OUT_OF_SCOPE, never a rejection
            nodes[g + 1] = o;
            if (o >= 0) placed = true;
            else if (used[g + 1]) outside[g + 1]++;
          }
          if (!placed) return;
          if (key !== bucketKey) {
            bucketKey = key;
            bucket = store.bucket(key);
            ctx.month = key;
          }
          if (monthly && key > latest) latest = key;
          // Rows attached to each node, once per node however many keys place the row there.
          for (let g = 0; g < nodes.length; g++) {
            const n = nodes[g];
            if (n < 0) continue;
            let seenBefore = false;
            for (let k = 0; k < g && !seenBefore; k++) seenBefore = nodes[k] === n;
            if (!seenBefore) bucket!.rows[n]++;
          }
          if (sent && at >= 0) {
            if (key !== sentKey) {
              sentKey = key;
              sentNow = sent.get(key) ?? null;
              if (!sentNow) sent.set(key, (sentNow = new Uint8Array(hierarchySize)));
            }
            sentNow![at] = 1;
          }
        }
        if (!placed) return;
        accumulate(row, nodes, bucket!, ctx);
        if (counted) {
          for (const slot of slots) {
            const node = nodes[slot.group];
            if (node >= 0 && (!slot.unitMask || slot.unitMask[node]) && (!slot.filter || slot.filter(row, ctx))) counted(slot.index, node, line, bucketKey);
          }
        }
      },
      reject(r) {
        report.rejected++;
        hooks.reject(r);
      },
      problem: hooks.problem,
    };
    const { read, variables, clean, unclosed } = await readSource(source, file, chunks, sink, part);
    report.read = read;
    if (variables) report.variables = variables;
    report.accepted = read - report.rejected;
    outside.forEach((n, g) => {
      if (n > 0) (report.fueraDeAlcance ??= {})[labels[g]] = (report.fueraDeAlcance?.[labels[g]] ?? 0) + n;
    });
    const outcome: FileOutcome = { report, latest, sent: sawRow ? sent : null };
    if (part) {
      outcome.clean = clean;
      outcome.unclosed = unclosed;
      // `unico` holds within a file: its parts' keys are checked together.
      if (seen) outcome.uniqueKeys = seen.sortedPairs();
    }
    if (alone && seenKeys) {
      outcome.keys = seenKeys.sortedPairs();
      this.forgetKeys();
    }
    return outcome;
  }

  /**
   * Records the key of the record at `line`; returns the slot of an earlier record with the
   * same key, or -1. A key with an empty part identifies nothing and is not recorded.
   */
  private firstOccurrence(seen: SeenKeys, row: unknown[], raw: RawRecord, line: number): number {
    const h = this.hasher;
    const cols = this.keyColumns!;
    h.start();
    if (cols.length === 0) {
      // The whole record: every field, hashed from the text when the tokenizer sliced only some.
      const span = raw.span;
      if (span !== null) h.fieldsOf(span.text, span.start, span.end, this.delimiter, span.kind === QUOTED);
      else for (let i = 0; i < raw.fields.length; i++) h.field(raw.fields[i]);
    } else {
      for (let i = 0; i < cols.length; i++) {
        const v = row[cols[i]];
        if (v === null || v === undefined) return -1;
        h.field(typeof v === "string" ? v : String(v));
      }
    }
    h.end();
    return seen.add(h.a, h.b, line);
  }

  private duplicateReason(seen: SeenKeys, first: number, row: unknown[]): string {
    const where = `${seen.fileAt(first)}, línea ${seen.lineAt(first)}`;
    if (this.keyColumns!.length === 0) return `registro duplicado: el mismo renglón, campo por campo, ya se leyó en ${where}; cada registro cuenta una vez`;
    const [column, value] = this.keyCell(row);
    return `registro duplicado: ${column} = ${value} ya se leyó en ${where}; cada registro cuenta una vez`;
  }

  /** The rejection's column and value: the key's header names and values, joined by `/`; none for the whole record. */
  private keyCell(row: unknown[]): [string | undefined, string | undefined] {
    const cols = this.keyColumns!;
    if (cols.length === 0) return [undefined, undefined];
    // Dates as a person reads them (2024-03-05), not as the day numbers they are kept as.
    const text = (i: number) => (this.sp.source.scope.columns[i]?.type === "date" && typeof row[i] === "number" ? formatIsoDate(row[i] as number) : keyText(row[i]));
    return [this.keyHeaders, cols.map(text).join("/")];
  }
}

/** Bytes of a file read before the key set is sized from the records they held. */
const SIZING_SAMPLE_BYTES = 1 << 20;

/** The same chunks, telling `before` how many bytes came before each one (strings count their length). */
async function* countingBytes(chunks: Chunks, before: (bytes: number) => void): AsyncGenerator<Uint8Array | string | RecordObject> {
  let n = 0;
  for await (const chunk of chunks as AsyncIterable<Uint8Array | string | RecordObject>) {
    before(n);
    if (chunk instanceof Uint8Array) n += chunk.byteLength;
    else if (typeof chunk === "string") n += chunk.length;
    yield chunk;
  }
}

/** Builds the plan, hierarchy and readers a worker needs from a `WorkerJob`. */
export function readersFor(job: WorkerJob): { readers: Map<string, SourceReader> } {
  const byId = new Map(job.catalog.indicators.map((i) => [i.id, i]));
  const plan = planFor(job.catalog, job.indicators.map((id) => byId.get(id)!));
  const hierarchy = new Hierarchy(job.units, new Map(job.regions), job.excluded);
  const readers = new Map<string, SourceReader>();
  for (const [name, sp] of plan.sources) {
    const masks = job.unitMasks[name];
    if (masks) sp.slots.forEach((s, k) => (s.unitMask = masks[k] ?? null));
    readers.set(name, new SourceReader(sp, hierarchy));
  }
  return { readers };
}

/** A task's input: its bytes, and for a part of a file, where it is (see `ReadPart`). */
export interface TaskInput {
  chunks: Chunks;
  part?: ReadPart;
}

/**
 * Reads one task into fresh partial sums (what a worker sends back), or, given `into`, straight
 * into that store (the thread that owns the stores: sums add up in any order) with no buckets
 * in the partial.
 */
export async function readPartial(
  reader: SourceReader, task: FileTask, input: TaskInput, progress: (read: number) => void, into: SourceStore | undefined, options: ReadOptions,
): Promise<FilePartial> {
  const store = into ?? new SourceStore(reader.sp, reader.nNodes);
  const rejections: Rejection[] = [];
  const problems: FileProblem[] = [];
  const out = await reader.read(task.file, input.chunks, store, { reject: (r) => rejections.push(r), problem: (p) => problems.push(p), progress }, { ...options, part: input.part });
  const buckets = into ? [] : [...store.buckets].map(([key, b]) => ({ key, a: b.a, b: b.b, rows: b.rows, sets: b.sets }));
  const partial: FilePartial = { index: task.index, report: out.report, latest: out.latest, sent: out.sent, rejections, problems, buckets };
  if (task.part) partial.part = { k: task.part.k, n: task.part.n, clean: out.clean ?? false, unclosed: out.unclosed };
  if (out.keys) partial.keys = out.keys;
  if (out.uniqueKeys) partial.uniqueKeys = out.uniqueKeys;
  return partial;
}

/**
 * Reads what a thread is handed at a time, handing each task's partial to `each` as soon as
 * it is read: a task alone (a whole file or a part of one; a keyed source's task hands back
 * its keys, see `FileTask.keyed`), or a group (`FileTask.group`): a source's files in order
 * with one reader and one key set, forgotten at the end.
 */
export async function readTasks(
  reader: SourceReader, tasks: FileTask[], open: (task: FileTask) => Promise<TaskInput>, progress: (task: FileTask, read: number) => void,
  each: (p: FilePartial) => void, into?: SourceStore,
): Promise<void> {
  if (tasks.length === 1 && tasks[0].group === undefined) {
    const task = tasks[0];
    const bytes = task.part ? task.part.end - task.part.start : task.size;
    each(await readPartial(reader, task, await open(task), (read) => progress(task, read), into, { bytesAhead: bytes, bytes, alone: task.keyed === true }));
    return;
  }
  try {
    let ahead = tasks.reduce((sum, t) => sum + t.size, 0);
    for (const task of tasks) {
      each(await readPartial(reader, task, await open(task), (read) => progress(task, read), into, { bytesAhead: ahead, bytes: task.size }));
      ahead -= task.size;
    }
  } finally {
    reader.forgetKeys();
  }
}

// ---------------------------------------------------------------------------------------

/** The single pass: reads every needed source once and leaves rolled-up partial sums. */
export async function ingest(catalog: Catalog, extract: Extract, options: IngestOptions = {}): Promise<Ingested> {
  const indicators = selectIndicators(catalog, options.only);
  const plan = planFor(catalog, indicators);
  const ctx0: EvalContext = { month: 0 };
  const files: FileReport[] = [];
  const problems: FileProblem[] = [];

  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
  if (!cluesSource) throw new MasbError("MASB_SIN_CATALOGO_CLUES", "ninguna fuente del catálogo tiene 'rol: catalogo_clues'; la jerarquía se arma con ella");
  const regionSource = [...catalog.sources.values()].find((s) => s.def.rol === "regionalizacion");
  for (const [src, cols] of [[cluesSource, REQUIRED_CLUES_COLUMNS], [regionSource, REQUIRED_REGION_COLUMNS]] as const) {
    const missing = src ? cols.filter((c) => !src.index.has(c)) : [];
    if (src && missing.length) throw new MasbError("MASB_JERARQUIA_COLUMNAS", `la fuente '${src.name}' debe declarar las columnas ${missing.join(", ")}`, { file: src.file });
  }
  if ((extract.get(cluesSource.name) ?? []).length === 0) {
    throw new MasbError("MASB_SIN_CATALOGO_CLUES", `el extracto no tiene el catálogo CLUES (fuente '${cluesSource.name}', archivos ${cluesSource.def.archivos.join(", ")}); sin él no hay jerarquía`);
  }

  let strictError: DataError | null = null;
  const emitReject = (source: string, r: Rejection) => {
    options.onReject?.({ ...r, source });
    if (options.strict && !strictError) {
      strictError = new DataError(r.code, r.reason, { file: r.file, line: r.line, columna: r.column, value: r.value });
      throw strictError;
    }
  };
  const problemFor = (p: FileProblem) => {
    problems.push(p);
    if (options.strict && p.fatal) throw new DataError(p.code, p.message, { file: p.file, line: p.line });
  };
  const finishFile = (report: FileReport) => {
    files.push(report);
    options.onProgress?.({ kind: "fin_archivo", report });
  };

  /** Reads every input of a hierarchy source, handing each accepted row to `onRow`, which may reject it. */
  const readAll = async (source: Source, onRow: (row: unknown[], reject: (code: string, reason: string, column?: string, value?: string) => void) => void) => {
    for (const input of extract.get(source.name) ?? []) {
      const report: FileReport = { source: source.name, file: input.name, read: 0, accepted: 0, rejected: 0 };
      options.onProgress?.({ kind: "archivo", source: source.name, file: input.name });
      let line = -1;
      let raw: RawRecord | null = null;
      const rejectRow = (code: string, reason: string, column?: string, value?: string) => {
        report.rejected++;
        emitReject(source.name, { file: input.name, line, code, reason, column, value, raw: raw!.all() });
      };
      const { read } = await readSource(source, input.name, input.open(), {
        row(row, l, record) {
          line = l;
          raw = record;
          onRow(row, rejectRow);
        },
        reject(r) {
          report.rejected++;
          emitReject(source.name, r);
        },
        problem: problemFor,
      });
      report.read = read;
      report.accepted = read - report.rejected;
      finishFile(report);
    }
  };

  // 1. Regionalisation and the CLUES catalog: the hierarchy.
  const regions = new Map<string, RegionInfo>();
  if (regionSource) {
    const ix = regionSource.index;
    await readAll(regionSource, (row, reject) => {
      const clues = row[ix.get("clues")!] as string | null;
      if (!clues) return reject("MASB_CLAVE_VACIA", "renglón sin CLUES", "CLUES", "");
      if (regions.has(clues)) return reject("MASB_CLAVE_DUPLICADA", `la CLUES ${clues} ya tiene regionalización en un renglón anterior`, "CLUES", clues);
      regions.set(clues, {
        region: String(row[ix.get("clave_region")!] ?? ""), regionNombre: String(row[ix.get("region")!] ?? ""),
        zona: String(row[ix.get("clave_zona")!] ?? ""), zonaNombre: String(row[ix.get("zona")!] ?? ""),
      });
    });
  }
  const include = cluesSource.incluir ? compileFilter(cluesSource.incluir, cluesSource.scope) : () => true;
  const reportsUnit = cluesSource.reporta ? compileFilter(cluesSource.reporta, cluesSource.scope) : () => true;
  const isClosed = cluesSource.fueraDeOperacion ? compileFilter(cluesSource.fueraDeOperacion, cluesSource.scope) : () => false;
  const closedOn = cluesSource.def.fecha_baja ? cluesSource.index.get(cluesSource.def.fecha_baja)! : -1;
  const units: UnitInfo[] = [];
  const unitRows: unknown[][] = [];
  const excluded: string[] = [];
  const seenClues = new Set<string>();
  const cx = cluesSource.index;
  await readAll(cluesSource, (row, reject) => {
    const clues = row[cx.get("clues")!] as string | null;
    if (!clues) return reject("MASB_CLAVE_VACIA", "renglón sin CLUES", "CLUES", "");
    if (seenClues.has(clues)) return reject("MASB_CLAVE_DUPLICADA", `la CLUES ${clues} aparece dos veces en el catálogo`, "CLUES", clues);
    seenClues.add(clues);
    if (!include(row, ctx0)) {
      excluded.push(clues);
      return;
    }
    const text = (name: string) => String(row[cx.get(name)!] ?? "").trim();
    // A network unit's entidad names a node of every result: one that is not a state's code
    // (`1x2`) would report an entidad that does not exist.
    const entidad = text("clave_entidad");
    if (!ENTIDAD_CODE.test(entidad)) {
      return reject("MASB_VALOR_INVALIDO", `clave de entidad '${entidad}' inválida: se esperaba 01 a 32; la unidad ${clues} queda fuera de la jerarquía y sus renglones en otros archivos se rechazan`, originalName(cluesSource, "clave_entidad"), entidad);
    }
    const unit: UnitInfo = {
      clues, nombre: text("nombre"), entidad: entidad.padStart(2, "0"), entidadNombre: text("entidad"),
      jurisdiccion: text("clave_jurisdiccion"), jurisdiccionNombre: text("jurisdiccion"), reporta: reportsUnit(row, ctx0),
    };
    if (isClosed(row, ctx0)) {
      const day = closedOn >= 0 ? row[closedOn] : null;
      unit.cierre = typeof day === "number" ? monthIndexOfDays(day) : 0;
    }
    units.push(unit);
    unitRows.push(row.slice());
  });
  // A catalog with no unit of the network (a header alone, another institution's list) would
  // give a run with nothing to report and every fact row rejected: stop, as without a catalog.
  if (units.length === 0) throw noNetworkError(cluesSource, files);
  const hierarchy = new Hierarchy(units, regions, excluded);
  const parents = Float64Array.from(hierarchy.nodes.map((n) => n.parent));
  const avisos: Aviso[] = regionSource ? regionalisationAvisos(regionSource, files, hierarchy) : [];

  // Aggregates with a condition on the unit: which nodes pass it (units only; rows attached
  // higher up, such as births outside a unit, have no unit to test and do not count).
  for (const sp of plan.sources.values()) {
    for (const slot of sp.slots) {
      if (!slot.aggregate.unidad) continue;
      const test = compileFilter(slot.aggregate.unidad, cluesSource.scope);
      slot.unitMask = new Uint8Array(hierarchy.size);
      units.forEach((u, i) => {
        if (test(unitRows[i], ctx0)) slot.unitMask![hierarchy.find("clues", u.clues)!] = 1;
      });
    }
  }

  // 2. One store per planned source; the catalog's own aggregates come from the rows kept above.
  const stores = new Map<string, SourceStore>();
  // The totals in shared memory when a runner can read them in other threads: no copy to make later.
  const alloc = options.runner?.allocate;
  for (const sp of plan.sources.values()) stores.set(sp.source.name, new SourceStore(sp, storeNodes(sp, hierarchy), alloc));
  const cluesPlan = plan.sources.get(cluesSource.name);
  if (cluesPlan) {
    const accumulate = compileAccumulator(cluesPlan);
    const bucket = stores.get(cluesSource.name)!.bucket(0);
    const nodes = new Int32Array(cluesPlan.groups.length);
    unitRows.forEach((row, i) => {
      nodes.fill(hierarchy.find("clues", units[i].clues)!);
      accumulate(row, nodes, bucket, ctx0);
    });
  }

  // Tracing (explain): which nodes are inside the traced org unit.
  let trace: Map<string, TraceEntry> | undefined;
  let traced: Uint8Array | null = null;
  const traceLines = options.trace?.lines ?? 5;
  if (options.trace) {
    const root = hierarchy.find(options.trace.nivel, options.trace.key);
    if (root === undefined) throw new MasbError("MASB_UNIDAD_DESCONOCIDA", `${options.trace.nivel} '${options.trace.key}' no existe en la jerarquía del extracto`, { value: options.trace.key });
    traced = new Uint8Array(hierarchy.size);
    for (const n of hierarchy.nodes) if (hierarchy.contains(root, n.index)) traced[n.index] = 1;
    trace = new Map();
  }
  const record = (source: string, slot: number, node: number, file: string, line: number, period: number) => {
    if (!traced || !traced[node]) return;
    const key = `${source}#${slot}`;
    let e = trace!.get(key);
    if (!e) trace!.set(key, (e = { source, slot, count: 0, first: [] }));
    e.count++;
    if (e.first.length < traceLines && !e.first.some((f) => f.file === file && f.line === line)) e.first.push({ file, line, period });
  };
  if (cluesPlan && traced) {
    units.forEach((u, i) => {
      const node = hierarchy.find("clues", u.clues)!;
      cluesPlan.slots.forEach((slot) => {
        if ((!slot.unitMask || slot.unitMask[node]) && (!slot.filter || slot.filter(unitRows[i], ctx0))) record(cluesSource.name, slot.index, node, "(catálogo CLUES)", 0, 0);
      });
    });
  }

  // 3. Every other needed source, one pass each, in name order (deterministic): here, or in
  // worker threads that send back each file's partial sums, added here in that same order.
  const reports = new Map<string, Map<string, Map<number, Uint8Array>>>();
  let latest = -1;
  const order = [...plan.sources.keys()].sort().filter((n) => n !== cluesSource.name);
  for (const name of order) if (plan.sources.get(name)!.source.def.exige_reporte) reports.set(name, new Map());
  const inputs = order.flatMap((name) => (extract.get(name) ?? []).map((input) => ({ name, input })));
  const keyed = (name: string) => plan.sources.get(name)!.source.def.llave !== undefined;
  const tasks: FileTask[] | null = inputs.every((x) => x.input.path !== undefined)
    ? inputs.map((x, index) => ({ index, source: x.name, file: x.input.name, path: x.input.path!, size: x.input.size ?? 0, ...(keyed(x.name) ? { keyed: true } : {}) }))
    : null;
  const threads = options.runner && tasks && !options.strict && !traced ? options.runner.threadsFor(tasks, options.workers) : 1;
  /** Sources whose sums are complete and rolled up the hierarchy. */
  const rolled = new Set<string>();

  if (threads > 1) {
    const job: WorkerJob = {
      catalog, indicators: indicators.map((i) => i.id), units, regions: [...regions], excluded,
      unitMasks: Object.fromEntries(order.map((name) => [name, plan.sources.get(name)!.slots.map((s) => s.unitMask)])),
    };
    // Files (and parts of files) are read apart, in any order, their sums added as they come
    // (exact integers: the order does not matter). What one thread would report (reports,
    // rejections, problems) is handed on per source once all its files are in and they give
    // what one thread gives: every part of a split file ended where the next began, and no
    // natural key is in two of them. Otherwise (rare: a file copied twice, a split inside a
    // quoted line break) the source is read again, its files whole and in order in one
    // thread, from fresh sums.
    const filesOf = new Map<string, FileTask[]>();
    for (const t of tasks!) filesOf.set(t.source, [...(filesOf.get(t.source) ?? []), t]);
    const arrived = new Map<string, Map<number, (FilePartial | undefined)[]>>();
    const again = new Set<string>();
    const ready = new Map<number, FilePartial>();
    let next = 0;
    const readers = new Map<string, SourceReader>();
    await options.runner!.run(job, tasks!, threads, {
      progress: (e) => options.onProgress?.(e),
      // This thread reads too: one thread fewer to start, and one copy less of the plan and hierarchy in memory.
      local(group, each, open, progress) {
        const source = group[0].source;
        let reader = readers.get(source);
        if (!reader) readers.set(source, (reader = new SourceReader(plan.sources.get(source)!, hierarchy)));
        return readTasks(reader, group, open, progress, each, stores.get(source));
      },
      partial(p, more) {
        const name = p.report.source;
        stores.get(name)!.add(p.buckets);
        p.buckets = [];
        let files = arrived.get(name);
        if (!files) arrived.set(name, (files = new Map()));
        let parts = files.get(p.index);
        if (!parts) files.set(p.index, (parts = new Array(p.part?.n ?? 1)));
        parts[p.part?.k ?? 0] = p;
        if (files.size < filesOf.get(name)!.length) return;
        for (const ps of files.values()) for (let k = 0; k < ps.length; k++) if (!ps[k]) return;
        arrived.delete(name);
        const read = [...files].sort((a, b) => a[0] - b[0]);
        const whole = read.every(([, ps]) => ps.every((q, k) => k === ps.length - 1 || q!.part!.clean) && (ps.length === 1 || !sharesAKey(ps.map((q) => q!.uniqueKeys ?? new Int32Array(0)))));
        const unique = again.has(name) || !keyed(name) || !sharesAKey(read.flatMap(([, ps]) => ps.map((q) => q!.keys ?? new Int32Array(0))));
        if (!whole || !unique) {
          again.add(name);
          stores.set(name, new SourceStore(plan.sources.get(name)!, storeNodes(plan.sources.get(name)!, hierarchy), alloc));
          more(filesOf.get(name)!.map((t) => ({ ...t, group: name })));
          return;
        }
        const sp = plan.sources.get(name)!;
        const universes = [sp.source.universo, ...sp.groups.slice(1).map((g) => (JSON.parse(g) as { universo: string }).universo)];
        for (const [index, ps] of read) ready.set(index, joinParts(ps as FilePartial[], universes));
        // All of the source is in: roll it up now, while the other threads still read.
        stores.get(name)!.rollUp(parents);
        rolled.add(name);
        // Reports, rejections and problems come out in reading order, as in one thread.
        for (let q = ready.get(next); q; q = ready.get(next)) {
          ready.delete(next++);
          if (q.latest > latest) latest = q.latest;
          if (q.sent) reports.get(q.report.source)?.set(q.report.file, q.sent);
          for (const r of q.rejections) emitReject(q.report.source, r);
          for (const pr of q.problems) problemFor(pr);
          finishFile(q.report);
        }
      },
    });
  } else {
    for (const name of order) {
      const sp = plan.sources.get(name)!;
      const store = stores.get(name)!;
      const reader = new SourceReader(sp, hierarchy);
      const files = extract.get(name) ?? [];
      let ahead = files.every((f) => f.size !== undefined) ? files.reduce((sum, f) => sum + f.size!, 0) : undefined;
      for (const input of files) {
        options.onProgress?.({ kind: "archivo", source: name, file: input.name });
        const out = await reader.read(input.name, input.open(), store, {
          reject: (r) => emitReject(name, r),
          problem: problemFor,
          progress: (read) => options.onProgress?.({ kind: "renglones", source: name, file: input.name, read }),
          counted: traced ? (slot, node, line, period) => record(name, slot, node, input.name, line, period) : undefined,
        }, { bytesAhead: ahead, bytes: input.size });
        if (ahead !== undefined) ahead -= input.size!;
        if (out.latest > latest) latest = out.latest;
        if (out.sent) reports.get(name)?.set(input.name, out.sent);
        finishFile(out.report);
      }
    }
  }
  for (const [name, store] of stores) if (!rolled.has(name)) store.rollUp(parents);
  const { missingSources, avisos: sourceWarnings } = sourceAvisos(catalog, indicators, extract, files, problems);
  avisos.push(...sourceWarnings);
  const ingested: Ingested = { catalog, indicators, plan, stores, hierarchy, files, problems, missingSources, avisos, latestMonth: latest, trace, reports };
  hierarchyInputs.set(ingested, { units, regions: [...regions], excluded });
  return ingested;
}

/**
 * One file's partial from its parts' (in order), as one reader would have left it: counts
 * added, rejections and problems in order, the encoding warning once (the first part's that
 * has one), the quotes that never closed reported once, at the end.
 */
function joinParts(parts: FilePartial[], universes: string[]): FilePartial {
  if (parts.length === 1 && !parts[0].part) return parts[0];
  const [first] = parts;
  const report: FileReport = { ...first.report, read: 0, accepted: 0, rejected: 0 };
  delete report.fueraDeAlcance;
  // Out of scope by universe in the order one reader lists them (the source's, then its aggregates' keys).
  for (const u of universes) {
    const n = parts.reduce((sum, p) => sum + (p.report.fueraDeAlcance?.[u] ?? 0), 0);
    if (n > 0) (report.fueraDeAlcance ??= {})[u] = n;
  }
  let sent: Map<number, Uint8Array> | null = null;
  const problems: FileProblem[] = [];
  let latest = -1;
  for (const p of parts) {
    report.read += p.report.read;
    report.accepted += p.report.accepted;
    report.rejected += p.report.rejected;
    if (p.latest > latest) latest = p.latest;
    for (const pr of p.problems) if (pr.code !== "MASB_ARCHIVO_CODIFICACION" || !problems.some((q) => q.code === pr.code)) problems.push(pr);
    for (const [month, units] of p.sent ?? []) {
      sent ??= new Map();
      const into = sent.get(month);
      if (!into) sent.set(month, units);
      else for (let i = 0; i < units.length; i++) into[i] |= units[i];
    }
  }
  const unclosed = mergeUnclosed(parts.map((p) => p.part?.unclosed));
  if (unclosed) problems.push(unclosedQuoteProblem(first.report.file, unclosed));
  return { index: first.index, report, latest, sent, rejections: parts.flatMap((p) => p.rejections), problems, buckets: [] };
}

/** A key column's value as text; null counts as empty, as `join` does. */
const keyText = (v: unknown): string => (v === null || v === undefined ? "" : typeof v === "string" ? v : String(v));

/** The columns a source's period is read from, as messages name them. */
export function periodColumns(source: Source): string {
  const p = source.def.periodo ?? {};
  return [p.fecha, p.anio, p.mes].filter(Boolean).join(", ");
}

/** Why a row cannot be attached under a key: the reason to reject it. */
interface Unplaced {
  code: "MASB_CLAVE_DESCONOCIDA" | "MASB_SIN_CLAVE";
  reason: string;
  column?: string;
  value?: string;
}

type SinClave = "rechazar" | "no_especificada" | "fuera_de_alcance";

/** A valid row that a key leaves out of its universe (another institution, residence abroad): in no aggregate of that key. */
export const OUT_OF_SCOPE = -1;

/** A Mexican entidad code (01–32): one that the hierarchy lacks has no unit of the network in the extract. */
const ENTIDAD_CODE = /^(0?[1-9]|[12][0-9]|3[0-2])$/;

/**
 * Resolves a row to a node index, trying each declared key in order. A key in the catalog but
 * outside the network (another institution's CLUES, an entidad without network units, a
 * value declared `fuera`) puts the row out of this key's scope: `OUT_OF_SCOPE`, not a
 * rejection. A key that exists nowhere is a bad row (rejected), unless `lenient` (another
 * universe's key, which never rejects a row the source's own key accepted: it goes to the
 * entidad "no especificada"). With every attempt empty, `sinClave` decides.
 */
function attacher(source: Source, h: Hierarchy, clave: ClaveIntento[] | undefined, sinClave: SinClave, lenient: boolean): (row: unknown[]) => number | Unplaced {
  const attempts = (clave ?? [{ columna: "clues", nivel: "clues" as Nivel }]).map((k) => ({
    at: source.index.get(k.columna)!,
    column: k.columna,
    header: originalName(source, k.columna),
    nivel: k.nivel,
    levelAt: k.nivel_columna ? source.index.get(k.nivel_columna)! : -1,
    niveles: k.niveles ?? {},
    empty: new Set(k.sin_valor ?? []),
    outside: new Set(k.fuera ?? []),
    // Rows usually come grouped by unit: remember the last key found.
    lastKey: null as string | null,
    lastNivel: undefined as Nivel | undefined,
    lastNode: -1,
  }));
  const ne = h.find("entidad", ENTIDAD_NO_ESPECIFICADA)!;
  const unknown = (u: Unplaced): number | Unplaced => (lenient ? ne : u);
  return (row) => {
    for (const a of attempts) {
      const raw = row[a.at];
      if (raw === null || raw === undefined) continue;
      const key = typeof raw === "string" ? raw : String(raw);
      if (a.empty.size > 0 && a.empty.has(key)) continue;
      if (a.outside.size > 0 && a.outside.has(key)) return OUT_OF_SCOPE;
      const nivel = a.nivel ?? a.niveles[String(row[a.levelAt] ?? "")];
      if (!nivel) return unknown({ code: "MASB_CLAVE_DESCONOCIDA", reason: `nivel '${String(row[a.levelAt])}' desconocido; se esperaba ${Object.keys(a.niveles).join(", ")}`, column: a.header, value: String(row[a.levelAt]) });
      if (key === a.lastKey && nivel === a.lastNivel) return a.lastNode;
      let node: number | undefined = h.find(nivel, key);
      if (node === undefined && ((nivel === "clues" && h.excluded.has(key)) || (nivel === "entidad" && ENTIDAD_CODE.test(key)))) node = OUT_OF_SCOPE;
      if (node !== undefined) {
        a.lastKey = key;
        a.lastNivel = nivel;
        a.lastNode = node;
        return node;
      }
      if (nivel === "clues") return unknown({ code: "MASB_CLAVE_DESCONOCIDA", reason: suggestClues(h, key) ?? `la CLUES ${key} no existe en el catálogo CLUES del extracto (use el catálogo nacional, con todas las instituciones)`, column: a.header, value: key });
      return unknown({ code: "MASB_CLAVE_DESCONOCIDA", reason: `${nivel} '${key}' no existe en la jerarquía del extracto`, column: a.header, value: key });
    }
    if (sinClave === "no_especificada") return ne;
    if (sinClave === "fuera_de_alcance") return OUT_OF_SCOPE;
    return unknown({ code: "MASB_SIN_CLAVE", reason: `renglón sin clave de unidad (${attempts.map((a) => a.header).join(", ")} vacías o no especificadas)`, column: attempts[0].header, value: "" });
  };
}

/**
 * How many nodes a source's store holds: the hierarchy lists the nation, the entidades, the
 * regiones, the zonas and the units in that order, so a source whose keys attach no finer
 * than the entidad (deaths by residence, CONAPO's population by entidad over 120 years) needs
 * only the nation and the entidades, not a row of zeros for every unit in every period.
 */
export function storeNodes(sp: SourcePlan, h: Hierarchy): number {
  const levels = sp.groups.map((g, i) => (i === 0 ? sp.source.finestLevel : finestOfKeys((JSON.parse(g) as { clave: ClaveIntento[] }).clave)));
  if (sp.slots.some((s) => s.unitMask) || sp.source.def.exige_reporte) return h.size;
  const finest = Math.max(...levels.map((l) => NIVELES.indexOf(l)));
  if (finest >= NIVELES.indexOf("clues")) return h.size;
  let n = 0;
  while (n < h.size && NIVELES.indexOf(h.nodes[n].nivel) <= finest) n++;
  return n;
}

function finestOfKeys(clave: ClaveIntento[]): Nivel {
  const levels = clave.flatMap((k) => (k.nivel ? [k.nivel] : Object.values(k.niveles ?? {})));
  return levels.reduce<Nivel>((a, b) => (NIVELES.indexOf(b) > NIVELES.indexOf(a) ? b : a), "nacional");
}

/** The header name a logical column is read from, for messages. */
/** The name a column goes by in messages: its first original name in the source schema. */
export function originalName(source: Source, column: string): string {
  const c = source.def.columnas.find((x) => x.nombre === column);
  if (!c) return column;
  if (c.de) return c.de.join("/");
  return c.original === undefined ? c.nombre : Array.isArray(c.original) ? c.original[0] : c.original;
}

/** Resolves a row to its period bucket: a month index, a year's January, or 0; null when the date is unknown. */
function periodOf(source: Source): (row: unknown[]) => number | null {
  const p = source.def.periodo;
  if (!p) return () => 0;
  if (p.fecha) {
    const at = source.index.get(p.fecha)!;
    return (row) => {
      const d = row[at];
      return typeof d === "number" ? monthIndexOfDays(d) : null;
    };
  }
  const ya = source.index.get(p.anio!)!;
  const ma = p.mes ? source.index.get(p.mes)! : -1;
  return (row) => {
    const y = row[ya];
    if (typeof y !== "number" || y < 1900 || y > 2200) return null;
    if (ma < 0) return monthIndex(y, 1);
    const m = row[ma];
    if (typeof m !== "number" || m < 1 || m > 12) return null;
    return monthIndex(y, m);
  };
}
