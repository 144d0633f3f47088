import { Composer, isScalar, isMap, isSeq, LineCounter, Parser, Scalar, visit, type Document, type Node as YamlNode, type YAMLError } from "yaml";
import type { Position, Problem } from "../errors.js";

/** A catalog file as text; the core never opens files itself. */
export interface CatalogText {
  /** Path shown in messages (relative to the catalog directory is friendliest). */
  path: string;
  text: string;
}

/** One YAML document, with what is needed to turn a path inside it into file:line:column. */
export interface YamlDoc {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  text: string;
}

/**
 * What a catalog file may hold. A catalog is written by people, one indicator (or a small
 * family) per file: the largest bundled file is under 10 KB and nests 5 levels deep. The
 * limits keep a broken or hostile file from exhausting memory or the stack before it can be
 * reported with its position (README, Catalog limits).
 */
export const YAML_LIMITS = {
  /** Characters of one file (1 MiB of ASCII). */
  maxChars: 1024 * 1024,
  /** Collections (maps, lists, `[…]`, `{…}`) inside one another. */
  maxDepth: 64,
  /**
   * Alias expansion, as the `yaml` package counts it (`maxAliasCount`): the value of an alias
   * is copied at every use, so a few nested aliases can stand for billions of nodes.
   */
  maxAliasCount: 100,
} as const;

const problemAt = (file: CatalogText, lines: LineCounter | null, offset: number, code: string, message: string, hint: string): Problem => {
  const p = lines ? lines.linePos(offset) : { line: 1, col: 1 };
  return { code, severity: "error", file: file.path, line: p.line, column: p.col, message, hint };
};

/** A token of the `yaml` package's concrete syntax tree, as far as the checks below read it. */
interface CstToken {
  type?: string;
  offset?: number;
  source?: string;
  end?: CstToken[];
  [k: string]: unknown;
}

const COLLECTIONS = new Set(["block-map", "block-seq", "flow-collection"]);

/**
 * One walk over the concrete syntax tree, with an explicit stack (a deep file must not
 * overflow ours): the first collection nested deeper than `maxDepth`, the first alias, and
 * the unclosed flow collections and quoted scalars (where a syntax error really starts).
 */
function survey(tokens: unknown[]): { tooDeep: number; firstAlias: number; unclosed: { offset: number; what: "[" | "{" | '"' | "'" }[] } {
  let tooDeep = -1;
  let firstAlias = -1;
  const unclosed: { offset: number; what: "[" | "{" | '"' | "'" }[] = [];
  const stack: [unknown, number][] = [[tokens, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const t = node as CstToken;
    let inner = depth;
    if (typeof t.type === "string" && typeof t.offset === "number") {
      if (COLLECTIONS.has(t.type)) {
        inner = depth + 1;
        if (inner > YAML_LIMITS.maxDepth && (tooDeep < 0 || t.offset < tooDeep)) tooDeep = t.offset;
      }
      if (t.type === "alias" && (firstAlias < 0 || t.offset < firstAlias)) firstAlias = t.offset;
      if (t.type === "flow-collection") {
        const open = (t.start as CstToken | undefined)?.source;
        const close = open === "[" ? "flow-seq-end" : "flow-map-end";
        if ((open === "[" || open === "{") && !(t.end ?? []).some((e) => e.type === close)) unclosed.push({ offset: t.offset, what: open });
      }
      if (t.type === "double-quoted-scalar" || t.type === "single-quoted-scalar") {
        const q = t.type === "double-quoted-scalar" ? '"' : "'";
        const s = t.source ?? "";
        if (s.length < 2 || !s.endsWith(q)) unclosed.push({ offset: t.offset, what: q });
      }
    }
    if (inner > YAML_LIMITS.maxDepth + 1) continue; // deep enough to report; the rest need not be walked
    for (const v of Array.isArray(node) ? node : Object.values(node)) if (v !== null && typeof v === "object") stack.push([v, inner]);
  }
  return { tooDeep, firstAlias, unclosed };
}

const UNCLOSED: Record<string, string> = {
  "[": "falta cerrar el corchete '[' que abre aquí",
  "{": "falta cerrar la llave '{' que abre aquí",
  '"': "faltan las comillas (\") que cierran el texto que abre aquí",
  "'": "falta la comilla (') que cierra el texto que abre aquí",
};

/**
 * The `yaml` package's messages, in Spanish: the specific ones by their English text, the rest
 * by their code (the package's codes are stable; its texts are not part of its contract, so
 * every code has a Spanish fallback and no English reaches the user).
 */
const YAML_TEXTS: [RegExp, string][] = [
  [/^Map keys must be unique/, "esta clave ya está en el mismo mapa; cada clave va una sola vez"],
  [/^All mapping items must start at the same column/, "las claves de este mapa no empiezan en la misma columna que las de arriba"],
  [/^All sequence items must start at the same column/, "los elementos de la lista ('- ') no empiezan en la misma columna"],
  [/^Block scalar/, "las líneas de un texto de varias líneas (| o >) deben tener más sangría que su clave"],
  [/^Implicit keys (of flow sequence pairs )?need to be on a single line/, "una clave ocupa más de una línea"],
  [/^Implicit map keys need to be followed by map values/, "a la clave le falta ':' y su valor"],
  [/^Nested mappings are not allowed in compact mappings/, "un mapa dentro de otro en la misma línea: ponga cada clave en su línea, con sangría"],
  [/^A block sequence may not be used as an implicit map key/, "una lista no puede ser una clave"],
  [/^Tabs are not allowed as indentation/, "la sangría tiene tabuladores: use espacios"],
  [/^Comments must be separated/, "el comentario (#) debe ir separado del valor por un espacio"],
  [/^Missing , or : between flow/, "faltan ',' o ':' entre los elementos entre corchetes o llaves"],
  [/^Missing , between flow/, "falta ',' entre los elementos entre corchetes o llaves"],
  [/^Missing space after : in flow/, "falta un espacio después de ':'"],
  [/^Plain value cannot start with/, "un valor sin comillas no puede empezar con ese carácter: póngalo entre comillas"],
  [/^Invalid escape sequence/, "una secuencia con '\\' entre comillas dobles que no existe: use comillas simples"],
  [/^Sequence item without - indicator/, "un elemento de la lista sin '- '"],
  [/^Block collections are not allowed within flow collections/, "una lista o un mapa con sangría dentro de corchetes o llaves"],
  [/^Unexpected , in flow/, "una coma de más entre corchetes o llaves"],
  [/^Unexpected empty item in flow/, "un elemento vacío entre corchetes o llaves (dos comas seguidas)"],
  [/^Unexpected flow-(seq|map)-end/, "un corchete o una llave que cierra sin haber abierto"],
];

const YAML_CODES: Record<string, string> = {
  ALIAS_PROPS: "un alias (*nombre) no puede llevar ancla ni etiqueta",
  BAD_ALIAS: "un alias (*nombre) o un ancla (&nombre) mal escritos",
  BAD_COLLECTION_TYPE: "una etiqueta (!…) de otro tipo que su valor",
  BAD_DIRECTIVE: "una directiva YAML (%) inválida",
  BAD_DQ_ESCAPE: "una secuencia con '\\' entre comillas dobles que no existe: use comillas simples",
  BAD_INDENT: "la sangría de esta línea no corresponde con la de las líneas de arriba",
  BAD_PROP_ORDER: "un ancla (&) o una etiqueta (!) fuera de lugar",
  BAD_SCALAR_START: "un valor sin comillas no puede empezar con ese carácter: póngalo entre comillas",
  BLOCK_AS_IMPLICIT_KEY: "una lista o un mapa no puede ser una clave",
  BLOCK_IN_FLOW: "una lista o un mapa con sangría dentro de corchetes o llaves",
  DUPLICATE_KEY: "esta clave ya está en el mismo mapa; cada clave va una sola vez",
  IMPOSSIBLE: "una estructura que no se puede leer",
  KEY_OVER_1024_CHARS: "una clave de más de 1 024 caracteres",
  MISSING_CHAR: "falta un carácter: ':' después de una clave, ',' entre elementos, o la comilla o el corchete que cierra",
  MULTILINE_IMPLICIT_KEY: "una clave ocupa más de una línea",
  MULTIPLE_ANCHORS: "más de un ancla (&nombre) en el mismo valor",
  MULTIPLE_DOCS: "más de un documento (---) en el archivo",
  MULTIPLE_TAGS: "más de una etiqueta (!…) en el mismo valor",
  NON_STRING_KEY: "una clave que no es texto",
  RESOURCE_EXHAUSTION: "el archivo anida o repite demasiado para leerlo",
  TAB_AS_INDENT: "la sangría tiene tabuladores: use espacios",
  TAG_RESOLVE_FAILED: "una etiqueta (!…) desconocida, o un valor que no es de su tipo",
  UNEXPECTED_TOKEN: "algo inesperado en esta línea: un carácter, una coma o un corchete de más",
};

/** A message of the `yaml` package in Spanish (never its English). */
export function yamlMessage(err: Pick<YAMLError, "code" | "message">): string {
  const english = err.message.split("\n")[0];
  return YAML_TEXTS.find(([re]) => re.test(english))?.[1] ?? YAML_CODES[err.code] ?? "el archivo no es YAML válido";
}

/**
 * The `yaml` package reports some mistakes where it noticed them, not where they are: an
 * unclosed `[` at the start of the next key, an over-indented line at the value of the line
 * above it. This puts each at the line to fix, in Spanish, with the package's words after.
 */
function syntaxProblems(file: CatalogText, lines: LineCounter, errors: YAMLError[], unclosed: ReturnType<typeof survey>["unclosed"]): Problem[] {
  const text = file.text;
  const hint = "revise la sangría, los dos puntos y las comillas de esa línea";
  const lineStart = (offset: number) => text.lastIndexOf("\n", offset - 1) + 1;
  const firstNonBlank = (start: number) => {
    let i = start;
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
    return i;
  };
  const multiline = new Set(errors.filter((e) => e.code === "MULTILINE_IMPLICIT_KEY").map((e) => e.pos[0]));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    const english = err.message.split("\n")[0];
    let offset = err.pos[0];
    let message = `YAML inválido: ${yamlMessage(err)}`;
    let why = hint;
    if (err.code === "BLOCK_AS_IMPLICIT_KEY" && multiline.has(err.pos[0])) continue; // said by the multi-line key below
    const flow = err.code === "BAD_INDENT" && /^Flow (sequence|map)/.test(english);
    const quote = err.code === "MISSING_CHAR" && /quote/i.test(english);
    if (flow || quote) {
      const wanted = flow ? (english.startsWith("Flow sequence") ? "[" : "{") : english.includes('"') ? '"' : "'";
      const open = unclosed.filter((u) => u.what === wanted && u.offset < err.pos[0]).pop();
      if (open) {
        offset = open.offset;
        message = `YAML inválido: ${UNCLOSED[wanted]}`;
        why = wanted === "[" || wanted === "{" ? `cierre la lista con '${wanted === "[" ? "]" : "}"}' en la misma línea` : "cierre el texto con la misma comilla con que abre";
      }
    } else if (err.code === "MULTILINE_IMPLICIT_KEY") {
      const start = err.pos[0];
      if (firstNonBlank(lineStart(start)) === start) {
        // The key begins its line: that line lacks the ':' after its key.
        message = "YAML inválido: a esta línea le falta ':' después de la clave";
        why = "escriba 'clave: valor'; si es la continuación de la línea de arriba, póngala entre comillas";
      } else {
        // The key began as the value of the line above: the next line has more indentation than it may.
        const next = text.indexOf("\n", start);
        if (next >= 0 && next < err.pos[1]) {
          offset = firstNonBlank(next + 1);
          message = "YAML inválido: esta línea tiene más sangría que la clave de arriba, que ya tiene valor";
          why = "alinee la clave con las de arriba; si es la continuación del valor anterior, póngalo entre comillas";
        }
      }
    }
    const problem = problemAt(file, lines, offset, "MASB_YAML_SINTAXIS", message, why);
    const key = `${problem.line}:${problem.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** Removes every `__proto__` key (a JavaScript object would take its value as a prototype), each a problem. */
function reservedKeys(file: CatalogText, lines: LineCounter, doc: Document.Parsed): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || String(pair.key.value) !== "__proto__") return undefined;
      problems.push(problemAt(
        file, lines, pair.key.range?.[0] ?? 0, "MASB_YAML_CLAVE_RESERVADA",
        "la clave '__proto__' no se admite en el catálogo",
        "quite esa línea: ningún campo del catálogo se llama así",
      ));
      return visit.REMOVE;
    },
  });
  return problems;
}

export function parseYaml(file: CatalogText): { docs: YamlDoc[]; problems: Problem[] } {
  const lines = new LineCounter();
  const docs: YamlDoc[] = [];
  const problems: Problem[] = [];
  if (file.text.length > YAML_LIMITS.maxChars) {
    problems.push(problemAt(
      file, null, 0, "MASB_YAML_LIMITE",
      `el archivo tiene ${file.text.length.toLocaleString("es-MX")} caracteres; un archivo del catálogo puede tener hasta ${YAML_LIMITS.maxChars.toLocaleString("es-MX")} (1 MiB)`,
      "divida el archivo: un indicador (o una familia pequeña) por archivo",
    ));
    return { docs, problems };
  }
  const tokens = [...new Parser(lines.addNewLine).parse(file.text)];
  const found = survey(tokens);
  if (found.tooDeep >= 0) {
    // Composing it would recurse as deep as the file nests: report it instead.
    problems.push(problemAt(
      file, lines, found.tooDeep, "MASB_YAML_LIMITE",
      `el YAML anida más de ${YAML_LIMITS.maxDepth} niveles de mapas y listas`,
      "un indicador anida pocos niveles (numerador → agregado → campo); revise corchetes y sangría",
    ));
    return { docs, problems };
  }
  for (const doc of new Composer({ prettyErrors: false }).compose(tokens)) {
    if (doc.errors.length) {
      problems.push(...syntaxProblems(file, lines, doc.errors, found.unclosed));
      continue;
    }
    if (doc.contents === null) continue;
    if (found.firstAlias >= 0 && !aliasesWithinLimit(doc)) {
      problems.push(problemAt(
        file, lines, found.firstAlias, "MASB_YAML_ALIAS",
        `los alias (*nombre) del archivo se expanden a más de lo permitido (maxAliasCount ${YAML_LIMITS.maxAliasCount})`,
        "use pocos alias y sin anidarlos: un alias que repite otros alias multiplica el documento",
      ));
      continue;
    }
    problems.push(...reservedKeys(file, lines, doc));
    docs.push({ file: file.path, doc, lines, text: file.text });
  }
  return { docs, problems };
}

/** Whether the document's aliases expand within `maxAliasCount` (the check `yaml` makes when it builds the value). */
function aliasesWithinLimit(doc: Document.Parsed): boolean {
  try {
    doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
    return true;
  } catch (e) {
    if (e instanceof ReferenceError) return false;
    throw e;
  }
}

/** The deepest YAML node that exists along `path` (a zod issue path, say), and whether it is the node itself or its key. */
function nodeAt(doc: YamlDoc, path: readonly PropertyKey[]): { node: YamlNode | null; keyNode: YamlNode | null } {
  let node: YamlNode | null = doc.doc.contents as YamlNode | null;
  let keyNode: YamlNode | null = null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(step));
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode | null) ?? keyNode;
    } else if (isSeq(node) && typeof step === "number" && node.items[step]) {
      keyNode = null;
      node = node.items[step] as YamlNode;
    } else break;
  }
  return { node, keyNode };
}

export function positionAt(doc: YamlDoc, path: readonly PropertyKey[], preferKey = false): Position {
  const { node, keyNode } = nodeAt(doc, path);
  const target = preferKey && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  const p = doc.lines.linePos(offset);
  return { file: doc.file, line: p.line, column: p.col };
}

/**
 * Position of character `offset` of the string scalar at `path` (an expression), so that a
 * parse error points at the offending token in the YAML file, quotes and block scalars included.
 */
export function positionInScalar(doc: YamlDoc, path: readonly PropertyKey[], offset: number): Position {
  const { node } = nodeAt(doc, path);
  if (!isScalar(node) || !node.range) return positionAt(doc, path);
  const start = node.range[0];
  const value = String(node.value);
  const type = node.type;
  if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
    // Content starts on the line after the indicator. Folding turns line breaks into spaces, so
    // find each source line's text in the value rather than counting line breaks.
    const headerLine = doc.lines.linePos(start).line;
    const lines = doc.text.split("\n");
    let from = 0;
    let indent = -1;
    for (let i = headerLine; i < lines.length; i++) {
      const raw = lines[i].replace(/\r$/, "");
      if (raw.trim() === "") continue;
      const own = raw.length - raw.trimStart().length;
      if (indent < 0) indent = own;
      if (own < indent) break;
      const content = raw.slice(indent);
      const at = value.indexOf(content, from);
      if (at < 0) break;
      if (offset <= at + content.length) return { file: doc.file, line: i + 1, column: indent + Math.max(0, offset - at) + 1 };
      from = at + content.length;
    }
    const before = value.slice(0, offset);
    const lineInBlock = (before.match(/\n/g) ?? []).length;
    const colInLine = offset - (before.lastIndexOf("\n") + 1);
    return { file: doc.file, line: headerLine + 1 + lineInBlock, column: Math.max(indent, 0) + colInLine + 1 };
  }
  const quoted = type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE ? 1 : 0;
  // Plain and quoted scalars on one line map directly; multi-line flow scalars are rare in a catalog.
  const p = doc.lines.linePos(start + quoted + offset);
  return { file: doc.file, line: p.line, column: p.col };
}
