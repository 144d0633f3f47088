// Computes the whole catalog on an extract directory and prints the national values (CommonJS).
//   npm run build && node examples/cjs-directory.cjs [extract-dir] [AAAA-MM]
const { compute, loadCatalog } = require("masb");
const { join } = require("node:path");

async function main() {
  const dir = process.argv[2] ?? join(__dirname, "..", "fixtures", "demo");
  const period = process.argv[3] ?? "2024-03";
  const catalog = await loadCatalog();
  const result = await compute(catalog, dir, { period, by: ["entidad"] });
  for (const f of result.files) console.log(`${f.file}: ${f.read} leídos, ${f.rejected} rechazados`);
  const nacional = result.rows.filter((r) => r.nivel === "nacional");
  console.log(`${result.indicators.length} indicadores en ${result.period}; por ejemplo:`);
  for (const r of nacional.filter((r) => ["70e", "103", "135"].includes(r.indicador))) console.log(`  ${r.indicador} ${r.nombre}: ${r.valor} (${r.estado})`);
}

main().catch((e) => {
  console.error(`${e.code ?? "error"}: ${e.message}`);
  process.exitCode = 1;
});
