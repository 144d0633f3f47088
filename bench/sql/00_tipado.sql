-- =====================================================================================
-- The bench's DuckDB reference: tests/reference/sql/00_comun.sql with TYPED reads.
--
-- Same helpers, window, hierarchy and result tables as tests/reference/sql/00_comun.sql, and
-- one table per source holding exactly the rows masb accepts, with the same columns, so the
-- indicator files of tests/reference/sql (egresos.sql … defunciones.sql, 99_resultados.sql)
-- run over them unchanged. What differs is how each file is read: the idiomatic DuckDB way,
-- `read_csv(…, auto_detect = false, columns = {…})` with the types of the columns the
-- indicators use (BIGINT, DATE with the file's date format) and VARCHAR for the rest, which
-- DuckDB does not convert unless a query projects them. A value that does not convert drops
-- its row (`ignore_errors`), which is how masb rejects a row with an invalid value in a
-- declared column (MASB_VALOR_INVALIDO); so every column a rule validates is projected into
-- the table (a typed column that no query reads is never converted, and its errors drop
-- nothing). The text reference reads every column as text and checks it with regular
-- expressions (`es_entero`, `fecha_dma`): same rows, about five times the time.
--
-- `{{leer <fuente>}}` is replaced by bench/reference.mjs with the `read_csv(…)` of that
-- source's files, built from the header of its first file and the types in SOURCES there.
--
-- Where a typed read and the text rules could part (none of them occurs in the bench's
-- extract; bench/reference.test.ts checks both give the same values on it): a time after a
-- date (`05/03/2024 10:00`, accepted by the text rules, not by a DATE column); a decimal PESO
-- in egresos with more than 3 places (rounded by DECIMAL(18,3), rejected by the text rule);
-- a non-integer part of a split date in INEGI deaths when another part is missing (accepted
-- by the text rule); integers with blanks or `_` inside (DuckDB's cast accepts `1_000`).
-- =====================================================================================


-- A field as masb sees it: surrounding blanks trimmed; the empty field is missing.
CREATE OR REPLACE MACRO txt(x) AS nullif(trim(x, ' ' || chr(9) || chr(10) || chr(13) || chr(160)), '');

-- Integers: an optional sign and digits, nothing else (`3a`, `3.0` and `1e3` are invalid).
CREATE OR REPLACE MACRO es_entero(t) AS regexp_full_match(t, '[+-]?[0-9]+');
CREATE OR REPLACE MACRO entero(t) AS CASE WHEN es_entero(t) THEN t::BIGINT END;

-- Dates `aaaa-mm-dd` (a time may follow after a space or `T`) and `dd/mm/aaaa` (day and month
-- with one or two digits, a time may follow after a space). NULL when the text is not a real
-- date of that shape: 2024-02-30 and 31/04/2024 are NULL.
CREATE OR REPLACE MACRO fecha_iso(t) AS
  CASE WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?')
       THEN try(make_date(substr(t, 1, 4)::INT, substr(t, 6, 2)::INT, substr(t, 9, 2)::INT)) END;
CREATE OR REPLACE MACRO fecha_dma(t) AS
  CASE WHEN regexp_full_match(t, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( .*)?')
       THEN try(make_date(substr(split_part(t, '/', 3), 1, 4)::INT, split_part(t, '/', 2)::INT, split_part(t, '/', 1)::INT)) END;
-- First day of the month a date falls in: the bucket a record is counted in.
CREATE OR REPLACE MACRO mes_de(d) AS date_trunc('month', d)::DATE;

-- CIE-10. A code is normalised to upper case without blanks, the dot, and trailing filler
-- (`X`, `-`) beyond the 3-character category: `o85x` -> `O85`, `I21.9` -> `I219`.
-- Here without subqueries nor regular expressions (`rtrim(…, 'X-')` strips the trailing
-- filler as `regexp_replace(…, '[X-]+$', '')` does; a letter and two digits are tested
-- character by character), and in two steps: the typed tables carry each code column also
-- normalised once at load (`afeccion_n`, `causa_n`, `cie10_n`), and bench/reference.mjs
-- points the indicator files' `cie(afeccion, …)` calls at `cie_n(afeccion_n, …)`. The
-- reference's macros, which DuckDB expands at every call (`sensible_ambulatoria` normalised
-- the same code 120 times per row) and plans as a correlated join per call, took most of the
-- evaluation's time and gigabytes at national scale. Same results.
CREATE OR REPLACE MACRO cie_norm(c) AS
  CASE WHEN length(replace(upper(trim(c)), '.', '')) > 3
       THEN substr(replace(upper(trim(c)), '.', ''), 1, 3) || rtrim(substr(replace(upper(trim(c)), '.', ''), 4), 'X-')
       ELSE replace(upper(trim(c)), '.', '') END;
-- Whether a code lies in the range lo..hi. A 3-character bound compares the code's category
-- (its first 3 characters), a 4-character bound its subcategory (its first 4): `I13.0` is
-- written `I130` here and matches `I130` and `I1300`, not `I13` nor `I131`. A text that does
-- not start with a letter and two digits matches nothing; a missing code gives NULL (SQL's
-- three-valued logic: `NOT cie(…)` does not count a row without a code either).
-- cie_entre_n takes a code normalised already; cie_entre normalises it first.
CREATE OR REPLACE MACRO cie_entre_n(s, lo, hi) AS
  substr(s, 1, 1) BETWEEN 'A' AND 'Z' AND substr(s, 2, 1) BETWEEN '0' AND '9' AND substr(s, 3, 1) BETWEEN '0' AND '9'
  AND (CASE WHEN length(lo) = 3 THEN substr(s, 1, 3) >= lo ELSE substr(s, 1, 4) >= lo END)
  AND (CASE WHEN length(hi) = 3 THEN substr(s, 1, 3) <= hi ELSE substr(s, 1, 4) <= hi END);
CREATE OR REPLACE MACRO cie_n(s, code) AS cie_entre_n(s, code, code);
CREATE OR REPLACE MACRO cie_entre(c, lo, hi) AS cie_entre_n(cie_norm(c), lo, hi);
CREATE OR REPLACE MACRO cie(c, code) AS cie_entre(c, code, code);

-- The value p / q rounded once, half away from zero, to d decimals, printed with exactly d
-- decimals (`93.0`, `2.50`). p and q are exact integers (HUGEINT), q > 0.
CREATE OR REPLACE MACRO redondeo_e(d) AS (10::HUGEINT ** d)::HUGEINT;
CREATE OR REPLACE MACRO redondeo_m(p, q, d) AS (abs(p) * redondeo_e(d) * 2 + q) // (2 * q);
CREATE OR REPLACE MACRO redondeo_txt(p, q, d) AS
  CASE WHEN sign(p) < 0 AND redondeo_m(p, q, d) > 0 THEN '-' ELSE '' END
  || (redondeo_m(p, q, d) // redondeo_e(d))::VARCHAR
  || CASE WHEN d > 0 THEN '.' || lpad((redondeo_m(p, q, d) % redondeo_e(d))::VARCHAR, d, '0') ELSE '' END;

-- ------------------------------------------------------------------------------ window

-- Set by the runner: the month the window ends at (first day) and the window's kind.
CREATE OR REPLACE TABLE parametros (fin DATE, ventana VARCHAR);

-- inicio/fin: first days of the first and last month of the window. dias: days in the
-- window. dias_anio: days in the 12 months ending with `fin` (annualisation multiplies by
-- dias_anio / dias: 366/31 for March 2024, exactly 1 for a 12-month window).
-- etiqueta: masb's `periodo` column (`2024-03`, `2023-04/2024-03`).
CREATE OR REPLACE VIEW ventana AS
WITH p AS (
  SELECT fin,
         CASE ventana WHEN 'mes' THEN fin
                      WHEN '12_meses' THEN (fin - INTERVAL 11 MONTH)::DATE
                      WHEN 'acumulado_anual' THEN date_trunc('year', fin)::DATE END AS inicio
  FROM parametros
)
SELECT inicio, fin,
       ((fin + INTERVAL 1 MONTH)::DATE - inicio) AS dias,
       ((fin + INTERVAL 1 MONTH)::DATE - (fin - INTERVAL 11 MONTH)::DATE) AS dias_anio,
       CASE WHEN inicio = fin THEN strftime(fin, '%Y-%m')
            ELSE strftime(inicio, '%Y-%m') || '/' || strftime(fin, '%Y-%m') END AS etiqueta
FROM p;
-- ---------------------------------------------------------------------------- hierarchy

-- CLUES catalog (ESTABLECIMIENTO_SALUD_*.csv: UTF-8 with BOM, CRLF, quoted fields).
-- A catalog row that masb rejects (a declared column that does not parse) is no unit at all.
-- FECHA DE INICIO DE OPERACION stays text: `NA` means missing there.
CREATE OR REPLACE TABLE clues_catalogo AS
SELECT "CLUES" AS clues, "CLAVE DE LA INSTITUCION" AS institucion,
       "CLAVE DE LA ENTIDAD" AS entidad_crudo, lpad("CLAVE DE LA ENTIDAD", 2, '0') AS entidad,
       "CLAVE DE LA JURISDICCION" AS jurisdiccion, "ESTATUS DE OPERACION" AS estatus, "NIVEL ATENCION" AS nivel,
       try_strptime("FECHA EFECTIVA DE BAJA", '%d/%m/%Y')::DATE AS baja, coalesce("CAMAS EN AREA DE HOS", 0) AS camas,
       "CONSULTORIOS DE MED GRAL" AS consultorios_mg, "CONSULTORIOS EN OTRAS AREAS" AS consultorios_otras, "CAMAS EN OTRAS AREAS" AS camas_otras
FROM {{leer clues}}
WHERE "CLUES" IS NOT NULL
  -- MASB_CODIGO_NO_PERMITIDO: status and level outside their declared codes
  AND ("ESTATUS DE OPERACION" IS NULL OR "ESTATUS DE OPERACION" IN ('EN OPERACION', 'FUERA DE OPERACION'))
  AND ("NIVEL ATENCION" IS NULL OR "NIVEL ATENCION" IN ('PRIMER NIVEL', 'SEGUNDO NIVEL', 'TERCER NIVEL', 'NO APLICA'))
  -- MASB_VALOR_INVALIDO: a start date that is not dd/mm/aaaa (NA means missing); the counts are typed
  AND ("FECHA DE INICIO DE OPERACION" IS NULL OR "FECHA DE INICIO DE OPERACION" = 'NA'
       OR try_strptime("FECHA DE INICIO DE OPERACION", '%d/%m/%Y') IS NOT NULL)
  AND ("FECHA EFECTIVA DE BAJA" IS NULL OR "FECHA EFECTIVA DE BAJA" = 'NA'
       OR try_strptime("FECHA EFECTIVA DE BAJA", '%d/%m/%Y') IS NOT NULL);

-- Operational regionalisation: CLUES -> zona -> región (layout ours).
CREATE OR REPLACE TABLE regionalizacion AS
SELECT "CLUES" AS clues, "CLAVE_REGION" AS region, "CLAVE_ZONA" AS zona FROM {{leer regionalizacion}};

-- The units: every catalog row of institution IMB, whatever its operating status. Zona and
-- región come from the regionalisation; a unit without a row there falls under the zona of
-- its jurisdicción, `<entidad>-J<jurisdicción>`, in the región `<entidad>-SR`.
-- `baja`: the closing date of a unit FUERA DE OPERACION (NULL when the catalog gives none).
CREATE OR REPLACE TABLE unidades AS
SELECT c.clues, c.entidad,
       coalesce(r.region, c.entidad || '-SR') AS region,
       coalesce(r.zona, c.entidad || '-J' || c.jurisdiccion) AS zona,
       c.nivel, c.estatus, c.baja, c.camas
FROM clues_catalogo c
LEFT JOIN (SELECT clues, any_value(region) AS region, any_value(zona) AS zona FROM regionalizacion GROUP BY clues) r USING (clues)
WHERE c.institucion = 'IMB'
  -- MASB_VALOR_INVALIDO: a network unit's entidad must be a state's code, 01 to 32
  AND regexp_full_match(c.entidad_crudo, '0?[1-9]|[12][0-9]|3[0-2]');

-- Every org node, one row each, with the keys of its ancestors (empty below its level).
-- `NE` is the pseudo-entidad of rows whose entidad is not specified; it is emitted only where
-- an indicator has rows there (see `resultados`).
CREATE OR REPLACE TABLE nodos AS
SELECT 0 AS nivel_n, 'nacional' AS nivel, '' AS entidad, '' AS region, '' AS zona, '' AS clues
UNION ALL SELECT DISTINCT 1, 'entidad', entidad, '', '', '' FROM unidades
UNION ALL SELECT 1, 'entidad', 'NE', '', '', ''
UNION ALL SELECT DISTINCT 2, 'region', entidad, region, '', '' FROM unidades
UNION ALL SELECT DISTINCT 3, 'zona', entidad, region, zona, '' FROM unidades
UNION ALL SELECT 4, 'clues', entidad, region, zona, clues FROM unidades;

-- Entidad codes of the hierarchy (for residence- and entidad-keyed sources).
CREATE OR REPLACE TABLE entidades AS SELECT DISTINCT entidad FROM unidades;

-- ------------------------------------------------------------------- typed sources

-- SAEH egresos (EGRESOS*.txt): pipe-delimited, UTF-8 with BOM, one row per discharge,
-- counted in the month of EGRESO. EGRESO and INGRE are DATEs (2024-02-30 drops its row),
-- DIAS_ESTA an integer, PESO a decimal (999 / 9999 = missing are numbers too). A row with
-- more or fewer fields than the header, or a broken quote, is dropped by `ignore_errors`.
-- MASB_REGISTRO_DUPLICADO: one discharge per ID and EGRESO among the rows accepted so far,
-- other institutions' included (out of scope, still records); the first in file order counts.
-- MASB_FUERA_DE_RED: another institution's discharges are valid but in no aggregate.
CREATE OR REPLACE TABLE egresos AS
WITH aceptados AS (
SELECT linea, "ID" AS id, "EGRESO" AS fecha_egreso, "CLUES" AS clues, mes_de("EGRESO") AS periodo, "DIAS_ESTA" AS dias_estancia,
       -- SAEH age, 2020+ coding: CVEEDAD 2 hours, 3 days, 4 months, 5 years (EDAD = years), 9 unknown.
       CASE try_cast("CVEEDAD" AS BIGINT) WHEN 5 THEN try_cast("EDAD" AS BIGINT) WHEN 2 THEN 0 WHEN 3 THEN 0 WHEN 4 THEN 0 END AS edad_anios,
       "PROCED" AS procedencia, "MOTEGRE" AS motivo, "DIAG_INI" AS diag_ingreso, "AFECPRIN" AS afeccion, "VEZ" AS vez,
       "INGRE" AS ingreso, "PESO" AS peso, cie_norm("AFECPRIN") AS afeccion_n
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer egresos}})
WHERE "CLUES" IN (SELECT clues FROM clues_catalogo)                      -- MASB_CLAVE_DESCONOCIDA
  AND "EGRESO" IS NOT NULL                                                -- the period
  -- MASB_VALOR_INVALIDO: age. An empty CVEEDAD, or CVEEDAD 9 whatever EDAD holds, is an
  -- unknown age; otherwise CVEEDAD one of 2, 3, 4, 5 and EDAD an integer (both conditional: text)
  AND ("CVEEDAD" IS NULL OR "CVEEDAD" = '9'
       OR (try_cast("CVEEDAD" AS BIGINT) IN (2, 3, 4, 5) AND try_cast("EDAD" AS BIGINT) IS NOT NULL))
  -- MASB_CODIGO_NO_PERMITIDO: coded columns outside their declared codes
  AND ("SEXO" IS NULL OR "SEXO" IN ('1', '2', '3', '9'))
  AND ("PROCED" IS NULL OR "PROCED" IN ('1', '2', '3', '4', '5', '9'))
  AND ("MOTEGRE" IS NULL OR "MOTEGRE" IN ('1', '2', '3', '4', '5', '6', '7', '9'))
  AND ("VEZ" IS NULL OR "VEZ" IN ('1', '2', '9'))
QUALIFY id IS NULL OR row_number() OVER (PARTITION BY id, fecha_egreso ORDER BY linea) = 1
)
SELECT * EXCLUDE (linea, id, fecha_egreso) FROM aceptados WHERE clues IN (SELECT clues FROM unidades);

-- SAEH/SINBA urgencias (URGENCIAS*.txt): pipe-delimited, Latin-1, lower-case header names,
-- counted in the month of FECHAALTA. Hours and minutes are integers (99 = unknown is one).
-- MASB_REGISTRO_DUPLICADO: one visit per ID and FECHAALTA, as for egresos.
CREATE OR REPLACE TABLE urgencias AS
WITH aceptados AS (
SELECT linea, "ID" AS id, "FECHAALTA" AS fecha_alta, "CLUES" AS clues, mes_de("FECHAALTA") AS periodo,
       "FECHAINGRESO" AS ingreso, "HORAINIATE" AS hora, "MININIATE" AS minuto, "HORASESTANCIA" AS estancia
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer urgencias}})
WHERE "CLUES" IN (SELECT clues FROM clues_catalogo)                      -- MASB_CLAVE_DESCONOCIDA
  AND "FECHAALTA" IS NOT NULL                                             -- the period
  AND ("CVEEDAD" IS NULL OR "CVEEDAD" = '9'
       OR (try_cast("CVEEDAD" AS BIGINT) IN (2, 3, 4, 5) AND try_cast("EDAD" AS BIGINT) IS NOT NULL))
  AND ("SEXO" IS NULL OR "SEXO" IN ('1', '2', '3', '9'))                  -- MASB_CODIGO_NO_PERMITIDO
  AND ("TIPOURGENCIA" IS NULL OR "TIPOURGENCIA" IN ('1', '2', '9'))
QUALIFY id IS NULL OR row_number() OVER (PARTITION BY id, fecha_alta ORDER BY linea) = 1
)
SELECT * EXCLUDE (linea, id, fecha_alta) FROM aceptados WHERE clues IN (SELECT clues FROM unidades);   -- MASB_FUERA_DE_RED

-- Recetas (recetas*.csv, layout ours): one row per prescription, month of FECHA_EMISION
-- (dd/mm/aaaa). Every count is typed.
-- MASB_REGISTRO_DUPLICADO: one prescription per folio of a unit.
CREATE OR REPLACE TABLE recetas AS
WITH aceptados AS (
SELECT linea, "FOLIO_RECETA" AS folio, "CLUES" AS clues, mes_de("FECHA_EMISION") AS periodo,
       "CLAVES_PRESCRITAS" AS claves_prescritas, "CLAVES_SURTIDAS" AS claves_surtidas,
       CASE WHEN "EDAD_PACIENTE" <> 999 THEN "EDAD_PACIENTE" END AS edad_paciente,   -- 999 = not recorded
       "CLAVES_ANTIBIOTICO" AS claves_antibiotico, "CLAVES_ANTIPSICOTICO" AS claves_antipsicotico, "APEGO_GPC" AS apego_gpc,
       "PIEZAS_PRESCRITAS" AS piezas_prescritas, "PIEZAS_SURTIDAS" AS piezas_surtidas
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer recetas}})
WHERE "CLUES" IN (SELECT clues FROM clues_catalogo)                      -- MASB_CLAVE_DESCONOCIDA
  AND "FECHA_EMISION" IS NOT NULL                                         -- the period
  AND ("APEGO_GPC" IS NULL OR "APEGO_GPC" IN ('S', 'N', 'X'))            -- MASB_CODIGO_NO_PERMITIDO
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1
)
SELECT * EXCLUDE (linea, folio) FROM aceptados WHERE clues IN (SELECT clues FROM unidades);   -- MASB_FUERA_DE_RED

-- Listas de espera (lista_espera*.csv, layout ours): one row per request, month of
-- FECHA_SOLICITUD; FECHA_ATENCION empty while still waiting.
CREATE OR REPLACE TABLE lista_espera AS
WITH aceptados AS (
SELECT linea, "FOLIO" AS folio, "CLUES" AS clues, "TIPO" AS tipo, "FECHA_SOLICITUD" AS fecha_solicitud, "FECHA_ATENCION" AS fecha_atencion,
       mes_de("FECHA_SOLICITUD") AS periodo
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer lista_espera}})
WHERE "CLUES" IN (SELECT clues FROM clues_catalogo)
  AND "FECHA_SOLICITUD" IS NOT NULL
  AND ("TIPO" IS NULL OR "TIPO" IN ('CIRUGIA', 'CONSULTA'))
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT * EXCLUDE (linea, folio) FROM aceptados WHERE clues IN (SELECT clues FROM unidades);

-- Registro de cáncer (cancer*.csv, layout ours): one new case per row, month of diagnosis.
CREATE OR REPLACE TABLE cancer AS
WITH aceptados AS (
SELECT linea, "FOLIO" AS folio, "CLUES" AS clues, "CIE10" AS cie10, "ESTADIO" AS estadio, "FECHA_DIAGNOSTICO" AS fecha_diagnostico,
       "FECHA_INICIO_TRATAMIENTO" AS fecha_inicio_tratamiento, mes_de("FECHA_DIAGNOSTICO") AS periodo, "EDAD" AS edad, cie_norm("CIE10") AS cie10_n
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer cancer}})
WHERE "CLUES" IN (SELECT clues FROM clues_catalogo)
  AND "FECHA_DIAGNOSTICO" IS NOT NULL
  AND ("SEXO" IS NULL OR "SEXO" IN ('1', '2'))
  AND ("ESTADIO" IS NULL OR "ESTADIO" IN ('I', 'II', 'III', 'IV', 'NE'))
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT * EXCLUDE (linea, folio) FROM aceptados WHERE clues IN (SELECT clues FROM unidades);

-- Brotes y desastres (eventos_emergencia*.csv, layout ours): one event per row, keyed by
-- CLAVE_ENTIDAD (compared zero-padded), month of FECHA_INICIO.
CREATE OR REPLACE TABLE eventos_emergencia AS
WITH aceptados AS (
SELECT linea, "ID_EVENTO" AS id_evento, lpad("CLAVE_ENTIDAD", 2, '0') AS entidad, "TIPO" AS tipo, "FECHA_INICIO" AS fecha_inicio, "FECHA_NOTIFICACION" AS fecha_notificacion,
       "PERSONAS_AFECTADAS" AS personas_afectadas, "POBLACION_OBJETIVO_VACUNACION" AS poblacion_objetivo, "VACUNADOS" AS vacunados,
       mes_de("FECHA_INICIO") AS periodo, "FECHA_DETECCION" AS fecha_deteccion
FROM (SELECT row_number() OVER () AS linea, * FROM {{leer eventos_emergencia}})
-- MASB_CLAVE_DESCONOCIDA: not an entidad code (01-32); one without network units is out of scope, below
WHERE regexp_full_match("CLAVE_ENTIDAD", '0?[1-9]|[12][0-9]|3[0-2]')
  AND "FECHA_INICIO" IS NOT NULL
  AND ("TIPO" IS NULL OR "TIPO" IN ('BROTE', 'DESASTRE'))
QUALIFY id_evento IS NULL OR row_number() OVER (PARTITION BY id_evento ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT * EXCLUDE (linea, id_evento) FROM aceptados WHERE entidad IN (SELECT entidad FROM entidades);

-- Vigilancia hospitalaria (vigilancia_hospitalaria*.csv, layout ours): cases per hospital,
-- month (ANIO, MES) and event; a second row for the same CLUES, event and month is turned
-- down (MASB_CLAVE_DUPLICADA): the first one, in file order, counts.
CREATE OR REPLACE TABLE vigilancia AS
WITH validos AS (
  SELECT row_number() OVER () AS linea, "CLUES" AS clues, "EVENTO" AS evento, "CASOS" AS casos,
         make_date("ANIO"::INT, "MES"::INT, 1) AS periodo
  FROM {{leer vigilancia}}
  WHERE "CLUES" IN (SELECT clues FROM unidades)
    AND "ANIO" IS NOT NULL AND "MES" BETWEEN 1 AND 12
    AND ("EVENTO" IS NULL OR "EVENTO" IN ('CIRUGIAS', 'CIRUGIAS_ELECTIVAS', 'IAAS', 'SEPSIS_POSTQX', 'TEP_POSTQX',
         'TVP_POSTQX', 'MUERTE_PERIOPERATORIA', 'EVENTO_ADVERSO', 'EVENTO_ADVERSO_MEDICAMENTO', 'BACTEREMIA',
         'BACTEREMIA_RAM', 'AMPUTACION_DM'))
)
SELECT clues, evento, casos, periodo FROM validos
QUALIFY row_number() OVER (PARTITION BY clues, evento, periodo ORDER BY linea) = 1;

-- Población de responsabilidad (poblacion*.csv): people per CLUES, year, sex and five-year
-- group. A stock (see `poblacion_vigente`). Duplicate (CLUES, year, sex, group): the first counts.
CREATE OR REPLACE TABLE poblacion AS
WITH validos AS (
  SELECT row_number() OVER () AS linea, "CLUES" AS clues, "ANIO" AS anio, "SEXO" AS sexo, "GRUPO_EDAD" AS grupo_edad, "POBLACION" AS poblacion
  FROM {{leer poblacion}}
  WHERE "CLUES" IN (SELECT clues FROM unidades)
    AND "ANIO" IS NOT NULL
    AND ("SEXO" IS NULL OR "SEXO" IN ('Hombres', 'Mujeres'))
    AND ("GRUPO_EDAD" IS NULL OR "GRUPO_EDAD" IN ('00-04', '05-09', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39',
         '40-44', '45-49', '50-54', '55-59', '60-64', '65-69', '70-74', '75-79', '80-84', '85+'))
)
SELECT clues, anio, sexo, grupo_edad, poblacion FROM validos
QUALIFY row_number() OVER (PARTITION BY clues, anio, sexo, grupo_edad ORDER BY linea) = 1;

-- The population each unit holds in the window: its rows of the latest year it has at or
-- before the year of the window's last month.
CREATE OR REPLACE VIEW poblacion_vigente AS
SELECT p.* FROM poblacion p, ventana v
WHERE p.anio <= year(v.fin)
QUALIFY p.anio = max(p.anio) OVER (PARTITION BY p.clues);

-- ------------------------------------------------------ residence-keyed sources

-- Entidad of residence as a key: `NE` where it is not specified, NULL where it is out of
-- scope (a valid code that is not an entidad of the hierarchy: another state, abroad).
--   SINAC ENTIDADRESIDENCIA: 00, 99 or blank -> NE; 88 (no aplica) -> out of scope.
--   INEGI ent_resid: 99, 0, 00 or blank -> NE; 33, 34, 35 (abroad) -> out of scope.
CREATE OR REPLACE MACRO residencia_sinac(t) AS
  CASE WHEN t IS NULL OR t IN ('00', '0', '99') THEN 'NE'
       WHEN lpad(t, 2, '0') IN (SELECT entidad FROM entidades) THEN lpad(t, 2, '0') END;
CREATE OR REPLACE MACRO residencia_inegi(t) AS
  CASE WHEN t IS NULL OR t IN ('99', '0', '00') THEN 'NE'
       WHEN lpad(t, 2, '0') IN (SELECT entidad FROM entidades) THEN lpad(t, 2, '0') END;

-- SINAC births (sinac*.csv: every field quoted, CRLF), one row per live birth, month of
-- FECHANACIMIENTO (a DATE, dd/mm/aaaa). Kept whatever the CLUES: each indicator picks its
-- universe (by CLUES: IMB units only; by residence: every birth, wherever it happened).
CREATE OR REPLACE TABLE nacimientos AS
SELECT "CLUES" AS clues, residencia_sinac("ENTIDADRESIDENCIA") AS entidad_residencia, mes_de("FECHANACIMIENTO") AS periodo,
       CASE WHEN "EDAD" <> 99 THEN "EDAD" END AS edad_madre,
       CASE WHEN "TOTALCONSULTAS" <> 99 THEN "TOTALCONSULTAS" END AS total_consultas,
       "TRIMESTREPRIMERCONSULTA" AS trimestre, "RESOLUCIONEMBARAZO" AS resolucion, "PERSONALATENDIO" AS personal,
       -- One row per woman: the first (or only) product of the pregnancy. ORDENPRODUCTO 1, or
       -- not recorded (empty, 0, 9, 99): twins and triplets count once as a delivery.
       ("ORDENPRODUCTO" IS NULL OR "ORDENPRODUCTO" IN ('1', '01', '0', '00', '9', '99')) AS es_parto,
       "PESO" AS peso, "EDADGESTACIONAL" AS semanas
-- MASB_REGISTRO_DUPLICADO: SINAC has no folio; a record that repeats another field by field,
-- in this file or another, is the same birth, counted once (as in tests/reference).
FROM (SELECT DISTINCT * FROM {{leer nacimientos}})
WHERE "FECHANACIMIENTO" IS NOT NULL                                       -- the period
  AND ("TRIMESTREPRIMERCONSULTA" IS NULL OR "TRIMESTREPRIMERCONSULTA" IN ('0', '1', '2', '3', '8', '9')) -- MASB_CODIGO_NO_PERMITIDO
  AND ("RESOLUCIONEMBARAZO" IS NULL OR "RESOLUCIONEMBARAZO" IN ('0', '1', '2', '3', '8'))
  AND ("TIPOCESAREA" IS NULL OR "TIPOCESAREA" IN ('1', '2', '8', '9'))
  AND ("PERSONALATENDIO" IS NULL OR "PERSONALATENDIO" IN ('0', '1', '2', '3', '4', '8', '9'))
  AND ("SEXO" IS NULL OR "SEXO" IN ('1', '2', '3', '9'))
  -- MASB_CLAVE_DESCONOCIDA: a CLUES in no catalog (9998/9999 are "no unit", not a key)
  AND ("CLUES" IS NULL OR "CLUES" IN ('9998', '9999') OR "CLUES" IN (SELECT clues FROM clues_catalogo));

-- INEGI deaths (DEFUN*.csv): one row per death, month of occurrence (anio_ocur, mes_ocurr;
-- the day may be unknown). Keyed by entidad of residence. Coded age `edad` as in
-- tests/reference/sql/00_comun.sql; the age and every part of the two split dates are integers.
CREATE OR REPLACE TABLE defunciones AS
SELECT residencia_inegi("ENT_RESID") AS entidad_residencia, "CAUSA_DEF" AS causa, "SEXO" AS sexo, "RAZON_M" AS razon_m,
       CASE WHEN "EDAD" // 1000 = 1 AND ("EDAD" % 1000 BETWEEN 1 AND 23 OR "EDAD" % 1000 IN (97, 98)) THEN 0
            WHEN "EDAD" // 1000 = 2 AND "EDAD" % 1000 BETWEEN 1 AND 29 THEN "EDAD" % 1000
            WHEN "EDAD" = 2098 THEN 1
            WHEN "EDAD" // 1000 = 3 AND "EDAD" % 1000 BETWEEN 1 AND 11 THEN ("EDAD" % 1000) * 30
            WHEN "EDAD" = 3098 THEN 30
            WHEN "EDAD" // 1000 = 4 AND "EDAD" % 1000 < 998 THEN ("EDAD" % 1000) * 365 END AS edad_dias,
       CASE WHEN "EDAD" // 1000 IN (1, 2, 3) THEN 0
            WHEN "EDAD" // 1000 = 4 AND "EDAD" % 1000 < 998 THEN "EDAD" % 1000 END AS edad_anios,
       make_date("ANIO_OCUR"::INT, "MES_OCURR"::INT, 1) AS periodo,
       "DIA_OCURR" AS dia, "DIA_NACIM" AS dia_n, "MES_NACIM" AS mes_n, "ANIO_NACIM" AS anio_n, cie_norm("CAUSA_DEF") AS causa_n
-- MASB_REGISTRO_DUPLICADO: the same record twice, in one yearly file or in two, is one death.
FROM (SELECT DISTINCT * FROM {{leer defunciones}})
WHERE "ANIO_OCUR" IS NOT NULL AND "ANIO_OCUR" <> 9999                     -- the period: a known year …
  AND "MES_OCURR" BETWEEN 1 AND 12                                        -- … and month (99 = unknown)
  AND ("EDAD" IS NULL OR "EDAD" = 0 OR "EDAD" BETWEEN 1000 AND 4999)      -- MASB_VALOR_INVALIDO
  AND ("SEXO" IS NULL OR "SEXO" IN ('1', '2', '9'));                      -- MASB_CODIGO_NO_PERMITIDO

-- CONAPO population projections (conapo*.csv; Latin-1; AÑO read as ANO): CVE_GEO 0 is the
-- national total (out of scope, as are entidades not in the hierarchy). A stock.
CREATE OR REPLACE TABLE conapo AS
WITH validos AS (
  SELECT row_number() OVER () AS linea, lpad("CVE_GEO"::VARCHAR, 2, '0') AS entidad, "ANO" AS anio, "EDAD" AS edad, "SEXO" AS sexo, "POBLACION" AS poblacion
  FROM {{leer conapo}}
  WHERE "ANO" IS NOT NULL AND "CVE_GEO" IS NOT NULL
    AND ("SEXO" IS NULL OR "SEXO" IN ('Hombres', 'Mujeres'))
    AND lpad("CVE_GEO"::VARCHAR, 2, '0') IN (SELECT entidad FROM entidades)
)
SELECT entidad, anio, edad, sexo, poblacion FROM validos
QUALIFY row_number() OVER (PARTITION BY anio, entidad, sexo, edad ORDER BY linea) = 1;

CREATE OR REPLACE VIEW conapo_vigente AS
SELECT c.* FROM conapo c, ventana v
WHERE c.anio <= year(v.fin)
QUALIFY c.anio = max(c.anio) OVER (PARTITION BY c.entidad);

-- --------------------------------------------------------------- results

-- What each indicator file declares about its indicators.
--   desde: finest level reported (1 entidad … 4 clues); factor: the unit's multiplier
--   (porcentaje 100, por_1000 1000, …, días/razón 1); anualizar: multiply by dias_anio/dias;
--   minimo: numerators below it are `inestable` (impact-dimension rates: 20 events).
CREATE OR REPLACE TABLE indicadores (
  id VARCHAR PRIMARY KEY, desde INTEGER, factor INTEGER, decimales INTEGER, anualizar BOOLEAN, minimo INTEGER
);

-- The terms: each indicator file defines a view `ind_<id>` (clues, entidad, numerador,
-- denominador, filas): one row per unit (`clues` set) or per entidad (`clues` NULL, `entidad`
-- set, possibly NE). `filas` counts the rows of dated sources attached there in the window,
-- whatever the filters (the CLUES catalog's own row is not one): a closed unit without any is
-- not reported (99_resultados.sql). The runner unions them into the view
-- `terminos` (indicador, clues, entidad, numerador, denominador, filas) before 99_resultados.sql.
