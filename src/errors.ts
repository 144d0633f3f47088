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

/** The one error family of masb: a stable `code`, a Spanish `message` and structured `details`. */
export class MasbError extends Error {
  readonly code: string;
  readonly details: Position & { value?: string; columna?: string; problems?: Problem[] };
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

/** Thrown in strict mode at the first rejected row, and for input that stops a run. */
export class DataError extends MasbError {
  constructor(code: string, message: string, details: MasbError["details"]) {
    super(code, message, details);
    this.name = "DataError";
  }
}

export function formatPosition(p: Position): string {
  if (!p.file) return "";
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}
