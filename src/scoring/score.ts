import Decimal from "decimal.js";
import type { IndicadorDef } from "../catalog/schema.js";
import { decimalRatio, fixedText, logroTenthsOf, type BigRatio, type Ratio } from "../engine/exact.js";

export type Semaforo = "verde" | "amarillo" | "rojo" | "sin_meta" | "sin_dato";

/** Every semáforo state, best first; `sin_meta` and `sin_dato` are not colours but say why there is none. */
export const SEMAFOROS: readonly Semaforo[] = ["verde", "amarillo", "rojo", "sin_meta", "sin_dato"];

/**
 * The semáforo bands, as the two cut points on `logro` that separate them. Bands are
 * half-open, `desde <= logro < hasta`, and cover every logro with no gap or overlap:
 * rojo `[0, amarillo)`, amarillo `[amarillo, verde)`, verde `[verde, tope]`. `amarillo = verde`
 * leaves no amarillo band.
 */
export interface Umbrales {
  amarillo: number;
  verde: number;
}

/**
 * The default bands, the one place they are set: verde from 90% of the target, amarillo
 * from 70%, rojo below. An indicator overrides them with `umbrales` in its YAML, a run with
 * the `umbral_amarillo` and `umbral_verde` columns of `--metas`.
 */
export const DEFAULT_UMBRALES: Readonly<Umbrales> = Object.freeze({ amarillo: 70, verde: 90 });

type Band = { desde?: number; hasta?: number };

/** The three bands of a pair of cut points, in the YAML's shape (`desde <= logro < hasta`). */
export function bandsOf(u: Umbrales): { verde: Band; amarillo: Band; rojo: Band } {
  return { verde: { desde: u.verde }, amarillo: { desde: u.amarillo, hasta: u.verde }, rojo: { hasta: u.amarillo } };
}

/** Default bands on `logro` (percent of the target attained), half-open: desde <= logro < hasta. */
export const DEFAULT_BANDS = bandsOf(DEFAULT_UMBRALES);

/**
 * Attainment is capped at 100: beating the target earns no more than meeting it, so that in a
 * composite index an indicator far above its target cannot hide another far below its own.
 * It is floored at 0 (a negative value against a positive target).
 */
export const LOGRO_CAP = 100;

export interface Score {
  /** Percent of the target attained, one decimal, in [0, LOGRO_CAP]; null without a value or a target. */
  logro: string | null;
  semaforo: Semaforo;
}

/** What a run may put in place of the indicator's own target and bands for one org unit. */
export interface ScoreOverride {
  /** Exact decimal text or a number; `null` means "no target" even when the YAML has one. */
  meta?: string | number | null;
  umbrales?: Umbrales;
}

/**
 * The cut points an indicator declares, or the defaults. `masb validate` has checked that the
 * YAML's bands tile the logro scale (rojo below, verde on top, amarillo possibly empty), so
 * amarillo starts where rojo ends and verde where it starts.
 */
export function umbralesOf(def: Pick<IndicadorDef, "umbrales">): Umbrales {
  const u = def.umbrales;
  const amarillo = u?.rojo.hasta ?? u?.amarillo.desde;
  const verde = u?.verde.desde ?? u?.amarillo.hasta;
  if (amarillo === undefined || verde === undefined) return { ...DEFAULT_UMBRALES };
  return { amarillo, verde };
}

/**
 * `logro` before rounding: valor/meta × 100 when higher is better, meta/valor × 100 when lower
 * is better, within [0, LOGRO_CAP]. Where the ratio has no value the target is met or missed
 * outright: a target of 0 when higher is better is met by any value ≥ 0; a value of 0 (or less)
 * when lower is better is the best possible and meets any target.
 */
export function logroOf(valor: Decimal, meta: Decimal, sentido: IndicadorDef["sentido"]): Decimal {
  let x: Decimal;
  if (sentido === "mayor_es_mejor") x = meta.lte(0) ? new Decimal(valor.gte(meta) ? LOGRO_CAP : 0) : valor.div(meta).times(100);
  else x = valor.lte(0) ? new Decimal(LOGRO_CAP) : meta.div(valor).times(100);
  return Decimal.max(0, Decimal.min(x, LOGRO_CAP));
}

/** The colour of a logro (in percent) under a pair of cut points. */
export function semaforoOf(logro: number, u: Umbrales = DEFAULT_UMBRALES): "verde" | "amarillo" | "rojo" {
  if (logro >= u.verde) return "verde";
  if (logro >= u.amarillo) return "amarillo";
  return "rojo";
}

/**
 * Scores one value against the indicator's target. `logro` is the attainment (see
 * `logroOf`), rounded once, half-up, to one decimal; the semáforo is read from that rounded
 * logro, so that a reader who sees 90.0 sees verde. No value: `sin_dato`. A value and no
 * target: `sin_meta`. A run's override (per entidad or zona, from `--metas`) replaces the
 * YAML's `meta` and `umbrales`.
 */
export function scoreValue(
  def: Pick<IndicadorDef, "meta" | "sentido" | "umbrales">,
  valor: string | null,
  override: ScoreOverride = {},
): Score {
  return scorer(def)(valor, override);
}

/**
 * `scoreValue` for the many values of one indicator: its bands and its target's exact value
 * worked out once (a run's override may bring another target: each is parsed once too).
 * `exact` is the value as a ratio when the caller has it, so that its text need not be parsed.
 */
export function scorer(def: Pick<IndicadorDef, "meta" | "sentido" | "umbrales">): (valor: string | null, override: ScoreOverride, exact?: Ratio) => Score {
  const bands = umbralesOf(def);
  const higher = def.sentido === "mayor_es_mejor";
  const targets = new Map<string | number, Ratio | BigRatio>();
  return (valor, override, exact) => {
    if (valor === null) return { logro: null, semaforo: "sin_dato" };
    const meta = override.meta !== undefined ? override.meta : def.meta;
    if (meta === undefined || meta === null) return { logro: null, semaforo: "sin_meta" };
    let target = targets.get(meta);
    if (!target) targets.set(meta, (target = decimalRatio(String(meta))));
    // Exact: valor and meta are decimals, so the ratio is rounded once, as a person would.
    const tenths = logroTenthsOf(exact ?? decimalRatio(valor), target, higher, LOGRO_CAP);
    return { logro: fixedText(tenths, 1), semaforo: semaforoOf(tenths / 10, override.umbrales ?? bands) };
  };
}
