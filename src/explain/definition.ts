import { universeInWords, type Aggregate, type Catalog, type Indicator, type Term } from "../catalog/load.js";
import type { Unidad } from "../catalog/schema.js";
import { formatExpr } from "../expr/index.js";
import { requiredCodes } from "../catalog/dictionaries.js";
import { DEFAULT_BANDS } from "../scoring/score.js";

/** How the value is made from the terms, per unit (a unit not listed reads as its own name). */
const UNITS: Partial<Record<Unidad, { factor: string; name: string; suffix: string }>> = {
  porcentaje: { factor: " × 100", name: "porcentaje", suffix: " %" },
  por_1000: { factor: " × 1 000", name: "tasa por 1 000", suffix: " por 1 000" },
  por_10000: { factor: " × 10 000", name: "tasa por 10 000", suffix: " por 10 000" },
  por_100000: { factor: " × 100 000", name: "tasa por 100 000", suffix: " por 100 000" },
  razon: { factor: "", name: "razón", suffix: "" },
  promedio: { factor: "", name: "promedio", suffix: "" },
  conteo: { factor: "", name: "conteo", suffix: "" },
  indice: { factor: "", name: "índice", suffix: "" },
  dias: { factor: "", name: "días", suffix: " días" },
  anios: { factor: "", name: "años", suffix: " años" },
};

export function unitWords(unidad: Unidad): { factor: string; name: string; suffix: string } {
  return UNITS[unidad] ?? { factor: "", name: unidad, suffix: "" };
}

const FASES: Record<number, string> = { 1: "planeación-arranque", 2: "operación-continuidad", 3: "consolidación-evaluación" };
const VENTANAS: Record<string, string> = { mes: "el mes del periodo", acumulado_anual: "de enero al mes del periodo (acumulado anual)", "12_meses": "los 12 meses que terminan en el periodo" };

/** `text` wrapped at `width`, every line after the first indented by `indent` spaces. */
export function wrap(text: string, indent: number, width = 96): string {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && indent + line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** One aggregate in words: what it counts or adds, over which source and rows. */
export function describeAggregate(agg: Aggregate): string {
  const value = agg.value ? `\`${formatExpr(agg.value)}\`` : "";
  const what = {
    conteo: `número de renglones de ${agg.source}`,
    suma: `suma de ${value} en ${agg.source}`,
    promedio: `promedio de ${value} en ${agg.source}`,
    distintos: `número de valores distintos de ${value} en ${agg.source}`,
  }[agg.kind];
  const parts = [`${what} ${agg.filter ? `que cumplen \`${formatExpr(agg.filter)}\`` : "(todos los renglones)"}`];
  if (agg.unidad) parts.push(`solo de unidades con \`${formatExpr(agg.unidad)}\``);
  if (agg.clave) parts.push(`universo ${agg.universo}, asignados por ${agg.clave.map((k) => `${k.columna}${k.nivel ? ` (${k.nivel})` : ""}`).join(", luego ")}`);
  if (agg.periodo === "ultimo") parts.push("acervo: se toma el último corte de la ventana");
  return parts.join("; ");
}

/** A term in words: an inline aggregate described, an expression over named aggregates as written. */
function termText(ind: Indicator, term: Term, role: "numerador" | "denominador"): string {
  const written = ind.def[role];
  if (written && "expresion" in written) return written.expresion.replace(/\s+/g, " ").trim();
  if (term.kind === "expresion") return formatExpr(term.node);
  const named = ind.def.agregados?.[term.name];
  return named ? term.name : describeAggregate(ind.aggregates[term.name]);
}

function fmtMeta(ind: Indicator): string {
  if (ind.def.meta === undefined) return "sin meta";
  return `${ind.def.meta}${unitWords(ind.def.unidad).suffix}`;
}

function bands(ind: Indicator): string {
  const u = ind.def.umbrales;
  const range = (b: { desde?: number; hasta?: number }) =>
    b.desde === undefined ? `< ${b.hasta}` : b.hasta === undefined ? `≥ ${b.desde}` : `${b.desde} a < ${b.hasta}`;
  const b = u ?? DEFAULT_BANDS;
  return `${u ? "" : "por omisión, "}sobre el logro (% de la meta alcanzado, tope 100): verde ${range(b.verde)}; amarillo ${range(b.amarillo)}; rojo ${range(b.rojo)}`;
}

/** The value as a formula in words: numerator over denominator, unit factor, annualisation. */
export function formula(ind: Indicator): string {
  const u = unitWords(ind.def.unidad);
  const base = ind.denominador ? `numerador / denominador${u.factor}` : `numerador${u.factor}`;
  const anual = ind.def.anualizar ? " × días de los 12 meses / días de la ventana (anualizado)" : "";
  return `valor = ${base}${anual} (${u.name}), ${ind.def.decimales} decimal${ind.def.decimales === 1 ? "" : "es"}, redondeo half-up`;
}

const row = (label: string, text: string) => `  ${label.padEnd(13)} ${wrap(text, 16)}`;

/** The variables a SIS aggregate reads, with the publisher's text from the indicator's year dictionary (at most 10 named). */
function variablesInWords(ind: Indicator, agg: Aggregate, catalog: Catalog): string | null {
  const source = catalog.sources.get(agg.source);
  const year = ind.def.diccionarios?.[agg.source];
  const dictionary = year === undefined ? undefined : catalog.dictionaries.get(agg.source)?.get(year);
  if (!source?.def.pivote || !dictionary) return null;
  const codes = requiredCodes(agg.filter, source.def.pivote.variable) ?? [];
  const named = codes.slice(0, 10).map((c) => {
    const v = dictionary.variables.get(c);
    return v ? `${c} ${v.texto} (${v.apartado.slice(0, 3)})` : c;
  });
  return `variables ${agg.source.toUpperCase()} ${year}: ${named.join("; ")}${codes.length > 10 ? `; y ${codes.length - 10} más` : ""}`;
}

/**
 * The definition of an indicator in words, for `masb explain`: what it measures (terms,
 * aggregates, filters, sources, window), how it is scored (sentido, meta, semáforo) and where
 * it comes from (fuente, método and its reference, nota).
 */
export function describeIndicator(ind: Indicator, catalog: Catalog, options: { file?: string } = {}): string {
  const d = ind.def;
  const out: string[] = [];
  out.push(`Indicador ${ind.id} · ${d.nombre}`);
  out.push(row("archivo", options.file ?? ind.file));
  out.push(row("dimensión", [d.dimension, [d.dominio, d.subdominio].filter(Boolean).join(" › ")].filter(Boolean).join(" — ")));
  out.push(row("componentes", d.componentes.join(", ")));
  out.push(row("fases", d.fases.map((f) => `${f} ${FASES[f]}`).join(", ")));
  out.push(row("alias", d.alias?.length ? d.alias.join(", ") : "—"));
  out.push("");
  out.push("Qué mide");
  if (ind.noCalculable) {
    // Nothing to compute: why, and which source could; its results carry no_calculable.
    out.push(row("no calculable", `con las fuentes declaradas: ${ind.noCalculable.motivo}`));
    if (ind.noCalculable.fuentePosible) out.push(row("otra fuente", ind.noCalculable.fuentePosible));
    if (ind.universo) out.push(row("universo", `${ind.universo}: ${universeInWords(ind.universo)}`));
    out.push(row("resultados", "estado no_calculable, sin valor"));
  } else describeTerms(ind, catalog, out);
  out.push("");
  out.push("Cómo se califica");
  out.push(row("sentido", d.sentido === "mayor_es_mejor" ? "mayor es mejor" : "menor es mejor"));
  out.push(row("meta", fmtMeta(ind)));
  out.push(row("semáforo", bands(ind)));
  out.push("");
  out.push("De dónde viene");
  out.push(row("fuente", d.fuente));
  out.push(row("método", d.metodo));
  if (d.nota) out.push(row("nota", d.nota));
  return `${out.join("\n")}\n`;
}

/** What an indicator measures: formula, universe, terms, aggregates (with their SIS variables), window, sources. */
function describeTerms(ind: Indicator, catalog: Catalog, out: string[]): void {
  const d = ind.def;
  out.push(`  ${formula(ind)}`);
  if (ind.universo) out.push(row("universo", `${ind.universo}: ${universeInWords(ind.universo)}`));
  out.push(row("numerador", termText(ind, ind.numerador, "numerador")));
  if (ind.denominador) out.push(row("denominador", termText(ind, ind.denominador, "denominador")));
  const names = Object.keys(d.agregados ?? {});
  const refs = ind.referencias ?? {};
  if (names.length) {
    out.push("  agregados");
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) {
      const ref = refs[name];
      if (ref) {
        const target = catalog.byId.get(ref.indicador);
        out.push(`    ${name.padEnd(width)}  ${wrap(`${ref.termino} del indicador ${ref.indicador}${target ? ` (${target.def.nombre})` : ""}${ref.term.kind === "expresion" ? `: ${formatExpr(ref.term.node)}` : ""}`, 6 + width)}`);
        if (ref.term.kind === "expresion") {
          for (const sub of ref.term.names) out.push(`    ${" ".repeat(width)}    ${sub} = ${wrap(describeAggregate(ind.aggregates[sub]), 10 + width + sub.length)}`);
        } else out.push(`    ${" ".repeat(width)}    = ${wrap(describeAggregate(ind.aggregates[name]), 10 + width)}`);
        continue;
      }
      const agg = ind.aggregates[name];
      if (agg) out.push(`    ${name.padEnd(width)}  ${wrap(describeAggregate(agg), 6 + width)}`);
      const vars = agg && variablesInWords(ind, agg, catalog);
      if (vars) out.push(`    ${" ".repeat(width)}  ${wrap(vars, 6 + width)}`);
    }
  }
  for (const role of ["numerador", "denominador"] as const) {
    const agg = !d.agregados?.[role] && ind.aggregates[role];
    const vars = agg && variablesInWords(ind, agg, catalog);
    if (vars) out.push(row("", `${role}: ${vars}`));
  }
  out.push(row("ventana", `${VENTANAS[d.ventana]}${d.anualizar ? "; se anualiza" : ""}`));
  out.push(row("fuentes", ind.sources.map((s) => {
    const src = catalog.sources.get(s);
    return src?.def.descripcion ? `${s} (${src.def.descripcion})` : s;
  }).join(", ")));
  out.push(row("se reporta", `desde el nivel ${ind.desdeNivel} hacia arriba`));
}
