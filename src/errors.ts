/** Where a problem is: a file and a 1-based line and column, as far as they are known. */
export interface Position {
  file?: string;
  line?: number;
  column?: number;
}

/** A problem found while loading a catalog or reading an extract. Plain data, collected, never printed. */
export interface Problem extends Position {
  /** Stable code, e.g. `MASB_EXPR_COLUMNA_DESCONOCIDA`. */
  code: string;
  severity: "error" | "aviso";
  /** Spanish, says what is wrong. */
  message: string;
  /** Spanish, says what to do or what was expected. */
  hint?: string;
  value?: string;
}

/**
 * A warning of a run: something that did not stop it but changes what its results mean (a
 * missing optional file, a source without rows in a window, an entry of the extract that could
 * not be read). Plain data, collected on the result (`avisos`), never printed by the library;
 * the CLI prints each as `aviso [code] file:line: message`, and `--resumen` lists them.
 */
export interface Aviso extends Problem {
  severity: "aviso";
  /** The source it concerns, when one (`poblacion`, `regionalizacion`). */
  source?: string;
}

/** An `Aviso` from its parts (keys left out when undefined, so results compare and serialise cleanly). */
export function aviso(code: string, message: string, where: { file?: string; line?: number; source?: string; hint?: string } = {}): Aviso {
  const a: Aviso = { code, severity: "aviso", message };
  if (where.file !== undefined) a.file = where.file;
  if (where.line !== undefined) a.line = where.line;
  if (where.source !== undefined) a.source = where.source;
  if (where.hint !== undefined) a.hint = where.hint;
  return a;
}

/**
 * The one error family of masb: a stable `code` (`MASB_…`), a Spanish `message` that says what
 * is wrong, and structured `details`: where (`file`, `line`, `column`), the offending `value`,
 * what to do (`hint`), and, for errors that gather several, every `problems`.
 */
export class MasbError extends Error {
  readonly code: string;
  readonly details: Position & { value?: string; columna?: string; hint?: string; problems?: Problem[] };
  constructor(code: string, message: string, details: MasbError["details"] = {}) {
    super(message);
    this.name = "MasbError";
    this.code = code;
    this.details = details;
  }
}

/** Thrown by `loadCatalog` when the catalog has errors; `details.problems` lists them all. */
export class CatalogError extends MasbError {
  constructor(problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super("MASB_CATALOGO_INVALIDO", `el catálogo tiene ${errors.length} error(es)`, { problems });
    this.name = "CatalogError";
  }
}

/** Thrown for input that stops a run: in strict mode, the first rejected row (its code, file, line, column and value). */
export class DataError extends MasbError {
  constructor(code: string, message: string, details: MasbError["details"]) {
    super(code, message, details);
    this.name = "DataError";
  }
}

/**
 * Thrown by `compute` and `ingest` once the pass is over when files of the extract could not
 * be read at all (no header, a required column missing, a repeated column name): code
 * `MASB_ARCHIVOS_ILEGIBLES`, and every such file in `details.problems`, each with its own
 * code, file and line. The option `skipUnreadableFiles` skips them instead.
 */
export class FileError extends DataError {
  constructor(problems: Problem[]) {
    const files = [...new Set(problems.map((p) => p.file))];
    const first = problems[0];
    super(
      "MASB_ARCHIVOS_ILEGIBLES",
      files.length === 1
        ? `el archivo ${first?.file ?? ""} del extracto no se pudo leer: ${first?.message ?? ""}`
        : `${files.length} archivos del extracto no se pudieron leer: ${files.join(", ")}`,
      { problems, ...(files.length === 1 && first?.file ? { file: first.file, line: first.line } : {}) },
    );
    this.name = "FileError";
  }
}

export function formatPosition(p: Position): string {
  if (!p.file) return "";
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}
