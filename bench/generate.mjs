#!/usr/bin/env node
// Seeded generator of a national-scale extract for `npm run bench`, in the real layouts.
//
//   node bench/generate.mjs [outDir] [--scale N] [--units N] [--quiet]
//
// A synthetic IMSS-BIENESTAR national extract in the same real layouts as the demo extract
// (fixtures/generate.mjs; SOURCES-REAL.md), at the volumes of the national files as they
// really come (issue 16): 32 entidades, ~12 000 IMSS-BIENESTAR units plus 4 000 of other
// institutions in the CLUES catalog, and at --scale 1:
//   - SINAC births, every field quoted, CRLF, 64 columns: sinac_2023.csv (the whole of 2023,
//     1.84 M live births of every institution, at home with CLUES 9998, twins, mothers
//     resident in every entidad, abroad (88) or not specified) and sinac_2024.csv (January–
//     March 2024), so the 12-month windows of the vital-statistics indicators are covered;
//   - INEGI deaths in the 74-column 2022+ layout (column order of fixtures/gen/defunciones.mjs):
//     DEFUN_2023.csv (registered in 2023, > 400 000) and DEFUN_2024.csv (registered January–
//     March 2024: deaths of 2024 and late registrations of 2023), coded ages (x098 included),
//     split dates, residence 99 and 33, `razon_m`;
//   - SAEH egresos, pipe-delimited, UTF-8 with BOM: EGRESOS_2023.txt (2.52 M discharges of
//     2023) and EGRESOS_2024.txt (January–March 2024);
//   - CONAPO's mid-year population (conapo_pob_mitad_2023_2025.csv: RENGLON, AÑO, ENTIDAD,
//     CVE_GEO, EDAD, SEXO, POBLACION; Latin-1; single ages 0–109; the national rows CVE_GEO 0);
//   - one month (March 2024) of the rest: CLUES catalog with BOM and CRLF and quoted fields,
//     SIS wide per apartado in Latin-1 with NULL (≥ 5 M unit × variable values), 500 000 ED
//     visits (pipe, Latin-1, lower-case names), 2 000 000 prescriptions, staff, and the
//     "layout ours" tables.
// Every header is checked against its schema in indicators/sources (fixtures/gen/dictionaries.mjs).
//
// --scale N multiplies the rows without adding units or months: the record-level sources
// get N times the events in the same months, and every SIS apartado N times the variable
// columns (so N times the unit × variable values). Memory in masb follows units × periods,
// so it should stay flat as N grows.
//
// The values are plausible but not calibrated: this extract exists to be timed. A few rows
// are deliberately bad (unknown CLUES, impossible dates, wrong field counts, a broken quote)
// so the rejection paths are on the timed path too. Deterministic: a fixed seed, one
// mulberry32 stream per file, no clock. Files are streamed to disk in 1 MB pieces.
//
// Sources without a real layout ("layout ours": cédulas, finanzas, comunitaria, abasto,
// suive, …) are generated from their schema in indicators/sources/*.yaml (codes, types), so
// the bench follows the catalog as it grows.

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CONAPO_HEADER, ENTIDADES as CONAPO_ENTIDADES, singleYears } from '../fixtures/gen/conapo.mjs';
import { DEFUN_HEADER } from '../fixtures/gen/defunciones.mjs';
import { checkHeader } from '../fixtures/gen/dictionaries.mjs';
import { MOTHER_AGE, PRENATAL_VISITS, SINAC_HEADER } from '../fixtures/gen/nacimientos.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCES_DIR = join(HERE, '..', 'indicators', 'sources');
export const GENERATOR_VERSION = 4;

const SEED = 0x4e41434c; // "NACL"
const YEAR = 2024;
const MONTH = 3;
const MS_PER_DAY = 86_400_000;
const dayNumber = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
const MONTH_START = dayNumber(YEAR, MONTH, 1);
const MONTH_DAYS = 31;
/** The spans of the yearly files (births, deaths, discharges): the whole of 2023, and 2024 up to the cut. */
const SPANS = [
  { year: 2023, start: dayNumber(2023, 1, 1), days: 365 },
  { year: 2024, start: dayNumber(2024, 1, 1), days: MONTH_START + MONTH_DAYS - dayNumber(2024, 1, 1) },
];
const CUT = MONTH_START + MONTH_DAYS - 1; // 31/03/2024: the last day of the extract

/**
 * Rows at --scale 1. births, deaths and discharges are a year's (2023; January–March 2024 at
 * the same daily rate); ed and prescriptions a month's (March 2024).
 */
export const VOLUMES = { births: 1_840_000, deaths: 420_000, discharges: 2_520_000, ed: 500_000, prescriptions: 2_000_000 };
const IMB_UNITS = 12_000;
const OTHER_UNITS = 4_000;
const SIS_VARIABLES_PER_APARTADO = 40; // at least, × scale; 7 files (the CE file has 102 variables)

// ---------------------------------------------------------------------------------------
// Randomness (as fixtures/generate.mjs)

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
const rngFor = (stream) => mulberry32((SEED ^ fnv1a(stream)) >>> 0);
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const chance = (rng, p) => rng() < p;
const choice = (rng, values) => values[Math.floor(rng() * values.length)];
/** A weighted sampler over [[value, weight], …], built once. */
function weighted(options) {
  const values = options.map((o) => o[0]);
  const cum = [];
  let total = 0;
  for (const [, w] of options) cum.push((total += w));
  return (rng) => {
    const r = rng() * total;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  };
}
/** Splits total into parts proportional to weights; the parts sum to total exactly. */
function apportion(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; rest > 0; k = (k + 1) % parts.length, rest--) parts[k]++;
  return parts;
}

const pad = (n, width) => String(n).padStart(width, '0');
function civil(n) {
  const d = new Date(n * MS_PER_DAY);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}
const isoDate = (n) => { const c = civil(n); return `${c.y}-${pad(c.m, 2)}-${pad(c.d, 2)}`; };
const dmyDate = (n) => { const c = civil(n); return `${pad(c.d, 2)}/${pad(c.m, 2)}/${c.y}`; };
const dayInMonth = (rng) => MONTH_START + int(rng, 0, MONTH_DAYS - 1);

// ---------------------------------------------------------------------------------------
// Streaming writer

class Table {
  /** encoding: 'utf8' | 'utf8bom' | 'latin1'; eol '\n' | '\r\n'; quoteAll for SINAC. */
  constructor(dir, name, header, { delimiter = ',', eol = '\n', encoding = 'utf8', quoteAll = false, schema } = {}) {
    // Every header against its source schema: the columns the catalog reads, under their real names.
    if (schema) checkHeader(schema, header, name);
    this.path = join(dir, name);
    this.name = name;
    this.fd = openSync(this.path, 'w');
    this.delimiter = delimiter;
    this.eol = eol;
    this.encoding = encoding === 'latin1' ? 'latin1' : 'utf8';
    this.quoteAll = quoteAll;
    this.width = header.length;
    this.parts = [];
    this.size = 0;
    this.rows = 0;
    this.bytes = 0;
    if (encoding === 'utf8bom') this.flushText('\ufeff');
    this.raw(this.format(header));
  }
  format(fields) {
    if (this.quoteAll) return `"${fields.join('","')}"`;
    return fields.join(this.delimiter);
  }
  /** Fields known to hold no delimiter, quote or line break. */
  row(fields) {
    if (fields.length !== this.width) throw new Error(`${this.name}: ${fields.length} fields, header ${this.width}`);
    this.rows++;
    this.raw(this.format(fields));
  }
  /** A line written as is (deliberately bad rows, or fields quoted by the caller). */
  raw(line) {
    this.parts.push(line);
    this.size += line.length + this.eol.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    if (!this.parts.length) return;
    this.flushText(this.parts.join(this.eol) + this.eol);
    this.parts = [];
    this.size = 0;
  }
  flushText(text) {
    const buf = Buffer.from(text, this.encoding);
    writeSync(this.fd, buf);
    this.bytes += buf.length;
  }
  close() {
    this.flush();
    // On disk before anything is timed: the kernel's write-back would otherwise slow the runs.
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { file: this.name, rows: this.rows, bytes: this.bytes };
  }
}

/** A CSV field quoted only when it must be. */
const quoted = (text, delimiter = ',') =>
  text.includes(delimiter) || text.includes('"') ? `"${text.replaceAll('"', '""')}"` : text;

// ---------------------------------------------------------------------------------------
// The world: 32 entidades → regiones → zonas → units

// [code, name, CLUES prefix, share of the IMSS-BIENESTAR network]
const ENTIDADES = [
  ['01', 'AGUASCALIENTES', 'AS', 1], ['02', 'BAJA CALIFORNIA', 'BC', 2], ['03', 'BAJA CALIFORNIA SUR', 'BS', 1],
  ['04', 'CAMPECHE', 'CC', 2], ['05', 'COAHUILA DE ZARAGOZA', 'CL', 2], ['06', 'COLIMA', 'CM', 1], ['07', 'CHIAPAS', 'CS', 8],
  ['08', 'CHIHUAHUA', 'CH', 3], ['09', 'CIUDAD DE MÉXICO', 'DF', 3], ['10', 'DURANGO', 'DG', 3], ['11', 'GUANAJUATO', 'GT', 3],
  ['12', 'GUERRERO', 'GR', 6], ['13', 'HIDALGO', 'HG', 5], ['14', 'JALISCO', 'JC', 3], ['15', 'MÉXICO', 'MC', 6],
  ['16', 'MICHOACÁN DE OCAMPO', 'MN', 6], ['17', 'MORELOS', 'MS', 2], ['18', 'NAYARIT', 'NT', 2], ['19', 'NUEVO LEÓN', 'NL', 2],
  ['20', 'OAXACA', 'OC', 8], ['21', 'PUEBLA', 'PL', 6], ['22', 'QUERÉTARO', 'QT', 1], ['23', 'QUINTANA ROO', 'QR', 1],
  ['24', 'SAN LUIS POTOSÍ', 'SP', 3], ['25', 'SINALOA', 'SL', 3], ['26', 'SONORA', 'SR', 2], ['27', 'TABASCO', 'TC', 3],
  ['28', 'TAMAULIPAS', 'TS', 2], ['29', 'TLAXCALA', 'TL', 2], ['30', 'VERACRUZ DE IGNACIO DE LA LLAVE', 'VZ', 8],
  ['31', 'YUCATÁN', 'YN', 2], ['32', 'ZACATECAS', 'ZS', 3],
];
const PLACES = ['SAN JOSÉ', 'SANTA MARÍA', 'EL CARRIZAL', 'LA PEÑA', 'SAN MIGUEL', 'TEPEXÍ', 'XOCHITLÁN', 'SAN JUAN', 'LAS PALMAS', 'EL ROSARIO', 'SANTIAGO', 'AHUACATLÁN', 'CUAUTEMPAN', 'TLALNEPANTLA', 'SAN ANDRÉS', 'ZAPOTITLÁN'];
const AGE_GROUPS = ['00-04', '05-09', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85+'];
const PYRAMID = [0.088, 0.092, 0.095, 0.094, 0.086, 0.076, 0.07, 0.067, 0.062, 0.057, 0.052, 0.044, 0.036, 0.029, 0.022, 0.016, 0.01, 0.006];

function buildWorld(imbUnits = IMB_UNITS) {
  const rng = rngFor('world');
  const perEntidad = apportion(imbUnits, ENTIDADES.map((e) => e[3]));
  const units = [];
  const zonas = [];
  const entidades = [];
  ENTIDADES.forEach(([code, name, prefix], e) => {
    const n = perEntidad[e];
    const nZonas = Math.max(2, Math.round(n / 30));
    const nRegions = Math.max(2, Math.round(nZonas / 4));
    const ent = { code, name, prefix, zonas: [], seq: 0 };
    entidades.push(ent);
    const sizes = apportion(n, Array.from({ length: nZonas }, () => 0.7 + rng() * 0.6));
    for (let z = 0; z < nZonas; z++) {
      const region = `${code}-R${pad((z % nRegions) + 1, 2)}`;
      const zona = {
        key: `${code}-Z${pad(z + 1, 2)}`, name: `ZONA DE SERVICIOS MÉDICOS ${choice(rng, PLACES)} ${z + 1}`,
        region, regionName: `REGIÓN ${(z % nRegions) + 1} ${name}`, entidad: code, jur: pad(z + 1, 2), units: [],
      };
      zonas.push(zona);
      ent.zonas.push(zona);
      const size = sizes[z];
      const hospitals = Math.max(1, Math.round(size / 22));
      for (let k = 0; k < size; k++) {
        const level = k < hospitals ? 2 : 1;
        const mun = pad(int(rng, 1, 120), 3);
        const place = `${choice(rng, PLACES)} ${mun}`;
        const kind = level === 2 ? 'HOSPITAL' : k === hospitals ? 'CESSA' : 'CS';
        const u = {
          clues: `${prefix}IMB${pad(++ent.seq * 3 + int(rng, 0, 2), 6)}`, institution: 'IMB', entidad: code, entidadName: name,
          mun, munName: place, loc: pad(int(rng, 1, 200), 4), zona, kind, level,
          name: level === 2 ? `HOSPITAL GENERAL DE ${place}` : kind === 'CESSA' ? `CENTRO DE SALUD CON SERVICIOS AMPLIADOS ${place}` : `CENTRO DE SALUD RURAL ${place}`,
          status: chance(rng, 0.01) ? 2 : 1, regionalised: !chance(rng, 0.02),
          beds: level === 2 ? int(rng, 30, 120) : 0, consultorios: level === 2 ? int(rng, 4, 14) : int(rng, 1, 4),
          population: level === 1 ? int(rng, 2500, 9000) : 0,
        };
        if (u.level === 2) u.status = 1;
        units.push(u);
        zona.units.push(u);
      }
    }
  });
  const others = [];
  for (let i = 0; i < Math.round((OTHER_UNITS * imbUnits) / IMB_UNITS); i++) {
    const e = ENTIDADES[i % ENTIDADES.length];
    const inst = choice(rng, ['SSA', 'SSA', 'IMS', 'IST']);
    const mun = pad(int(rng, 1, 120), 3);
    others.push({
      clues: `${e[2]}${inst}${pad(i * 7 + 11, 6)}`, institution: inst, entidad: e[0], entidadName: e[1], mun, munName: `${choice(rng, PLACES)} ${mun}`,
      loc: '0001', zona: null, kind: 'CS', level: 1, name: `CENTRO DE SALUD URBANO ${choice(rng, PLACES)}`, status: 1, regionalised: false,
      beds: 0, consultorios: int(rng, 2, 8), population: 0,
    });
  }
  const active = units.filter((u) => u.status === 1);
  return {
    units, others, zonas, entidades, active,
    hospitals: active.filter((u) => u.level === 2),
    edUnits: active.filter((u) => u.level === 2 || u.kind === 'CESSA'),
    primary: active.filter((u) => u.level === 1),
  };
}

// ---------------------------------------------------------------------------------------
// Real layouts

const CLUES_HEADER = ['CLUES', 'CLAVE DE LA INSTITUCION', 'NOMBRE DE LA INSTITUCION', 'CLAVE DE LA ENTIDAD', 'ENTIDAD', 'CLAVE DEL MUNICIPIO', 'MUNICIPIO', 'CLAVE DE LA LOCALIDAD', 'LOCALIDAD', 'CLAVE DE LA JURISDICCION', 'JURISDICCION', 'CLAVE DEL TIPO ESTABLECIMIENTO', 'NOMBRE TIPO ESTABLECIMIENTO', 'CLAVE DE TIPOLOGIA', 'NOMBRE DE TIPOLOGIA', 'CLAVE DE SUBTIPOLOGIA', 'NOMBRE DE SUBTIPOLOGIA', 'NOMBRE DE LA UNIDAD', 'NOMBRE COMERCIAL', 'CLAVE TIPO DE VIALIDAD', 'TIPO DE VIALIDAD', 'VIALIDAD', 'NUMERO EXTERIOR', 'NUMERO INTERIOR', 'CLAVE TIPO DE ASENTAMIENTO', 'TIPO DE ASENTAMIENTO', 'ASENTAMIENTO', 'CODIGO POSTAL', 'REFERENCIAS DEL DOMICILIO', 'CLAVE ESTATUS DE OPERACION', 'ESTATUS DE OPERACION', 'RFC DEL ESTABLECIMIENTO', 'TELEFONO 1 DEL ESTABLECIMIENTO', 'EXTENSION TELEFONICA 1 DEL ESTABLECIMIENTO', 'TELEFONO 2 DEL ESTABLECIMIENTO', 'EXTENSION TELEFONICA 2 DEL ESTABLECIMIENTO', 'FECHA DE CONSTRUCCION', 'FECHA DE INICIO DE OPERACION', 'CLAVE UNIDAD MOVIL MARCA', 'UNIDAD MOVIL MARCA', 'UNIDAD MOVIL MARCA ESPECIFICA', 'UNIDAD MOVIL MODELO', 'CLAVE UNIDAD MOVIL PROGRAMA', 'UNIDAD MOVIL PROGRAMA', 'CLAVE UNIDAD MOVIL TIPO', 'UNIDAD MOVIL TIPO', 'CLAVE UNIDAD MOVIL TIPOLOGIA', 'UNIDAD MOVIL TIPOLOGIA', 'CLAVE DE LA INS ADM', 'NOMBRE DE LA INS ADM', 'CLAVE NIVEL ATENCION', 'NIVEL ATENCION', 'CLAVE ESTRATO UNIDAD', 'ESTRATO UNIDAD', 'CLAVE TIPO OBRA', 'TIPO OBRA', 'CLAVE PROPIEDAD DEL INMUEBLE', 'PROPIEDAD DEL INMUEBLE', 'OBSERVACIONES AL REGISTRO', 'LATITUD', 'LONGITUD', 'CLAVE ULTIMO MOVIMIENTO', 'ULTIMO MOVIMIENTO', 'FECHA ULTIMO MOVIMIENTO', 'COMENTARIOS DE LA VALIDACION', 'CLAVE MOTIVO BAJA', 'MOTIVO BAJA', 'FECHA EFECTIVA DE BAJA', 'CONSULTORIOS DE MED GRAL', 'CONSULTORIOS EN OTRAS AREAS', 'CAMAS EN AREA DE HOS', 'CAMAS EN OTRAS AREAS'];
const INSTITUTION_NAMES = { IMB: 'SERVICIOS DE SALUD IMSS BIENESTAR ', SSA: 'SECRETARIA DE SALUD', IMS: 'INSTITUTO MEXICANO DEL SEGURO SOCIAL', IST: 'INSTITUTO DE SEGURIDAD Y SERVICIOS SOCIALES DE LOS TRABAJADORES DEL ESTADO' };
const REFERENCES = ['FRENTE A LA CANCHA MUNICIPAL', 'A UN COSTADO DE LA IGLESIA, FRENTE AL JARDÍN PRINCIPAL', 'ATRÁS DE LA ESCUELA PRIMARIA "BENITO JUÁREZ", A 200 M DE LA CARRETERA', 'A LA ENTRADA DEL PUEBLO', ''];

function cluesCatalog(dir, world) {
  const rng = rngFor('clues');
  const t = new Table(dir, 'ESTABLECIMIENTO_SALUD_202403.csv', CLUES_HEADER, { eol: '\r\n', encoding: 'utf8bom', schema: 'clues' });
  const all = [...world.units, ...world.others].sort((a, b) => (a.clues < b.clues ? -1 : 1));
  for (const u of all) {
    const hospital = u.level === 2;
    const out = u.status === 2;
    const inst = INSTITUTION_NAMES[u.institution];
    const f = [
      u.clues, u.institution, inst, u.entidad, u.entidadName, u.mun, u.munName, u.loc, u.munName, u.zona ? u.zona.jur : '01', u.zona ? `JURISDICCIÓN ${u.zona.jur}` : 'JURISDICCIÓN 01',
      hospital ? '2' : '1', hospital ? 'DE HOSPITALIZACIÓN' : 'DE CONSULTA EXTERNA', hospital ? 'HG' : u.kind === 'CESSA' ? 'CSA' : `R0${u.consultorios}`,
      hospital ? 'HOSPITAL GENERAL' : 'RURAL', '99', 'NO APLICA', u.name, '', '5', 'CALLE', choice(rng, ['HIDALGO', 'MORELOS', 'BENITO JUÁREZ']),
      chance(rng, 0.5) ? 'S/N' : String(int(rng, 1, 250)), '', '9', 'BARRIO', 'CENTRO', pad(int(rng, 10000, 99999), 5), quoted(choice(rng, REFERENCES)),
      out ? '2' : '1', out ? 'FUERA DE OPERACION' : 'EN OPERACION', '', chance(rng, 0.8) ? String(int(rng, 2_000_000_000, 9_999_999_999)) : '', '', '', '',
      dmyDate(dayNumber(int(rng, 1970, 2015), int(rng, 1, 12), int(rng, 1, 28))), dmyDate(dayNumber(int(rng, 1975, 2018), int(rng, 1, 12), int(rng, 1, 28))),
      '', '', '', '', '', '', '', '', '', '', u.institution, inst, String(u.level), hospital ? 'SEGUNDO NIVEL' : 'PRIMER NIVEL', '1', 'RURAL', '1', 'OBRA NUEVA', '1', 'PROPIO', '',
      (14 + rng() * 18).toFixed(6), (-117 + rng() * 30).toFixed(6), '7', 'CAMBIO DE INSTITUCIÓN', dmyDate(dayNumber(2023, int(rng, 6, 10), int(rng, 1, 28))), '',
      out ? '4' : '', out ? 'DAÑO ESTRUCTURAL DEL INMUEBLE' : '', out ? dmyDate(dayNumber(2023, 11, 30)) : '',
      String(hospital ? int(rng, 1, 3) : u.consultorios), String(hospital ? u.consultorios : int(rng, 0, 1)), String(u.beds), String(hospital ? int(rng, 10, 30) : int(rng, 0, 2)),
    ];
    t.row(f);
  }
  return t.close();
}

function regionalizacion(dir, world) {
  const t = new Table(dir, 'regionalizacion_IMB_2024.csv', ['CLUES', 'CLAVE_ENTIDAD', 'CLAVE_REGION', 'REGION', 'CLAVE_ZONA', 'ZONA'], { schema: 'regionalizacion' });
  for (const z of world.zonas) {
    for (const u of [...z.units].sort((a, b) => (a.clues < b.clues ? -1 : 1))) if (u.regionalised) t.row([u.clues, z.entidad, z.region, z.regionName, z.key, z.name]);
  }
  return t.close();
}

function poblacion(dir, world) {
  const rng = rngFor('poblacion');
  const t = new Table(dir, 'poblacion_responsabilidad_2024.csv', ['CLUES', 'ANIO', 'SEXO', 'GRUPO_EDAD', 'POBLACION'], { schema: 'poblacion' });
  for (const u of world.primary) {
    for (const sexo of ['Hombres', 'Mujeres']) {
      AGE_GROUPS.forEach((g, i) => t.row([u.clues, String(YEAR), sexo, g, String(Math.round(u.population * PYRAMID[i] * (0.45 + rng() * 0.1)))]));
    }
  }
  return t.close();
}

const SIS_KEYS = ['CLAVE_ENTIDAD', 'ENTIDAD', 'CLAVE_MUNICIPIO', 'MUNICIPIO', 'CLUES', 'NOMBRE_CLUES', 'MES', 'ANIO'];

/**
 * SIS files and their variables: the 2024 codes the catalog reads (indicators/sources/sis/
 * variables_2024.yaml), grouped by the first three letters of the code, each group padded with
 * other real 2024 codes of the same apartados from DGIS's list (a real file carries dozens no
 * indicator reads; masb skips them), to `SIS_VARIABLES_PER_APARTADO × scale` columns.
 */
function sisApartados(scale) {
  const dictionary = parseYaml(readFileSync(join(SOURCES_DIR, 'sis', 'variables_2024.yaml'), 'utf8'));
  const listed = readFileSync(join(SOURCES_DIR, 'sis', 'LISTADO_VARIABLES_SIS_2024.csv'), 'utf8')
    .split(/\r?\n/).slice(1).filter(Boolean).map((line) => {
      const m = /^([A-Z0-9]+),("(?:[^"]|"")*"|[^,]*),/.exec(line);
      return { code: m[1], apartado: m[2].replace(/^"|"$/g, '').replace(/""/g, '"') };
    });
  // The demo's files (fixtures/gen/sis.mjs, SIS_FILES): EC and BIO as DGIS names them, the others ours.
  const FILES = { CE: ['001', '002', '006', '020', '335'], AUX: ['144', '145', '147', '149'], DET: ['056', '284'], EC: ['080'], BIO: ['275', '334'], NUT: ['041', '044'], FU: ['277'] };
  const fileOf = (apartado) => Object.keys(FILES).find((f) => FILES[f].includes(apartado.slice(0, 3))) ?? apartado.slice(0, 3);
  const groups = new Map();
  for (const [apartado, codes] of Object.entries(dictionary.apartados)) {
    const file = fileOf(apartado);
    if (!groups.has(file)) groups.set(file, { vars: [], apartados: new Set() });
    groups.get(file).vars.push(...Object.keys(codes));
    groups.get(file).apartados.add(apartado);
  }
  const wanted = Math.ceil(SIS_VARIABLES_PER_APARTADO * scale);
  const apartados = [];
  for (const [fam, g] of groups) {
    const all = [...g.vars];
    for (const v of listed) if (all.length < wanted && g.apartados.has(v.apartado) && !all.includes(v.code)) all.push(v.code);
    // Beyond its apartados' codes, any other real 2024 code: a wider file, never an invented code.
    for (const v of listed) if (all.length < wanted && !all.includes(v.code)) all.push(v.code);
    apartados.push({ name: fam, vars: all });
  }
  return apartados;
}

function sis(dir, world, scale) {
  const out = [];
  const units = [...world.active, ...world.others.filter((u) => u.institution === 'SSA').slice(0, 150)]
    .sort((a, b) => (a.entidad + a.clues < b.entidad + b.clues ? -1 : 1));
  for (const ap of sisApartados(scale)) {
    const rng = rngFor(`sis-${ap.name}`);
    const t = new Table(dir, `DA_${ap.name}_SIS_${YEAR}.csv`, [...SIS_KEYS, ...ap.vars], { encoding: 'latin1', schema: 'sis' });
    const scaleOf = ap.vars.map(() => 1 + Math.floor(rng() * 300));
    for (const u of units) {
      if (chance(rng, 0.004)) continue; // did not report this apartado this month: incompleto
      const cells = new Array(ap.vars.length);
      const size = u.level === 2 ? 3 : u.population / 5000;
      for (let k = 0; k < cells.length; k++) cells[k] = chance(rng, 0.012) ? 'NULL' : String(Math.floor(rng() * scaleOf[k] * size));
      if (chance(rng, 0.00005)) cells[int(rng, 0, cells.length - 1)] = '3a'; // a bad number: the whole record is rejected
      t.row([u.entidad, u.entidadName, u.mun, u.munName, u.clues, u.name, String(MONTH), String(YEAR), ...cells]);
    }
    out.push(t.close());
  }
  return out;
}

const CIE_DISCHARGE = weighted([['O800', 20], ['O820', 8], ['O829', 4], ['J189', 6], ['K359', 4], ['K802', 4], ['E119', 4], ['N390', 3], ['I10X', 3], ['S720', 2], ['P073', 2], ['A09X', 3], ['K297', 2], ['I639', 2], ['J441', 2], ['O034', 2], ['C509', 1], ['I219', 2]]);
const EGRESOS_HEADER = ['ID', 'CLUES', 'EGRESO', 'INGRE', 'DIAS_ESTA', 'TUHPSIQ', 'SERVHC', 'SERVHP', 'CVEEDAD', 'EDAD', 'NACIOEN', 'SEXO', 'PESO', 'TALLA', 'DERHAB', 'ENTIDAD', 'MUNIC', 'LOC', 'INDIGENA', 'HABLA_LENGUA', 'LENGUA_INDIGENA', 'TIPSERV', 'SERVICIOINGRE', 'SERVICIO02', 'SERVICIO03', 'SERVICIOEGRE', 'PROCED', 'CLUESPROCED', 'MOTEGRE', 'CLUESREFERIDO', 'DIAG_INI', 'AFECPRIN', 'VEZ', 'INFEC', 'CAUSAEXT', 'MES_ESTADISTICO', 'ESTADO_CONYUGAL_KEY', 'MP', 'GESTAS', 'PARTOS', 'ABORTOS', 'HAYPROD', 'TIPATEN', 'GESTAC', 'PRODUCTO', 'TIPNACI', 'PLANFAM', 'CESAREAS'];
const MOTEGRE = weighted([['1', 20], ['2', 70], ['3', 2], ['4', 4], ['5', 2.7], ['6', 0.3], ['7', 0.5], ['9', 0.5]]);
const DERHAB = weighted([['B', 60], ['B  ', 25], ['1', 8], ['2', 3], ['9', 4]]);

/** Date texts of every day from 2022-01-01 to the cut, built once (millions of rows share them). */
const DAY0 = dayNumber(2022, 1, 1);
const DAY_TEXT = { iso: [], dmy: [], month: [] };
for (let n = DAY0; n <= CUT + 5; n++) {
  DAY_TEXT.iso.push(isoDate(n));
  DAY_TEXT.dmy.push(dmyDate(n));
  DAY_TEXT.month.push(String(civil(n).m));
}
const isoDay = (n) => (n >= DAY0 && n - DAY0 < DAY_TEXT.iso.length ? DAY_TEXT.iso[n - DAY0] : isoDate(n));
const dmyDay = (n) => (n >= DAY0 && n - DAY0 < DAY_TEXT.dmy.length ? DAY_TEXT.dmy[n - DAY0] : dmyDate(n));

/** SAEH egresos: the whole of 2023 (EGRESOS_2023.txt) and January–March 2024 (EGRESOS_2024.txt), hospital by hospital. */
function egresos(dir, world, scale) {
  const rng = rngFor('egresos');
  const out = [];
  let id = 0;
  for (const span of SPANS) {
    const t = new Table(dir, `EGRESOS_${span.year}.txt`, EGRESOS_HEADER, { delimiter: '|', encoding: 'utf8bom', schema: 'egresos' });
    const perUnit = apportion(Math.round((VOLUMES.discharges * scale * span.days) / 365), world.hospitals.map((h) => h.beds));
    world.hospitals.forEach((h, i) => {
      for (let k = 0; k < perUnit[i]; k++) {
        const day = span.start + int(rng, 0, span.days - 1);
        const stay = chance(rng, 0.1) ? int(rng, 6, 25) : int(rng, 0, 5);
        const code = CIE_DISCHARGE(rng);
        const obstetric = code[0] === 'O';
        const years = obstetric ? int(rng, 15, 42) : int(rng, 0, 95);
        const newborn = code[0] === 'P';
        const bad = chance(rng, 0.00002);
        t.row([
          String(++id), bad ? `${h.clues.slice(0, 5)}999999` : h.clues, isoDay(day), isoDay(day - stay), String(stay), '2', '2', '2',
          newborn ? '3' : chance(rng, 0.003) ? '9' : '5', String(newborn ? int(rng, 0, 27) : years), '1', obstetric ? '2' : chance(rng, 0.5) ? '1' : '2',
          chance(rng, 0.5) ? (40 + rng() * 50).toFixed(1) : '999', chance(rng, 0.5) ? String(int(rng, 145, 180)) : '999', DERHAB(rng),
          chance(rng, 0.97) ? h.entidad : '99', h.mun, h.loc, chance(rng, 0.2) ? '1' : '2', '2', '', '1', obstetric ? '03' : '01', '', '', obstetric ? '03' : '01',
          choice(rng, ['1', '2', '2', '3', '9']), '', obstetric ? choice(rng, ['1', '2']) : MOTEGRE(rng), '', code, code, chance(rng, 0.85) ? '1' : '2',
          chance(rng, 0.025) ? '1' : '2', '', DAY_TEXT.month[day - DAY0], choice(rng, ['1', '2', '5']), '2',
          obstetric ? String(int(rng, 1, 5)) : '', obstetric ? '1' : '', obstetric ? '0' : '', obstetric ? '1' : '', obstetric ? (code === 'O800' ? '1' : '2') : '',
          obstetric ? String(int(rng, 36, 41)) : '', obstetric ? '1' : '', obstetric ? '1' : '', obstetric ? choice(rng, ['1', '2', '6']) : '', obstetric ? '0' : '',
        ]);
      }
    });
    if (span.year === YEAR) {
      t.raw(`${++id}|${world.hospitals[0].clues}|2024-02-30|2024-02-28|2|2|2|2|5|40|1|1|999|999|B|01|001|0001|2|2||1|01|||01|2||2||J189|J189|1|2||3|2|2||||||||||`); // impossible date
      t.raw(`${++id}|${world.hospitals[1].clues}|2024-03-04|2024-03-01|3|2|2|2|5|40`); // cut short
    }
    out.push(t.close());
  }
  return out;
}

const URGENCIAS_HEADER = ['ID', 'CLUES', 'FOLIO', 'FECHAALTA', 'EDAD', 'CVEEDAD', 'SEXO', 'ENTRESIDENCIA', 'MUNRESIDENCIA', 'DERHAB', 'TIPOURGENCIA', 'MOTATE', 'TIPOCAMA', 'ENVIADOA', 'MP', 'AFECPRIN', 'IRA', 'PLANEDA', 'SOBRESEDA', 'FECHAINGRESO', 'HORASESTANCIA', 'MES_ESTADISTICO', 'HORAINIATE', 'MININIATE', 'HORATERATE', 'MINTERATE'];
const CIE_ED = weighted([['J069', 16], ['A09X', 9], ['R509', 5], ['N390', 5], ['R104', 6], ['K297', 4], ['T634', 8], ['S934', 4], ['S610', 4], ['O470', 4], ['I10X', 4], ['E119', 3], ['J459', 2], ['R51X', 3]]);

function urgencias(dir, world, scale) {
  const rng = rngFor('urgencias');
  const t = new Table(dir, `URGENCIAS_${YEAR}.txt`, URGENCIAS_HEADER.map((h) => h.toLowerCase()), { delimiter: '|', encoding: 'latin1', schema: 'urgencias' });
  const perUnit = apportion(Math.round(VOLUMES.ed * scale), world.edUnits.map((u) => (u.level === 2 ? u.beds * 2 : 15)));
  let id = 0;
  world.edUnits.forEach((u, i) => {
    for (let k = 0; k < perUnit[i]; k++) {
      const day = dayInMonth(rng);
      const arrival = int(rng, 0, 1439);
      const start = arrival + int(rng, 2, 45);
      const end = start + int(rng, 0, 8) * 60 + int(rng, 5, 55);
      const altaDay = Math.min(day + Math.floor(end / 1440), MONTH_START + MONTH_DAYS - 1);
      const unknown = chance(rng, 0.012);
      t.row([
        String(++id), u.clues, pad(k + 1, 6), isoDate(altaDay), String(int(rng, 0, 90)), '5', chance(rng, 0.5) ? '1' : '2', u.entidad, u.mun,
        choice(rng, ['B', 'B', 'B', '1', '9']), chance(rng, 0.3) ? '1' : '2', choice(rng, ['1', '2', '2', '3', '4']), choice(rng, ['1', '2', '3']),
        choice(rng, ['1', '1', '1', '2', '3']), '2', CIE_ED(rng), '', '', '', isoDate(day), String(Math.floor((end - arrival) / 60)), String(MONTH),
        unknown ? '99' : String(Math.floor(start / 60) % 24), unknown ? '99' : String(start % 60), String(Math.floor(end / 60) % 24), String(end % 60),
      ]);
    }
  });
  return t.close();
}

const CONSULTAS = weighted([['0', 3], ['99', 1.5], ['', 1], ...PRENATAL_VISITS.map(([n, w]) => [String(n), w * 0.945])]);
const MOTHER_AGES = weighted(MOTHER_AGE.map(([age, w]) => [String(age), w]));
const TRIMESTRE = weighted([['1', 55], ['2', 33], ['3', 9], ['8', 2], ['9', 1]]);
const RESOLUCION = weighted([['1', 57], ['2', 4], ['3', 38], ['0', 0.6], ['8', 0.4]]);
const ATENDIO = weighted([['1', 95], ['2', 2], ['3', 0.5], ['4', 2], ['8', 0.3], ['9', 0.2], ['0', 0.1]]);
const ATENDIO_HOME = weighted([['4', 80], ['3', 8], ['8', 6], ['9', 4], ['0', 2]]);
const AFILIACION = weighted([['10', 30], ['02', 35], ['03', 6], ['01', 20], ['99', 5], ['04', 4]]);
const HOURS = Array.from({ length: 24 * 60 }, (_, m) => `${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`);
const ENTIDAD_CODES = ENTIDADES.map((e) => e[0]);

/**
 * SINAC births of every institution, day by day: sinac_2023.csv (the whole year) and
 * sinac_2024.csv (January–March). A third of them in IMSS-BIENESTAR hospitals and CESSAs
 * (the network's universe, by CLUES), most in other institutions' units (in the CLUES
 * catalog: out of the network's scope), 3 % at home (CLUES 9998); 1 % of deliveries are twins
 * (two rows, ORDENPRODUCTO 1 and 2); the mother resides where she gave birth, in another
 * entidad (3 %), abroad (88), or not specified (99, 00): the residents' universe.
 */
function nacimientos(dir, world, scale) {
  const rng = rngFor('sinac');
  const network = [...world.hospitals, ...world.edUnits.filter((u) => u.kind === 'CESSA')];
  const pickNetwork = weighted(network.map((u) => [u, u.level === 2 ? u.beds : 4]));
  const others = world.others;
  const out = [];
  for (const span of SPANS) {
    const t = new Table(dir, `sinac_${span.year}.csv`, SINAC_HEADER, { eol: '\r\n', quoteAll: true, schema: 'nacimientos' });
    const perDay = apportion(Math.round((VOLUMES.births * scale * span.days) / 365), new Array(span.days).fill(1));
    for (let d = 0; d < span.days; d++) {
      const day = span.start + d;
      const date = dmyDay(day);
      for (let born = 0; born < perDay[d];) {
        const r = rng();
        const home = r < 0.03;
        const place = home ? null : r < 0.35 ? pickNetwork(rng) : others[Math.floor(rng() * others.length)];
        const near = place ?? pickNetwork(rng); // a home birth happens near a unit: its municipality
        const ent = near.entidad;
        const x = rng();
        const residence = x < 0.005 ? '99' : x < 0.006 ? '00' : x < 0.008 ? '88' : x < 0.038 ? ENTIDAD_CODES[Math.floor(rng() * 32)] : ent;
        const known = residence !== '99' && residence !== '00' && residence !== '88';
        const age = chance(rng, 0.002) ? '99' : MOTHER_AGES(rng);
        const years = age === '99' ? 25 : Number(age);
        const noPrenatal = chance(rng, 0.03);
        const res = home ? '1' : RESOLUCION(rng);
        const clues = home ? '9998' : place.clues;
        const twins = chance(rng, 0.01);
        const mother = [
          '2', chance(rng, 0.95) ? ent : ENTIDAD_CODES[Math.floor(rng() * 32)], near.mun, age, chance(rng, 0.2) ? '1' : '2', chance(rng, 0.08) ? '1' : '2',
          chance(rng, 0.04) ? '09/09/9999' : dmyDate(day - years * 365 - int(rng, 0, 364)), choice(rng, ['1', '2', '5', '9']), residence === '88' ? '1' : '2',
          residence, known ? near.mun : '999', known ? near.loc : '9999', String(int(rng, 1, 6)), '0', String(int(rng, 0, 5)), String(int(rng, 0, 5)), '1', '1',
          String(int(rng, 1, 6)), noPrenatal ? '2' : '1', noPrenatal ? '0' : TRIMESTRE(rng), noPrenatal ? '0' : CONSULTAS(rng), '1', AFILIACION(rng),
          String(int(rng, 1, 9)), '2', '98', choice(rng, ['1', '2']), chance(rng, 0.1) ? '99' : String(int(rng, 16, 60)),
        ];
        const hour = HOURS[int(rng, 0, HOURS.length - 1)];
        const attended = home ? ATENDIO_HOME(rng) : ATENDIO(rng);
        const caesarean = res === '3' ? choice(rng, ['1', '2']) : '8';
        for (let k = 1; k <= (twins ? 2 : 1); k++) {
          const order = chance(rng, 0.002) ? '0' : String(k);
          t.row([
            ...mother, date, hour, chance(rng, 0.0005) ? '9' : choice(rng, ['1', '2']), chance(rng, 0.006) ? '99' : String(int(rng, twins ? 30 : 34, 42)),
            String(int(rng, 42, 55)), chance(rng, 0.005) ? '9999' : String(int(rng, twins ? 1400 : 1800, 4500)), String(int(rng, 6, 10)), '0', '1', '1', '1', '1', '1',
            '1', order, twins ? '2' : '1', '', '', home ? '13' : '1', clues, String(int(rng, 0, 4)), res, '2', caesarean, attended, home ? '8' : '1',
            ent, near.mun, near.loc, home ? '2' : '1', near.clues, ent, near.mun, near.loc, dmyDay(day + int(rng, 0, 2)),
          ]);
          born++;
        }
      }
    }
    if (span.year === YEAR) {
      const h = world.hospitals[0];
      const line = (clues, date) => `"2","${h.entidad}","001","27","2","2","01/01/1997","1","2","${h.entidad}","001","0001","1","0","1","1","1","1","1","1","1","5","1","10","4","2","98","2","30","${date}","10:00","1","39","50","3200","9","0","1","1","1","1","1","1","1","1","","","1","${clues}","1","1","2","8","1","1","${h.entidad}","001","0001","1","${h.clues}","${h.entidad}","001","0001","06/03/2024"`;
      t.raw(line(`${h.clues.slice(0, 5)}999999`, '05/03/2024')); // a CLUES in no catalog
      t.raw(line(h.clues, '30/02/2024')); // an impossible date
      // A broken quote, last (DuckDB's reader loses the line after one).
      t.raw(line(h.clues, '05/03/2024').slice(0, -1));
    }
    out.push(t.close());
  }
  return out;
}

// Causes of death: [code, weight] by age class. Enough of every cause the catalog's
// mortality indicators count (SDG 3.9.1–3.9.3, 3.4.2, 3.6.1, cervical cancer, maternal).
const NEONATAL_CAUSES = weighted([['P073', 30], ['P369', 25], ['P220', 20], ['P210', 12], ['P23X', 4], ['Q249', 8], ['Q000', 5]]);
const CHILD_CAUSES = weighted([['J189', 25], ['A09X', 18], ['E43X', 10], ['A419', 10], ['W699', 8], ['Q249', 10], ['J219', 10], ['J101', 3], ['X490', 1], ['B779', 1]]);
const ADULT_CAUSES = weighted([
  ['E119', 12], ['E112', 6], ['I219', 12], ['I251', 4], ['I639', 3], ['I64X', 3], ['I10X', 4], ['J189', 5], ['J440', 2], ['J449', 3], ['J101', 0.5],
  ['C349', 1.5], ['C341', 0.5], ['C509', 1.5], ['C61X', 1.2], ['C169', 1], ['C220', 1], ['K703', 4], ['K746', 3], ['N189', 4], ['A419', 1], ['A09X', 0.8],
  ['E43X', 0.8], ['X954', 3], ['X990', 1], ['X700', 1.2], ['X599', 0.6], ['V892', 1.5], ['V031', 0.5], ['V234', 0.4], ['W699', 0.4], ['X470', 0.05],
  ['X450', 0.05], ['X490', 0.05], ['Y870', 0.02], ['R99X', 0.5], ['B24X', 0.5], ['U071', 1],
]);
const CERVICAL = 0.6; // % of the deaths of women aged 25+ from C53
const MATERNAL = weighted([['O149', 20], ['O720', 15], ['O85X', 12], ['O882', 8], ['O001', 6], ['O990', 10], ['A34X', 1], ['O969', 6], ['O97X', 2], ['B24X', 2]]);
const DERECHOHAB = weighted([['1', 35], ['2', 30], ['3', 6], ['9', 15], ['7', 5], ['99', 9]]);
const TIPO_DEFUN = (cause) => (cause[0] === 'V' || cause[0] === 'W' || cause >= 'X00' && cause < 'X60' ? '1' : cause >= 'X60' && cause < 'X85' ? '3' : cause >= 'X85' && cause < 'Y10' ? '2' : '8');

/**
 * INEGI deaths of every resident, in the 74-column 2022+ layout, chronologically by
 * occurrence (the whole of 2023 and January–March 2024), each registered a few days later (a
 * few a year later), the registration year choosing the file: DEFUN_2023.csv and
 * DEFUN_2024.csv (the late registrations of 2023 and the deaths of 2024 registered by the
 * cut). Coded ages: hours, days, months, years, and the x098 "unknown within the unit"
 * codes; residence not specified (99) and abroad (33); `razon_m` 1 for maternal deaths (one a
 * reclassified B24X), 2 for the late ones (O96–O97).
 */
function defunciones(dir, world, scale) {
  const rng = rngFor('defun');
  const at = Object.fromEntries(DEFUN_HEADER.map((h, i) => [h, i]));
  const template = DEFUN_HEADER.map(() => '');
  const set = (row, values) => { for (const k in values) row[at[k]] = values[k]; };
  set(template, {
    tloc_regis: '1', tloc_resid: '1', tloc_ocurr: '1', nacionalid: '1', ent_nac: '99', afromex: '2', conindig: '2', lengua: '2', cve_lengua: '', nacesp_cve: '',
    ocupacion: '98', escolarida: '4', edo_civil: '5', ocurr_trab: '8', lugar_ocur: '88', par_agre: '88', vio_fami: '8', asist_medi: '1', cirugia: '2',
    natviole: '8', necropsia: '2', usonecrops: '8', encefalica: '8', donador: '8', sitio_ocur: '11', cond_cert: '1', embarazo: '8', rel_emba: '8',
    capitulo: '', grupo: '', lista1: '', gr_lismex: '', area_ur: '1', complicaro: '8', ent_ocules: '88', mun_ocules: '888', loc_ocules: '8888', dis_re_oax: '999',
    sem_gest: '', gramos: '', cod_adicio: '', lista_mex: '',
  });
  const pickEntidad = weighted(CONAPO_ENTIDADES.map(([cve, , total]) => [pad(cve, 2), total || (cve === 12 ? 3_560_000 : 1_270_000)]));
  const tables = { 2023: new Table(dir, 'DEFUN_2023.csv', DEFUN_HEADER, { schema: 'defunciones' }), 2024: new Table(dir, 'DEFUN_2024.csv', DEFUN_HEADER, { schema: 'defunciones' }) };
  for (const span of SPANS) {
    const perDay = apportion(Math.round((VOLUMES.deaths * scale * span.days) / 365), new Array(span.days).fill(1));
    for (let d = 0; d < span.days; d++) {
      const day = span.start + d;
      const c = civil(day);
      for (let k = 0; k < perDay[d]; k++) {
        const row = template.slice();
        const ent = pickEntidad(rng);
        const mun = pad(int(rng, 1, 120), 3);
        const x = rng();
        const resid = x < 0.005 ? '99' : x < 0.007 ? '33' : x < 0.027 ? ENTIDAD_CODES[Math.floor(rng() * 32)] : ent;
        const a = rng();
        let edad, years, cause;
        const sexo = chance(rng, 0.0005) ? '9' : chance(rng, 0.55) ? '1' : '2';
        if (a < 0.02) { // neonatal: hours (day 0) or days 1–27; 1098 / 2098 unknown within the unit
          edad = chance(rng, 0.01) ? choice(rng, ['1098', '2098']) : chance(rng, 0.4) ? `10${pad(int(rng, 1, 23), 2)}` : `20${pad(int(rng, 1, 27), 2)}`;
          years = 0; cause = NEONATAL_CAUSES(rng);
        } else if (a < 0.03) { // post-neonatal infants: days 28–29, months, 3098
          edad = chance(rng, 0.01) ? '3098' : chance(rng, 0.05) ? `20${int(rng, 28, 29)}` : `30${pad(int(rng, 1, 11), 2)}`;
          years = 0; cause = CHILD_CAUSES(rng);
        } else if (a < 0.04) { // 1–4 years
          years = int(rng, 1, 4); edad = `400${years}`; cause = CHILD_CAUSES(rng);
        } else if (chance(rng, 0.005)) { // age not specified
          years = null; edad = '4998'; cause = ADULT_CAUSES(rng);
        } else { // 5 and over, more at older ages
          years = Math.min(110, 5 + Math.floor(100 * Math.sqrt(rng()) * (0.55 + 0.45 * rng())));
          edad = `4${pad(years, 3)}`; cause = ADULT_CAUSES(rng);
        }
        let razon = '';
        if (sexo === '2' && years !== null && years >= 15 && years <= 49 && chance(rng, 0.04)) {
          cause = MATERNAL(rng);
          razon = cause.startsWith('O96') || cause.startsWith('O97') ? '2' : '1';
        } else if (sexo === '2' && years !== null && years >= 25 && chance(rng, CERVICAL / 100)) cause = 'C539';
        const reg = Math.min(CUT, day + (chance(rng, 0.01) ? int(rng, 30, 400) : int(rng, 0, 10)));
        const r = civil(reg);
        const born = years === null || chance(rng, 0.03) ? null : civil(day - years * 365 - int(rng, 0, 364));
        set(row, {
          ent_regis: ent, mun_regis: mun, loc_regis: pad(int(rng, 1, 200), 4), ent_resid: resid, mun_resid: resid === '99' || resid === '33' ? '999' : mun,
          loc_resid: resid === '99' || resid === '33' ? '9999' : pad(int(rng, 1, 200), 4), ent_ocurr: ent, mun_ocurr: mun, loc_ocurr: pad(int(rng, 1, 200), 4),
          causa_def: cause, sexo, edad, dia_ocurr: chance(rng, 0.01) ? '99' : String(c.d), mes_ocurr: String(c.m), anio_ocur: String(c.y),
          dia_regis: String(r.d), mes_regis: String(r.m), anio_regis: String(r.y),
          dia_nacim: born ? String(born.d) : '99', mes_nacim: born ? String(born.m) : '99', anio_nacim: born ? String(born.y) : '9999',
          tipo_defun: TIPO_DEFUN(cause), derechohab: DERECHOHAB(rng), horas: String(int(rng, 0, 23)), minutos: String(int(rng, 0, 59)),
          dia_cert: String(c.d), mes_cert: String(c.m), anio_cert: String(c.y), edad_agru: years === null ? '30' : pad(Math.min(29, 5 + Math.floor(years / 5)), 2),
          razon_m: razon, maternas: razon ? cause : '', embarazo: razon ? '1' : sexo === '2' && years !== null && years >= 10 && years <= 54 ? '5' : '8',
          sitio_ocur: chance(rng, 0.45) ? '2' : '11',
        });
        tables[r.y].row(row);
      }
    }
  }
  const bad = template.slice();
  set(bad, { ent_regis: '12', mun_regis: '001', ent_resid: '12', mun_resid: '001', causa_def: 'E119', sexo: '1', edad: '4a56', dia_ocurr: '2', mes_ocurr: '3', anio_ocur: '2024', dia_regis: '3', mes_regis: '3', anio_regis: '2024', dia_nacim: '11', mes_nacim: '12', anio_nacim: '1967' });
  tables[2024].row(bad); // an age that is no integer: the row is rejected
  return [tables[2023].close(), tables[2024].close()];
}

// Mexico's age structure in five-year groups 0–4 … 85+ (share, both sexes) and the share of men.
const NATIONAL_PYRAMID = [0.071, 0.075, 0.079, 0.081, 0.082, 0.08, 0.077, 0.073, 0.069, 0.065, 0.06, 0.053, 0.045, 0.036, 0.026, 0.016, 0.008, 0.004];
const MALE_SHARE = [0.51, 0.51, 0.505, 0.5, 0.49, 0.485, 0.48, 0.48, 0.478, 0.475, 0.47, 0.47, 0.468, 0.465, 0.46, 0.45, 0.43, 0.4];
const POPULATION_FACTOR = { 2023: 0.991, 2024: 1, 2025: 1.008 };

/**
 * CONAPO's mid-year population by entidad, sex and single year of age (0–109), 2023–2025,
 * in CONAPO's layout: conapo_pob_mitad_2023_2025.csv, Latin-1, the national rows first in
 * each year (CVE_GEO 0, the sum of the 32). Plausible figures (~131 M in 2024), not CONAPO's.
 * Does not grow with --scale: the population is the population.
 */
function conapo(dir) {
  const rng = rngFor('conapo');
  const t = new Table(dir, 'conapo_pob_mitad_2023_2025.csv', CONAPO_HEADER, { encoding: 'latin1', schema: 'poblacion_conapo' });
  const base = new Map();
  for (const [cve, , total0] of CONAPO_ENTIDADES) {
    const total = total0 || (cve === 12 ? 3_560_000 : 1_270_000);
    const groups = apportion(total, NATIONAL_PYRAMID.map((s) => s * (0.94 + rng() * 0.12)));
    const men = groups.map((n, g) => Math.round(n * MALE_SHARE[g]));
    base.set(cve, { Hombres: singleYears(men), Mujeres: singleYears(groups.map((n, g) => n - men[g])) });
  }
  let renglon = 0;
  for (const year of [2023, 2024, 2025]) {
    const f = POPULATION_FACTOR[year];
    const figures = new Map([...base].map(([cve, b]) => [cve, { Hombres: b.Hombres.map((n) => Math.round(n * f)), Mujeres: b.Mujeres.map((n) => Math.round(n * f)) }]));
    const national = { Hombres: new Array(110).fill(0), Mujeres: new Array(110).fill(0) };
    for (const v of figures.values()) for (const s of ['Hombres', 'Mujeres']) v[s].forEach((n, age) => (national[s][age] += n));
    for (const [cve, name, fig] of [[0, 'República Mexicana', national], ...CONAPO_ENTIDADES.map(([c, n]) => [c, n, figures.get(c)])]) {
      for (let age = 0; age <= 109; age++) {
        for (const sexo of ['Hombres', 'Mujeres']) t.row([String(++renglon), String(year), name, String(cve), String(age), sexo, String(fig[sexo][age])]);
      }
    }
  }
  return t.close();
}

function personal(dir, world) {
  const rng = rngFor('personal');
  const t = new Table(dir, `personal_${YEAR}.csv`, ['CLUES', 'ANIO', 'MES', 'ID_TRABAJADOR', 'CATEGORIA', 'NIVEL_ATENCION', 'DIAS_LABORABLES', 'DIAS_AUSENCIA', 'FUNCION', 'CAPACITADO_MASB'], { schema: 'personal' });
  const mix = weighted([['MG', 20], ['ME', 10], ['EN', 40], ['PA', 15], ['AD', 15]]);
  let id = 0;
  for (const u of world.active) {
    const n = u.level === 2 ? Math.round(u.beds * 2.3) : int(rng, 3, 9);
    for (let k = 0; k < n; k++) {
      const cat = u.level === 2 ? mix(rng) : choice(rng, ['MG', 'EN', 'EN', 'PA']);
      t.row([u.clues, String(YEAR), String(MONTH), pad(24_000_000 + ++id, 8), cat, String(u.level), String(int(rng, 20, 22)), String(chance(rng, 0.7) ? 0 : int(rng, 1, 5)), chance(rng, 0.05) ? 'CONDUCCION' : 'OPERATIVO', chance(rng, 0.6) ? 'S' : 'N']);
    }
  }
  return t.close();
}

function recetas(dir, world, scale) {
  const rng = rngFor('recetas');
  const t = new Table(dir, `recetas_${YEAR}.csv`, ['CLUES', 'FOLIO_RECETA', 'FECHA_EMISION', 'CLAVES_PRESCRITAS', 'CLAVES_SURTIDAS', 'PIEZAS_PRESCRITAS', 'PIEZAS_SURTIDAS', 'EDAD_PACIENTE', 'CLAVES_ANTIBIOTICO', 'CLAVES_ANTIPSICOTICO', 'APEGO_GPC'], { schema: 'recetas' });
  const perUnit = apportion(Math.round(VOLUMES.prescriptions * scale), world.active.map((u) => (u.level === 2 ? u.beds * 40 : u.population / 3)));
  const dates = Array.from({ length: MONTH_DAYS }, (_, d) => dmyDate(MONTH_START + d));
  world.active.forEach((u, i) => {
    for (let k = 0; k < perUnit[i]; k++) {
      const claves = int(rng, 1, 5);
      const piezas = claves + int(rng, 0, claves * 3);
      const full = chance(rng, 0.88);
      const cs = full ? claves : int(rng, 0, claves);
      const ps = full ? piezas : Math.min(piezas, cs + int(rng, 0, cs * 2));
      t.row([u.clues, `${u.clues.slice(5)}${pad(k + 1, 7)}`, dates[int(rng, 0, MONTH_DAYS - 1)], String(claves), String(cs), String(piezas), String(ps),
        chance(rng, 0.02) ? '999' : String(int(rng, 0, 95)), String(chance(rng, 0.2) ? 1 : 0), String(chance(rng, 0.01) ? 1 : 0), choice(rng, ['S', 'S', 'N', 'X'])]);
    }
  });
  return t.close();
}

// ---------------------------------------------------------------------------------------
// "Layout ours" sources, from their schema

const HAND_WRITTEN = new Set(['clues', 'regionalizacion', 'poblacion', 'sis', 'egresos', 'urgencias', 'nacimientos', 'defunciones', 'poblacion_conapo', 'personal', 'recetas']);

function loadSchemas() {
  return readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => parseYaml(readFileSync(join(SOURCES_DIR, f), 'utf8')));
}

const headerOf = (c) => (Array.isArray(c.original) ? c.original[0] : c.original ?? c.nombre);
const codesOf = (c) => (Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos ?? {}));
/** A file name that the source's first `archivos` pattern matches. */
const fileNameFor = (def) => def.archivos[0].replace('*', `_${YEAR}`).replace(/\*/g, '');

/**
 * One table from a schema: keys are units (CLUES), zonas or entidades; a `codigo` column in
 * `unico` is crossed with every key (one row per code, as the catalogs of items are); an
 * id column in `unico` gets `perKey` values. Record-level sources get `perKey` rows per key.
 */
function fromSchema(dir, world, def) {
  const rng = rngFor(`schema-${def.fuente}`);
  const cols = def.columnas.filter((c) => !c.de);
  const header = cols.map(headerOf);
  const name = fileNameFor(def);
  const t = new Table(dir, name, header, { delimiter: def.formato?.delimitador ?? ',', encoding: def.formato?.codificacion === 'latin1' ? 'latin1' : 'utf8', schema: def.fuente });
  const keyLevel = def.clave?.[0]?.nivel ?? (def.clave?.[0]?.niveles ? 'mixto' : 'clues');
  const byUnit = keyLevel === 'clues' || def.fuente === 'cedulas';
  const keys = !byUnit ? world.entidades : def.fuente === 'vigilancia_hospitalaria' ? world.hospitals : def.fuente === 'comunitaria' ? world.primary : world.active;
  const unique = new Set(def.unico ?? []);
  const crossCol = cols.find((c) => unique.has(c.nombre) && c.tipo === 'codigo' && c.nombre !== 'nivel' && codesOf(c).length > 1);
  let crossCodes = crossCol ? codesOf(crossCol) : [null];
  if (def.fuente === 'cedulas') crossCodes = crossCodes.filter((c) => String(c).startsWith('U-')).slice(0, 30);
  const idCol = cols.find((c) => unique.has(c.nombre) && c.tipo === 'texto' && !['clues', 'clave', 'clave_entidad', 'diagnostico', 'grupo_edad', 'cedula'].includes(c.nombre));
  const record = def.grano === 'registro';
  const perKey = record ? (byUnit ? 2 : 3) : idCol ? (def.fuente === 'abasto' ? 30 : 10) : 1;
  const diagnoses = ['J069', 'A09X', 'J00X', 'N390', 'B829', 'E119', 'I10X', 'A90X'];
  let seq = 0;
  for (const key of keys) {
    for (const code of crossCodes) {
      for (let k = 0; k < perKey; k++) {
        seq++;
        const row = cols.map((c) => {
          const n = c.nombre;
          if (crossCol && c === crossCol) return code;
          if (idCol && c === idCol) return `${byUnit ? key.clues.slice(2) : key.code}-${pad(k + 1, 4)}`;
          if (n === 'clues') return key.clues;
          if (n === 'clave_entidad') return byUnit ? key.entidad : key.code;
          if (n === 'nivel' && def.fuente === 'cedulas') return 'CLUES';
          if (n === 'clave' && def.fuente === 'cedulas') return key.clues;
          if (n === 'cedula') return 'SUPERVISION_UNIDAD';
          if (n === 'anio') return String(YEAR);
          if (n === 'mes') return String(MONTH);
          if (n === 'diagnostico') return diagnoses[k % diagnoses.length];
          if (n === 'grupo_edad') return AGE_GROUPS[seq % AGE_GROUPS.length];
          if (n === 'folio' || n === 'id_evento') return `F${pad(seq, 8)}`;
          switch (c.tipo) {
            case 'codigo': return choice(rng, codesOf(c));
            case 'entero': return String(int(rng, 0, 400));
            case 'decimal': return (rng() * 1e6).toFixed(Math.min(2, c.escala ?? 2));
            case 'fecha': return c.formato === 'aaaa-mm-dd' ? isoDate(dayInMonth(rng)) : dmyDate(dayInMonth(rng));
            default: return n.includes('cie') ? choice(rng, ['C509', 'C539', 'C619']) : `${n.toUpperCase().slice(0, 4)}${int(rng, 1, 99)}`;
          }
        });
        // Keep sums coherent where a schema pairs a part with its whole.
        const at = (nm) => cols.findIndex((c) => c.nombre === nm);
        for (const [part, whole] of [['favorables', 'total'], ['entregado', 'solicitado'], ['numerador', 'denominador'], ['vacunados', 'poblacion_objetivo_vacunacion']]) {
          const p = at(part), w = at(whole);
          if (p >= 0 && w >= 0 && Number(row[p]) > Number(row[w])) [row[p], row[w]] = [row[w], row[p]];
        }
        t.row(row);
      }
    }
  }
  return t.close();
}

// ---------------------------------------------------------------------------------------

export function generate(outDir, { scale = 1, units = IMB_UNITS, quiet = false } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const world = buildWorld(units);
  const files = [];
  const log = (r) => {
    files.push(r);
    if (!quiet) process.stderr.write(`  ${r.file.padEnd(38)} ${String(r.rows).padStart(10)} rows ${(r.bytes / 1e6).toFixed(1).padStart(8)} MB\n`);
  };
  log(cluesCatalog(outDir, world));
  log(regionalizacion(outDir, world));
  log(poblacion(outDir, world));
  for (const r of sis(outDir, world, scale)) log(r);
  for (const r of egresos(outDir, world, scale)) log(r);
  log(urgencias(outDir, world, scale));
  for (const r of nacimientos(outDir, world, scale)) log(r);
  for (const r of defunciones(outDir, world, scale)) log(r);
  log(conapo(outDir));
  log(personal(outDir, world));
  log(recetas(outDir, world, scale));
  const covered = [...HAND_WRITTEN];
  for (const def of loadSchemas()) {
    if (HAND_WRITTEN.has(def.fuente)) continue;
    log(fromSchema(outDir, world, def));
    covered.push(def.fuente);
  }
  return { dir: outDir, files, units: world.units.length, imbActive: world.active.length, sources: covered.sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
  const unitsAt = args.indexOf('--units');
  const units = unitsAt >= 0 ? Number(args[unitsAt + 1]) : IMB_UNITS;
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale' && args[i - 1] !== '--units');
  const dir = resolve(positional[0] ?? join(tmpdir(), `masb-bench-x${scale}`));
  const t0 = performance.now();
  const r = generate(dir, { scale, units, quiet: args.includes('--quiet') });
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  process.stderr.write(`${dir}: ${r.files.length} files, ${(bytes / 1e6).toFixed(0)} MB, ${r.units} IMB units (${r.imbActive} in operation) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
