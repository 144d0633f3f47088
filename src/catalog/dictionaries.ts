/**
 * Yearly variable dictionaries of pivoted sources (SIS): which codes a definition may read in
 * a given year, what each one means, and whether its monthly values add up or are a stock.
 *
 * A dictionary (`diccionario: sis`, `anio: 2024`) lists the codes the catalog reads, by
 * apartado, with the publisher's text; beside it, the publisher's whole list of that year
 * (DGIS's `LISTADO_DE_VARIABLES_SIS_<AAAA>` as CSV `clave,apartado,variable,acumulable`)
 * is what each entry is checked against. An indicator names the year it reads
 * (`diccionarios: { sis: 2024 }`); its filters are checked against that year's codes, and a
 * stock (`acumulable: no`) must be read with `periodo: ultimo`, a flow without it.
 */
import type { Position, Problem } from "../errors.js";
import { nearest } from "../expr/suggest.js";
import type { Node } from "../expr/index.js";
import { CsvTokenizer } from "../sources/csv.js";
import { diccionarioSchema, type DiccionarioDef } from "./schema.js";
import { positionAt, type CatalogText, type YamlDoc } from "./yaml.js";

/** One variable of a dictionary, as the catalog reads it. */
export interface VariableInfo {
  code: string;
  /** The publisher's apartado, with its number (`056 DETECCIONES`). */
  apartado: string;
  /** The publisher's text, without the code in front. */
  texto: string;
  /** Monthly values add up over a window (flows); false for stocks (the last month counts). */
  acumulable: boolean;
}

/** One variable of the publisher's whole list of a year. */
export interface ListedVariable {
  code: string;
  apartado: string;
  /** The text as published, code included (`DET01 DIABETES MELLITUS MUJER POSITIVO`). */
  variable: string;
  acumulable: boolean;
  line: number;
}

/** A year's dictionary of one source. */
export interface Dictionary {
  source: string;
  year: number;
  file: string;
  variables: Map<string, VariableInfo>;
  /** The publisher's whole list of that year, when the catalog has it (`catalogo`). */
  listed: Map<string, ListedVariable> | null;
}

/** Dictionaries by source, then by year. */
export type Dictionaries = Map<string, Map<number, Dictionary>>;

/** The text of a published variable without its code in front. */
const withoutCode = (v: ListedVariable) => (v.variable.startsWith(`${v.code} `) ? v.variable.slice(v.code.length + 1) : v.variable);

/**
 * Reads a publisher's variable list (`clave,apartado,variable,acumulable`, UTF-8, LF or CRLF).
 * Malformed lines are problems of the file, with their line.
 */
export function parseVariableList(text: CatalogText): { variables: Map<string, ListedVariable>; problems: Problem[] } {
  const variables = new Map<string, ListedVariable>();
  const problems: Problem[] = [];
  let header: string[] | null = null;
  const at: Record<string, number> = {};
  const onRecord = (fields: string[], line: number, error: string | null) => {
    if (header === null) {
      header = fields.map((f) => f.replace(/^\uFEFF/, "").trim().toLowerCase());
      for (const name of ["clave", "apartado", "variable", "acumulable"]) {
        at[name] = header.indexOf(name);
        if (at[name] < 0) {
          problems.push({
            code: "MASB_DICCIONARIO_LISTADO", severity: "error", file: text.path, line, column: 1,
            message: `el listado de variables no tiene la columna '${name}'`,
            hint: "el listado lleva las columnas clave,apartado,variable,acumulable (acumulable: si o no)",
          });
        }
      }
      return;
    }
    if (Object.values(at).some((i) => i < 0)) return;
    const value = (name: string) => (fields[at[name]] ?? "").trim();
    const code = value("clave");
    const acumulable = value("acumulable").toLowerCase();
    if (error || !code || (acumulable !== "si" && acumulable !== "no")) {
      problems.push({
        code: "MASB_DICCIONARIO_LISTADO", severity: "error", file: text.path, line, column: 1,
        message: error ? `renglón mal formado en el listado de variables: ${error}` : !code ? "renglón sin clave en el listado de variables" : `acumulable '${value("acumulable")}' en el listado de variables: se esperaba si o no`,
      });
      return;
    }
    variables.set(code, { code, apartado: value("apartado"), variable: value("variable"), acumulable: acumulable === "si", line });
  };
  const tokenizer = new CsvTokenizer(",");
  tokenizer.push(text.text.replace(/^\uFEFF/, ""), onRecord);
  tokenizer.end(onRecord);
  return { variables, problems };
}

/** `sources/sis/variables_2024.yaml` + `LISTADO.csv` → `sources/sis/LISTADO.csv`. */
function besides(file: string, name: string): string {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return cut < 0 ? name : `${file.slice(0, cut + 1)}${name}`;
}

const normalPath = (p: string) => p.replace(/\\/g, "/").replace(/^\.\//, "");

/** A dictionary document as written, for positions. */
export interface DictionaryDoc {
  raw: unknown;
  doc: YamlDoc;
  prefix: (string | number)[];
}

/**
 * Loads the dictionaries: checks each document's shape, that its source exists and pivots, that
 * no source has two of the same year, and every entry against the publisher's list of its year
 * (the code exists, with that apartado, that text and that `acumulable`).
 */
export function loadDictionaries(
  docs: DictionaryDoc[], lists: CatalogText[], pivoted: (source: string) => "pivote" | "sin_pivote" | "no_existe",
  schemaProblems: (err: import("zod").ZodError, doc: YamlDoc, prefix: (string | number)[]) => Problem[],
  parseParams: object,
): { dictionaries: Dictionaries; problems: Problem[] } {
  const dictionaries: Dictionaries = new Map();
  const problems: Problem[] = [];
  const parsedLists = new Map<string, ReturnType<typeof parseVariableList>>();
  const listFor = (path: string) => {
    const key = normalPath(path);
    const text = lists.find((l) => normalPath(l.path) === key);
    if (!text) return null;
    let parsed = parsedLists.get(key);
    if (!parsed) {
      parsed = parseVariableList(text);
      parsedLists.set(key, parsed);
      problems.push(...parsed.problems);
    }
    return parsed.variables;
  };
  for (const { raw, doc, prefix } of docs) {
    const r = diccionarioSchema.safeParse(raw, parseParams);
    if (!r.success) {
      problems.push(...schemaProblems(r.error, doc, prefix));
      continue;
    }
    const def: DiccionarioDef = r.data;
    const at = (path: (string | number)[], key = false) => positionAt(doc, [...prefix, ...path], key);
    const kind = pivoted(def.diccionario);
    if (kind !== "pivote") {
      problems.push({
        code: kind === "no_existe" ? "MASB_FUENTE_DESCONOCIDA" : "MASB_DICCIONARIO_FUENTE", severity: "error", ...at(["diccionario"]),
        message: kind === "no_existe" ? `el diccionario es de la fuente '${def.diccionario}', que no está declarada` : `la fuente '${def.diccionario}' no despliega variables ('pivote'): un diccionario de variables no le aplica`,
      });
      continue;
    }
    const byYear = dictionaries.get(def.diccionario) ?? new Map<number, Dictionary>();
    const before = byYear.get(def.anio);
    if (before) {
      problems.push({
        code: "MASB_DICCIONARIO_DUPLICADO", severity: "error", ...at(["anio"]),
        message: `la fuente '${def.diccionario}' ya tiene un diccionario de ${def.anio} (${before.file})`,
        hint: "un año, un diccionario: junte las variables en un solo archivo",
      });
      continue;
    }
    let listed: Map<string, ListedVariable> | null = null;
    if (def.catalogo) {
      listed = listFor(besides(doc.file, def.catalogo));
      if (!listed) {
        problems.push({
          code: "MASB_DICCIONARIO_LISTADO", severity: "error", ...at(["catalogo"]),
          message: `no se encontró el listado de variables '${def.catalogo}' junto a ${doc.file}`,
          hint: `copie el listado de variables del publicador de ${def.anio} (CSV clave,apartado,variable,acumulable) con ese nombre, junto al diccionario`,
        });
      }
    } else {
      problems.push({
        code: "MASB_DICCIONARIO_SIN_LISTADO", severity: "aviso", ...at(["anio"]),
        message: `el diccionario '${def.diccionario}' de ${def.anio} no tiene 'catalogo': sus variables no se comparan con el listado del publicador`,
        hint: `copie el listado de variables de ${def.anio} junto al diccionario y escriba catalogo: <archivo>.csv`,
      });
    }
    const variables = new Map<string, VariableInfo>();
    for (const [apartado, entries] of Object.entries(def.apartados)) {
      for (const [code, entry] of Object.entries(entries)) {
        const texto = typeof entry === "string" ? entry : entry.texto;
        const acumulable = typeof entry === "string" ? true : entry.acumulable === "si";
        const path = ["apartados", apartado, code];
        const seen = variables.get(code);
        if (seen) {
          problems.push({ code: "MASB_DICCIONARIO_DUPLICADO", severity: "error", ...at(path, true), message: `la variable ${code} está dos veces en el diccionario ${def.anio} (también en el apartado '${seen.apartado}')` });
          continue;
        }
        variables.set(code, { code, apartado, texto, acumulable });
        if (listed) problems.push(...checkEntry(code, apartado, texto, acumulable, listed, def, at(path, true), at(path)));
      }
    }
    byYear.set(def.anio, { source: def.diccionario, year: def.anio, file: doc.file, variables, listed });
    dictionaries.set(def.diccionario, byYear);
  }
  return { dictionaries, problems };
}

/** One dictionary entry against the publisher's list of its year. */
function checkEntry(
  code: string, apartado: string, texto: string, acumulable: boolean, listed: Map<string, ListedVariable>, def: DiccionarioDef,
  keyAt: Position, valueAt: Position,
): Problem[] {
  const ref = listed.get(code);
  const year = def.anio;
  if (!ref) {
    // The text may say which code was meant: the same text under another code of the list.
    const sameText = [...listed.values()].find((v) => withoutCode(v) === texto);
    const guess = sameText?.code ?? nearest(code, [...listed.keys()]);
    return [{
      code: "MASB_DICCIONARIO_VARIABLE", severity: "error", ...keyAt,
      message: `la variable ${code} no existe en el listado de variables ${def.diccionario.toUpperCase()} ${year} (${def.catalogo})`,
      hint: guess ? `¿quiso decir '${guess}'? (${listed.get(guess)!.variable}, apartado ${listed.get(guess)!.apartado})` : "los códigos cambian de un año a otro: búsquelo por su texto en el listado de ese año",
    }];
  }
  const out: Problem[] = [];
  if (withoutCode(ref) !== texto) {
    out.push({
      code: "MASB_DICCIONARIO_TEXTO", severity: "error", ...valueAt,
      message: `el texto de ${code} no es el del listado ${year}: el diccionario dice «${texto}» y el listado «${withoutCode(ref)}»`,
      hint: `la variable ${code} de ${year} es «${ref.variable}» (apartado ${ref.apartado}); si el indicador buscaba otra cosa, busque la variable por su texto`,
    });
  }
  if (ref.apartado !== apartado) {
    out.push({
      code: "MASB_DICCIONARIO_TEXTO", severity: "error", ...keyAt,
      message: `${code} está en el apartado '${ref.apartado}' del listado ${year}, no en '${apartado}'`,
      hint: `muévala al apartado "${ref.apartado}"`,
    });
  }
  if (ref.acumulable !== acumulable) {
    out.push({
      code: "MASB_DICCIONARIO_ACUMULABLE", severity: "error", ...valueAt,
      message: `${code} es ${ref.acumulable ? "acumulable (acumulable: si)" : "un acervo (acumulable: no)"} en el listado ${year} y el diccionario dice lo contrario`,
      hint: ref.acumulable ? `quite 'acumulable: no' de ${code}` : `escriba ${code}: { texto: "${withoutCode(ref)}", acumulable: no }`,
    });
  }
  return out;
}

// ---------------------------------------------------------------- codes an aggregate reads

/** The conjuncts of a filter: `a y (b y c)` → [a, b, c]. */
function conjuncts(node: Node): Node[] {
  return node.kind === "binary" && node.op === "y" ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

/**
 * The codes a filter keeps of the pivoted variable column: the literals of a conjunct
 * `variable = 'X'` or `variable en ['X', 'Y']`; null when no conjunct restricts it that way
 * (every variable of the file counts).
 */
export function requiredCodes(filter: Node | undefined, column: string): string[] | null {
  if (!filter) return null;
  for (const c of conjuncts(filter)) {
    if (c.kind === "binary" && c.op === "=") {
      if (c.left.kind === "col" && c.left.name === column && c.right.kind === "str") return [c.right.value];
      if (c.right.kind === "col" && c.right.name === column && c.left.kind === "str") return [c.left.value];
    }
    if (c.kind === "in" && !c.negated && c.arg.kind === "col" && c.arg.name === column && c.list.items.every((i) => i.kind === "str")) {
      return c.list.items.map((i) => (i as { value: string }).value);
    }
  }
  return null;
}

/** Every string literal a filter compares with the variable column, anywhere in it. */
export function mentionedCodes(node: Node | undefined, column: string): string[] {
  const out: string[] = [];
  const visit = (n: Node | undefined): void => {
    if (!n) return;
    switch (n.kind) {
      case "binary":
        if ((n.left.kind === "col" && n.left.name === column && n.right.kind === "str")) out.push(n.right.value);
        else if (n.right.kind === "col" && n.right.name === column && n.left.kind === "str") out.push(n.left.value);
        visit(n.left);
        visit(n.right);
        return;
      case "in":
        if (n.arg.kind === "col" && n.arg.name === column) for (const i of n.list.items) if (i.kind === "str") out.push(i.value);
        visit(n.arg);
        return;
      case "unary":
      case "isnull":
        visit(n.arg);
        return;
      case "between":
        visit(n.arg);
        return;
      case "call":
        n.args.forEach(visit);
        return;
      default:
    }
  };
  visit(node);
  return out;
}
