#!/usr/bin/env node
// Seeded generator of a national-scale monthly extract for `npm run bench`.
//
//   node bench/generate.mjs [outDir] [--scale N] [--units N] [--quiet]
//
// Writes one month (March 2024) of a synthetic IMSS-BIENESTAR national extract in the same
// real layouts as the demo extract (fixtures/generate.mjs; SOURCES-REAL.md): CLUES catalog
// with BOM and CRLF and quoted fields, SIS wide per apartado in Latin-1 with NULL, SAEH
// egresos pipe-delimited with BOM, urgencias pipe-delimited Latin-1 with lower-case names,
// SINAC fully quoted with CRLF, INEGI deaths with coded ages and split dates, and the
// "layout ours" tables. 32 entidades, ~12 000 IMSS-BIENESTAR units (plus other institutions
// in the catalog), and at --scale 1: ≥ 5 M SIS unit × variable values, 150 000 births,
// 60 000 deaths, 250 000 discharges, 500 000 ED visits and 2 000 000 prescriptions.
//
// --scale N multiplies the rows without adding units or months: the record-level sources
// get N times the events in the same month, and every SIS apartado N times the variable
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

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCES_DIR = join(HERE, '..', 'indicators', 'sources');
export const GENERATOR_VERSION = 3;

const SEED = 0x4e41434c; // "NACL"
const YEAR = 2024;
const MONTH = 3;
const MS_PER_DAY = 86_400_000;
const dayNumber = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
const MONTH_START = dayNumber(YEAR, MONTH, 1);
const MONTH_DAYS = 31;

export const VOLUMES = { births: 150_000, deaths: 60_000, discharges: 250_000, ed: 500_000, prescriptions: 2_000_000 };
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
  constructor(dir, name, header, { delimiter = ',', eol = '\n', encoding = 'utf8', quoteAll = false } = {}) {
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
  const t = new Table(dir, 'ESTABLECIMIENTO_SALUD_202403.csv', CLUES_HEADER, { eol: '\r\n', encoding: 'utf8bom' });
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
  const t = new Table(dir, 'regionalizacion_IMB_2024.csv', ['CLUES', 'CLAVE_ENTIDAD', 'CLAVE_REGION', 'REGION', 'CLAVE_ZONA', 'ZONA']);
  for (const z of world.zonas) {
    for (const u of [...z.units].sort((a, b) => (a.clues < b.clues ? -1 : 1))) if (u.regionalised) t.row([u.clues, z.entidad, z.region, z.regionName, z.key, z.name]);
  }
  return t.close();
}

function poblacion(dir, world) {
  const rng = rngFor('poblacion');
  const t = new Table(dir, 'poblacion_responsabilidad_2024.csv', ['CLUES', 'ANIO', 'SEXO', 'GRUPO_EDAD', 'POBLACION']);
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
    const t = new Table(dir, `DA_${ap.name}_SIS_${YEAR}.csv`, [...SIS_KEYS, ...ap.vars], { encoding: 'latin1' });
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

function egresos(dir, world, scale) {
  const rng = rngFor('egresos');
  const t = new Table(dir, `EGRESOS_${YEAR}.txt`, EGRESOS_HEADER, { delimiter: '|', encoding: 'utf8bom' });
  const perUnit = apportion(Math.round(VOLUMES.discharges * scale), world.hospitals.map((h) => h.beds));
  let id = 0;
  world.hospitals.forEach((h, i) => {
    for (let k = 0; k < perUnit[i]; k++) {
      const out = dayInMonth(rng);
      const stay = chance(rng, 0.1) ? int(rng, 6, 25) : int(rng, 0, 5);
      const code = CIE_DISCHARGE(rng);
      const obstetric = code[0] === 'O';
      const years = obstetric ? int(rng, 15, 42) : int(rng, 0, 95);
      const newborn = code[0] === 'P';
      const bad = chance(rng, 0.00002);
      t.row([
        String(++id), bad ? `${h.clues.slice(0, 5)}999999` : h.clues, isoDate(out), isoDate(out - stay), String(stay), '2', '2', '2',
        newborn ? '3' : chance(rng, 0.003) ? '9' : '5', String(newborn ? int(rng, 0, 27) : years), '1', obstetric ? '2' : chance(rng, 0.5) ? '1' : '2',
        chance(rng, 0.5) ? (40 + rng() * 50).toFixed(1) : '999', chance(rng, 0.5) ? String(int(rng, 145, 180)) : '999', DERHAB(rng),
        chance(rng, 0.97) ? h.entidad : '99', h.mun, h.loc, chance(rng, 0.2) ? '1' : '2', '2', '', '1', obstetric ? '03' : '01', '', '', obstetric ? '03' : '01',
        choice(rng, ['1', '2', '2', '3', '9']), '', obstetric ? choice(rng, ['1', '2']) : MOTEGRE(rng), '', code, code, chance(rng, 0.85) ? '1' : '2',
        chance(rng, 0.025) ? '1' : '2', '', String(MONTH), choice(rng, ['1', '2', '5']), '2',
        obstetric ? String(int(rng, 1, 5)) : '', obstetric ? '1' : '', obstetric ? '0' : '', obstetric ? '1' : '', obstetric ? (code === 'O800' ? '1' : '2') : '',
        obstetric ? String(int(rng, 36, 41)) : '', obstetric ? '1' : '', obstetric ? '1' : '', obstetric ? choice(rng, ['1', '2', '6']) : '', obstetric ? '0' : '',
      ]);
    }
  });
  t.raw(`${++id}|${world.hospitals[0].clues}|2024-02-30|2024-02-28|2|2|2|2|5|40|1|1|999|999|B|01|001|0001|2|2||1|01|||01|2||2||J189|J189|1|2||3|2|2||||||||||`); // impossible date
  t.raw(`${++id}|${world.hospitals[1].clues}|2024-03-04|2024-03-01|3|2|2|2|5|40`); // cut short
  return t.close();
}

const URGENCIAS_HEADER = ['ID', 'CLUES', 'FOLIO', 'FECHAALTA', 'EDAD', 'CVEEDAD', 'SEXO', 'ENTRESIDENCIA', 'MUNRESIDENCIA', 'DERHAB', 'TIPOURGENCIA', 'MOTATE', 'TIPOCAMA', 'ENVIADOA', 'MP', 'AFECPRIN', 'IRA', 'PLANEDA', 'SOBRESEDA', 'FECHAINGRESO', 'HORASESTANCIA', 'MES_ESTADISTICO', 'HORAINIATE', 'MININIATE', 'HORATERATE', 'MINTERATE'];
const CIE_ED = weighted([['J069', 16], ['A09X', 9], ['R509', 5], ['N390', 5], ['R104', 6], ['K297', 4], ['T634', 8], ['S934', 4], ['S610', 4], ['O470', 4], ['I10X', 4], ['E119', 3], ['J459', 2], ['R51X', 3]]);

function urgencias(dir, world, scale) {
  const rng = rngFor('urgencias');
  const t = new Table(dir, `URGENCIAS_${YEAR}.txt`, URGENCIAS_HEADER.map((h) => h.toLowerCase()), { delimiter: '|', encoding: 'latin1' });
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

const SINAC_HEADER = ['NACIOEXTRANJERO', 'ENTIDADNACIMIENTO', 'MUNICIPIONACIMIENTO', 'EDAD', 'SECONSIDERAINDIGENA', 'HABLALENGUAINDIGENA', 'FECHANACIMIENTOMADRE', 'ESTADOCONYUGAL', 'RESIDEEXTRANJERO', 'ENTIDADRESIDENCIA', 'MUNICIPIORESIDENCIA', 'LOCALIDADRESIDENCIA', 'NUMEROEMBARAZOS', 'HIJOSNACIDOSMUERTOS', 'HIJOSNACIDOSVIVOS', 'HIJOSSOBREVIVIENTES', 'CONDICIONHIJOANTERIOR', 'VIVEHIJOANTERIOR', 'ORDENNACIMIENTO', 'ATENCIONPRENATAL', 'TRIMESTREPRIMERCONSULTA', 'TOTALCONSULTAS', 'SOBREVIVIOPARTO', 'AFILIACION', 'ESCOLARIDAD', 'INTERRUMPIOESTUDIOS', 'CLAVEOCUPACIONHABITUAL', 'TRABAJAACTUALMENTE', 'EDADPADRE', 'FECHANACIMIENTO', 'HORANACIMIENTO', 'SEXO', 'EDADGESTACIONAL', 'TALLA', 'PESO', 'APGAR', 'SILVERMAN', 'TAMIZAUDITIVO', 'VACUNA_BCG', 'VACUNAHEPATITIS_B', 'VITAMINA_A', 'VITAMINA_K', 'PRODUCTOEMBARAZO', 'ORDENPRODUCTO', 'TOTALPRODUCTOS', 'CODIGOCIEANOMALIA1', 'CODIGOCIEANOMALIA2', 'LUGARNACIMIENTO', 'CLUES', 'TIEMPOTRASLADO', 'RESOLUCIONEMBARAZO', 'UTILIZOFORCEPS', 'TIPOCESAREA', 'PERSONALATENDIO', 'TIPOMEDICOATENDIO', 'ENTIDADFEDERATIVAPARTO', 'MUNICIPIOPARTO', 'LOCALIDADPARTO', 'CERTIFICADOPOR', 'CLUESCERTIFICA', 'ENTIDADFEDERATIVACERTIFICA', 'MUNICIPIOCERTIFICA', 'LOCALIDADCERTIFICA', 'FECHACERTIFICADO'];
const CONSULTAS = weighted([['0', 3], ['1', 2.5], ['2', 4], ['3', 7], ['4', 8], ['5', 12], ['6', 14], ['7', 13], ['8', 12], ['9', 9], ['10', 6], ['12', 2], ['99', 1.5], ['', 1]]);
const RESOLUCION = weighted([['1', 57], ['2', 4], ['3', 38], ['0', 0.6], ['8', 0.4]]);
const ATENDIO = weighted([['1', 95], ['2', 2], ['3', 0.5], ['4', 2], ['8', 0.3], ['9', 0.2]]);

function nacimientos(dir, world, scale) {
  const rng = rngFor('sinac');
  const t = new Table(dir, `sinac_${YEAR}.csv`, SINAC_HEADER, { eol: '\r\n', quoteAll: true });
  const places = [...world.hospitals, ...world.edUnits.filter((u) => u.kind === 'CESSA')];
  const perUnit = apportion(Math.round(VOLUMES.births * scale), places.map((u) => (u.level === 2 ? u.beds : 4)));
  places.forEach((u, i) => {
    for (let k = 0; k < perUnit[i]; k++) {
      const day = dayInMonth(rng);
      const home = chance(rng, 0.03);
      const age = int(rng, 14, 45);
      const res = RESOLUCION(rng);
      const residence = chance(rng, 0.005) ? '99' : chance(rng, 0.05) ? choice(rng, ENTIDADES)[0] : u.entidad;
      const weeks = chance(rng, 0.006) ? 99 : int(rng, 32, 42);
      t.row([
        '2', chance(rng, 0.97) ? residence : '99', u.mun, String(age), chance(rng, 0.2) ? '1' : '2', '2', chance(rng, 0.04) ? '09/09/9999' : dmyDate(day - age * 365 - int(rng, 0, 364)),
        choice(rng, ['1', '2', '5']), '2', residence, u.mun, u.loc, String(int(rng, 1, 6)), '0', String(int(rng, 1, 5)), String(int(rng, 1, 5)), '1', '1', String(int(rng, 1, 6)),
        '1', choice(rng, ['1', '1', '2', '3', '8']), CONSULTAS(rng), '1', choice(rng, ['10', '10', '10', '01', '99']), String(int(rng, 1, 9)), '2', '98', '2', String(int(rng, 16, 60)),
        dmyDate(day), `${pad(int(rng, 0, 23), 2)}:${pad(int(rng, 0, 59), 2)}`, choice(rng, ['1', '2']), String(weeks), String(int(rng, 42, 55)),
        chance(rng, 0.005) ? '9999' : String(int(rng, 1800, 4500)), String(int(rng, 6, 10)), '0', '1', '1', '1', '1', '1', '1', '1', '1', '', '',
        home ? '13' : '2', home ? '9998' : u.clues, String(int(rng, 0, 4)), home ? '1' : res, '2', res === '3' ? choice(rng, ['1', '2']) : '8', home ? '4' : ATENDIO(rng),
        '1', u.entidad, u.mun, u.loc, '1', u.clues, u.entidad, u.mun, u.loc, dmyDate(day + int(rng, 0, 2)),
      ]);
    }
  });
  // A broken quote and a row with a CLUES not in the catalog.
  t.raw(`"2","${world.hospitals[0].entidad}","001","27","2","2","01/01/1997","1","2","${world.hospitals[0].entidad}","001","0001","1","0","1","1","1","1","1","1","1","5","1","10","4","2","98","2","30","05/03/2024","10:00","1","39","50","3200","9","0","1","1","1","1","1","1","1","1","","","2","${world.hospitals[0].clues}","1","1","2","8","1","1","01","001","0001","1","${world.hospitals[0].clues}","01","001","0001","06/03/2024`);
  return t.close();
}

const DEFUN_HEADER = ['ent_regis', 'mun_regis', 'ent_resid', 'mun_resid', 'tloc_resid', 'loc_resid', 'ent_ocurr', 'mun_ocurr', 'tloc_ocurr', 'loc_ocurr', 'causa_def', 'lista_mex', 'sexo', 'edad', 'dia_ocurr', 'mes_ocurr', 'anio_ocur', 'dia_regis', 'mes_regis', 'anio_regis', 'dia_nacim', 'mes_nacim', 'anio_nacim', 'ocupacion', 'escolarida', 'edo_civil', 'presunto', 'ocurr_trab', 'lugar_ocur', 'necropsia', 'asist_medi', 'sitio_ocur', 'cond_cert', 'nacionalid', 'derechohab', 'embarazo', 'rel_emba', 'horas', 'minutos', 'capitulo', 'grupo', 'lista1', 'gr_lismex', 'vio_fami', 'area_ur', 'edad_agru', 'complicaro', 'dia_cert', 'mes_cert', 'anio_cert', 'maternas', 'lengua', 'cond_act', 'par_agre', 'ent_ocules', 'mun_ocules', 'loc_ocules', 'razon_m', 'dis_re_oax'];
const CAUSES = weighted([['E119', 14], ['I219', 14], ['J189', 6], ['K703', 5], ['C349', 3], ['N189', 4], ['I10X', 4], ['X954', 3], ['V892', 3], ['J449', 4], ['I639', 4], ['P073', 1], ['A419', 2], ['O149', 0.05], ['O85X', 0.03]]);

function defunciones(dir, world, scale) {
  const rng = rngFor('defun');
  const t = new Table(dir, `DEFUN_${YEAR}.csv`, DEFUN_HEADER);
  const perEntidad = apportion(Math.round(VOLUMES.deaths * scale), ENTIDADES.map((e) => e[3]));
  ENTIDADES.forEach(([ent], e) => {
    for (let k = 0; k < perEntidad[e]; k++) {
      const day = civil(dayInMonth(rng));
      const kind = chance(rng, 0.03) ? (chance(rng, 0.5) ? 2 : 3) : 4;
      const value = kind === 2 ? int(rng, 0, 29) : kind === 3 ? int(rng, 1, 11) : chance(rng, 0.005) ? 998 : int(rng, 1, 100);
      const edad = `${kind}${pad(value, 3)}`;
      const resid = chance(rng, 0.005) ? '99' : ent;
      const mun = pad(int(rng, 1, 120), 3);
      const birthYear = kind === 4 && value < 998 ? YEAR - value : YEAR;
      t.row([
        ent, mun, resid, resid === '99' ? '999' : mun, '1', pad(int(rng, 1, 200), 4), ent, mun, '1', pad(int(rng, 1, 200), 4), CAUSES(rng), '', choice(rng, ['1', '2']), edad,
        chance(rng, 0.01) ? '99' : String(day.d), String(day.m), String(day.y), String(Math.min(31, day.d + int(rng, 0, 3))), String(day.m), String(day.y),
        String(int(rng, 1, 28)), String(int(rng, 1, 12)), chance(rng, 0.03) ? '9999' : String(birthYear), '98', '4', '5', '8', '8', '88', '2', '1', '11', '1', '1', '1', '8', '8',
        String(int(rng, 0, 23)), String(int(rng, 0, 59)), '4', '', '', '', '8', '1', '16', '8', String(day.d), String(day.m), String(day.y), '', '2', '2', '88', '88', '888', '8888', '', '999',
      ]);
    }
  });
  t.raw(`12,001,12,001,1,0001,12,001,1,0001,E119,,1,4a56,2,3,2024,3,3,2024,11,12,1967,41,5,5,8,8,88,2,2,1,1,1,1,8,8,6,9,4,,,,8,1,16,8,2,3,2024,,2,2,88,88,888,8888,,999`); // bad edad
  return t.close();
}

function personal(dir, world) {
  const rng = rngFor('personal');
  const t = new Table(dir, `personal_${YEAR}.csv`, ['CLUES', 'ANIO', 'MES', 'ID_TRABAJADOR', 'CATEGORIA', 'NIVEL_ATENCION', 'DIAS_LABORABLES', 'DIAS_AUSENCIA', 'FUNCION', 'CAPACITADO_MASB']);
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
  const t = new Table(dir, `recetas_${YEAR}.csv`, ['CLUES', 'FOLIO_RECETA', 'FECHA_EMISION', 'CLAVES_PRESCRITAS', 'CLAVES_SURTIDAS', 'PIEZAS_PRESCRITAS', 'PIEZAS_SURTIDAS', 'EDAD_PACIENTE', 'CLAVES_ANTIBIOTICO', 'CLAVES_ANTIPSICOTICO', 'APEGO_GPC']);
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

const HAND_WRITTEN = new Set(['clues', 'regionalizacion', 'poblacion', 'sis', 'egresos', 'urgencias', 'nacimientos', 'defunciones', 'personal', 'recetas']);

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
  const t = new Table(dir, name, header, { delimiter: def.formato?.delimitador ?? ',', encoding: def.formato?.codificacion === 'latin1' ? 'latin1' : 'utf8' });
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
  log(egresos(outDir, world, scale));
  log(urgencias(outDir, world, scale));
  log(nacimientos(outDir, world, scale));
  log(defunciones(outDir, world, scale));
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
