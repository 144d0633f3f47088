import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node as YamlNode } from "yaml";
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

export function parseYaml(file: CatalogText): { docs: YamlDoc[]; problems: Problem[] } {
  const lines = new LineCounter();
  const docs: YamlDoc[] = [];
  const problems: Problem[] = [];
  for (const doc of parseAllDocuments(file.text, { lineCounter: lines, prettyErrors: false })) {
    if (!("errors" in doc)) continue; // EmptyStream
    for (const err of doc.errors) {
      const p = lines.linePos(err.pos[0]);
      problems.push({
        code: "MASB_YAML_SINTAXIS",
        severity: "error",
        file: file.path,
        line: p.line,
        column: p.col,
        message: `YAML inválido: ${err.message.split("\n")[0]}`,
        hint: "revise la sangría, los dos puntos y las comillas de esa línea",
      });
    }
    if (doc.errors.length === 0 && doc.contents !== null) docs.push({ file: file.path, doc, lines, text: file.text });
  }
  return { docs, problems };
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
