/**
 * Abridged period life table by Chiang's method, as the Office for National Statistics and
 * Public Health England build it for areas (Chiang 1984, The Life Table and its Applications,
 * ch. 2 and 8; Eayres & Williams, J Epidemiol Community Health 2004;58:243–249), its variance
 * by Chiang's formula with Silcocks' term for the open interval (Silcocks, Jenner & Reza,
 * J Epidemiol Community Health 2001;55:38–43); and health expectancy by Sullivan's method.
 *
 * Notation, per age group i of width nᵢ starting at age xᵢ:
 *   Mᵢ = Dᵢ / PYᵢ                         death rate (deaths over person-years)
 *   aᵢ                                    fraction of the interval lived by those who die in it
 *   qᵢ = nᵢMᵢ / (1 + nᵢ(1 − aᵢ)Mᵢ)         probability of dying in the interval (1 for the open one)
 *   lᵢ₊₁ = lᵢ(1 − qᵢ), dᵢ = lᵢ − lᵢ₊₁      survivors and deaths of a cohort of `radix`
 *   Lᵢ = nᵢ(lᵢ₊₁ + aᵢdᵢ); L_ω = l_ω / M_ω  person-years lived (open interval: l over M)
 *   Tᵢ = Σⱼ≥ᵢ Lⱼ, eᵢ = Tᵢ / lᵢ            life expectancy at xᵢ
 */
import { widthOf, type AgeGroup } from "./groups.js";

/** How `lifeTable` separates deaths within an age group (aᵢ) and where it starts (l₀). */
export interface LifeTableOptions {
  /**
   * aᵢ of the first group when it starts at age 0. Default 0.1, the value ONS and PHE use for
   * the first year of life. For a first group 0–4 the same 0.1 of the interval (0.5 years)
   * holds: with the Coale–Demeny values ₁a₀ ≈ 0.08 and ₄a₁ ≈ 1.55 (Preston, Heuveline &
   * Guillot 2001, table 3.3, for ₁m₀ near 0.013) and four to six infant deaths for each death
   * at 1–4, (5 × 0.08 + 1 × (1 + 1.55)) / 6 ≈ 0.49 years.
   */
  naxInicial?: number;
  /** aᵢ of every other closed group: 0.5, deaths spread evenly over the interval. */
  nax?: number;
  /** l₀, the people the table starts with (100 000 by default). */
  radix?: number;
}

/**
 * One age group of an abridged life table (Chiang): the observed deaths and person-years, the
 * death rate mᵢ, aᵢ, the probability of dying qᵢ, survivors lᵢ, deaths dᵢ, person-years lived
 * Lᵢ and beyond Tᵢ, and the life expectancy eᵢ at its start age, with its variance.
 */
export interface LifeTableRow {
  group: AgeGroup;
  /** Start age xᵢ and width nᵢ (null for the open interval). */
  x: number;
  n: number | null;
  deaths: number;
  personYears: number;
  m: number;
  a: number;
  q: number;
  l: number;
  d: number;
  L: number;
  T: number;
  e: number;
  /** Variance of eᵢ (Chiang, with Silcocks' open-interval term); NaN when a group has no deaths to estimate it from. */
  varE: number;
}

/**
 * The life table, or null when it cannot be built: a group without person-years, more deaths
 * than person-years allow, or no deaths in the open interval (its L = l/M would be infinite).
 */
export function lifeTable(groups: AgeGroup[], deaths: number[], personYears: number[], options: LifeTableOptions = {}): LifeTableRow[] | null {
  const k = groups.length;
  if (k === 0 || deaths.length !== k || personYears.length !== k) return null;
  if (groups[k - 1].end !== null) return null;
  const radix = options.radix ?? 100_000;
  const rows: LifeTableRow[] = [];
  let l = radix;
  for (let i = 0; i < k; i++) {
    const g = groups[i];
    const n = widthOf(g);
    const D = deaths[i];
    const PY = personYears[i];
    if (!(PY > 0) || D < 0) return null;
    const m = D / PY;
    const a = n === null ? NaN : i === 0 && g.start === 0 ? options.naxInicial ?? 0.1 : options.nax ?? 0.5;
    let q: number;
    if (n === null) q = 1;
    else q = Math.min(1, (n * m) / (1 + n * (1 - a) * m));
    rows.push({ group: g, x: g.start, n, deaths: D, personYears: PY, m, a, q, l, d: 0, L: 0, T: 0, e: 0, varE: NaN });
    l = l * (1 - q);
  }
  const last = rows[k - 1];
  if (!(last.m > 0)) return null;
  for (let i = 0; i < k; i++) {
    const r = rows[i];
    const next = i + 1 < k ? rows[i + 1].l : 0;
    r.d = r.l - next;
    r.L = r.n === null ? r.l / r.m : r.n * (next + r.a * r.d);
  }
  let T = 0;
  for (let i = k - 1; i >= 0; i--) {
    T += rows[i].L;
    rows[i].T = T;
    rows[i].e = rows[i].l > 0 ? T / rows[i].l : 0;
  }
  // Variance: Σⱼ≥ᵢ lⱼ² ((1 − aⱼ)nⱼ + eⱼ₊₁)² var(qⱼ), var(qⱼ) = qⱼ²(1 − qⱼ)/Dⱼ, and for the open
  // interval (l_ω/2)² · 4/(D_ω M_ω²) (Silcocks et al. 2001), all over lᵢ².
  let S = 0;
  for (let i = k - 1; i >= 0; i--) {
    const r = rows[i];
    let w: number;
    if (r.n === null) w = (r.l / 2) ** 2 * (4 / (r.deaths * r.m * r.m));
    else {
      const varQ = r.deaths > 0 ? (r.q * r.q * (1 - r.q)) / r.deaths : 0;
      w = varQ * r.l * r.l * ((1 - r.a) * r.n + rows[i + 1].e) ** 2;
    }
    S += w;
    r.varE = r.l > 0 ? S / (r.l * r.l) : NaN;
  }
  return rows;
}

/** The row of the group that starts at `age`; undefined when no group starts there. */
export function rowAt(table: LifeTableRow[], age: number): LifeTableRow | undefined {
  return table.find((r) => r.x === age);
}

/**
 * Sullivan's health expectancy at the row's age: HALEᵢ = Σⱼ≥ᵢ Lⱼ(1 − πⱼ) / lᵢ, πⱼ the prevalence
 * of disability (or ill health) in group j (Sullivan, HSMHA Health Reports 1971;86:347–354;
 * Jagger et al., Health expectancies calculation by the Sullivan method: a practical guide,
 * EHEMU technical report 2006). With the sample sizes behind each πⱼ, the variance of the
 * prevalence part, Σ Lⱼ² πⱼ(1 − πⱼ)/Nⱼ / lᵢ², which dominates for populations of any size.
 */
export function sullivan(table: LifeTableRow[], prevalence: number[], index: number, sampleSizes?: number[]): { hale: number; variance: number } | null {
  if (prevalence.length !== table.length || index < 0 || index >= table.length) return null;
  const li = table[index].l;
  if (!(li > 0)) return null;
  let sum = 0, v = 0;
  for (let j = index; j < table.length; j++) {
    const p = prevalence[j];
    if (!(p >= 0 && p <= 1)) return null;
    sum += table[j].L * (1 - p);
    if (sampleSizes) v += sampleSizes[j] > 0 ? (table[j].L ** 2 * p * (1 - p)) / sampleSizes[j] : NaN;
  }
  return { hale: sum / li, variance: sampleSizes ? v / (li * li) : NaN };
}
