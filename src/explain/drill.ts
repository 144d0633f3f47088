import type { Catalog, Indicator, Source, Term } from "../catalog/load.js";
import type { Nivel } from "../catalog/schema.js";
import { ingest, resolvePeriod, type Extract, type FileReport, type Ingested } from "../engine/compute.js";
import { aggregateRatio, bucketsFor, termBig, type Grain } from "../engine/evaluate.js";
import { ratioText, toBig, type BigRatio } from "../engine/exact.js";
import { checkPeriod, monthLabel, windowFor, type Window } from "../engine/periods.js";
import { MasbError } from "../errors.js";
import { formatExpr, type Node } from "../expr/index.js";
import type { OrgNode } from "../hierarchy/index.js";
import type { ResultRow } from "../scoring/rows.js";
import { evaluate } from "../stages.js";
import { describeAggregate, unitWords } from "./definition.js";

/** An org unit as the user writes it: `GRIMB000377`, `12-Z01`, `12-R01`, `12`, `nacional`, or `zona:12-Z01`. */
export interface UnitRef {
  nivel: Nivel;
  key: string;
}

/** The levels a written key may be, most likely first (a CLUES, a zona, a región or an entidad). */
export function unitCandidates(text: string): UnitRef[] {
  const t = text.trim();
  const explicit = /^(nacional|entidad|region|zona|clues):(.+)$/i.exec(t);
  if (explicit) return [{ nivel: explicit[1].toLowerCase() as Nivel, key: explicit[2].trim() }];
  if (/^nacional$/i.test(t)) return [{ nivel: "nacional", key: "nacional" }];
  const guess: Nivel[] = /^\d{1,2}$|^NE$/i.test(t) ? ["entidad", "zona", "region", "clues"]
    : /-(R\d+|SR)$/i.test(t) ? ["region", "zona", "clues", "entidad"]
    : /-(Z|J)/i.test(t) ? ["zona", "region", "clues", "entidad"]
    : ["clues", "zona", "region", "entidad"];
  const keys = t === t.toUpperCase() ? [t] : [t, t.toUpperCase()];
  return guess.flatMap((nivel) => keys.map((key) => ({ nivel, key })));
}

/** Rows that one named aggregate took at the unit, in the window. */
export interface AggregateRows {
  /** Distinct input rows in the window, or null when not known exactly. */
  inWindow: number | null;
  /** True when `lines` lists every such row (otherwise the first ones found). */
  complete: boolean;
  lines: { file: string; line: number }[];
  /** Units of the CLUES catalog, for aggregates over the catalog itself. */
  units?: number;
}

export interface AggregateAt {
  name: string;
  /** `numerador del indicador A`, for aggregates taken from another indicator. */
  via?: string;
  source: string;
  description: string;
  value: string | null;
  rows: AggregateRows;
}

export interface TermAt {
  role: "numerador" | "denominador";
  /** The expression as written, when the term is an expression. */
  expression?: string;
  /** The same with other indicators' terms put in, when it references them. */
  expanded?: string;
  /** The expression with the values put in (`50 * 31`). */
  arithmetic?: string;
  value: string | null;
}

/** Everything `masb explain --data --unit` shows: the result at a unit, the rows behind it, its children. */
export interface DrillDown {
  indicator: Indicator;
  period: string;
  window: Window;
  node: OrgNode;
  /** From the nation down to the unit. */
  path: OrgNode[];
  row?: ResultRow;
  terms: TermAt[];
  aggregates: AggregateAt[];
  childLevel?: Nivel;
  children: { node: OrgNode; row?: ResultRow }[];
  files: FileReport[];
  rejected: number;
}

export interface DrillOptions {
  period?: string;
  /** How many row numbers to keep per aggregate (default 5). */
  lines?: number;
}

/** Rows kept per aggregate while reading, to count those of the window exactly. */
const TRACE_DEPTH = 2000;

function grainOf(source: Source): Grain {
  const p = source.def.periodo;
  if (!p) return "ninguno";
  return p.fecha || p.mes ? "mes" : "anio";
}

const keyOf = (nivel: Nivel, r: ResultRow) => (nivel === "nacional" ? "nacional" : nivel === "entidad" ? r.entidad : nivel === "region" ? r.region : nivel === "zona" ? r.zona : r.clues);

function withValues(node: Node, env: Record<string, BigRatio | null>): Node {
  switch (node.kind) {
    case "col": {
      const v = env[node.name];
      return v === undefined || v === null ? node : { kind: "num", value: Number(v.p) / Number(v.q), integral: v.p % v.q === 0n, start: 0, end: 0 };
    }
    case "unary":
      return { ...node, arg: withValues(node.arg, env) };
    case "binary":
      return { ...node, left: withValues(node.left, env), right: withValues(node.right, env) };
    case "call":
      return { ...node, args: node.args.map((a) => withValues(a, env)) };
    default:
      return node;
  }
}

/**
 * Reads an extract for one indicator, tracing one org unit, and returns its result for the
 * period with the rows behind each aggregate and its children's results. `unit` is a key at
 * any level; it is looked up level by level. Throws `MASB_UNIDAD_DESCONOCIDA` when no level has it.
 */
export async function drillDown(catalog: Catalog, extract: Extract, id: string, unit: string, options: DrillOptions = {}): Promise<DrillDown> {
  checkPeriod(options.period); // before reading the extract
  const ind = catalog.byId.get(id);
  if (!ind) throw new MasbError("MASB_SELECCION_DESCONOCIDA", `'${id}' no es un id ni un alias del catálogo`, { value: id });
  let ingested: Ingested | undefined;
  let found: UnitRef | undefined;
  for (const ref of unitCandidates(unit)) {
    try {
      ingested = await ingest(catalog, extract, { only: [ind.id], trace: { nivel: ref.nivel, key: ref.key, lines: TRACE_DEPTH } });
      found = ref;
      break;
    } catch (e) {
      if (!(e instanceof MasbError && e.code === "MASB_UNIDAD_DESCONOCIDA")) throw e;
    }
  }
  if (!ingested || !found) {
    throw new MasbError("MASB_UNIDAD_DESCONOCIDA", `'${unit}' no es una CLUES, zona, región ni entidad de la jerarquía del extracto`, { value: unit });
  }
  const h = ingested.hierarchy;
  const node = h.nodes[h.find(found.nivel, found.key)!];
  const end = resolvePeriod(ingested, options.period);
  const w = windowFor(end, ind.def.ventana);
  const { rows } = evaluate(ingested, { period: monthLabel(end) });
  const byNode = new Map(rows.map((r) => [`${r.nivel}|${keyOf(r.nivel, r)}`, r]));
  const rowOf = (n: OrgNode) => byNode.get(`${n.nivel}|${n.key}`);

  const slots = ingested.plan.slotOf.get(ingested.indicators[0])!;
  // Exact rationals in BigInt: explain evaluates one unit, so it need not try doubles first.
  const env: Record<string, BigRatio | null> = { dias_periodo: { p: BigInt(w.days), q: 1n }, meses_periodo: { p: BigInt(w.months), q: 1n } };
  const keysOf = new Map<string, number[]>();
  for (const [name, slot] of Object.entries(slots)) {
    const store = ingested.stores.get(slot.aggregate.source)!;
    const keys = bucketsFor(store, grainOf(catalog.sources.get(slot.aggregate.source)!), slot.aggregate.periodo, w);
    keysOf.set(name, keys);
    const value = aggregateRatio(store, slot, node.index, keys.map((k) => store.buckets.get(k)!));
    env[name] = value && toBig(value);
  }
  const show = (v: BigRatio | null | undefined) => (v === null || v === undefined ? null : ratioText(v));
  const keep = options.lines ?? 5;
  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues")?.name;
  const rowsOf = (name: string): AggregateRows => {
    const slot = slots[name];
    const entry = ingested!.trace?.get(`${slot.aggregate.source}#${slot.index}`);
    if (slot.aggregate.source === cluesSource) return { inWindow: entry?.count ?? 0, complete: true, lines: [], units: entry?.count ?? 0 };
    if (!entry) return { inWindow: 0, complete: true, lines: [] };
    const keys = new Set(keysOf.get(name)!);
    const complete = entry.first.length < TRACE_DEPTH;
    const mine = entry.first.filter((f) => keys.has(f.period));
    const lines = mine.slice(0, keep).map((f) => ({ file: f.file, line: f.line }));
    if (complete) return { inWindow: mine.length, complete: mine.length <= keep, lines };
    // Too many rows to keep them all: the partial sums still count them exactly (pivoted cells for wide files).
    const store = ingested!.stores.get(slot.aggregate.source)!;
    const at = node.index * store.nSlots + slot.index;
    let count: number | null = 0;
    for (const k of keys) {
      const b = store.buckets.get(k)!;
      if (slot.aggregate.kind === "distintos") count = null;
      else if (count !== null) count += (slot.aggregate.kind === "conteo" ? b.a[at] : b.b[node.index * store.nB + slot.bIndex]) ?? 0;
    }
    return { inWindow: count, complete: false, lines };
  };

  const aggregates: AggregateAt[] = [];
  const refs = ind.referencias ?? {};
  const describe = (name: string, via?: string): AggregateAt => {
    const agg = ind.aggregates[name];
    return { name, via, source: agg.source, description: describeAggregate(agg), value: show(env[name]), rows: rowsOf(name) };
  };
  for (const name of Object.keys(ind.aggregates)) {
    if (name.includes(".")) continue; // listed under their reference
    const ref = Object.entries(refs).find(([n]) => n === name)?.[1];
    aggregates.push(describe(name, ref ? `${ref.termino} del indicador ${ref.indicador}` : undefined));
  }
  for (const [name, ref] of Object.entries(refs)) {
    if (ref.term.kind !== "expresion") continue;
    for (const sub of ref.term.names) aggregates.push(describe(sub, `${ref.termino} del indicador ${ref.indicador}`));
    env[name] = termBig(ref.term, env);
  }

  const terms: TermAt[] = [];
  for (const role of ["numerador", "denominador"] as const) {
    const term: Term | undefined = ind[role];
    if (!term) continue;
    const value = show(termBig(term, env));
    const written = ind.def[role];
    if (term.kind === "agregado") terms.push({ role, value });
    else {
      const expanded = formatExpr(term.node);
      const expression = written && "expresion" in written ? written.expresion.replace(/\s+/g, " ").trim() : expanded;
      terms.push({ role, expression, expanded: expanded !== expression ? expanded : undefined, arithmetic: formatExpr(withValues(term.node, env)), value });
    }
  }

  const childNodes = h.nodes.filter((n) => n.parent === node.index);
  const children = childNodes.map((n) => ({ node: n, row: rowOf(n) })).filter((c) => c.row || c.node.key !== "NE");
  const path: OrgNode[] = [];
  for (let i = node.index; i >= 0; i = h.nodes[i].parent) path.unshift(h.nodes[i]);
  const rejected = ingested.files.reduce((s, f) => s + f.rejected, 0);
  return {
    indicator: ind, period: w.label, window: w, node, path, row: rowOf(node), terms, aggregates,
    childLevel: childNodes[0]?.nivel, children, files: ingested.files, rejected,
  };
}

const NIVEL_WORD: Record<Nivel, string> = { nacional: "nacional", entidad: "entidad", region: "región", zona: "zona", clues: "unidad" };
const SEMAFORO: Record<string, string> = { verde: "● verde", amarillo: "▲ amarillo", rojo: "■ rojo", sin_meta: "○ sin meta", sin_dato: "· sin dato" };

function nodeLabel(n: OrgNode): string {
  return n.nivel === "nacional" ? "nacional" : `${NIVEL_WORD[n.nivel]} ${n.key} ${n.nombre}`.trim();
}

const nodeShort = (n: OrgNode) => (n.nivel === "nacional" ? "nacional" : `${NIVEL_WORD[n.nivel]} ${n.key}`);

function linesText(r: AggregateRows): string {
  if (r.units !== undefined) return `${r.units} unidad${r.units === 1 ? "" : "es"} del catálogo CLUES`;
  const count = r.inWindow === null ? "renglones en la ventana: demasiados para contarlos aquí" : `${r.inWindow} ${r.inWindow === 1 ? "renglón" : "renglones"} en la ventana`;
  if (r.lines.length === 0) return r.complete || r.inWindow === 0 ? count : `${count} (demasiados para listar sus números de renglón a este nivel; pida una zona o una unidad)`;
  const byFile = new Map<string, number[]>();
  for (const l of r.lines) byFile.set(l.file, [...(byFile.get(l.file) ?? []), l.line]);
  const where = [...byFile].map(([file, ls]) => `${file} línea${ls.length === 1 ? "" : "s"} ${ls.join(", ")}`).join("; ");
  return `${count}: ${where}${r.complete ? "" : ", …"}`;
}

/** The drill-down as text for the terminal. */
export function formatDrillDown(d: DrillDown, extractName: string): string {
  const ind = d.indicator;
  const out: string[] = [];
  const w = d.window;
  out.push(`Datos de ${extractName}, periodo ${d.period} (ventana ${w.ventana}: ${w.months} mes${w.months === 1 ? "" : "es"}, ${w.days} días)`);
  out.push(`${nodeLabel(d.node)}`);
  if (d.path.length > 2) out.push(`  en ${d.path.slice(1, -1).map(nodeLabel).join(" › ")}`);
  out.push("");
  if (!d.row && d.node.cierre !== undefined && ind.desdeNivel === "clues") {
    // README, Semantics: a closed unit with no row of its own in the window is not reported.
    out.push(`${nodeShort(d.node)} está fuera de operación${d.node.cierre > 0 ? ` (baja en ${monthLabel(d.node.cierre)})` : ""} y no tiene renglones propios en la ventana de ${ind.id}: no se reporta en este indicador.`);
    return `${out.join("\n")}\n`;
  }
  if (!d.row) {
    const above = d.path.find((n) => n.nivel === ind.desdeNivel);
    out.push(`El indicador ${ind.id} se reporta desde el nivel ${ind.desdeNivel} hacia arriba: ${nodeShort(d.node)} no tiene resultado propio.`);
    if (above) out.push(`Vea el resultado de ${nodeLabel(above)} (clave ${above.key}).`);
    return `${out.join("\n")}\n`;
  } else {
    const r = d.row;
    const u = unitWords(ind.def.unidad);
    const lines: [string, string, string][] = [];
    for (const t of d.terms) {
      const steps = [t.expression, t.expanded, t.arithmetic].filter((x, i, all): x is string => x !== undefined && all.indexOf(x) === i);
      lines.push([t.role, t.value ?? "—", steps.length ? `= ${steps.join(" = ")}` : ""]);
    }
    const division = `${r.numerador}${r.denominador !== null && ind.denominador ? ` / ${r.denominador}` : ""}${u.factor}${ind.def.anualizar ? ` × ${w.annualFactor.num}/${w.annualFactor.den}` : ""}`;
    lines.push(["valor", r.valor === null ? "—" : `${r.valor}${u.suffix}`, r.valor === null ? `(${r.estado})` : `= ${division}`]);
    lines.push(["meta", r.meta === null ? "—" : `${r.meta}${u.suffix}`, `logro ${r.logro ?? "—"}   semáforo ${SEMAFORO[r.semaforo] ?? r.semaforo}   estado ${r.estado}`]);
    const width = Math.max(...lines.map((l) => l[1].length));
    for (const [label, value, tail] of lines) out.push(`  ${label.padEnd(12)} ${value.padStart(width)}  ${tail}`.trimEnd());
  }
  out.push("");
  out.push(`Renglones que entraron, por agregado (${nodeShort(d.node)}${d.node.nivel === "clues" ? "" : " y lo que tiene debajo"})`);
  const width = Math.max(...d.aggregates.map((a) => a.name.length), 8);
  for (const a of d.aggregates) {
    if (a.name.includes("#")) {
      // One aggregate per age group of a `calculo` method: the filter is the term's plus the group.
      out.push(`  ${a.name.padEnd(width)} ${(a.value ?? "—").padStart(10)}  ${linesText(a.rows)}`);
      continue;
    }
    out.push(`  ${a.name.padEnd(width)} ${(a.value ?? "—").padStart(10)}  ${a.via ? `${a.via}: ` : ""}${a.description}`);
    out.push(`  ${" ".repeat(width)} ${" ".repeat(10)}  ${linesText(a.rows)}`);
  }
  if (d.children.length && d.children.every((c) => !c.row)) {
    out.push("");
    out.push(`El indicador se reporta desde el nivel ${ind.desdeNivel}: no hay desglose por ${NIVEL_WORD[d.childLevel ?? "clues"]}.`);
  } else if (d.children.length) {
    out.push("");
    out.push(`Desglose por ${NIVEL_WORD[d.childLevel ?? "clues"]} (${d.children.length})`);
    const head = ["clave", "nombre", "numerador", "denominador", "valor", "semáforo", "estado"];
    const body = d.children.map(({ node, row }) => [
      node.key, node.nombre.length > 44 ? `${node.nombre.slice(0, 43)}…` : node.nombre,
      row?.numerador ?? "—", row?.denominador ?? "—", row?.valor ?? "—", row ? SEMAFORO[row.semaforo] ?? row.semaforo : "—", row?.estado ?? `(desde ${ind.desdeNivel})`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const right = new Set([2, 3, 4]);
    const line = (cells: string[]) => `  ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd()}`;
    out.push(line(head));
    for (const b of body) out.push(line(b));
  }
  if (d.rejected) {
    out.push("");
    out.push(`${d.rejected} ${d.rejected === 1 ? "renglón" : "renglones"} del extracto se rechazaron y no cuentan; el archivo de rechazos de la corrida dice cuáles y por qué.`);
  }
  return `${out.join("\n")}\n`;
}
