// The DuckDB side of the table loader: the same tables as in PostgreSQL, filled through
// DuckDB's appender from the same records (no CSV in between), so that comparing the two
// databases' tables checks each one's load.

import { FILE_COLUMN, LINE_COLUMN } from './leer.mjs';
import { quoteIdent } from './postgres.mjs';

/**
 * A writer for the loader into an open DuckDB connection (`@duckdb/node-api`), or into a
 * database file it opens (and closes at the end).
 */
export function duckdbWriter({ connection = null, database = null, schema = 'main' }) {
  let con = connection;
  let instance = null;
  const s = quoteIdent(schema);
  const qualified = (table) => `${s}.${quoteIdent(table)}`;
  const appenders = new Map();
  const appender = async (table) => {
    if (!appenders.has(table)) appenders.set(table, await con.createAppender(table, schema));
    return appenders.get(table);
  };
  const closeAppenders = () => {
    for (const a of appenders.values()) a.closeSync();
    appenders.clear();
  };

  return {
    motor: 'duckdb',
    async begin(plan, catalogSources) {
      if (!con) {
        const { DuckDBInstance } = await import('@duckdb/node-api');
        instance = await DuckDBInstance.create(database ?? ':memory:');
        con = await instance.connect();
      }
      const ddl = [];
      if (schema !== 'main') ddl.push(`CREATE SCHEMA IF NOT EXISTS ${s};`);
      for (const name of [...catalogSources.map((x) => x.name), 'masb_archivos', 'masb_rechazos']) ddl.push(`DROP TABLE IF EXISTS ${qualified(name)};`);
      for (const t of plan.tables) {
        const cols = [...t.columns.map((c) => `${quoteIdent(c)} VARCHAR`), `${FILE_COLUMN} VARCHAR NOT NULL`, `${LINE_COLUMN} BIGINT NOT NULL`];
        ddl.push(`CREATE TABLE ${qualified(t.table)} (${cols.join(', ')});`);
      }
      ddl.push(`CREATE TABLE ${qualified('masb_archivos')} (fuente VARCHAR NOT NULL, archivo VARCHAR NOT NULL, codificacion VARCHAR, linea_encabezado BIGINT, lineas_preambulo BIGINT NOT NULL, leidos BIGINT NOT NULL, cargados BIGINT NOT NULL, rechazados BIGINT NOT NULL, problema VARCHAR);`);
      ddl.push(`CREATE TABLE ${qualified('masb_rechazos')} (fuente VARCHAR NOT NULL, archivo VARCHAR NOT NULL, linea BIGINT NOT NULL, codigo VARCHAR NOT NULL, motivo VARCHAR NOT NULL, texto VARCHAR);`);
      await con.run(ddl.join('\n'));
    },
    async beginFile(table, file) {
      const a = file.columns ? await appender(table.table) : null;
      const rejections = await appender('masb_rechazos');
      // The table's column of each field of this file; columns of other files get NULL.
      const width = table.columns.length;
      const fieldAt = new Int32Array(width).fill(-1);
      if (file.columns) file.at.forEach((column, field) => (fieldAt[column] = field));
      return {
        row(fields, line) {
          for (let c = 0; c < width; c++) {
            const k = fieldAt[c];
            if (k < 0) a.appendNull();
            else a.appendVarchar(fields[k]);
          }
          a.appendVarchar(file.name);
          a.appendBigInt(BigInt(line));
          a.endRow();
        },
        reject(r) {
          rejections.appendVarchar(table.table);
          rejections.appendVarchar(file.name);
          rejections.appendBigInt(BigInt(r.line));
          rejections.appendVarchar(r.code);
          rejections.appendVarchar(r.reason);
          if (r.text === null || r.text === undefined) rejections.appendNull();
          else rejections.appendVarchar(r.text);
          rejections.endRow();
        },
        async end() {},
      };
    },
    drain: async () => {},
    async end(report) {
      const files = await appender('masb_archivos');
      const text = (v) => (v === null || v === undefined ? files.appendNull() : files.appendVarchar(String(v)));
      const big = (v) => (v === null || v === undefined ? files.appendNull() : files.appendBigInt(BigInt(v)));
      for (const t of report.tablas) {
        for (const f of t.archivos) {
          text(t.fuente);
          text(f.archivo);
          text(f.codificacion);
          big(f.lineaEncabezado);
          big(f.preambulo);
          big(f.leidos);
          big(f.cargados);
          big(f.rechazados);
          text(f.problema);
          files.endRow();
        }
      }
      closeAppenders();
      if (instance) {
        con.closeSync();
        instance.closeSync();
      }
    },
    async abort() {
      try {
        closeAppenders();
      } catch {}
      if (instance) {
        con.closeSync();
        instance.closeSync();
      }
    },
  };
}
