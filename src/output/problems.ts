import { formatPosition, MasbError, type Problem } from "../errors.js";

export interface ProblemReportOptions {
  /** The text of line `line` (1-based) of `file`, for quoting the offending line in the text format. */
  sourceLine?: (file: string, line: number) => string | undefined;
}

/** A reporter turns problems into the text of one format. Adding a format is one entry in `PROBLEM_REPORTERS`. */
export type ProblemReporter = (problems: readonly Problem[], options?: ProblemReportOptions) => string;

const severityWord = (p: Problem) => (p.severity === "error" ? "error" : "aviso");

/**
 * For people: `file:line:column: error [CODE] message`, the offending line with a caret under
 * the column when the file can be read, and the hint.
 */
const text: ProblemReporter = (problems, { sourceLine } = {}) => {
  const out: string[] = [];
  for (const p of problems) {
    const where = formatPosition(p);
    out.push(`${where ? `${where}: ` : ""}${severityWord(p)} [${p.code}] ${p.message}`);
    const line = p.file && p.line !== undefined ? sourceLine?.(p.file, p.line) : undefined;
    if (line !== undefined) {
      const gutter = String(p.line);
      out.push(`  ${gutter} | ${line}`);
      if (p.column !== undefined) {
        const pad = line.slice(0, p.column - 1).replace(/[^\t]/g, " ");
        out.push(`  ${" ".repeat(gutter.length)} | ${pad}^`);
      }
    }
    if (p.hint) out.push(`  ${line !== undefined ? `${" ".repeat(String(p.line).length)} = ` : "  "}${p.hint}`);
  }
  return out.length ? `${out.join("\n")}\n` : "";
};

/** For programs: an array of objects with the same keys always present, `null` where unknown. */
const json: ProblemReporter = (problems) => {
  const rows = problems.map((p) => ({
    code: p.code,
    severity: p.severity,
    file: p.file ?? null,
    line: p.line ?? null,
    column: p.column ?? null,
    message: p.message,
    hint: p.hint ?? null,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
};

// Workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** For GitHub Actions: one `::error file=…,line=…,col=…::message` annotation per problem. */
const github: ProblemReporter = (problems) =>
  problems
    .map((p) => {
      const props = [
        p.file !== undefined ? `file=${escapeProperty(p.file)}` : "",
        p.line !== undefined ? `line=${p.line}` : "",
        p.column !== undefined ? `col=${p.column}` : "",
      ].filter(Boolean).join(",");
      const body = escapeData(`[${p.code}] ${p.message}${p.hint ? `\n${p.hint}` : ""}`);
      return `::${p.severity === "error" ? "error" : "warning"}${props ? ` ${props}` : ""}::${body}\n`;
    })
    .join("");

export const PROBLEM_REPORTERS: Record<string, ProblemReporter> = { text, json, github };

export function formatProblems(problems: readonly Problem[], format: string, options: ProblemReportOptions = {}): string {
  const reporter = PROBLEM_REPORTERS[format];
  if (!reporter) throw new MasbError("MASB_FORMATO_DESCONOCIDO", `formato desconocido '${format}'; use ${Object.keys(PROBLEM_REPORTERS).join(", ")}`, { value: format });
  return reporter(problems, options);
}
