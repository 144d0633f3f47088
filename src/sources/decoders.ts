import { daysFromCivil } from "../expr/index.js";

/**
 * Named decoders that build one typed column from one or more raw text fields of the
 * original file (composite dates, INEGI and SAEH coded ages). The source YAML names them in
 * `decodificar` and lists the original columns in `de`. Each returns `null` for "no
 * especificado" sentinels, and `undefined` when the raw text is not valid at all (the row is
 * then rejected with the column and value).
 */
export interface Decoder {
  arity: number;
  output: "entero" | "fecha" | "decimal";
  describe: string;
  decode(fields: string[]): number | null | undefined;
}

/** `^-?\d+$` → the number, else undefined. Two or three per row of SAEH and INEGI: char codes, no regular expression. */
function int(text: string): number | undefined {
  const n = text.length;
  const neg = n > 0 && text.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i >= n) return undefined;
  // Beyond 15 digits a double is no longer exact digit by digit: let Number round it.
  if (n - i > 15) return /^-?\d+$/.test(text) ? Number(text) : undefined;
  let v = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** Valid civil date or null (unknown day/month/year such as 99 or 9999 count as unknown). */
function dateFromParts(d: number, m: number, y: number): number | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1800 || y > 2200) return null;
  const days = daysFromCivil(y, m, d);
  // Reject 31/02 and the like: the civil date must round-trip.
  if (daysFromCivil(y, m, 1) + d - 1 !== days) return null;
  const nextMonth = m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1);
  return days < nextMonth ? days : null;
}

/**
 * INEGI's 4-digit coded age: 1xxx hours (1097 minutes), 2xxx days, 3xxx months, 4xxx years.
 * The "unknown within the unit" codes still say which unit, and so where the death falls:
 * 1098 (hours n.e.) is under a day; 2098 (days n.e.) is 1 to 29 days, placed at day 1 — a
 * neonatal death, as 27 of its 29 possible days are and as most deaths in the first month
 * happen in the first days; 3098 (months n.e.) is 1 to 11 months, placed at 30 days (an infant
 * death after the neonatal period). All three are under 1 year. Only 4998 (years n.e.) and
 * codes outside the scheme are unknown (null).
 */
function inegiAge(code: number, unit: "anios" | "dias"): number | null | undefined {
  const kind = Math.floor(code / 1000);
  const n = code % 1000;
  if (kind < 1 || kind > 4) return code === 0 ? null : undefined;
  if (kind === 4 && n > 150) return null; // 4998 años n.e.
  if (kind < 4 && n >= 98 && n !== 98) return null; // 1099, 2099, …: not in INEGI's scheme
  if (unit === "anios") return kind === 4 ? n : 0;
  // Days: exact under a month; months and years are converted at 30 and 365 days, which is
  // enough to place a death on either side of the 28-day and 1-year cut-offs.
  if (kind === 1) return 0;
  if (kind === 2) return n === 98 ? 1 : n;
  if (kind === 3) return n === 98 ? 30 : n * 30;
  return n * 365;
}

/** SAEH's CVEEDAD + EDAD pair, in the 2020+ coding (2 horas, 3 días, 4 meses, 5 años) or the earlier one (0…3). */
function saehAge(unitCode: number, n: number, unit: "anios" | "dias", from2020: boolean): number | null | undefined {
  const base = from2020 ? 2 : 0;
  const kind = unitCode - base; // 0 horas, 1 días, 2 meses, 3 años
  if (unitCode === 9) return null;
  if (kind < 0 || kind > 3) return undefined;
  if (unit === "anios") return kind === 3 ? n : 0;
  return [0, n, n * 30, n * 365][kind];
}

export const DECODERS: Record<string, Decoder> = {
  fecha_dma: {
    arity: 3,
    output: "fecha",
    describe: "fecha armada con día, mes y año en columnas separadas (99 y 9999 = desconocido)",
    decode([d, m, y]) {
      const dd = int(d), mm = int(m), yy = int(y);
      if (dd === undefined || mm === undefined || yy === undefined) return d === "" || m === "" || y === "" ? null : undefined;
      return dateFromParts(dd, mm, yy);
    },
  },
  edad_inegi_anios: {
    arity: 1,
    output: "entero",
    describe: "años cumplidos a partir de la EDAD codificada de INEGI (1xxx horas, 2xxx días, 3xxx meses, 4xxx años)",
    decode([e]) {
      const code = int(e);
      return code === undefined ? (e === "" ? null : undefined) : inegiAge(code, "anios");
    },
  },
  edad_inegi_dias: {
    arity: 1,
    output: "entero",
    describe: "edad en días a partir de la EDAD codificada de INEGI (meses ×30, años ×365)",
    decode([e]) {
      const code = int(e);
      return code === undefined ? (e === "" ? null : undefined) : inegiAge(code, "dias");
    },
  },
  edad_saeh_anios: {
    arity: 2,
    output: "entero",
    describe: "años cumplidos a partir de CVEEDAD + EDAD de SAEH, codificación 2020+ (2 horas, 3 días, 4 meses, 5 años, 9 n.e.)",
    decode([c, e]) {
      const code = int(c), n = int(e);
      if (code === 9) return null; // age not specified, whatever EDAD holds (often nothing)
      if (code === undefined || n === undefined) return c === "" ? null : undefined;
      return saehAge(code, n, "anios", true);
    },
  },
  edad_saeh_dias: {
    arity: 2,
    output: "entero",
    describe: "edad en días a partir de CVEEDAD + EDAD de SAEH, codificación 2020+ (meses ×30, años ×365)",
    decode([c, e]) {
      const code = int(c), n = int(e);
      if (code === 9) return null;
      if (code === undefined || n === undefined) return c === "" ? null : undefined;
      return saehAge(code, n, "dias", true);
    },
  },
  edad_saeh_anios_2019: {
    arity: 2,
    output: "entero",
    describe: "años cumplidos a partir de CVEEDAD + EDAD de SAEH hasta 2019 (0 horas, 1 días, 2 meses, 3 años, 9 n.e.)",
    decode([c, e]) {
      const code = int(c), n = int(e);
      if (code === 9) return null;
      if (code === undefined || n === undefined) return c === "" ? null : undefined;
      return saehAge(code, n, "anios", false);
    },
  },
};
