// The PostgreSQL side of the table loader: one psql process fed a script on its standard
// input — the tables, then one `COPY … FROM STDIN` per file with its records inline — in one
// transaction, so a load is all or nothing and other sessions never see half a table.
//
// COPY's text format, not CSV: psql ends inline COPY data at a line that is `\.`, whatever
// the format, and a quoted CSV value can hold such a line (a field with a line break before
// `\.`); in the text format a backslash is always escaped, so no data line can be `\.`.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { FILE_COLUMN, LINE_COLUMN } from './leer.mjs';

export const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** A value in COPY's text format (`\N` is NULL). */
export const copyValue = (v) => (v === null || v === undefined ? '\\N' : SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : v);

/** psql: $MASB_PSQL, else on $PATH, else the newest /usr/lib/postgresql/<version>/bin/psql. */
export function findPsql() {
  if (process.env.MASB_PSQL) return process.env.MASB_PSQL;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) if (existsSync(join(dir, 'psql'))) return join(dir, 'psql');
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join('/usr/lib/postgresql', v, 'bin', 'psql'))) return join('/usr/lib/postgresql', v, 'bin', 'psql');
  } catch {}
  return 'psql';
}

/**
 * What `--postgres` names, as psql's -d: a connection string or URI as is; an existing folder
 * is a socket directory (`host=<dir>`), optionally `<dir>:<port>`.
 */
export function connectionFor(target) {
  const m = /^(\/.*?)(?::(\d+))?$/.exec(target);
  if (m && existsSync(m[1]) && !target.includes('=')) return `host=${m[1]}${m[2] ? ` port=${m[2]}` : ''}`;
  return target;
}

/** A writer for the loader (see cargar-tablas.mjs) that sends everything to one psql. */
export function postgresWriter({ connection, psql = findPsql(), env = process.env, schema = 'public' }) {
  const s = quoteIdent(schema);
  const qualified = (table) => `${s}.${quoteIdent(table)}`;
  let child;
  let stderr = '';
  let exited = null;
  let parts = [];
  let size = 0;
  const FLUSH_CHARS = 1 << 20;

  const flush = async () => {
    if (size === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    if (exited) throw failure();
    if (!child.stdin.write(text)) await new Promise((resolve) => {
      child.stdin.once('drain', resolve);
      exitedPromise.then(resolve);
    });
    if (exited && exited.code !== 0) throw failure();
  };
  const put = (text) => {
    parts.push(text);
    size += text.length;
  };
  const failure = () => new Error(`psql terminó con código ${exited?.code}: ${stderr.trim() || '(sin mensaje)'}`);
  let exitedPromise;

  return {
    motor: 'postgres',
    async begin(plan, catalogSources) {
      child = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', connection, '-f', '-'], {
        env: { ...env, PGCLIENTENCODING: 'UTF8' },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.stdin.on('error', () => {}); // psql stops reading on an error; its exit code says why
      exitedPromise = new Promise((resolve) => {
        child.on('error', (e) => {
          exited = { code: -1 };
          stderr += `no se pudo ejecutar ${psql}: ${e.message}`;
          resolve();
        });
        child.on('close', (code) => {
          exited = { code };
          resolve();
        });
      });
      put('SET client_min_messages = warning;\nBEGIN;\n');
      if (schema !== 'public') put(`CREATE SCHEMA IF NOT EXISTS ${s};\n`);
      // Every source's table is the extract's: a table of a source the extract lacks must not
      // survive from an earlier load.
      for (const name of [...catalogSources.map((x) => x.name), 'masb_archivos', 'masb_rechazos']) put(`DROP TABLE IF EXISTS ${qualified(name)};\n`);
      for (const t of plan.tables) {
        const cols = [...t.columns.map((c) => `${quoteIdent(c)} text`), `${FILE_COLUMN} text NOT NULL`, `${LINE_COLUMN} bigint NOT NULL`];
        put(`CREATE TABLE ${qualified(t.table)} (\n  ${cols.join(',\n  ')}\n);\n`);
      }
      put(`CREATE TABLE ${qualified('masb_archivos')} (fuente text NOT NULL, archivo text NOT NULL, codificacion text, linea_encabezado bigint, lineas_preambulo bigint NOT NULL, leidos bigint NOT NULL, cargados bigint NOT NULL, rechazados bigint NOT NULL, problema text);\n`);
      put(`CREATE TABLE ${qualified('masb_rechazos')} (fuente text NOT NULL, archivo text NOT NULL, linea bigint NOT NULL, codigo text NOT NULL, motivo text NOT NULL, texto text);\n`);
      await flush();
    },
    beginFile(table, file) {
      const tail = `\t${copyValue(file.name)}\t`;
      const rejections = [];
      if (file.columns) put(`COPY ${qualified(table.table)} (${[...file.at.map((c) => quoteIdent(table.columns[c])), FILE_COLUMN, LINE_COLUMN].join(', ')}) FROM STDIN;\n`);
      return {
        row(fields, line) {
          let text = copyValue(fields[0]);
          for (let k = 1; k < fields.length; k++) text += `\t${copyValue(fields[k])}`;
          put(`${text}${tail}${line}\n`);
        },
        reject(r) {
          rejections.push(r);
        },
        async end() {
          if (file.columns) put('\\.\n');
          if (rejections.length) {
            put(`COPY ${qualified('masb_rechazos')} FROM STDIN;\n`);
            for (const r of rejections) put(`${[table.table, file.name, String(r.line), r.code, r.reason, r.text].map(copyValue).join('\t')}\n`);
            put('\\.\n');
          }
          await flush();
        },
      };
    },
    drain: async () => {
      if (size >= FLUSH_CHARS) await flush();
    },
    async end(report) {
      put(`COPY ${qualified('masb_archivos')} FROM STDIN;\n`);
      for (const t of report.tablas) {
        for (const f of t.archivos) {
          put(`${[t.fuente, f.archivo, f.codificacion, f.lineaEncabezado, f.preambulo, f.leidos, f.cargados, f.rechazados, f.problema].map((v) => copyValue(v === null || v === undefined ? null : String(v))).join('\t')}\n`);
        }
      }
      put('\\.\nCOMMIT;\n');
      // Statistics for the planner: the SQL that reads these tables comes next.
      for (const t of report.tablas) put(`ANALYZE ${qualified(t.tabla)};\n`);
      await flush();
      child.stdin.end();
      await exitedPromise;
      if (exited.code !== 0) throw failure();
    },
    async abort() {
      if (child && !exited) {
        child.stdin.destroy();
        child.kill();
        await exitedPromise;
      }
    },
  };
}
