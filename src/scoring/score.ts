import Decimal from "decimal.js";
import type { IndicadorDef } from "../catalog/schema.js";

export type Semaforo = "verde" | "amarillo" | "rojo" | "sin_meta" | "sin_dato";

/** Default bands on `logro` (percent of the target attained), half-open: desde <= logro < hasta. */
export const DEFAULT_BANDS = {
  verde: { desde: 90 },
  amarillo: { desde: 70, hasta: 90 },
  rojo: { hasta: 70 },
} as const;

/** Attainment is capped: beating the target earns no more than meeting it. */
export const LOGRO_CAP = 100;

export interface Score {
  logro: string | null;
  semaforo: Semaforo;
}

type Band = { desde?: number; hasta?: number };
const inBand = (x: number, b: Band) => (b.desde === undefined || x >= b.desde) && (b.hasta === undefined || x < b.hasta);

/**
 * Scores one value against the indicator's target. `logro` = valor/meta (mayor es mejor) or
 * meta/valor (menor es mejor), as a percentage capped at 100, one decimal. The semáforo uses
 * the indicator's own `umbrales` on the value when it declares them, else the default bands
 * on `logro`.
 */
export function scoreValue(def: Pick<IndicadorDef, "meta" | "sentido" | "umbrales">, valor: string | null, meta = def.meta): Score {
  if (valor === null) return { logro: null, semaforo: "sin_dato" };
  const v = new Decimal(valor);
  let logro: Decimal | null = null;
  if (meta !== undefined) {
    const m = new Decimal(meta);
    if (def.sentido === "mayor_es_mejor") logro = m.isZero() ? new Decimal(LOGRO_CAP) : v.div(m).times(100);
    else logro = v.isZero() ? new Decimal(LOGRO_CAP) : m.div(v).times(100);
    logro = Decimal.min(logro, LOGRO_CAP).toDecimalPlaces(1, Decimal.ROUND_HALF_UP);
  }
  if (def.umbrales) {
    const x = v.toNumber();
    for (const color of ["verde", "amarillo", "rojo"] as const) if (inBand(x, def.umbrales[color])) return { logro: logro?.toFixed(1) ?? null, semaforo: color };
  }
  if (logro === null) return { logro: null, semaforo: "sin_meta" };
  const x = logro.toNumber();
  const semaforo = (["verde", "amarillo", "rojo"] as const).find((c) => inBand(x, DEFAULT_BANDS[c])) ?? "rojo";
  return { logro: logro.toFixed(1), semaforo };
}
