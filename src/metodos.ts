/**
 * masb/metodos: the epidemiological methods the catalog's `calculo` runs, as pure functions
 * over plain numbers (no I/O, no catalog): life tables (Chiang) and health expectancy
 * (Sullivan), the SDG 3.4.1 probability, fertility, direct age standardisation with the WHO
 * 2000–2025 standard, confidence intervals (exact Poisson, Byar, Wilson, Fay–Feuer), and the
 * quantiles they rest on. Runs anywhere (browser, edge, Node).
 *
 * ```ts
 * import { poissonExactCI } from "masb/metodos";
 * poissonExactCI(12); // { lower: 6.20…, upper: 20.96… }
 * ```
 *
 * @packageDocumentation
 */
export { chiSquareQuantile, gammaQuantile, normalQuantile } from "./methods/distributions.js";
export { parseAgeGroup, type AgeGroup } from "./methods/groups.js";
export { byarCI, fayFeuerCI, poissonExactCI, wilsonCI, type Interval } from "./methods/intervals.js";
export { lifeTable, rowAt, sullivan, type LifeTableOptions, type LifeTableRow } from "./methods/lifetable.js";
export { asfr, directStandardise, sdg341, tfr, type Estimate } from "./methods/rates.js";
export { STANDARDS, standardWeights, type StandardPopulation } from "./methods/standards/index.js";
