import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The public API is deliberate (issue 17): each entry exports a small, named surface, and
 * every name a service can import is documented. Read with the TypeScript compiler from the
 * entries' sources, the way the .d.ts files are made: each exported name (value or type),
 * followed through its re-exports to its declaration, must carry a TSDoc comment.
 */

const src = join(__dirname, "..", "..", "src");
const ENTRIES = { masb: "index.ts", "masb/core": "core.ts", "masb/metodos": "metodos.ts" } as const;

const program = ts.createProgram(Object.values(ENTRIES).map((f) => join(src, f)), {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, resolveJsonModule: true,
});
const checker = program.getTypeChecker();

/** Exported names of an entry, each with its documentation text (empty when it has none). */
function exportsOf(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const source = program.getSourceFile(join(src, file));
  const module = source && checker.getSymbolAtLocation(source);
  if (!source || !module) return out; // no such entry: nothing exported (the tests below say what is missing)
  for (const symbol of checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const doc = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
    // A function's comment sits on its signature.
    const signatures = checker.getTypeOfSymbolAtLocation(target, source).getCallSignatures();
    const signatureDoc = signatures.map((s) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim()).find(Boolean) ?? "";
    out.set(symbol.getName(), doc || signatureDoc);
  }
  return out;
}

const surfaces = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, exportsOf(file)])) as Record<keyof typeof ENTRIES, Map<string, string>>;

describe("the public API", () => {
  it("exports at most 40 names from masb and from masb/core, and the methods only from masb/metodos", () => {
    expect(surfaces.masb.size).toBeGreaterThan(20);
    expect(surfaces.masb.size).toBeLessThanOrEqual(40);
    expect(surfaces["masb/core"].size).toBeLessThanOrEqual(40);
    for (const helper of ["gammaQuantile", "chiSquareQuantile", "lifeTable", "STANDARDS", "PARALLEL_MIN_BYTES", "threadRunner", "scoreValue", "Hierarchy"]) {
      expect(surfaces.masb.has(helper), helper).toBe(false);
      expect(surfaces["masb/core"].has(helper), helper).toBe(false);
    }
    expect(surfaces["masb/metodos"].has("gammaQuantile")).toBe(true);
    expect(surfaces["masb/metodos"].has("lifeTable")).toBe(true);
  });

  it("offers in masb/core the same names as masb, less those that read directories", () => {
    const nodeOnly = [...surfaces.masb.keys()].filter((n) => !surfaces["masb/core"].has(n)).sort();
    expect(nodeOnly).toEqual(["CatalogOptions", "openExtract", "readMetas"]);
    expect([...surfaces["masb/core"].keys()].filter((n) => !surfaces.masb.has(n))).toEqual([]);
  });

  it.each(Object.keys(ENTRIES))("documents every name %s exports", (entry) => {
    const undocumented = [...surfaces[entry as keyof typeof ENTRIES]].filter(([, doc]) => doc.length < 10).map(([name]) => name);
    expect(undocumented).toEqual([]);
  });
});
