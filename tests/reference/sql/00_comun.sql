-- =====================================================================================
-- Independent reference for masb, in DuckDB: what every indicator file shares.
--
--   * helpers: how a field is read (trimmed text, integers, dates, CIE-10 codes) and how a
--     value is rounded and printed;
--   * the window (`ventana`), set by the runner through the one-row table `parametros`;
--   * the hierarchy: units, and every org node (nacional, entidad, región, zona, CLUES);
--   * one typed table per source, holding exactly the rows masb accepts. Each condition of
--     a WHERE clause names the rejection it mirrors (README, "Bad input");
--   * the table `indicadores`, where each indicator file declares its unit, decimals and levels.
-- The indicator files (one per source family) follow; 99_resultados.sql rolls their terms up.
--
-- Written by hand from README.md, DESIGN.md, SOURCES-REAL.md and the source schemas in
-- indicators/sources/, not generated from the catalog and not reusing masb's code.
-- `{{extracto}}` is replaced by the runner with the extract directory, `{{conapo}}` with the
-- CONAPO file(s) (a header-only stand-in while the demo has none).
-- =====================================================================================

-- ----------------------------------------------------------------------------- helpers

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
CREATE OR REPLACE MACRO cie_norm(c) AS (
  WITH n AS (SELECT replace(upper(trim(c)), '.', '') AS s)
  SELECT CASE WHEN length(s) > 3 THEN substr(s, 1, 3) || regexp_replace(substr(s, 4), '[X-]+$', '') ELSE s END FROM n
);
-- Whether a code lies in the range lo..hi. A 3-character bound compares the code's category
-- (its first 3 characters), a 4-character bound its subcategory (its first 4): `I13.0` is
-- written `I130` here and matches `I130` and `I1300`, not `I13` nor `I131`. A text that does
-- not start with a letter and two digits matches nothing; a missing code gives NULL (SQL's
-- three-valued logic: `NOT cie(…)` does not count a row without a code either).
CREATE OR REPLACE MACRO cie_entre(c, lo, hi) AS (
  WITH n AS (SELECT cie_norm(c) AS s)
  SELECT regexp_matches(s, '^[A-Z][0-9]{2}')
    AND (CASE WHEN length(lo) = 3 THEN substr(s, 1, 3) >= lo ELSE substr(s, 1, 4) >= lo END)
    AND (CASE WHEN length(hi) = 3 THEN substr(s, 1, 3) <= hi ELSE substr(s, 1, 4) <= hi END)
  FROM n
);
CREATE OR REPLACE MACRO cie(c, code) AS cie_entre(c, code, code);

-- The value p / q rounded once, half away from zero, to d decimals, printed with exactly d
-- decimals (`93.0`, `2.50`). p and q are exact integers (HUGEINT), q > 0.
CREATE OR REPLACE MACRO redondeo_txt(p, q, d) AS (
  WITH k AS (
    SELECT sign(p) AS s, (abs(p) * (10::HUGEINT ** d)::HUGEINT * 2 + q) // (2 * q) AS m, (10::HUGEINT ** d)::HUGEINT AS e
  )
  SELECT CASE WHEN s < 0 AND m > 0 THEN '-' ELSE '' END
      || (m // e)::VARCHAR
      || CASE WHEN d > 0 THEN '.' || lpad((m % e)::VARCHAR, d, '0') ELSE '' END
  FROM k
);

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
CREATE OR REPLACE TABLE clues_catalogo AS
WITH crudo AS (
  SELECT txt("CLUES") AS clues,
         txt("CLAVE DE LA INSTITUCION") AS institucion,
         txt("CLAVE DE LA ENTIDAD") AS entidad,
         txt("CLAVE DE LA JURISDICCION") AS jurisdiccion,
         txt("ESTATUS DE OPERACION") AS estatus,
         txt("NIVEL ATENCION") AS nivel,
         txt("FECHA DE INICIO DE OPERACION") AS inicio_operacion,
         txt("FECHA EFECTIVA DE BAJA") AS baja,
         txt("CONSULTORIOS DE MED GRAL") AS consultorios_mg,
         txt("CONSULTORIOS EN OTRAS AREAS") AS consultorios_otras,
         txt("CAMAS EN AREA DE HOS") AS camas,
         txt("CAMAS EN OTRAS AREAS") AS camas_otras
  FROM read_csv('{{extracto}}/ESTABLECIMIENTO_SALUD_*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
)
SELECT clues, institucion, entidad AS entidad_crudo, lpad(entidad, 2, '0') AS entidad, jurisdiccion, estatus, nivel,
       fecha_dma(baja) AS baja, coalesce(entero(camas), 0) AS camas
FROM crudo
WHERE clues IS NOT NULL
  -- MASB_CODIGO_NO_PERMITIDO: status and level outside their declared codes
  AND (estatus IS NULL OR estatus IN ('EN OPERACION', 'FUERA DE OPERACION'))
  AND (nivel IS NULL OR nivel IN ('PRIMER NIVEL', 'SEGUNDO NIVEL', 'TERCER NIVEL', 'NO APLICA'))
  -- MASB_VALOR_INVALIDO: a start date that is not dd/mm/aaaa (NA means missing), counts that are not integers
  AND (inicio_operacion IS NULL OR inicio_operacion = 'NA' OR fecha_dma(inicio_operacion) IS NOT NULL)
  AND (baja IS NULL OR baja = 'NA' OR fecha_dma(baja) IS NOT NULL)
  AND (consultorios_mg IS NULL OR es_entero(consultorios_mg))
  AND (consultorios_otras IS NULL OR es_entero(consultorios_otras))
  AND (camas IS NULL OR es_entero(camas))
  AND (camas_otras IS NULL OR es_entero(camas_otras));

-- Operational regionalisation: CLUES -> zona -> región (layout ours).
CREATE OR REPLACE TABLE regionalizacion AS
SELECT txt("CLUES") AS clues, txt("CLAVE_REGION") AS region, txt("CLAVE_ZONA") AS zona
FROM read_csv('{{extracto}}/regionalizacion*.csv', header = true, delim = ',', quote = '"', all_varchar = true, ignore_errors = true);

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
-- counted in the month of EGRESO.
CREATE OR REPLACE TABLE egresos AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("ID") AS id, txt("CLUES") AS clues, txt("EGRESO") AS t_egreso, txt("INGRE") AS t_ingre, txt("DIAS_ESTA") AS t_dias,
         txt("CVEEDAD") AS t_cveedad, txt("EDAD") AS t_edad, txt("SEXO") AS sexo, txt("PROCED") AS procedencia,
         txt("MOTEGRE") AS motivo, txt("DIAG_INI") AS diag_ingreso, txt("AFECPRIN") AS afeccion,
         txt("VEZ") AS vez, txt("PESO") AS t_peso
  FROM read_csv('{{extracto}}/EGRESOS*.txt', header = true, delim = '|', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)   -- drops rows with more or fewer fields than the
                                                            -- header (MASB_CSV_NUM_CAMPOS) or a broken quote (MASB_CSV_COMILLAS)
), aceptados AS (
SELECT * FROM crudo
WHERE
  -- MASB_CLAVE_DESCONOCIDA: a CLUES in no catalog (or none)
  clues IN (SELECT clues FROM clues_catalogo)
  -- MASB_VALOR_INVALIDO / MASB_PERIODO_INVALIDO: EGRESO, the period, must be a real date
  AND fecha_iso(t_egreso) IS NOT NULL
  -- MASB_VALOR_INVALIDO: INGRE a real date when given; DIAS_ESTA an integer when given
  AND (t_ingre IS NULL OR fecha_iso(t_ingre) IS NOT NULL)
  AND (t_dias IS NULL OR es_entero(t_dias))
  -- MASB_VALOR_INVALIDO: age. An empty CVEEDAD, or CVEEDAD 9 whatever EDAD holds, is an
  -- unknown age; otherwise CVEEDAD and EDAD must both be integers and CVEEDAD one of 2, 3, 4, 5
  AND (t_cveedad IS NULL OR t_cveedad = '9' OR (es_entero(t_cveedad) AND es_entero(t_edad) AND entero(t_cveedad) IN (2, 3, 4, 5)))
  -- MASB_CODIGO_NO_PERMITIDO: coded columns outside their declared codes
  AND (sexo IS NULL OR sexo IN ('1', '2', '3', '9'))
  AND (procedencia IS NULL OR procedencia IN ('1', '2', '3', '4', '5', '9'))
  AND (motivo IS NULL OR motivo IN ('1', '2', '3', '4', '5', '6', '7', '9'))
  AND (vez IS NULL OR vez IN ('1', '2', '9'))
  -- MASB_VALOR_INVALIDO: PESO a decimal with up to 3 places (999 and 9999 mean missing)
  AND (t_peso IS NULL OR t_peso IN ('999', '999.0', '9999') OR regexp_full_match(t_peso, '[+-]?[0-9]+(\.[0-9]{0,3})?'))
-- MASB_REGISTRO_DUPLICADO: one discharge per ID and discharge date among the rows accepted so
-- far, other institutions' included (out of scope, still records); the first in the file counts
QUALIFY id IS NULL OR row_number() OVER (PARTITION BY id, t_egreso ORDER BY linea) = 1
)
SELECT clues, mes_de(fecha_iso(t_egreso)) AS periodo, entero(t_dias) AS dias_estancia,
       -- SAEH age, 2020+ coding: CVEEDAD 2 hours, 3 days, 4 months, 5 years (EDAD = years), 9 unknown.
       CASE entero(t_cveedad) WHEN 5 THEN entero(t_edad) WHEN 2 THEN 0 WHEN 3 THEN 0 WHEN 4 THEN 0 END AS edad_anios,
       procedencia, motivo, diag_ingreso, afeccion, vez
FROM aceptados
-- MASB_FUERA_DE_RED: another institution's discharges are valid but in no aggregate
WHERE clues IN (SELECT clues FROM unidades);

-- SAEH/SINBA urgencias (URGENCIAS*.txt): pipe-delimited, Latin-1, lower-case header names
-- (DuckDB binds column names case-insensitively), counted in the month of FECHAALTA.
CREATE OR REPLACE TABLE urgencias AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("ID") AS id, txt("CLUES") AS clues, txt("FECHAALTA") AS t_alta, txt("FECHAINGRESO") AS t_ingreso,
         txt("CVEEDAD") AS t_cveedad, txt("EDAD") AS t_edad, txt("SEXO") AS sexo, txt("TIPOURGENCIA") AS tipo,
         txt("HORAINIATE") AS t_hora, txt("MININIATE") AS t_min, txt("HORASESTANCIA") AS t_estancia
  FROM read_csv('{{extracto}}/URGENCIAS*.txt', header = true, delim = '|', quote = '"', escape = '"',
                encoding = 'latin-1', all_varchar = true, ignore_errors = true)
), aceptados AS (
SELECT * FROM crudo
WHERE clues IN (SELECT clues FROM clues_catalogo)                        -- MASB_CLAVE_DESCONOCIDA
  AND fecha_iso(t_alta) IS NOT NULL                                       -- the period: a real date
  AND (t_ingreso IS NULL OR fecha_iso(t_ingreso) IS NOT NULL)             -- MASB_VALOR_INVALIDO
  AND (t_cveedad IS NULL OR t_cveedad = '9' OR (es_entero(t_cveedad) AND es_entero(t_edad) AND entero(t_cveedad) IN (2, 3, 4, 5)))
  AND (sexo IS NULL OR sexo IN ('1', '2', '3', '9'))                      -- MASB_CODIGO_NO_PERMITIDO
  AND (tipo IS NULL OR tipo IN ('1', '2', '9'))
  AND (t_hora IS NULL OR t_hora = '99' OR es_entero(t_hora))              -- 99 = unknown hour
  AND (t_min IS NULL OR t_min = '99' OR es_entero(t_min))
  AND (t_estancia IS NULL OR t_estancia IN ('99', '999') OR es_entero(t_estancia))
QUALIFY id IS NULL OR row_number() OVER (PARTITION BY id, t_alta ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO: one visit per ID and date
)
SELECT clues, mes_de(fecha_iso(t_alta)) AS periodo
FROM aceptados
WHERE clues IN (SELECT clues FROM unidades);                             -- MASB_FUERA_DE_RED

-- Recetas (recetas*.csv, layout ours): one row per prescription, month of FECHA_EMISION.
CREATE OR REPLACE TABLE recetas AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("FOLIO_RECETA") AS folio, txt("CLUES") AS clues, txt("FECHA_EMISION") AS t_fecha,
         txt("CLAVES_PRESCRITAS") AS t_cp, txt("CLAVES_SURTIDAS") AS t_cs,
         txt("PIEZAS_PRESCRITAS") AS t_pp, txt("PIEZAS_SURTIDAS") AS t_ps,
         txt("EDAD_PACIENTE") AS t_edad, txt("CLAVES_ANTIBIOTICO") AS t_ab,
         txt("CLAVES_ANTIPSICOTICO") AS t_ap, txt("APEGO_GPC") AS apego_gpc
  FROM read_csv('{{extracto}}/recetas*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), aceptados AS (
SELECT * FROM crudo
WHERE clues IN (SELECT clues FROM clues_catalogo)                        -- MASB_CLAVE_DESCONOCIDA
  AND fecha_dma(t_fecha) IS NOT NULL                                      -- the period: a real date
  AND (t_cp IS NULL OR es_entero(t_cp)) AND (t_cs IS NULL OR es_entero(t_cs))   -- MASB_VALOR_INVALIDO
  AND (t_pp IS NULL OR es_entero(t_pp)) AND (t_ps IS NULL OR es_entero(t_ps))
  AND (t_edad IS NULL OR es_entero(t_edad))
  AND (t_ab IS NULL OR es_entero(t_ab)) AND (t_ap IS NULL OR es_entero(t_ap))
  AND (apego_gpc IS NULL OR apego_gpc IN ('S', 'N', 'X'))                -- MASB_CODIGO_NO_PERMITIDO
-- MASB_REGISTRO_DUPLICADO: one prescription per folio of a unit
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1
)
SELECT clues, mes_de(fecha_dma(t_fecha)) AS periodo,
       entero(t_cp) AS claves_prescritas, entero(t_cs) AS claves_surtidas,
       CASE WHEN t_edad <> '999' THEN entero(t_edad) END AS edad_paciente,   -- 999 = not recorded
       entero(t_ab) AS claves_antibiotico, entero(t_ap) AS claves_antipsicotico, apego_gpc
FROM aceptados
WHERE clues IN (SELECT clues FROM unidades);                             -- MASB_FUERA_DE_RED

-- Listas de espera (lista_espera*.csv, layout ours): one row per request, month of
-- FECHA_SOLICITUD; FECHA_ATENCION empty while still waiting.
CREATE OR REPLACE TABLE lista_espera AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("FOLIO") AS folio,
         txt("CLUES") AS clues, txt("TIPO") AS tipo, txt("FECHA_SOLICITUD") AS t_sol, txt("FECHA_ATENCION") AS t_at
  FROM read_csv('{{extracto}}/lista_espera*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), aceptados AS (
SELECT * FROM crudo
WHERE clues IN (SELECT clues FROM clues_catalogo)                        -- MASB_CLAVE_DESCONOCIDA
  AND fecha_dma(t_sol) IS NOT NULL                                        -- the period: a real date
  AND (t_at IS NULL OR fecha_dma(t_at) IS NOT NULL)                       -- MASB_VALOR_INVALIDO
  AND (tipo IS NULL OR tipo IN ('CIRUGIA', 'CONSULTA'))                   -- MASB_CODIGO_NO_PERMITIDO
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT clues, tipo, fecha_dma(t_sol) AS fecha_solicitud, fecha_dma(t_at) AS fecha_atencion,
       mes_de(fecha_dma(t_sol)) AS periodo
FROM aceptados
WHERE clues IN (SELECT clues FROM unidades);                             -- MASB_FUERA_DE_RED

-- Registro de cáncer (cancer*.csv, layout ours): one new case per row, month of diagnosis.
CREATE OR REPLACE TABLE cancer AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("FOLIO") AS folio, txt("CLUES") AS clues, txt("CIE10") AS cie10, txt("SEXO") AS sexo, txt("EDAD") AS t_edad,
         txt("ESTADIO") AS estadio, txt("FECHA_DIAGNOSTICO") AS t_dx, txt("FECHA_INICIO_TRATAMIENTO") AS t_tx
  FROM read_csv('{{extracto}}/cancer*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), aceptados AS (
SELECT * FROM crudo
WHERE clues IN (SELECT clues FROM clues_catalogo)                        -- MASB_CLAVE_DESCONOCIDA
  AND fecha_dma(t_dx) IS NOT NULL                                         -- the period: a real date
  AND (t_tx IS NULL OR fecha_dma(t_tx) IS NOT NULL)                       -- MASB_VALOR_INVALIDO
  AND (t_edad IS NULL OR es_entero(t_edad))
  AND (sexo IS NULL OR sexo IN ('1', '2'))                                -- MASB_CODIGO_NO_PERMITIDO
  AND (estadio IS NULL OR estadio IN ('I', 'II', 'III', 'IV', 'NE'))
QUALIFY folio IS NULL OR row_number() OVER (PARTITION BY clues, folio ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT clues, cie10, estadio, fecha_dma(t_dx) AS fecha_diagnostico, fecha_dma(t_tx) AS fecha_inicio_tratamiento,
       mes_de(fecha_dma(t_dx)) AS periodo
FROM aceptados
WHERE clues IN (SELECT clues FROM unidades);                             -- MASB_FUERA_DE_RED

-- Brotes y desastres (eventos_emergencia*.csv, layout ours): one event per row, keyed by
-- CLAVE_ENTIDAD (compared zero-padded), month of FECHA_INICIO.
CREATE OR REPLACE TABLE eventos_emergencia AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("ID_EVENTO") AS id_evento, txt("CLAVE_ENTIDAD") AS t_entidad, txt("TIPO") AS tipo, txt("FECHA_INICIO") AS t_inicio,
         txt("FECHA_DETECCION") AS t_det, txt("FECHA_NOTIFICACION") AS t_not,
         txt("PERSONAS_AFECTADAS") AS t_afect, txt("POBLACION_OBJETIVO_VACUNACION") AS t_obj, txt("VACUNADOS") AS t_vac
  FROM read_csv('{{extracto}}/eventos_emergencia*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), aceptados AS (
SELECT * FROM crudo
-- MASB_CLAVE_DESCONOCIDA: not an entidad code (01-32); one without network units is out of scope, below
WHERE regexp_full_match(t_entidad, '0?[1-9]|[12][0-9]|3[0-2]')
  AND fecha_dma(t_inicio) IS NOT NULL                                     -- the period: a real date
  AND (t_det IS NULL OR fecha_dma(t_det) IS NOT NULL)                     -- MASB_VALOR_INVALIDO
  AND (t_not IS NULL OR fecha_dma(t_not) IS NOT NULL)
  AND (t_afect IS NULL OR es_entero(t_afect))
  AND (t_obj IS NULL OR es_entero(t_obj))
  AND (t_vac IS NULL OR es_entero(t_vac))
  AND (tipo IS NULL OR tipo IN ('BROTE', 'DESASTRE'))                     -- MASB_CODIGO_NO_PERMITIDO
QUALIFY id_evento IS NULL OR row_number() OVER (PARTITION BY id_evento ORDER BY linea) = 1   -- MASB_REGISTRO_DUPLICADO
)
SELECT lpad(t_entidad, 2, '0') AS entidad, tipo, fecha_dma(t_inicio) AS fecha_inicio, fecha_dma(t_not) AS fecha_notificacion,
       entero(t_afect) AS personas_afectadas, entero(t_obj) AS poblacion_objetivo, entero(t_vac) AS vacunados,
       mes_de(fecha_dma(t_inicio)) AS periodo
FROM aceptados
WHERE lpad(t_entidad, 2, '0') IN (SELECT entidad FROM entidades);        -- an entidad with no network unit: out of scope

-- Vigilancia hospitalaria (vigilancia_hospitalaria*.csv, layout ours): cases per hospital,
-- month (ANIO, MES) and event. An aggregate source: a second row for the same CLUES, event and
-- month is turned down (MASB_CLAVE_DUPLICADA); the first one, in file order, counts.
CREATE OR REPLACE TABLE vigilancia AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("CLUES") AS clues, txt("ANIO") AS t_anio, txt("MES") AS t_mes,
         txt("EVENTO") AS evento, txt("CASOS") AS t_casos
  FROM read_csv('{{extracto}}/vigilancia_hospitalaria*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), validos AS (
  SELECT linea, clues, evento, entero(t_casos) AS casos, make_date(entero(t_anio)::INT, entero(t_mes)::INT, 1) AS periodo
  FROM crudo
  WHERE clues IN (SELECT clues FROM unidades)                            -- MASB_CLAVE_DESCONOCIDA / MASB_FUERA_DE_RED
    AND es_entero(t_anio) AND es_entero(t_mes) AND entero(t_mes) BETWEEN 1 AND 12   -- the period
    AND (t_casos IS NULL OR es_entero(t_casos))                          -- MASB_VALOR_INVALIDO
    AND (evento IS NULL OR evento IN ('CIRUGIAS', 'CIRUGIAS_ELECTIVAS', 'IAAS', 'SEPSIS_POSTQX', 'TEP_POSTQX',
         'TVP_POSTQX', 'MUERTE_PERIOPERATORIA', 'EVENTO_ADVERSO', 'EVENTO_ADVERSO_MEDICAMENTO', 'BACTEREMIA',
         'BACTEREMIA_RAM', 'AMPUTACION_DM'))                               -- MASB_CODIGO_NO_PERMITIDO
)
SELECT clues, evento, casos, periodo FROM validos
QUALIFY row_number() OVER (PARTITION BY clues, evento, periodo ORDER BY linea) = 1;

-- Población de responsabilidad (poblacion*.csv): people per CLUES, year, sex and five-year
-- group. A stock: a window takes, unit by unit, the latest year at or before the year the
-- window ends in (see `poblacion_vigente`). Duplicate (CLUES, year, sex, group): the first counts.
CREATE OR REPLACE TABLE poblacion AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt("CLUES") AS clues, txt("ANIO") AS t_anio,
         txt("SEXO") AS sexo, txt("GRUPO_EDAD") AS grupo_edad, txt("POBLACION") AS t_pob
  FROM read_csv('{{extracto}}/poblacion*.csv', header = true, delim = ',', quote = '"', escape = '"',
                all_varchar = true, ignore_errors = true)
), validos AS (
  SELECT linea, clues, entero(t_anio) AS anio, sexo, grupo_edad, entero(t_pob) AS poblacion
  FROM crudo
  WHERE clues IN (SELECT clues FROM unidades)                            -- MASB_CLAVE_DESCONOCIDA / MASB_FUERA_DE_RED
    AND es_entero(t_anio)                                                -- the period
    AND (t_pob IS NULL OR es_entero(t_pob))                              -- MASB_VALOR_INVALIDO
    AND (sexo IS NULL OR sexo IN ('Hombres', 'Mujeres'))                 -- MASB_CODIGO_NO_PERMITIDO
    AND (grupo_edad IS NULL OR grupo_edad IN ('00-04', '05-09', '10-14', '15-19', '20-24', '25-29', '30-34', '35-39',
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
-- FECHANACIMIENTO. Kept whatever the CLUES: each indicator picks its universe (by CLUES:
-- IMB units only; by residence: every birth, wherever it happened).
CREATE OR REPLACE TABLE nacimientos AS
WITH registros AS (
  -- MASB_REGISTRO_DUPLICADO: SINAC's open data has no folio, so a record that repeats another
  -- field by field, in this file or another, is the same birth, counted once whatever its
  -- institution. Equal records get equal verdicts, so keeping one of each before the checks
  -- below leaves out exactly the repeats masb turns down.
  SELECT DISTINCT * FROM read_csv('{{extracto}}/sinac*.csv', header = true, delim = ',', quote = '"', escape = '"',
                                  all_varchar = true, ignore_errors = true, union_by_name = true)
), crudo AS (
  SELECT txt("CLUES") AS clues, txt("ENTIDADRESIDENCIA") AS t_resid, txt("FECHANACIMIENTO") AS t_fecha,
         txt("EDAD") AS t_edad, txt("TOTALCONSULTAS") AS t_consultas, txt("TRIMESTREPRIMERCONSULTA") AS trimestre,
         txt("RESOLUCIONEMBARAZO") AS resolucion, txt("TIPOCESAREA") AS tipo_cesarea,
         txt("PERSONALATENDIO") AS personal, txt("PESO") AS t_peso, txt("EDADGESTACIONAL") AS t_semanas,
         txt("SEXO") AS sexo, txt("ORDENPRODUCTO") AS orden_producto
  FROM registros
)
SELECT clues, residencia_sinac(t_resid) AS entidad_residencia, mes_de(fecha_dma(t_fecha)) AS periodo,
       CASE WHEN t_edad <> '99' THEN entero(t_edad) END AS edad_madre,
       CASE WHEN t_consultas <> '99' THEN entero(t_consultas) END AS total_consultas,
       trimestre, resolucion, personal,
       -- One row per woman: the first (or only) product of the pregnancy. ORDENPRODUCTO 1, or
       -- not recorded (empty, 0, 9, 99): twins and triplets count once as a delivery.
       (orden_producto IS NULL OR orden_producto IN ('1', '01', '0', '00', '9', '99')) AS es_parto
FROM crudo
WHERE fecha_dma(t_fecha) IS NOT NULL                                      -- the period: a real date
  AND (t_edad IS NULL OR es_entero(t_edad))                              -- MASB_VALOR_INVALIDO
  AND (t_consultas IS NULL OR es_entero(t_consultas))
  AND (t_peso IS NULL OR es_entero(t_peso))
  AND (t_semanas IS NULL OR es_entero(t_semanas))
  AND (trimestre IS NULL OR trimestre IN ('0', '1', '2', '3', '8', '9')) -- MASB_CODIGO_NO_PERMITIDO
  AND (resolucion IS NULL OR resolucion IN ('0', '1', '2', '3', '8'))
  AND (tipo_cesarea IS NULL OR tipo_cesarea IN ('1', '2', '8', '9'))
  AND (personal IS NULL OR personal IN ('0', '1', '2', '3', '4', '8', '9'))
  AND (sexo IS NULL OR sexo IN ('1', '2', '3', '9'))
  -- MASB_CLAVE_DESCONOCIDA: a CLUES in no catalog (9998/9999 are "no unit", not a key)
  AND (clues IS NULL OR clues IN ('9998', '9999') OR clues IN (SELECT clues FROM clues_catalogo));

-- INEGI deaths (DEFUN*.csv): one row per death, month of occurrence (anio_ocur, mes_ocurr;
-- the day may be unknown). Keyed by entidad of residence.
-- Coded age `edad`: 1xxx hours (1097 minutes, 1098 hours unknown), 2xxx days (2098 unknown),
-- 3xxx months (3098 unknown), 4xxx years (4998 unknown).
--   edad_dias:  1001-1023, 1097, 1098 -> 0; 2001-2029 -> that many; 2098 -> 1;
--               3001-3011 -> months x 30; 3098 -> 30; 4nnn -> nnn x 365; 4998 -> unknown.
--   edad_anios: 1xxx, 2xxx, 3xxx (their x098 included) -> 0; 4nnn -> nnn; 4998 -> unknown.
CREATE OR REPLACE TABLE defunciones AS
WITH registros AS (
  -- MASB_REGISTRO_DUPLICADO: no folio either; the same record twice, in one yearly file or
  -- in two, is one death (as for SINAC above).
  SELECT DISTINCT * FROM read_csv('{{extracto}}/DEFUN*.csv', header = true, delim = ',', quote = '"', escape = '"',
                                  all_varchar = true, ignore_errors = true, union_by_name = true)
), crudo AS (
  SELECT txt("ent_resid") AS t_resid, txt("causa_def") AS causa, txt("sexo") AS sexo, txt("edad") AS t_edad,
         txt("dia_ocurr") AS t_dia, txt("mes_ocurr") AS t_mes, txt("anio_ocur") AS t_anio,
         txt("dia_nacim") AS t_dia_n, txt("mes_nacim") AS t_mes_n, txt("anio_nacim") AS t_anio_n,
         txt("razon_m") AS razon_m
  FROM registros
), tipado AS (
  SELECT *, entero(t_edad) AS edad, entero(t_edad) // 1000 AS edad_tipo, entero(t_edad) % 1000 AS edad_n FROM crudo
)
SELECT residencia_inegi(t_resid) AS entidad_residencia, causa, sexo, razon_m,
       CASE WHEN edad_tipo = 1 AND (edad_n BETWEEN 1 AND 23 OR edad_n IN (97, 98)) THEN 0
            WHEN edad_tipo = 2 AND edad_n BETWEEN 1 AND 29 THEN edad_n
            WHEN edad = 2098 THEN 1
            WHEN edad_tipo = 3 AND edad_n BETWEEN 1 AND 11 THEN edad_n * 30
            WHEN edad = 3098 THEN 30
            WHEN edad_tipo = 4 AND edad_n < 998 THEN edad_n * 365 END AS edad_dias,
       CASE WHEN edad_tipo IN (1, 2, 3) THEN 0
            WHEN edad_tipo = 4 AND edad_n < 998 THEN edad_n END AS edad_anios,
       make_date(entero(t_anio)::INT, entero(t_mes)::INT, 1) AS periodo
FROM tipado
WHERE es_entero(t_anio) AND t_anio <> '9999'                              -- the period: a known year …
  AND es_entero(t_mes) AND entero(t_mes) BETWEEN 1 AND 12                 -- … and month (99 = unknown)
  AND (t_edad IS NULL OR (es_entero(t_edad) AND (edad = 0 OR edad BETWEEN 1000 AND 4999)))   -- MASB_VALOR_INVALIDO
  -- MASB_VALOR_INVALIDO: a split date with all three parts given must have integer parts (an
  -- unknown part is 99 / 9999, not text); month and year of occurrence are integers already
  AND ((t_dia IS NULL OR t_mes IS NULL OR t_anio IS NULL) OR (es_entero(t_dia)))
  AND ((t_dia_n IS NULL OR t_mes_n IS NULL OR t_anio_n IS NULL) OR (es_entero(t_dia_n) AND es_entero(t_mes_n) AND es_entero(t_anio_n)))
  AND (sexo IS NULL OR sexo IN ('1', '2', '9'));                          -- MASB_CODIGO_NO_PERMITIDO

-- CONAPO population projections (conapo*.csv): RENGLON, AÑO, ENTIDAD, CVE_GEO, EDAD, SEXO,
-- POBLACION; Latin-1; single years of age; CVE_GEO 0 is the national total (out of scope, as
-- are entidades not in the hierarchy). A stock: the latest year at or before the window's end.
CREATE OR REPLACE TABLE conapo AS
WITH crudo AS (
  SELECT row_number() OVER () AS linea, txt(anio) AS t_anio, txt(cve_geo) AS t_geo, txt(edad) AS t_edad,
         txt(sexo) AS sexo, txt(poblacion) AS t_pob
  FROM read_csv({{conapo}}, header = true, delim = ',', quote = '"', escape = '"', encoding = 'latin-1',
                all_varchar = true, ignore_errors = true,
                names = ['renglon', 'anio', 'entidad', 'cve_geo', 'edad', 'sexo', 'poblacion'])
), validos AS (
  SELECT linea, lpad(t_geo, 2, '0') AS entidad, entero(t_anio) AS anio, entero(t_edad) AS edad, sexo, entero(t_pob) AS poblacion
  FROM crudo
  WHERE es_entero(t_anio) AND es_entero(t_geo)                            -- the period; the key
    AND (t_pob IS NULL OR es_entero(t_pob))                               -- MASB_VALOR_INVALIDO
    AND (t_edad IS NULL OR es_entero(t_edad))
    AND (sexo IS NULL OR sexo IN ('Hombres', 'Mujeres'))                  -- MASB_CODIGO_NO_PERMITIDO
    AND lpad(t_geo, 2, '0') IN (SELECT entidad FROM entidades)            -- the nation (0), other states: out of scope
)
-- MASB_CLAVE_DUPLICADA: a second row for the same entidad, sex and age in a year
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
