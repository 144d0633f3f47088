// Computes one indicator from rows a service already holds in memory (ESM).
//   npm run build && node examples/esm-memory.mjs
import { compute, loadCatalog } from "masb";

const catalog = await loadCatalog(); // the catalog bundled with the package

// Two units of one zona, keyed by the CLUES catalog's own column names.
const base = {
  "CLAVE DE LA INSTITUCION": "IMB", "CLAVE DE LA ENTIDAD": "12", ENTIDAD: "GUERRERO", "CLAVE DEL MUNICIPIO": "001",
  "CLAVE DE LA JURISDICCION": "07", JURISDICCION: "ACAPULCO", "ESTATUS DE OPERACION": "EN OPERACION",
};
const clues = [
  { CLUES: "GRIMB000001", "NOMBRE DE LA UNIDAD": "HOSPITAL GENERAL", "NIVEL ATENCION": "SEGUNDO NIVEL", "CAMAS EN AREA DE HOS": "40", ...base },
  { CLUES: "GRIMB000002", "NOMBRE DE LA UNIDAD": "CENTRO DE SALUD", "NIVEL ATENCION": "PRIMER NIVEL", "CAMAS EN AREA DE HOS": "0", ...base },
];

// Discharges streamed as they come from the service's database (SAEH column names).
async function* egresos() {
  const motivos = ["1", "2", "5", "1"]; // one death (MOTEGRE 5) in four discharges
  for (const [i, motivo] of motivos.entries()) {
    yield { ID: i + 1, CLUES: "GRIMB000001", EGRESO: "2024-03-10", INGRE: "2024-03-07", DIAS_ESTA: 3, CVEEDAD: 5, EDAD: 50, SEXO: 1, MOTEGRE: motivo, AFECPRIN: "J189" };
  }
}

const { rows } = await compute(catalog, { clues, egresos: egresos() }, { only: ["83b"], period: "2024-03" });
const nacional = rows.find((r) => r.nivel === "nacional");
console.log(`${nacional.indicador} ${nacional.nombre}: ${nacional.valor} % (${nacional.numerador}/${nacional.denominador}), ${nacional.semaforo}`);
