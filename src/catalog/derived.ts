/**
 * Derived indicators: a named aggregate that is another indicator's numerator or denominator
 * (`camas: { indicador: A, termino: numerador }`). Resolved at load time by inlining that
 * term's aggregates under prefixed names (`camas.dias_paciente`), so the engine sees ordinary
 * aggregates and an ordinary expression and needs no change.
 */
import type { Node } from "../expr/index.js";
import { referencesOf } from "./checks.js";
import type { Aggregate, Indicator, Term } from "./load.js";
import { NIVELES, type Nivel } from "./schema.js";

/** A reference as resolved: which indicator and term, and the term over this indicator's (prefixed) aggregates. */
export interface ResolvedReference {
  indicador: string;
  termino: "numerador" | "denominador";
  term: Term;
}

/** Replaces every column node that `swap` knows; the tree is copied, not changed. */
function substitute(node: Node, swap: (name: string) => Node | undefined): Node {
  switch (node.kind) {
    case "col":
      return swap(node.name) ?? node;
    case "unary":
      return { ...node, arg: substitute(node.arg, swap) };
    case "binary":
      return { ...node, left: substitute(node.left, swap), right: substitute(node.right, swap) };
    case "call":
      return { ...node, args: node.args.map((a) => substitute(a, swap)) };
    default:
      return node;
  }
}

/**
 * `ind` with its references inlined from the already resolved indicators; null when a
 * referenced indicator or term is missing (its own problems say why).
 * `levelOf` gives the finest level an aggregate's rows attach to.
 */
export function inlineReferences(ind: Indicator, find: (id: string) => Indicator | undefined, levelOf: (agg: Aggregate) => Nivel): Indicator | null {
  const refs = referencesOf(ind.def);
  if (refs.length === 0) return ind;
  const aggregates: Record<string, Aggregate> = { ...ind.aggregates };
  const resolved: Record<string, ResolvedReference> = {};
  const inline = new Map<string, Node>();
  for (const [name, ref] of refs) {
    const target = find(ref.indicador);
    const term = target?.[ref.termino];
    if (!target || !term) return null;
    if (term.kind === "agregado") {
      aggregates[name] = target.aggregates[term.name];
      resolved[name] = { indicador: target.id, termino: ref.termino, term: { kind: "agregado", name } };
      continue;
    }
    // A dot cannot appear in a name written in YAML, so prefixed names never collide.
    const renamed = new Map(term.names.map((n) => [n, `${name}.${n}`]));
    for (const [n, prefixed] of renamed) aggregates[prefixed] = target.aggregates[n];
    const node = substitute(term.node, (col) => {
      const to = renamed.get(col);
      return to === undefined ? undefined : { kind: "col", name: to, start: 0, end: 0 };
    });
    inline.set(name, node);
    resolved[name] = { indicador: target.id, termino: ref.termino, term: { kind: "expresion", node, names: [...renamed.values()] } };
  }
  const rewrite = (t: Term | undefined): Term | undefined => {
    if (!t || t.kind === "agregado") return t;
    const node = substitute(t.node, (col) => inline.get(col));
    const names = t.names.flatMap((n) => {
      const r = resolved[n];
      return r?.term.kind === "expresion" ? r.term.names : [n];
    });
    return { kind: "expresion", node, names: [...new Set(names)] };
  };
  const numerador = rewrite(ind.numerador)!;
  const denominador = rewrite(ind.denominador);
  const used = new Set<string>();
  let finest: Nivel = "clues";
  for (const t of [numerador, denominador]) {
    if (!t) continue;
    for (const n of t.kind === "agregado" ? [t.name] : t.names) {
      const agg = aggregates[n];
      if (!agg) continue;
      used.add(agg.source);
      const level = levelOf(agg);
      if (NIVELES.indexOf(level) < NIVELES.indexOf(finest)) finest = level;
    }
  }
  return {
    ...ind, aggregates, numerador, denominador, desdeNivel: ind.def.desde_nivel ?? finest, sources: [...used].sort(), referencias: resolved,
  };
}
