/**
 * Epidemiological methods, pure functions over plain numbers (no I/O, no engine types): age
 * groups, confidence intervals, life tables and health expectancy, the SDG 3.4.1
 * probability, fertility and direct age standardisation, and the standard populations.
 */
export { chiSquareQuantile, gammaP, gammaQuantile, logGamma, normalQuantile, zFor } from "./distributions.js";
export { groupListProblem, parseAgeGroup, widthOf, type AgeGroup } from "./groups.js";
export { byarCI, fayFeuerCI, normalCI, poissonExactCI, wilsonCI, type Interval } from "./intervals.js";
export { lifeTable, rowAt, sullivan, type LifeTableOptions, type LifeTableRow } from "./lifetable.js";
export { asfr, directStandardise, sdg341, tfr, type Estimate } from "./rates.js";
export { STANDARDS, standardWeights, type StandardPopulation } from "./standards/index.js";
