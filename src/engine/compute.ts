import type { Catalog, Indicator, Source } from "../catalog/load.js";
import { METODOS, NIVELES, type ClaveIntento, type Nivel, type Ventana } from "../catalog/schema.js";
import { DataError, MasbError } from "../errors.js";
import { civilFromDays, compileFilter, type EvalContext } from "../expr/index.js";
import { ENTIDAD_NO_ESPECIFICADA, Hierarchy, type RegionInfo, type UnitInfo } from "../hierarchy/index.js";
import { overrideFor, type Metas } from "../scoring/metas.js";
import { scoreValue, type Semaforo } from "../scoring/score.js";
import { windowCovered } from "../scoring/trend.js";
import { readSource, type Chunks, type FileProblem, type Rejection } from "../sources/reader.js";
import {
  aggregateAt, boundText, bucketsFor, exactText, indicatorValue, intervalFor, isUnstable, methodValue, observedWindow, termValue, D,
  type Dec, type Grain, type MethodOutcome,
} from "./evaluate.js";
import { monthIndex, monthLabel, parseMonth, windowFor, type Window } from "./periods.js";
import { planFor, type Plan, type SourcePlan } from "./plan.js";
import { SourceStore } from "./store.js";

/** One input of a source: a name for messages and a way to get its bytes or text, once. */
export interface SourceInput {
  name: string;
  open(): Chunks;
}

/** An extract: the inputs of each source, by source name. A source with no inputs is missing (`sin_datos`). */
export type Extract = Map<string, SourceInput[]>;

export type Estado = "ok" | "sin_denominador" | "sin_datos" | "incompleto" | "inestable" | "metodo_pendiente";

/** Methods of `calculo` the engine computes; others leave the status `metodo_pendiente`. */
export const IMPLEMENTED_METHODS = new Set<string>(METODOS);

/** One result row, long format, in the column order of DESIGN.md. */
export interface ResultRow {
  periodo: string;
  nivel: Nivel;
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  indicador: string;
  nombre: string;
  unidad: string;
  numerador: string | null;
  denominador: string | null;
  valor: string | null;
  meta: string | null;
  logro: string | null;
  semaforo: Semaforo;
  estado: Estado;
  /** Only with `tendencia`: the window ending one month earlier (see `TREND_COLUMNS`). */
  periodo_anterior?: string;
  /** Only with `tendencia`: the value of that window; null when it has none or the extract does not cover it. */
  valor_anterior?: string | null;
  /** Only with `tendencia`: valor − valor_anterior, exact, to the indicator's decimals. */
  cambio?: string | null;
  /** Only on directly standardised indicators: the crude rate over the same age groups, beside the standardised `valor`. */
  valor_crudo?: string | null;
  /** Only with `intervalos`: confidence bounds of `valor`, rounded like it; null where no interval applies. */
  ic_inferior?: string | null;
  ic_superior?: string | null;
}

/** Columns after DESIGN.md's 16 that a row may carry: the crude rate of a standardised indicator and the confidence bounds. */
export const METHOD_COLUMNS = ["valor_crudo", "ic_inferior", "ic_superior"] as const;

export const RESULT_COLUMNS: (keyof ResultRow)[] = [
  "periodo", "nivel", "entidad", "region", "zona", "clues", "indicador", "nombre", "unidad",
  "numerador", "denominador", "valor", "meta", "logro", "semaforo", "estado",
];

/** Read, accepted and rejected rows of one input file. */
export interface FileReport {
  source: string;
  file: string;
  read: number;
  accepted: number;
  rejected: number;
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
}

/** Which results to produce from what was read. */
export interface EvaluateOptions {
  /** `YYYY-MM`; defaults to the latest month with data in the extract. */
  period?: string;
  /** Overrides every indicator's own window. */
  ventana?: Ventana;
  /** Levels to emit; `nacional` is always emitted. */
  by?: Nivel[];
  /** Per-run targets and bands by org unit (`parseMetas`), over the YAML's `meta` and `umbrales`. */
  metas?: Metas;
  /** Add `periodo_anterior`, `valor_anterior` and `cambio` to every row (the window ending one month earlier). */
  tendencia?: boolean;
  /** Add `ic_inferior` and `ic_superior` to every row: true for 95 % bounds, or the level (0.9, 0.99). */
  intervalos?: boolean | number;
  /** Blank `valor` (and its bounds) where the status is `inestable`, as statistical offices suppress small numbers. */
  suprimir?: boolean;
}

export type ComputeOptions = IngestOptions & EvaluateOptions;

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
  /** Sources the selected indicators need that the extract does not have. */
  missingSources: string[];
  /** Latest month index with data in a monthly source, or -1. */
  latestMonth: number;
  trace?: Map<string, TraceEntry>;
  /**
   * For sources that require a monthly report (`exige_reporte`): per file (SIS apartado) and
   * month, which units sent a row. A unit missing from any file in a month is incomplete.
   */
  reports: Map<string, Map<string, Map<number, Uint8Array>>>;
}

export interface ComputeResult extends Ingested {
  period: string;
  rows: ResultRow[];
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

function grainOf(source: Source): Grain {
  const p = source.def.periodo;
  if (!p) return "ninguno";
  return p.fecha || p.mes ? "mes" : "anio";
}

/**
 * Computes the selected indicators over an extract: reads each needed source once, as a
 * stream, accumulates unit-level partial numerators and denominators, rolls them up the
 * hierarchy by summing, and evaluates every indicator at every level for the period.
 * Never prints and never exits: problems come back in the result or as a `MasbError`.
 */
export async function compute(catalog: Catalog, extract: Extract, options: ComputeOptions = {}): Promise<ComputeResult> {
  const ingested = await ingest(catalog, extract, options);
  return { ...ingested, ...evaluate(ingested, options) };
}

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
  const rejectFor = (source: string, report: FileReport) => (r: Rejection) => {
    report.rejected++;
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

  /** Reads every input of a source, handing each accepted row to `onRow`, which may reject it. */
  const readAll = async (source: Source, onRow: (row: unknown[], line: number, raw: string[], reject: (code: string, reason: string, column?: string, value?: string) => void, file: string) => void) => {
    for (const input of extract.get(source.name) ?? []) {
      const report: FileReport = { source: source.name, file: input.name, read: 0, accepted: 0, rejected: 0 };
      options.onProgress?.({ kind: "archivo", source: source.name, file: input.name });
      const reject = rejectFor(source.name, report);
      let lastRejected = -1;
      let rowsSeen = 0;
      const { read } = await readSource(source, input.name, input.open(), {
        row(row, line, raw) {
          if (line === lastRejected) return; // one rejection per physical record, even when pivoted
          if (++rowsSeen % 100_000 === 0) options.onProgress?.({ kind: "renglones", source: source.name, file: input.name, read: rowsSeen });
          onRow(row, line, raw, (code, reason, column, value) => {
            lastRejected = line;
            reject({ file: input.name, line, code, reason, column, value, raw });
          }, input.name);
        },
        reject,
        problem: problemFor,
      });
      report.read = read;
      report.accepted = read - report.rejected;
      files.push(report);
      options.onProgress?.({ kind: "fin_archivo", report });
    }
  };

  // 1. Regionalisation and the CLUES catalog: the hierarchy.
  const regions = new Map<string, RegionInfo>();
  if (regionSource) {
    const ix = regionSource.index;
    await readAll(regionSource, (row, _line, _raw, reject) => {
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
  const units: UnitInfo[] = [];
  const unitRows: unknown[][] = [];
  const excluded: string[] = [];
  const seenClues = new Set<string>();
  const cx = cluesSource.index;
  await readAll(cluesSource, (row, _line, _raw, reject) => {
    const clues = row[cx.get("clues")!] as string | null;
    if (!clues) return reject("MASB_CLAVE_VACIA", "renglón sin CLUES", "CLUES", "");
    if (seenClues.has(clues)) return reject("MASB_CLAVE_DUPLICADA", `la CLUES ${clues} aparece dos veces en el catálogo`, "CLUES", clues);
    seenClues.add(clues);
    if (!include(row, ctx0)) {
      excluded.push(clues);
      return;
    }
    const text = (name: string) => String(row[cx.get(name)!] ?? "").trim();
    units.push({
      clues, nombre: text("nombre"), entidad: text("clave_entidad").padStart(2, "0"), entidadNombre: text("entidad"),
      jurisdiccion: text("clave_jurisdiccion"), jurisdiccionNombre: text("jurisdiccion"), reporta: reportsUnit(row, ctx0),
    });
    unitRows.push(row.slice());
  });
  const hierarchy = new Hierarchy(units, regions, excluded);
  const parents = Float64Array.from(hierarchy.nodes.map((n) => n.parent));

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
  for (const sp of plan.sources.values()) stores.set(sp.source.name, new SourceStore(sp, hierarchy.size));
  const cluesPlan = plan.sources.get(cluesSource.name);
  if (cluesPlan) {
    const store = stores.get(cluesSource.name)!;
    const bucket = store.bucket(0);
    const nodes = new Int32Array(cluesPlan.groups.length);
    unitRows.forEach((row, i) => {
      nodes.fill(hierarchy.find("clues", units[i].clues)!);
      accumulate(cluesPlan, store, bucket, nodes, row, ctx0);
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

  // 3. Every other needed source, one pass each, in name order (deterministic).
  const reports = new Map<string, Map<string, Map<number, Uint8Array>>>();
  let latest = -1;
  for (const name of [...plan.sources.keys()].sort()) {
    if (name === cluesSource.name) continue;
    const sp = plan.sources.get(name)!;
    const store = stores.get(name)!;
    const attach = attacher(sp.source, hierarchy, sp.source.def.clave, sp.source.def.sin_clave === "no_especificada");
    // Key overrides (by residence, say) never reject: what they cannot place goes to "no especificada".
    const ne = hierarchy.find("entidad", ENTIDAD_NO_ESPECIFICADA)!;
    const overrides = sp.groups.slice(1).map((g) => attacher(sp.source, hierarchy, JSON.parse(g) as ClaveIntento[], true));
    const nodes = new Int32Array(sp.groups.length);
    const period = periodOf(sp.source);
    const unique = sp.source.def.unico?.map((c) => sp.source.index.get(c)!);
    let seen = new Set<string>();
    let currentFile = "";
    const ctx: EvalContext = { month: 0 };
    let lastLine = -1, lastNode = -1, lastKey = -1;
    const perFile = sp.source.def.exige_reporte ? new Map<string, Map<number, Uint8Array>>() : null;
    if (perFile) reports.set(name, perFile);
    let fileReports: Map<number, Uint8Array> | null = null;
    await readAll(sp.source, (row, line, _raw, reject, file) => {
      if (file !== currentFile) {
        currentFile = file;
        seen = new Set();
        lastLine = -1;
        if (perFile) perFile.set(file, (fileReports = new Map()));
      }
      if (line !== lastLine) {
        // Key and period are the same for every pivoted row of one record: resolve them once.
        lastLine = line;
        const at = attach(row);
        if (typeof at !== "number") {
          lastNode = -1;
          return reject(at.code, at.reason, at.column, at.value);
        }
        const key = period(row);
        if (key === null) {
          lastNode = -1;
          return reject("MASB_PERIODO_INVALIDO", `el renglón no tiene fecha o periodo válido (${periodColumns(sp.source)})`);
        }
        if (unique) {
          const k = `${key}|${unique.map((i) => row[i]).join("|")}`;
          if (seen.has(k)) {
            lastNode = -1;
            return reject("MASB_CLAVE_DUPLICADA", `renglón duplicado: ya hubo uno con ${sp.source.def.unico!.join(", ")} = ${unique.map((i) => row[i]).join(", ")} en el periodo`);
          }
          seen.add(k);
        }
        lastNode = at;
        lastKey = key;
        nodes[0] = at;
        for (let g = 0; g < overrides.length; g++) {
          const o = overrides[g](row);
          nodes[g + 1] = typeof o === "number" ? o : ne;
        }
        if (key > latest && grainOf(sp.source) === "mes") latest = key;
        store.bucket(key).rows[at]++;
        if (fileReports) {
          let sent = fileReports.get(key);
          if (!sent) fileReports.set(key, (sent = new Uint8Array(hierarchy.size)));
          sent[at] = 1;
        }
      }
      if (lastNode < 0) return;
      ctx.month = lastKey;
      accumulate(sp, store, store.bucket(lastKey), nodes, row, ctx);
      if (traced) {
        for (const slot of sp.slots) {
          const node = nodes[slot.group];
          if ((!slot.unitMask || slot.unitMask[node]) && (!slot.filter || slot.filter(row, ctx))) record(name, slot.index, node, file, line, lastKey);
        }
      }
    });
  }
  for (const store of stores.values()) store.rollUp(parents);
  const missingSources = [...new Set(indicators.flatMap((i) => i.sources))].filter((s) => (extract.get(s) ?? []).length === 0).sort();
  return { catalog, indicators, plan, stores, hierarchy, files, problems, missingSources, latestMonth: latest, trace, reports };
}

/** Evaluates every selected indicator at every requested level for the period, from the partial sums. */
export function evaluate(ingested: Ingested, options: EvaluateOptions = {}): { period: string; rows: ResultRow[] } {
  const end = resolvePeriod(ingested, options.period);
  const levels = new Set<Nivel>(["nacional", ...(options.by ?? NIVELES)]);
  const rows: ResultRow[] = [];
  for (const ind of ingested.indicators) {
    const w = windowFor(end, options.ventana ?? ind.def.ventana);
    const previous = options.tendencia ? windowFor(end - 1, options.ventana ?? ind.def.ventana) : undefined;
    rows.push(...evaluateIndicator(ind, ingested, w, levels, options.metas, previous, options));
  }
  return { period: monthLabel(end), rows };
}

/** The month the windows end at: the requested one, or the latest with data. */
export function resolvePeriod(ingested: Pick<Ingested, "latestMonth">, period: string | undefined): number {
  if (period) {
    const p = parseMonth(period);
    if (p === null) throw new MasbError("MASB_PERIODO_INVALIDO", `periodo '${period}' inválido: use AAAA-MM, por ejemplo 2024-03`, { value: period });
    return p;
  }
  if (ingested.latestMonth < 0) throw new MasbError("MASB_SIN_PERIODO", "el extracto no tiene datos mensuales de los que tomar el periodo; indique --period AAAA-MM");
  return ingested.latestMonth;
}

function periodColumns(source: Source): string {
  const p = source.def.periodo ?? {};
  return [p.fecha, p.anio, p.mes].filter(Boolean).join(", ");
}

/** Adds one row to every slot of a source whose filter it passes. */
function accumulate(sp: SourcePlan, store: SourceStore, bucket: ReturnType<SourceStore["bucket"]>, nodes: Int32Array, row: unknown[], ctx: EvalContext): void {
  const n = store.nSlots;
  const slots = sp.slots;
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k];
    const node = nodes[s.group];
    if (s.unitMask !== null && s.unitMask[node] === 0) continue;
    if (s.filter !== null && !s.filter(row, ctx)) continue;
    const at = node * n + k;
    switch (s.aggregate.kind) {
      case "conteo":
        bucket.a[at]++;
        break;
      case "suma":
      case "promedio": {
        const v = s.value!(row, ctx);
        if (typeof v !== "number") break; // null values do not count, as in SQL
        bucket.a[at] += s.factor === 1 ? v : Math.round(v * s.factor);
        bucket.b[at]++;
        break;
      }
      case "distintos": {
        const v = s.value!(row, ctx);
        if (v === null || v === undefined) break;
        let set = bucket.sets.get(at);
        if (!set) bucket.sets.set(at, (set = new Set()));
        set.add(v);
        break;
      }
    }
  }
}

/** Resolves a row to a node index, trying each declared key in order; a string is the reason to reject it. */
interface Unplaced {
  code: "MASB_CLAVE_DESCONOCIDA" | "MASB_FUERA_DE_RED" | "MASB_SIN_CLAVE";
  reason: string;
  column?: string;
  value?: string;
}

function attacher(source: Source, h: Hierarchy, clave: ClaveIntento[] | undefined, toNoEspecificada: boolean): (row: unknown[]) => number | Unplaced {
  const attempts = (clave ?? [{ columna: "clues", nivel: "clues" as Nivel }]).map((k) => ({
    at: source.index.get(k.columna)!,
    column: k.columna,
    header: originalName(source, k.columna),
    nivel: k.nivel,
    levelAt: k.nivel_columna ? source.index.get(k.nivel_columna)! : -1,
    niveles: k.niveles ?? {},
    empty: new Set(k.sin_valor ?? []),
  }));
  const fallback = toNoEspecificada ? h.find("entidad", ENTIDAD_NO_ESPECIFICADA)! : -1;
  return (row) => {
    for (const a of attempts) {
      const raw = row[a.at];
      if (raw === null || raw === undefined) continue;
      const key = String(raw);
      if (a.empty.has(key)) continue;
      const nivel = a.nivel ?? a.niveles[String(row[a.levelAt] ?? "")];
      if (!nivel) return { code: "MASB_CLAVE_DESCONOCIDA", reason: `nivel '${String(row[a.levelAt])}' desconocido; se esperaba ${Object.keys(a.niveles).join(", ")}`, column: a.header, value: String(row[a.levelAt]) };
      const node = h.find(nivel, key);
      if (node !== undefined) return node;
      if (nivel === "clues") {
        return h.excluded.has(key)
          ? { code: "MASB_FUERA_DE_RED", reason: `la CLUES ${key} es de otra institución o no forma parte de la red (no está en la jerarquía)`, column: a.header, value: key }
          : { code: "MASB_CLAVE_DESCONOCIDA", reason: `la CLUES ${key} no existe en el catálogo CLUES del extracto`, column: a.header, value: key };
      }
      return { code: "MASB_CLAVE_DESCONOCIDA", reason: `${nivel} '${key}' no existe en la jerarquía del extracto`, column: a.header, value: key };
    }
    if (fallback >= 0) return fallback;
    return { code: "MASB_SIN_CLAVE", reason: `renglón sin clave de unidad (${attempts.map((a) => a.header).join(", ")} vacías o no especificadas)`, column: attempts[0].header, value: "" };
  };
}

/** The header name a logical column is read from, for messages. */
function originalName(source: Source, column: string): string {
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
      if (typeof d !== "number") return null;
      const c = civilFromDays(d);
      return monthIndex(c.y, c.m);
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

function evaluateIndicator(
  ind: Indicator, ingested: Ingested, w: Window, levels: Set<Nivel>, metas?: Metas, previous?: Window,
  { intervalos, suprimir }: Pick<EvaluateOptions, "intervalos" | "suprimir"> = {},
): ResultRow[] {
  const { plan, stores, hierarchy: h, missingSources, catalog } = ingested;
  const slots = plan.slotOf.get(ind)!;
  const names = Object.keys(ind.aggregates);
  const sinDatos = ind.sources.some((s) => missingSources.includes(s));
  const finest = NIVELES.indexOf(ind.desdeNivel);
  const keysFor = (win: Window) => new Map(names.map((n) => {
    const slot = slots[n];
    const store = stores.get(slot.aggregate.source)!;
    return [n, bucketsFor(store, grainOf(catalog.sources.get(slot.aggregate.source)!), slot.aggregate.periodo, win)];
  }));
  const keysOf = keysFor(w);
  // The trend compares with the window ending a month earlier, only where the extract covers it.
  const keysBefore = previous && windowCovered(ind, catalog, stores, previous) ? keysFor(previous) : null;
  const monthly = ind.sources.filter((s) => ingested.reports.has(s)).map((s) => ingested.reports.get(s)!);
  const missingReports = incompleteUnits(h, monthly, w);
  const pending = Boolean(ind.def.calculo && !IMPLEMENTED_METHODS.has(ind.def.calculo.metodo));
  const level = typeof intervalos === "number" ? intervalos : 0.95;
  // A method reads its rates per year of the months its events' source covers (see observedWindow).
  const eventSource = ind.metodo ? catalog.sources.get(ind.aggregates[ind.metodo.total].source) : undefined;
  const observe = (win: Window) => observedWindow(win, eventSource && stores.get(eventSource.name), Boolean(eventSource) && grainOf(eventSource!) === "mes");
  /** Numerator, denominator and value of one node over one window's buckets. */
  const valueAt = (node: number, win: Window, keys: Map<string, number[]>) => {
    const env: Record<string, Dec | null> = { dias_periodo: new D(win.days), meses_periodo: new D(win.months) };
    let attached = 0;
    for (const n of names) {
      const slot = slots[n];
      const store = stores.get(slot.aggregate.source)!;
      const ks = keys.get(n)!;
      env[n] = aggregateAt(store, slot, node, ks);
      for (const k of ks) attached += store.buckets.get(k)!.rows[node];
    }
    let num: Dec | null = null, den: Dec | null = null, valor: Dec | null = null;
    let method: MethodOutcome | null = null;
    let partial = false;
    if (!pending && !sinDatos && ind.metodo) {
      const seen = observe(win);
      method = methodValue(ind, ind.metodo, env, seen.window, level);
      partial = seen.partial;
      ({ num, den, valor } = method);
    } else if (!pending && !sinDatos) {
      num = termValue(ind.numerador, env);
      den = ind.denominador ? termValue(ind.denominador, env) : null;
      if (num !== null && !(ind.denominador && (den === null || den.isZero()))) valor = indicatorValue(ind, num, den, win);
    }
    return { attached, num, den, valor, method, partial };
  };
  const out: ResultRow[] = [];
  for (const node of h.nodes) {
    if (!levels.has(node.nivel) || NIVELES.indexOf(node.nivel) > finest) continue;
    const { attached, num, den, valor: computed, method, partial } = valueAt(node.index, w, keysOf);
    if (node.key === ENTIDAD_NO_ESPECIFICADA && attached === 0) continue;
    let estado: ResultRow["estado"];
    if (pending) estado = "metodo_pendiente";
    else if (sinDatos) estado = "sin_datos";
    else if (computed === null) estado = method?.falta ?? "sin_denominador";
    else if (missingReports[node.index] > 0 || partial) estado = "incompleto";
    else estado = isUnstable(ind, num, den) ? "inestable" : "ok";
    // Small numbers: with `suprimir`, an unreliable value is not shown at all.
    const hidden = Boolean(suprimir) && (estado === "inestable" || (estado === "incompleto" && isUnstable(ind, num, den)));
    const valor = hidden ? null : computed;
    const valorText = valor === null ? null : valor.toFixed(ind.def.decimales);
    const override = overrideFor(metas, ind.id, node);
    const score = scoreValue(ind.def, valorText, override);
    const meta = override.meta !== undefined ? override.meta : ind.def.meta;
    const row: ResultRow = {
      periodo: w.label, nivel: node.nivel, entidad: node.entidad, region: node.region, zona: node.zona, clues: node.clues,
      indicador: ind.id, nombre: ind.def.nombre, unidad: ind.def.unidad,
      numerador: num === null ? null : exactText(num), denominador: den === null ? null : exactText(den),
      valor: valorText, meta: meta === undefined || meta === null ? null : String(meta), logro: score.logro, semaforo: score.semaforo, estado,
    };
    if (ind.metodo?.metodo === "estandarizacion_directa") row.valor_crudo = hidden || !method?.crudo ? null : method.crudo.toFixed(ind.def.decimales);
    if (intervalos) {
      const ic = valor === null ? null : method ? method.ic : intervalFor(ind, num, den, w, level);
      row.ic_inferior = ic ? boundText(ind, ic.lower) : null;
      row.ic_superior = ic ? boundText(ind, ic.upper) : null;
    }
    if (previous) {
      const before = keysBefore ? valueAt(node.index, previous, keysBefore).valor : null;
      row.periodo_anterior = previous.label;
      row.valor_anterior = before === null ? null : before.toFixed(ind.def.decimales);
      row.cambio = before === null || valor === null ? null : valor.minus(before).toFixed(ind.def.decimales);
    }
    out.push(row);
  }
  return out;
}

/**
 * For each node, how many units below it that must report did not send a row in some file
 * (SIS apartado) of a required monthly source in some month of the window.
 */
function incompleteUnits(h: Hierarchy, monthly: Map<string, Map<number, Uint8Array>>[], w: Window): Float64Array {
  const missing = new Float64Array(h.size);
  if (monthly.length === 0) return missing;
  // A unit is expected in a file (apartado) when it sent that file in some month of the
  // extract: hospitals that never send the primary-care apartados are not incomplete for
  // them. A unit that must report and sent no file at all in a month of the window is.
  const files = monthly.flatMap((f) => [...f.values()]);
  const sentEver = files.map((months) => {
    const any = new Uint8Array(h.size);
    for (const sent of months.values()) for (let i = 0; i < sent.length; i++) any[i] |= sent[i];
    return any;
  });
  for (let i = h.size - 1; i >= 0; i--) {
    const node = h.nodes[i];
    if (node.nivel === "clues" && node.reporta) {
      let gap = false;
      for (let m = w.start; m <= w.end && !gap; m++) {
        let sentSome = false;
        files.forEach((months, f) => {
          const sent = months.get(m)?.[i] ?? 0;
          if (sent) sentSome = true;
          else if (sentEver[f][i]) gap = true;
        });
        if (!sentSome) gap = true;
      }
      if (gap) missing[i] = 1;
    }
    if (node.parent >= 0) missing[node.parent] += missing[i];
  }
  return missing;
}
