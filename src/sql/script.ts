/**
 * The script `masb sql` prints: the compiled aggregation (src/sql/compile.ts) over tables with
 * the loader's contract (scripts/cargar-tablas.mjs, README "PostgreSQL: the tables"): one table
 * per source, a text column per header column named as the header has it (NULL where the
 * record's file has no such column), `masb_archivo`, `masb_linea`; and `masb_archivos`, the
 * files read with the records not loaded (`rechazados`). The script ends with a `COPY … TO
 * STDOUT` of the partial-sum records as CSV with a header: the file `masb compute --parciales`
 * reads.
 *
 * What it adds to the compiled statements is how a source's columns are found in its table,
 * which the printer cannot know: PostgreSQL looks them up at run time in the table's catalog
 * (a PL/pgSQL function builds each raw view), comparing names as masb does (case, accents and
 * runs of blanks ignored); DuckDB unites the table by name with a template of every name the
 * source accepts (case ignored, accents not).
 */
import type { Catalog, Source } from "../catalog/load.js";
import { selectIndicators } from "../engine/ingest.js";
import { MasbError } from "../errors.js";
import { normalizeName } from "../sources/records.js";
import { compileSql, type NotCompiled } from "./compile.js";
import { DIALECTS, type Dialect, type DialectName } from "./dialect.js";
import { rawSpec, tableRef, type RawSpec } from "./raw.js";
import { rawInput, rawPresent, rawVariable } from "./rows.js";

/** The table of the loader's file report. */
export const FILES_TABLE = "masb_archivos";
/** `--tablas fuente=-`: the source has no table. */
export const NO_TABLE = "-";

export interface SqlScriptOptions {
  dialect: DialectName;
  /** Source (or `masb_archivos`) → table (`tabla` or `esquema.tabla`); by default the source's name, found on the search path. */
  tables?: Record<string, string>;
  /** `--only`: indicators, aliases or tags. */
  only?: string[];
}

export interface SqlScript {
  /** The script: statements separated by `;` and blank lines, the last one the COPY of the records. */
  text: string;
  /** The query of the records alone (in the file's order). */
  query: string;
  /** Sources whose tables the script reads, with the table. */
  tables: { source: string; table: string }[];
  /** Sources the selection reads that have no table (`fuente=-`). */
  withoutTable: string[];
  indicators: string[];
  notCompiled: NotCompiled[];
}

/** The names `--tablas` accepts: the catalog's sources and `masb_archivos`. */
export function tableKeys(catalog: Catalog): string[] {
  return [...catalog.sources.keys(), FILES_TABLE];
}

/**
 * The SQL that turns tables with the loader's contract into the partial-sum records of the
 * selected indicators (all by default). Indicators the SQL cannot compute are left out and
 * listed in `notCompiled`; a source without a table reads as an extract without its files.
 */
export function sqlScript(catalog: Catalog, options: SqlScriptOptions): SqlScript {
  const d = DIALECTS[options.dialect];
  const tableOf = (name: string) => options.tables?.[name] ?? name;
  const indicators = selectIndicators(catalog, options.only);
  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
  const regionSource = [...catalog.sources.values()].find((s) => s.def.rol === "regionalizacion");
  const needed = new Set<string>([...(cluesSource ? [cluesSource.name] : []), ...(regionSource ? [regionSource.name] : []), ...indicators.flatMap((i) => i.sources)]);
  // `fuente=-`: the source has no table (as an extract without its files); needed in DuckDB, where plain SQL cannot ask whether a table exists.
  const present = new Set([...needed].filter((n) => tableOf(n) !== NO_TABLE));
  if (cluesSource && !present.has(cluesSource.name)) {
    throw new MasbError("MASB_SIN_CATALOGO_CLUES", `la fuente '${cluesSource.name}' (el catálogo CLUES) necesita su tabla: sin ella no hay jerarquía`, { hint: `quite ${cluesSource.name}=- de --tablas, o indique su tabla` });
  }
  const sources = [...present].sort().map((n) => catalog.sources.get(n)!);
  const compiled = compileSql({ catalog, indicators, dialect: d, present, side: { archivos: true, variables: true, problemas: true } });
  // The compiled indicators' sources only: a source of an indicator left out is not read.
  const read = new Set<string>([...(cluesSource ? [cluesSource.name] : []), ...(regionSource ? [regionSource.name] : []), ...compiled.indicators.flatMap((i) => i.sources)]);
  const used = sources.filter((s) => read.has(s.name));

  const preamble = d.name === "postgres" ? postgresPreamble(d, used, tableOf) : duckdbPreamble(d, used, tableOf);
  const head = [
    `-- masb sql --dialecto ${d.name}: las sumas parciales de ${compiled.indicators.length} indicadores, desde las tablas de cargar-tablas.mjs`,
    `-- (${used.map((s) => `${s.name} = ${tableOf(s.name)}`).join(", ")}; archivos = ${tableOf(FILES_TABLE)}${[...needed].filter((n) => !present.has(n)).map((n) => `; ${n} sin tabla`).join("")}).`,
    ...(compiled.notCompiled.length ? [`-- Sin SQL (calcúlelos con masb compute sobre el extracto): ${compiled.notCompiled.map((n) => `${n.indicator} (${n.reason})`).join("; ")}.`] : []),
    `-- La última sentencia escribe el CSV que lee masb compute --parciales.`,
  ].join("\n");
  const copy = d.name === "postgres"
    ? `COPY (\n${compiled.query}\n) TO STDOUT WITH (FORMAT csv, HEADER true)`
    : `COPY (\n${compiled.query}\n) TO '/dev/stdout' (FORMAT csv, HEADER true)`;
  const statements = [...preamble, ...compiled.statements, copy];
  return {
    text: `${head}\n\n${statements.map((s) => `${s};`).join("\n\n")}\n`,
    query: compiled.query,
    tables: used.map((s) => ({ source: s.name, table: tableOf(s.name) })),
    withoutTable: [...needed].filter((n) => !present.has(n)).sort(),
    indicators: compiled.indicators.map((i) => i.id),
    notCompiled: compiled.notCompiled,
  };
}

/** What the raw-view builders need of a source: each input's names as masb compares them. */
function inputsJson(spec: RawSpec): { c: string; alt: string[]; req: boolean }[] {
  return spec.inputs.flatMap((parts, i) => parts.map((alts, k) => ({ c: rawInput(i, k), alt: alts.map(normalizeName), req: spec.required[i] })));
}

/**
 * The problems of whole files that the loader names in `masb_archivos.problema`, as masb reports
 * them: no header found (fatal: the file's records are rejected) and an empty file. `FROM %s` names the table.
 */
const PROBLEMS_SELECT = `SELECT CAST(fuente AS TEXT) AS fuente, CAST(archivo AS TEXT) AS archivo, '1' AS linea,
  CASE WHEN problema LIKE 'no se encontró el encabezado%' THEN 'MASB_ARCHIVO_SIN_ENCABEZADO' ELSE 'MASB_ARCHIVO_VACIO' END AS codigo,
  CAST(problema AS TEXT) AS mensaje, CASE WHEN problema LIKE 'no se encontró el encabezado%' THEN '1' ELSE '0' END AS fatal
FROM %s WHERE problema LIKE 'no se encontró el encabezado%' OR problema LIKE 'el archivo está vacío%'`;

// --------------------------------------------------------------------------- PostgreSQL

/** masb's comparison of names (records.ts `normalizeName`) in PostgreSQL 13+ (a UTF-8 database). */
const PG_NAME_KEY = (x: string) => `upper(regexp_replace(btrim(regexp_replace(normalize(${x}, NFD), '[\\u0300-\\u036f]', '', 'g'), E' \\t\\n\\r\\uFEFF'), '\\s+', ' ', 'g'))`;
/** A wide column's variable code, as masb reads it: the name if the pattern matches, else the name in capitals if that matches. */
const PG_CODE = (x: string, pattern: string) => `CASE WHEN ${x} ~ ${pattern} THEN ${x} WHEN upper(${x}) ~ ${pattern} THEN upper(${x}) END`;

const PG_RAW_VIEW = `CREATE OR REPLACE FUNCTION pg_temp.masb_vista_cruda(vista text, tabla text, entradas jsonb, variables jsonb, patron text, registro boolean) RETURNS void LANGUAGE plpgsql AS $masb$
DECLARE
  rel regclass := to_regclass(tabla);
  cols text[] := ARRAY[]::text[];
  llaves text[] := ARRAY[]::text[];
  partes text[] := ARRAY[]::text[];
  req text[] := ARRAY[]::text[];
  usadas text[];
  e jsonb;
  alt text;
  v text;
  col text;
  expr text;
BEGIN
  -- A source without a table reads as an extract without its files: an empty view.
  IF rel IS NOT NULL THEN
    SELECT coalesce(array_agg(attname::text ORDER BY attnum), ARRAY[]::text[]) INTO cols FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped;
    SELECT coalesce(array_agg(${PG_NAME_KEY("c")} ORDER BY i), ARRAY[]::text[]) INTO llaves FROM unnest(cols) WITH ORDINALITY u(c, i);
  END IF;
  -- Each input: the first of its names that the record's file has (NULL: the file has no such column).
  FOR e IN SELECT x FROM jsonb_array_elements(entradas) x LOOP
    usadas := ARRAY[]::text[];
    FOR alt IN SELECT jsonb_array_elements_text(e->'alt') LOOP
      IF array_position(llaves, alt) IS NOT NULL THEN usadas := usadas || format('%I', cols[array_position(llaves, alt)]); END IF;
    END LOOP;
    expr := CASE cardinality(usadas) WHEN 0 THEN 'CAST(NULL AS TEXT)' WHEN 1 THEN usadas[1] ELSE 'COALESCE(' || array_to_string(usadas, ', ') || ')' END;
    partes := partes || format('CAST(%s AS TEXT) AS %I', expr, e->>'c');
    IF (e->>'req')::boolean THEN req := req || format('(%s IS NOT NULL)', expr); END IF;
  END LOOP;
  -- The compiled SQL names these columns unquoted: PostgreSQL folds them to lower case.
  FOREACH v IN ARRAY ARRAY(SELECT jsonb_array_elements_text(variables)) LOOP
    SELECT c INTO col FROM unnest(cols) c WHERE (${PG_CODE("c", "patron")}) = v LIMIT 1;
    IF NOT FOUND THEN col := NULL; END IF;
    partes := partes || format('CAST(%s AS TEXT) AS %I', coalesce(format('%I', col), 'NULL'), lower('${rawVariable("")}' || v))
      || format('%s AS %I', CASE WHEN col IS NULL THEN 'FALSE' ELSE format('(%I IS NOT NULL)', col) END, lower('${rawPresent("")}' || v));
  END LOOP;
  IF registro THEN
    -- The whole record, comparable: its fields in the table's order, NULL kept apart from ''.
    partes := partes || coalesce((SELECT 'md5(CAST(ARRAY[' || string_agg(format('%I', c), ', ' ORDER BY i) || '] AS TEXT)) AS masb_registro'
      FROM unnest(cols) WITH ORDINALITY u(c, i) WHERE c NOT IN ('masb_archivo', 'masb_linea')), 'CAST(NULL AS TEXT) AS masb_registro');
  END IF;
  EXECUTE format('DROP VIEW IF EXISTS pg_temp.%I', vista);
  IF rel IS NULL THEN
    EXECUTE format('CREATE TEMP VIEW %I AS SELECT CAST(NULL AS TEXT) AS masb_archivo, CAST(NULL AS BIGINT) AS masb_linea, FALSE AS masb_columnas, %s WHERE FALSE', vista, array_to_string(partes, ', '));
  ELSE
    EXECUTE format('CREATE TEMP VIEW %I AS SELECT CAST(masb_archivo AS TEXT) AS masb_archivo, CAST(masb_linea AS BIGINT) AS masb_linea, %s AS masb_columnas, %s FROM %s',
      vista, CASE WHEN cardinality(req) = 0 THEN 'TRUE' ELSE array_to_string(req, ' AND ') END, array_to_string(partes, ', '), rel);
  END IF;
END
$masb$`;

const PG_VARIABLES = `CREATE OR REPLACE FUNCTION pg_temp.masb_variables_de(fuente text, tabla text, patron text) RETURNS void LANGUAGE plpgsql AS $masb$
DECLARE
  rel regclass := to_regclass(tabla);
  valores text;
BEGIN
  IF rel IS NULL THEN RETURN; END IF;
  -- A file has a wide column when its records are not NULL there (the loader's NULL: no such column).
  SELECT string_agg(format('(CASE WHEN %I IS NOT NULL THEN %L END)', c, codigo), ', ') INTO valores
  FROM (SELECT attname::text AS c, ${PG_CODE("attname::text", "patron")} AS codigo FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped) a
  WHERE codigo IS NOT NULL;
  IF valores IS NULL THEN RETURN; END IF;
  EXECUTE format('INSERT INTO masb_variables SELECT DISTINCT %L, t.masb_archivo, x.codigo FROM %s t CROSS JOIN LATERAL (VALUES %s) AS x(codigo) WHERE x.codigo IS NOT NULL', fuente, rel, valores);
END
$masb$`;

const PG_NOT_LOADED = `CREATE OR REPLACE FUNCTION pg_temp.masb_no_cargados_de(tabla text) RETURNS void LANGUAGE plpgsql AS $masb$
DECLARE
  rel regclass := to_regclass(tabla);
BEGIN
  IF rel IS NULL THEN RETURN; END IF;
  EXECUTE format('INSERT INTO masb_no_cargados SELECT CAST(fuente AS TEXT), CAST(archivo AS TEXT), CAST(rechazados AS BIGINT) FROM %s', rel);
  EXECUTE format('INSERT INTO masb_encabezados SELECT CAST(fuente AS TEXT), CAST(archivo AS TEXT), CAST(linea_encabezado AS BIGINT) FROM %s', rel);
  EXECUTE format('INSERT INTO masb_problemas ${PROBLEMS_SELECT.replaceAll("%", "%%").replace("FROM %%s", "FROM %s").replaceAll("'", "''")}', rel);
END
$masb$`;

function postgresPreamble(d: Dialect, sources: Source[], tableOf: (name: string) => string): string[] {
  // `DROP … IF EXISTS` of what does not exist yet is not news.
  const out: string[] = ["SET client_min_messages = warning", PG_RAW_VIEW, PG_VARIABLES, PG_NOT_LOADED];
  out.push(...d.tempTable("masb_no_cargados", `SELECT CAST(NULL AS TEXT) AS fuente, CAST(NULL AS TEXT) AS archivo, CAST(NULL AS BIGINT) AS leidos WHERE FALSE`));
  out.push(...d.tempTable("masb_variables", `SELECT CAST(NULL AS TEXT) AS fuente, CAST(NULL AS TEXT) AS archivo, CAST(NULL AS TEXT) AS codigo WHERE FALSE`));
  out.push(...d.tempTable("masb_problemas", `SELECT ${["fuente", "archivo", "linea", "codigo", "mensaje", "fatal"].map((c) => `CAST(NULL AS TEXT) AS ${c}`).join(", ")} WHERE FALSE`));
  out.push(...d.tempTable("masb_encabezados", `SELECT CAST(NULL AS TEXT) AS fuente, CAST(NULL AS TEXT) AS archivo, CAST(NULL AS BIGINT) AS linea WHERE FALSE`));
  // One block of calls (PERFORM), so that psql prints nothing but the records.
  const calls = [`pg_temp.masb_no_cargados_de(${d.str(tableRef(d, tableOf(FILES_TABLE)))})`];
  for (const source of sources) {
    const spec = rawSpec(source);
    const ref = d.str(tableRef(d, tableOf(source.name)));
    calls.push(`pg_temp.masb_vista_cruda(${d.str(spec.view)}, ${ref}, ${d.str(JSON.stringify(inputsJson(spec)))}::jsonb, ${d.str(JSON.stringify(spec.variables))}::jsonb, ${spec.pattern ? d.str(spec.pattern) : "NULL"}, ${spec.registro})`);
    if (spec.pattern) calls.push(`pg_temp.masb_variables_de(${d.str(source.name)}, ${ref}, ${d.str(spec.pattern)})`);
  }
  out.push(`DO $masb$\nBEGIN\n${calls.map((c) => `  PERFORM ${c};`).join("\n")}\nEND\n$masb$`);
  for (const source of sources) {
    const insert = missingColumns(d, source, "masb_encabezados");
    if (insert) out.push(insert);
  }
  return out;
}

// --------------------------------------------------------------------------- DuckDB

/**
 * DuckDB: the table united by name with a template of every name the source accepts, so that
 * every name exists (DuckDB matches names without regard to case); per record, the first of
 * an input's names that its file has.
 */
function duckdbPreamble(d: Dialect, sources: Source[], tableOf: (name: string) => string): string[] {
  const out: string[] = [];
  // The loader's file report must exist here (plain SQL cannot ask whether it does): tables of
  // one's own come with an empty one, `CREATE TABLE masb_archivos (fuente VARCHAR, archivo VARCHAR, rechazados BIGINT)`.
  out.push(...d.tempTable("masb_no_cargados", `SELECT CAST(fuente AS VARCHAR) AS fuente, CAST(archivo AS VARCHAR) AS archivo, CAST(rechazados AS BIGINT) AS leidos FROM ${tableRef(d, tableOf(FILES_TABLE))}`));
  out.push(...d.tempTable("masb_problemas", PROBLEMS_SELECT.replace("FROM %s", `FROM ${tableRef(d, tableOf(FILES_TABLE))}`)));
  out.push(...d.tempTable("masb_encabezados", `SELECT CAST(fuente AS VARCHAR) AS fuente, CAST(archivo AS VARCHAR) AS archivo, CAST(linea_encabezado AS BIGINT) AS linea FROM ${tableRef(d, tableOf(FILES_TABLE))}`));
  const variables: string[] = [];
  for (const source of sources) {
    const spec = rawSpec(source);
    const names = new Map<string, string>();
    for (const n of [...spec.inputs.flat(2), ...spec.variables]) if (!names.has(n.toUpperCase())) names.set(n.toUpperCase(), n);
    const template = [...names.values()].map((n) => `CAST(NULL AS VARCHAR) AS ${d.ident(n)}`).join(", ");
    const united = `((SELECT ${template}, CAST(NULL AS VARCHAR) AS masb_archivo, CAST(NULL AS BIGINT) AS masb_linea WHERE FALSE) UNION ALL BY NAME (SELECT * FROM ${tableRef(d, tableOf(source.name))}))`;
    const inputs = spec.inputs.flatMap((parts, i) => parts.map((alts, k) => {
      const expr = alts.length === 1 ? d.ident(alts[0]) : `COALESCE(${alts.map((a) => d.ident(a)).join(", ")})`;
      return { col: `CAST(${expr} AS VARCHAR) AS ${rawInput(i, k)}`, req: spec.required[i] ? `(${expr} IS NOT NULL)` : null };
    }));
    const required = inputs.map((x) => x.req).filter((x): x is string => x !== null);
    const vars = spec.variables.flatMap((v) => [`CAST(${d.ident(v)} AS VARCHAR) AS ${rawVariable(v)}`, `(${d.ident(v)} IS NOT NULL) AS ${rawPresent(v)}`]);
    // Template-only columns are NULL in every record: they do not tell records apart.
    const registro = spec.registro ? [`md5(CAST(to_json(list_value(*COLUMNS(* EXCLUDE (masb_archivo, masb_linea)))) AS VARCHAR)) AS masb_registro`] : [];
    out.push(`CREATE OR REPLACE TEMP VIEW ${d.ident(spec.view)} AS
SELECT CAST(masb_archivo AS VARCHAR) AS masb_archivo, CAST(masb_linea AS BIGINT) AS masb_linea, ${required.length ? required.join(" AND ") : "TRUE"} AS masb_columnas,
  ${[...inputs.map((x) => x.col), ...vars, ...registro].join(",\n  ")}
FROM ${united} masb_tabla`);
    if (spec.pattern) {
      const pattern = d.str(spec.pattern);
      variables.push(`SELECT DISTINCT ${d.str(source.name)} AS fuente, masb_archivo AS archivo, CASE WHEN regexp_matches(codigo, ${pattern}) THEN codigo ELSE upper(codigo) END AS codigo
FROM (UNPIVOT (SELECT masb_archivo, COLUMNS(${d.str(`(?i)${spec.pattern}`)}) FROM ${united} masb_tabla) ON COLUMNS(* EXCLUDE (masb_archivo)) INTO NAME codigo VALUE masb_valor) masb_u`);
    }
  }
  out.push(...d.tempTable("masb_variables", variables.length ? variables.join("\nUNION ALL\n") : `SELECT CAST(NULL AS VARCHAR) AS fuente, CAST(NULL AS VARCHAR) AS archivo, CAST(NULL AS VARCHAR) AS codigo WHERE FALSE`));
  for (const source of sources) {
    const insert = missingColumns(d, source, "masb_encabezados");
    if (insert) out.push(insert);
  }
  return out;
}

/**
 * The files of a source that lack a required column (no record has it: the loader's NULL), as
 * masb reports them — `MASB_ARCHIVO_COLUMNA_FALTANTE`, fatal, at the header's line, naming each
 * missing column by its original names (`A o B`; the missing parts of a `de` column) — added
 * to `masb_problemas`. Null when the source requires nothing.
 */
function missingColumns(d: Dialect, source: Source, headers: string): string | null {
  const spec = rawSpec(source);
  const items: { has: string[]; text: string }[] = [];
  const flags: string[] = [];
  source.def.columnas.forEach((c, i) => {
    if (!c.requerida) return;
    const parts = spec.inputs[i].map((_, k) => {
      flags.push(`bool_or(${rawInput(i, k)} IS NOT NULL) AS h${i}_${k}`);
      return `h${i}_${k}`;
    });
    if (c.de) {
      const missing = c.de.map((name, k) => `CASE WHEN NOT ${parts[k]} THEN ${d.str(name)} END`);
      items.push({ has: parts, text: `NULLIF(concat_ws(', ', ${missing.join(", ")}), '')` });
    } else {
      const originals = c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original];
      items.push({ has: parts, text: `CASE WHEN NOT ${parts[0]} THEN ${d.str(originals.join(" o "))} END` });
    }
  });
  if (items.length === 0) return null;
  const complete = items.flatMap((x) => x.has).join(" AND ");
  return `INSERT INTO masb_problemas
SELECT ${d.str(source.name)}, f.masb_archivo, CAST(COALESCE(e.linea, 1) AS ${d.text}), 'MASB_ARCHIVO_COLUMNA_FALTANTE',
  ${d.str(`faltan columnas de la fuente '${source.name}': `)} || concat_ws('; ', ${items.map((x) => x.text).join(", ")}), '1'
FROM (SELECT masb_archivo, ${flags.join(", ")} FROM ${d.ident(spec.view)} GROUP BY masb_archivo) f
LEFT JOIN ${headers} e ON e.fuente = ${d.str(source.name)} AND e.archivo = f.masb_archivo
WHERE NOT (${complete})`;
}
