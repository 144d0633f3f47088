/**
 * Partial sums as a file: what the single pass leaves (per source, per month or year bucket,
 * per org node where rows attach: rows, counts, exact sums, distinct values; the hierarchy's
 * units; the files read; the monthly reports), as long CSV records, and back. The streaming
 * engine writes them (`masb compute --escribir-parciales`); the SQL that `masb sql` prints
 * computes the same records inside a database; `masb compute --parciales` evaluates, rolls up
 * and scores them with the same code as a streaming run. README, "Heavy pass in your own
 * database", documents the format; this module is its one reader and its one writer.
 *
 * Why CSV: it is what every database exports (`COPY … TO … CSV HEADER`, `\copy`, Spark's
 * `write.csv`, Trino's `--output-format CSV`), one table with fixed columns, numbers as text.
 *
 * Values are never floats: counts and rows are integers, sums are exact decimals with the
 * aggregate's scale (`escala`), distinct values are the values' text.
 */
import type { Catalog, Indicator } from "../catalog/load.js";
import { NIVELES, type Nivel } from "../catalog/schema.js";
import { MasbError } from "../errors.js";
import { Hierarchy, type RegionInfo, type UnitInfo } from "../hierarchy/index.js";
import { CsvTokenizer } from "../sources/csv.js";
import { TextFromBytes } from "../sources/decode.js";
import type { FileProblem } from "../sources/reader.js";
import { noNetworkError, regionalisationAvisos, sourceAvisos } from "./avisos.js";
import { fixedText } from "./exact.js";
import { grainOf, restoreIngested, snapshotOf, storeNodes, type Extract, type FileReport, type Ingested, type IngestedSnapshot, type PartialBucket } from "./ingest.js";
import { monthIndex, monthLabel, parseMonth, yearOf } from "./periods.js";
import { planFor, type Plan, type Slot } from "./plan.js";
import { SourceStore } from "./store.js";

/** The columns of a partial-sums file, in order. */
export const PARTIALS_COLUMNS = ["registro", "fuente", "archivo", "periodo", "nivel", "clave", "agregado", "valor", "n"] as const;
/** `valor` of the first record, and its version (`n`): a reader refuses other versions. */
export const PARTIALS_FORMAT = "masb-parciales";
export const PARTIALS_VERSION = 1;

/**
 * The kinds of record (`registro`), in the order a file lists them: every record of a kind
 * comes after every record of the kinds before it (the data come after the definitions they
 * name). Within a kind the order is free; writers sort by the other columns.
 */
export const RECORD_KINDS = ["formato", "meta", "agregado", "unidad", "archivo", "variable", "problema", "reporte", "filas", "suma", "distinto"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** One record: the nine columns as text ('' where a column does not apply). */
export type PartialRecord = [RecordKind, string, string, string, string, string, string, string, string];

const LEVEL_RANK = new Map<string, number>(NIVELES.map((n, i) => [n, i]));
const KIND_RANK = new Map<string, number>(RECORD_KINDS.map((k, i) => [k, i]));

/** Fields of a `unidad` record, as the file names them. */
export const UNIT_FIELDS = [
  "nombre", "entidad", "entidad_nombre", "jurisdiccion", "jurisdiccion_nombre", "reporta", "cierre", "region", "region_nombre", "zona", "zona_nombre",
] as const;

/** `cierre` of a closed unit whose catalog row has no closing date. */
export const NO_CLOSING_DATE = "sin_fecha";

// ------------------------------------------------------------------------------ naming

/**
 * The label of each planned aggregate: `<indicator>.<name>` of the first indicator (in catalog
 * order) that uses it, e.g. `83b.numerador`. Stable for a catalog and a selection.
 */
export function aggregateLabels(plan: Plan): Map<Slot, string> {
  const labels = new Map<Slot, string>();
  for (const ind of plan.indicators) {
    for (const [name, slot] of Object.entries(plan.slotOf.get(ind) ?? {})) {
      if (!labels.has(slot)) labels.set(slot, `${ind.id}.${name}`);
    }
  }
  return labels;
}

/** A short fingerprint of an aggregate's definition (FNV-1a, 64 bits, hex): a file is refused when it differs from the catalog's. */
export function definitionHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** The text of a bucket key in the `periodo` column: `2024-03` (monthly sources), `2024` (yearly), '' (no period). */
export function periodText(grain: "mes" | "anio" | "ninguno", key: number): string {
  return grain === "mes" ? monthLabel(key) : grain === "anio" ? String(yearOf(key)) : "";
}

// ------------------------------------------------------------------------------ writing

/** Text order of the SQL's `COLLATE "C"`: code units (equal to code points outside the astral planes). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The node's level and key, as the result columns write them. */
const nodeKey = (h: Hierarchy, i: number): [string, string] => {
  const n = h.nodes[i];
  return [n.nivel, n.nivel === "nacional" ? "" : n.key];
};

/**
 * Every record of a pass, in file order. `ingested` must come from `ingest` (or from reading
 * partial sums): the hierarchy's inputs are needed to write the units.
 */
export function* partialRecords(ingested: Ingested): Generator<PartialRecord> {
  const snapshot = snapshotOf(ingested);
  if (!snapshot) throw new MasbError("MASB_ARGUMENTO_INVALIDO", "las sumas parciales se escriben del resultado de ingest (la pasada por el extracto)");
  const { catalog, plan, hierarchy: h } = ingested;
  const rec = (kind: RecordKind, fuente = "", archivo = "", periodo = "", nivel = "", clave = "", agregado = "", valor = "", n = ""): PartialRecord =>
    [kind, fuente, archivo, periodo, nivel, clave, agregado, valor, n];

  yield rec("formato", "", "", "", "", "", "", PARTIALS_FORMAT, String(PARTIALS_VERSION));
  yield rec("meta", "", "", "", "", "", "indicadores", ingested.indicators.map((i) => i.id).join(" "));

  const labels = aggregateLabels(plan);
  const sources = [...plan.sources.keys()].sort(cmp);
  for (const name of sources) {
    const slots = [...plan.sources.get(name)!.slots].sort((a, b) => cmp(labels.get(a)!, labels.get(b)!));
    for (const s of slots) yield rec("agregado", name, "", "", "", "", labels.get(s)!, definitionHash(s.aggregate.key), String(s.aggregate.scale));
  }

  // Units: the CLUES catalog's rows of the network, with their regionalisation.
  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues")!;
  const regions = new Map(snapshot.regions);
  for (const u of [...snapshot.units].sort((a, b) => cmp(a.clues, b.clues))) {
    const r = regions.get(u.clues);
    const fields: Record<string, string | undefined> = {
      nombre: u.nombre, entidad: u.entidad, entidad_nombre: u.entidadNombre, jurisdiccion: u.jurisdiccion, jurisdiccion_nombre: u.jurisdiccionNombre,
      reporta: u.reporta ? "1" : "0",
      cierre: u.cierre === undefined ? undefined : u.cierre === 0 ? NO_CLOSING_DATE : monthLabel(u.cierre),
      region: r?.region, region_nombre: r?.regionNombre, zona: r?.zona, zona_nombre: r?.zonaNombre,
    };
    for (const f of [...UNIT_FIELDS].sort(cmp)) {
      const v = fields[f];
      if (v !== undefined) yield rec("unidad", cluesSource.name, "", "", "clues", u.clues, f, v);
    }
  }

  // Files: read, accepted, rejected, out of a universe's scope; a wide file's variable columns; file problems.
  const files = [...ingested.files].sort((a, b) => cmp(a.source, b.source) || cmp(a.file, b.file));
  for (const f of files) {
    const fields: [string, number][] = [["aceptados", f.accepted], ["leidos", f.read], ["rechazados", f.rejected]];
    for (const [u, n] of Object.entries(f.fueraDeAlcance ?? {})) fields.push([`fuera_de_alcance.${u}`, n]);
    fields.sort((a, b) => cmp(a[0], b[0]));
    for (const [k, n] of fields) yield rec("archivo", f.source, f.file, "", "", "", k, String(n));
  }
  for (const f of files) {
    for (const v of [...new Set(f.variables ?? [])].sort(cmp)) yield rec("variable", f.source, f.file, "", "", "", "", v);
  }
  const sourceOfFile = new Map(ingested.files.map((f) => [f.file, f.source]));
  const problems = [...ingested.problems].sort((a, b) => cmp(sourceOfFile.get(a.file) ?? "", sourceOfFile.get(b.file) ?? "") || cmp(a.file, b.file) || a.line - b.line || cmp(a.code, b.code) || cmp(a.message, b.message));
  for (const p of problems) yield rec("problema", sourceOfFile.get(p.file) ?? "", p.file, "", "", String(p.line), p.code, p.message, p.fatal ? "1" : "0");

  // Nodes in (level, key) order, as the SQL sorts them.
  const order = h.nodes.map((n) => n.index).sort((a, b) => h.nodes[a].nivel === h.nodes[b].nivel
    ? cmp(nodeKey(h, a)[1], nodeKey(h, b)[1])
    : LEVEL_RANK.get(h.nodes[a].nivel)! - LEVEL_RANK.get(h.nodes[b].nivel)!);

  // Monthly reports: which units sent a row of each file in each month.
  for (const name of [...ingested.reports.keys()].sort(cmp)) {
    const byFile = ingested.reports.get(name)!;
    const grain = grainOf(catalog.sources.get(name)!);
    for (const file of [...byFile.keys()].sort(cmp)) {
      const months = byFile.get(file)!;
      for (const m of [...months.keys()].sort((a, b) => a - b)) {
        const sent = months.get(m)!;
        for (const i of order) if (sent[i]) yield rec("reporte", name, file, periodText(grain, m), ...nodeKey(h, i));
      }
    }
  }

  // The partial sums, as the nodes where rows attach hold them (before roll-up).
  const own = sources.map((name) => ({ name, store: ingested.stores.get(name)!, grain: grainOf(catalog.sources.get(name)!) }));
  const parents = h.nodes.map((n) => n.parent);
  const unrolled = new Map<string, Map<number, OwnBucket>>();
  for (const { name, store } of own) unrolled.set(name, ownBuckets(store, parents));
  for (const { name, grain } of own) {
    for (const [key, b] of unrolled.get(name)!) {
      for (const i of order) if (i < b.nNodes && b.rows[i] > 0) yield rec("filas", name, "", periodText(grain, key), ...nodeKey(h, i), "", String(b.rows[i]));
    }
  }
  for (const { name, store, grain } of own) {
    const slots = [...store.plan.slots].filter((s) => s.aggregate.kind !== "distintos").sort((a, b) => cmp(labels.get(a)!, labels.get(b)!));
    for (const [key, b] of unrolled.get(name)!) {
      const period = periodText(grain, key);
      for (const i of order) {
        if (i >= b.nNodes) continue;
        for (const s of slots) {
          const a = b.a[i * store.nSlots + s.index];
          if (s.aggregate.kind === "conteo") {
            if (a !== 0) yield rec("suma", name, "", period, ...nodeKey(h, i), labels.get(s)!, String(a));
            continue;
          }
          const n = b.b[i * store.nB + s.bIndex];
          if (a !== 0 || n !== 0) yield rec("suma", name, "", period, ...nodeKey(h, i), labels.get(s)!, fixedText(a, s.aggregate.scale), String(n));
        }
      }
    }
  }
  for (const { name, store, grain } of own) {
    const slots = [...store.plan.slots].filter((s) => s.aggregate.kind === "distintos").sort((a, b) => cmp(labels.get(a)!, labels.get(b)!));
    if (slots.length === 0) continue;
    for (const [key, b] of unrolled.get(name)!) {
      const period = periodText(grain, key);
      for (const i of order) {
        for (const s of slots) {
          const set = b.sets.get(i * store.nSlots + s.index);
          if (!set) continue;
          for (const v of [...set].map(String).sort(cmp)) yield rec("distinto", name, "", period, ...nodeKey(h, i), labels.get(s)!, v);
        }
      }
    }
  }
}

interface OwnBucket {
  nNodes: number;
  a: Float64Array;
  b: Float64Array;
  rows: Float64Array;
  sets: Map<number, Set<string>>;
}

/**
 * The buckets of a rolled-up store as the nodes hold them on their own: a node's value less
 * its children's (exact: sums are integers). A distinct value is kept at a node only where no
 * child lists it (the roll-up is a union, so the totals are the same).
 */
function ownBuckets(store: SourceStore, parents: number[]): Map<number, OwnBucket> {
  const out = new Map<number, OwnBucket>();
  const n = store.nNodes, s = store.nSlots, nB = store.nB;
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) children[parents[i]].push(i);
  for (const key of [...store.buckets.keys()].sort((x, y) => x - y)) {
    const bucket = store.buckets.get(key)!;
    const a = Float64Array.from(bucket.a), b = Float64Array.from(bucket.b), rows = Float64Array.from(bucket.rows);
    for (let i = n - 1; i > 0; i--) {
      const p = parents[i];
      rows[p] -= bucket.rows[i];
      for (let k = 0; k < s; k++) a[p * s + k] -= bucket.a[i * s + k];
      for (let k = 0; k < nB; k++) b[p * nB + k] -= bucket.b[i * nB + k];
    }
    const sets = new Map<number, Set<string>>();
    for (const [at, set] of bucket.sets) {
      const node = Math.floor(at / s), slot = at % s;
      const mine = new Set([...set].map(String));
      for (const c of children[node]) for (const v of bucket.sets.get(c * s + slot) ?? []) mine.delete(String(v));
      if (mine.size) sets.set(at, mine);
    }
    out.set(key, { nNodes: n, a, b, rows, sets });
  }
  return out;
}

/** One field as CSV: quoted when it holds the delimiter, a quote or a line break. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The file's text, a few thousand records at a time: the header, then every record. */
export function* partialsCsv(ingested: Ingested): Generator<string> {
  let chunk = `${PARTIALS_COLUMNS.join(",")}\n`;
  let lines = 0;
  for (const r of partialRecords(ingested)) {
    chunk += `${r.map(csvField).join(",")}\n`;
    if (++lines % 4096 === 0) {
      yield chunk;
      chunk = "";
    }
  }
  yield chunk;
}

// ------------------------------------------------------------------------------ reading

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;
const COUNT = /^\d+$/;

/**
 * Builds a pass back from partial-sum records, one at a time in file order (`add`), then
 * `finish`: the same hierarchy, plan, stores (rolled up), file reports, monthly reports and
 * warnings as the pass that wrote them, for the same evaluation.
 */
export class PartialsReader {
  private version = false;
  private indicators: Indicator[] | null = null;
  private plan: Plan | null = null;
  private slotsByLabel = new Map<string, Slot>();
  private hashesSeen = new Map<string, string>();
  private units = new Map<string, Record<string, string>>();
  private files = new Map<string, FileReport>();
  private problems: FileProblem[] = [];
  private reports = new Map<string, Map<string, Map<number, Uint8Array>>>();
  private hierarchy: Hierarchy | null = null;
  private stores: Map<string, SourceStore> | null = null;
  private unitList: UnitInfo[] = [];
  private regions = new Map<string, RegionInfo>();
  private rank = 0;
  private line = 0;

  constructor(readonly catalog: Catalog, readonly file: string) {}

  private fail(code: string, message: string, hint?: string): never {
    throw new MasbError(code, message, { file: this.file, line: this.line, ...(hint ? { hint } : {}) });
  }

  /** Checks the header line: the nine columns, in order. */
  header(fields: string[], line: number): void {
    this.line = line;
    const got = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, "") : f).trim());
    if (got.join(",") !== PARTIALS_COLUMNS.join(",")) {
      this.fail("MASB_PARCIALES_ENCABEZADO", `el encabezado no es el de un archivo de sumas parciales: se esperaba ${PARTIALS_COLUMNS.join(",")} y dice ${got.join(",")}`,
        "exporte el resultado de la consulta de masb sql con encabezado (CSV HEADER), o use el archivo de masb compute --escribir-parciales");
    }
  }

  /** Takes one record (its nine fields) at a physical line of the file. */
  add(fields: string[], line: number): void {
    this.line = line;
    if (fields.length !== PARTIALS_COLUMNS.length) this.fail("MASB_PARCIALES_CAMPOS", `el renglón tiene ${fields.length} campos y el formato ${PARTIALS_COLUMNS.length}`);
    const [kind, fuente, archivo, periodo, nivel, clave, agregado, valor, n] = fields;
    const rank = KIND_RANK.get(kind);
    if (rank === undefined) this.fail("MASB_PARCIALES_REGISTRO", `registro '${kind}' desconocido; se esperaba ${RECORD_KINDS.join(", ")}`);
    if (rank < this.rank) {
      this.fail("MASB_PARCIALES_ORDEN", `un registro '${kind}' después de uno '${RECORD_KINDS[this.rank]}': los registros van en el orden ${RECORD_KINDS.join(", ")}`,
        "exporte la consulta tal como la imprime masb sql, con su ORDER BY");
    }
    if (rank > 0 && !this.version) this.fail("MASB_PARCIALES_FORMATO", "el archivo no empieza con el registro 'formato'");
    if (rank > KIND_RANK.get("meta")! && !this.plan) this.fail("MASB_PARCIALES_FORMATO", "falta el registro meta 'indicadores' antes de los agregados");
    if (rank >= KIND_RANK.get("reporte")! && !this.hierarchy) this.build();
    this.rank = rank;
    switch (kind as RecordKind) {
      case "formato":
        if (valor !== PARTIALS_FORMAT) this.fail("MASB_PARCIALES_FORMATO", `el formato es '${valor}' y se esperaba '${PARTIALS_FORMAT}'`);
        if (n !== String(PARTIALS_VERSION)) {
          this.fail("MASB_PARCIALES_VERSION", `versión ${n} del formato de sumas parciales; esta versión de masb lee la ${PARTIALS_VERSION}`, "escriba las sumas parciales con esta versión de masb (masb sql o masb compute --escribir-parciales)");
        }
        this.version = true;
        return;
      case "meta":
        if (agregado === "indicadores") this.select(valor);
        return;
      case "agregado":
        return this.aggregate(fuente, agregado, valor, n);
      case "unidad": {
        let u = this.units.get(clave);
        if (!u) this.units.set(clave, (u = {}));
        u[agregado] = valor;
        return;
      }
      case "archivo":
        return this.fileCount(fuente, archivo, agregado, valor);
      case "variable":
        (this.fileOf(fuente, archivo).variables ??= []).push(valor);
        return;
      case "problema":
        this.problems.push({ file: archivo, line: Number(clave) || 0, code: agregado, message: valor, fatal: n === "1" });
        return;
      case "reporte":
        return this.report(fuente, archivo, periodo, nivel, clave);
      case "filas":
      case "suma":
      case "distinto":
        return this.data(kind as "filas" | "suma" | "distinto", fuente, periodo, nivel, clave, agregado, valor, n);
    }
  }

  /** A problem of a whole file, known to the caller rather than written in the records (the SQL motor's loader). */
  addProblem(p: FileProblem): void {
    this.problems.push(p);
  }

  /** The variable columns of a wide file, known to the caller (the SQL motor's loader). */
  addVariables(source: string, file: string, codes: string[]): void {
    (this.fileOf(source, file).variables ??= []).push(...codes);
  }

  private select(ids: string): void {
    const wanted = ids.split(/\s+/).filter(Boolean);
    const missing = wanted.filter((id) => !this.catalog.byId.has(id));
    if (missing.length) {
      this.fail("MASB_PARCIALES_CATALOGO", `el archivo trae indicadores que el catálogo no tiene: ${missing.slice(0, 10).join(", ")}`, "use el catálogo con el que se escribieron las sumas parciales (--catalog)");
    }
    const set = new Set(wanted.map((id) => this.catalog.byId.get(id)!));
    this.indicators = this.catalog.indicators.filter((i) => set.has(i));
    this.plan = planFor(this.catalog, this.indicators);
    for (const [slot, label] of aggregateLabels(this.plan)) this.slotsByLabel.set(label, slot);
  }

  private aggregate(fuente: string, label: string, hash: string, scale: string): void {
    const slot = this.slotsByLabel.get(label);
    if (!slot || slot.aggregate.source !== fuente) {
      this.fail("MASB_PARCIALES_CATALOGO", `el agregado ${label} (fuente ${fuente}) no es de este catálogo con esta selección de indicadores`, "use el catálogo con el que se escribieron las sumas parciales (--catalog)");
    }
    if (definitionHash(slot.aggregate.key) !== hash || String(slot.aggregate.scale) !== scale) {
      this.fail("MASB_PARCIALES_CATALOGO", `el agregado ${label} se definía de otra forma cuando se escribieron las sumas parciales (huella ${hash}, la del catálogo es ${definitionHash(slot.aggregate.key)})`,
        "calcule de nuevo las sumas parciales con este catálogo, o use el catálogo con el que se escribieron");
    }
    this.hashesSeen.set(label, hash);
  }

  private fileOf(source: string, file: string): FileReport {
    const k = `${source}\u0000${file}`;
    let f = this.files.get(k);
    if (!f) this.files.set(k, (f = { source, file, read: 0, accepted: 0, rejected: 0 }));
    return f;
  }

  private fileCount(source: string, file: string, field: string, value: string): void {
    if (!COUNT.test(value)) this.fail("MASB_PARCIALES_VALOR", `'${value}' no es un entero (archivo ${file}, ${field})`);
    const f = this.fileOf(source, file);
    const n = Number(value);
    if (field === "leidos") f.read = n;
    else if (field === "aceptados") f.accepted = n;
    else if (field === "rechazados") f.rejected = n;
    else if (field.startsWith("fuera_de_alcance.")) {
      if (n > 0) (f.fueraDeAlcance ??= {})[field.slice("fuera_de_alcance.".length)] = n;
    } else this.fail("MASB_PARCIALES_REGISTRO", `campo '${field}' desconocido de un registro archivo`);
  }

  /** The hierarchy and empty stores, once the definitions are read. */
  private build(): void {
    const plan = this.plan!;
    // Every aggregate of the selection must have come with its definition's fingerprint.
    for (const label of this.slotsByLabel.keys()) {
      if (!this.hashesSeen.has(label)) this.fail("MASB_PARCIALES_CATALOGO", `falta el registro del agregado ${label}`, "el archivo se escribió con otro catálogo o se cortó");
    }
    for (const [clues, u] of [...this.units].sort(([a], [b]) => cmp(a, b))) {
      const unit: UnitInfo = {
        clues, nombre: u.nombre ?? "", entidad: u.entidad ?? "", entidadNombre: u.entidad_nombre ?? "",
        jurisdiccion: u.jurisdiccion ?? "", jurisdiccionNombre: u.jurisdiccion_nombre ?? "", reporta: u.reporta === "1",
      };
      if (u.cierre !== undefined && u.cierre !== "") {
        const m = u.cierre === NO_CLOSING_DATE ? 0 : parseMonth(u.cierre);
        if (m === null) this.fail("MASB_PARCIALES_VALOR", `cierre '${u.cierre}' de la unidad ${clues}: se esperaba AAAA-MM o ${NO_CLOSING_DATE}`);
        unit.cierre = m;
      }
      this.unitList.push(unit);
      if (u.region !== undefined) this.regions.set(clues, { region: u.region, regionNombre: u.region_nombre ?? "", zona: u.zona ?? "", zonaNombre: u.zona_nombre ?? "" });
    }
    const cluesSource = [...this.catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
    if (this.unitList.length === 0 && cluesSource) throw noNetworkError(cluesSource, this.fileList());
    const h = (this.hierarchy = new Hierarchy(this.unitList, this.regions));
    // Slots with a condition on the unit count at units only, as in the pass (src/engine/ingest.ts).
    for (const sp of plan.sources.values()) for (const s of sp.slots) if (s.aggregate.unidad) s.unitMask = new Uint8Array(h.size).fill(1);
    this.stores = new Map([...plan.sources].map(([name, sp]) => [name, new SourceStore(sp, storeNodes(sp, h))]));
    for (const [name, sp] of plan.sources) if (sp.source.def.exige_reporte) this.reports.set(name, new Map());
  }

  private bucketKey(source: string, text: string): number {
    const grain = grainOf(this.catalog.sources.get(source)!);
    if (grain === "ninguno") {
      if (text !== "") this.fail("MASB_PARCIALES_VALOR", `la fuente ${source} no tiene periodo y el registro dice '${text}'`);
      return 0;
    }
    if (grain === "anio") {
      if (!/^\d{4}$/.test(text)) this.fail("MASB_PARCIALES_VALOR", `periodo '${text}' de la fuente ${source}: se esperaba un año AAAA`);
      return monthIndex(Number(text), 1);
    }
    const m = parseMonth(text);
    if (m === null) this.fail("MASB_PARCIALES_VALOR", `periodo '${text}' de la fuente ${source}: se esperaba AAAA-MM`);
    return m;
  }

  private node(nivel: string, clave: string): number {
    if (!LEVEL_RANK.has(nivel)) this.fail("MASB_PARCIALES_VALOR", `nivel '${nivel}' desconocido; se esperaba ${NIVELES.join(", ")}`);
    const i = this.hierarchy!.find(nivel as Nivel, clave);
    if (i === undefined) this.fail("MASB_PARCIALES_CLAVE", `${nivel} '${clave}' no está en las unidades del archivo`, "cada CLUES, zona, región o entidad de los datos debe venir de un registro unidad (o ser la entidad NE)");
    return i;
  }

  private report(source: string, file: string, periodo: string, nivel: string, clave: string): void {
    const byFile = this.reports.get(source);
    if (!byFile) this.fail("MASB_PARCIALES_REGISTRO", `la fuente ${source} no exige reporte mensual (o no la lee la selección)`);
    let months = byFile.get(file);
    if (!months) byFile.set(file, (months = new Map()));
    const key = this.bucketKey(source, periodo);
    let sent = months.get(key);
    if (!sent) months.set(key, (sent = new Uint8Array(this.hierarchy!.size)));
    sent[this.node(nivel, clave)] = 1;
  }

  private data(kind: "filas" | "suma" | "distinto", source: string, periodo: string, nivel: string, clave: string, label: string, valor: string, n: string): void {
    const store = this.stores!.get(source);
    if (!store) this.fail("MASB_PARCIALES_REGISTRO", `la fuente ${source} no la lee ningún indicador de la selección`);
    const bucket = store.bucket(this.bucketKey(source, periodo));
    const node = this.node(nivel, clave);
    if (node >= store.nNodes) this.fail("MASB_PARCIALES_CLAVE", `${nivel} '${clave}': la fuente ${source} no asigna renglones a ese nivel`);
    if (kind === "filas") {
      bucket.rows[node] += this.count(valor);
      return;
    }
    const slot = this.slotsByLabel.get(label);
    if (!slot || slot.aggregate.source !== source) this.fail("MASB_PARCIALES_REGISTRO", `agregado '${label}' desconocido en la fuente ${source}`);
    const at = node * store.nSlots + slot.index;
    const agg = slot.aggregate;
    if (kind === "distinto") {
      if (agg.kind !== "distintos") this.fail("MASB_PARCIALES_REGISTRO", `registro distinto de un agregado '${agg.kind}' (${label})`);
      let set = bucket.sets.get(at);
      if (!set) bucket.sets.set(at, (set = new Set()));
      set.add(valor);
      return;
    }
    if (agg.kind === "distintos") this.fail("MASB_PARCIALES_REGISTRO", `registro suma de un agregado de valores distintos (${label})`);
    if (agg.kind === "conteo") {
      bucket.a[at] += this.count(valor);
      return;
    }
    bucket.a[at] += this.scaled(valor, agg.scale);
    bucket.b[node * store.nB + slot.bIndex] += this.count(n);
  }

  private count(text: string): number {
    if (!COUNT.test(text)) this.fail("MASB_PARCIALES_VALOR", `'${text}' no es un entero sin signo`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) this.fail("MASB_PARCIALES_VALOR", `'${text}' es mayor que el entero exacto más grande (2^53)`);
    return n;
  }

  /** An exact decimal as an integer count of 10^-scale. */
  private scaled(text: string, scale: number): number {
    const m = DECIMAL.exec(text);
    if (!m) this.fail("MASB_PARCIALES_VALOR", `'${text}' no es un número decimal exacto`);
    const frac = m[3] ?? "";
    if (frac.length > scale && !/^0*$/.test(frac.slice(scale))) this.fail("MASB_PARCIALES_VALOR", `'${text}' tiene más de ${scale} decimales`);
    const digits = `${m[2]}${frac.slice(0, scale).padEnd(scale, "0")}`;
    const v = Number(digits);
    if (!Number.isSafeInteger(v)) this.fail("MASB_PARCIALES_VALOR", `'${text}' excede la suma exacta que masb guarda (2^53 unidades de 10^-${scale})`);
    return m[1] === "-" ? -v : v;
  }

  private fileList(): FileReport[] {
    return [...this.files.values()];
  }

  /**
   * The pass the records describe, rolled up, with the same warnings a streaming pass gives
   * (a missing or empty source, no regionalisation). `only` narrows the indicators evaluated
   * to some of those the file was written for.
   */
  finish(only?: Indicator[]): Ingested {
    if (!this.version) this.fail("MASB_PARCIALES_FORMATO", "el archivo no tiene el registro 'formato' (¿está vacío?)");
    if (!this.plan) this.fail("MASB_PARCIALES_FORMATO", "falta el registro meta 'indicadores'");
    if (!this.hierarchy) this.build();
    const h = this.hierarchy!;
    const parents = Float64Array.from(h.nodes.map((n) => n.parent));
    const stores: Record<string, PartialBucket[]> = {};
    for (const [name, store] of this.stores!) {
      store.rollUp(parents);
      stores[name] = [...store.buckets].map(([key, b]) => ({ key, a: b.a, b: b.b, rows: b.rows, sets: b.sets }));
    }
    // Reading order of a streaming pass: the hierarchy's sources, then the others by name; files by name.
    const regionSource = [...this.catalog.sources.values()].find((s) => s.def.rol === "regionalizacion");
    const cluesSource = [...this.catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
    const first = [regionSource?.name, cluesSource?.name];
    const rankOf = (s: string) => (s === first[0] ? 0 : s === first[1] ? 1 : 2);
    const files = this.fileList().sort((a, b) => rankOf(a.source) - rankOf(b.source) || cmp(a.source, b.source) || cmp(a.file, b.file));
    for (const f of files) if (f.variables) f.variables.sort(cmp);
    let latest = -1;
    for (const [name, store] of this.stores!) {
      if (grainOf(this.catalog.sources.get(name)!) !== "mes") continue;
      for (const k of store.buckets.keys()) if (k > latest) latest = k;
    }
    const extract: Extract = new Map();
    for (const f of files) {
      const list = extract.get(f.source) ?? [];
      list.push({ name: f.file, open: () => { throw new Error("sin datos"); } });
      extract.set(f.source, list);
    }
    const avisos = regionSource ? regionalisationAvisos(regionSource, files, h) : [];
    const { missingSources, avisos: sourceWarnings } = sourceAvisos(this.catalog, this.indicators!, extract, files, this.problems);
    avisos.push(...sourceWarnings);
    const plan = this.plan!;
    const snapshot: IngestedSnapshot = {
      catalog: this.catalog, indicators: this.indicators!.map((i) => i.id), units: this.unitList, regions: [...this.regions], excluded: [],
      unitMasks: Object.fromEntries([...plan.sources].map(([name, sp]) => [name, sp.slots.map((s) => s.unitMask)])),
      stores, files, problems: this.problems, missingSources, avisos, latestMonth: latest, reports: this.reports,
    };
    const ingested = restoreIngested(snapshot);
    if (only) {
      const allowed = new Set(ingested.indicators);
      const outside = only.filter((i) => !allowed.has(i));
      if (outside.length) {
        throw new MasbError("MASB_PARCIALES_SELECCION", `las sumas parciales no traen ${outside.length === 1 ? "el indicador" : "los indicadores"} ${outside.slice(0, 10).map((i) => i.id).join(", ")}`,
          { file: this.file, hint: "escriba las sumas parciales con esos indicadores (masb sql --only …, o sin --only)" });
      }
      const wanted = new Set(only);
      ingested.indicators = ingested.indicators.filter((i) => wanted.has(i));
    }
    return ingested;
  }
}

/**
 * Reads a partial-sums file (UTF-8, with or without BOM; CSV as any database exports it) into a
 * pass that `evaluate` takes like one from `ingest`. Throws `MasbError` (`MASB_PARCIALES_*`)
 * with the file and line of the first record it cannot take.
 */
export async function ingestPartials(
  catalog: Catalog, chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, file: string, only?: Indicator[],
): Promise<Ingested> {
  const reader = new PartialsReader(catalog, file);
  const bytes = new TextFromBytes("utf-8");
  const tokenizer = new CsvTokenizer(",");
  let header = false;
  const onRecord = (fields: string[], line: number, error: string | null) => {
    if (error) throw new MasbError("MASB_PARCIALES_CSV", `renglón mal formado: ${error}`, { file, line });
    if (!header) {
      reader.header(fields, line);
      header = true;
      return;
    }
    reader.add(fields, line);
  };
  let started = false;
  const push = (text: string) => {
    if (!started && text.length) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text) tokenizer.push(text, onRecord);
  };
  for await (const chunk of chunks as AsyncIterable<Uint8Array | string>) push(typeof chunk === "string" ? chunk : bytes.push(chunk));
  push(bytes.end());
  tokenizer.end(onRecord);
  if (!header) throw new MasbError("MASB_PARCIALES_FORMATO", "el archivo de sumas parciales está vacío", { file });
  return reader.finish(only);
}
