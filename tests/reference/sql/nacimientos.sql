-- =====================================================================================
-- Births (SINAC): C (by CLUES); 89, 103, 91, 130 (by residence).
-- ALL PENDING the universe change (see tests/reference/duckdb.test.ts): written to the new
-- definitions, compared once the engine implements them and the demo has sinac_2023/2024.
--
-- Two universes:
--   * red (C): births in IMB units, keyed by CLUES. Births in other institutions' units
--     and without a unit (CLUES 9998) are out of scope — not errors, not counted.
--   * residentes (89, 103, 91, 130): every birth, wherever it happened, keyed by the mother's
--     entidad of residence (00/99/blank -> NE; 88, other states -> out of scope), from the
--     entidad up.
-- A delivery (`es_parto`) is one row per woman: ORDENPRODUCTO 1 or not recorded.
-- =====================================================================================

CREATE OR REPLACE VIEW nacimientos_v AS
SELECT n.* FROM nacimientos n, ventana v WHERE n.periodo BETWEEN v.inicio AND v.fin;

-- Births in IMB units (the red universe).
CREATE OR REPLACE VIEW nacimientos_red AS
SELECT * FROM nacimientos_v WHERE clues IN (SELECT clues FROM unidades);

-- Births of residents of an entidad of the hierarchy, or of unspecified residence (NE).
CREATE OR REPLACE VIEW nacimientos_residentes AS
SELECT * FROM nacimientos_v WHERE entidad_residencia IS NOT NULL;

-- C  Proporción de nacimientos por cesárea (red, by CLUES).
-- Deliveries by caesarean section (RESOLUCIONEMBARAZO 3) among deliveries with the type of
-- resolution specified (RESOLUCIONEMBARAZO other than 0), × 100. Deliveries, not live births:
-- twins are one caesarean.
INSERT OR REPLACE INTO indicadores VALUES ('C', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_C AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE es_parto AND resolucion = '3') AS numerador,
       count(*) FILTER (WHERE es_parto AND resolucion <> '0') AS denominador,
       count(*) AS filas
FROM nacimientos_red GROUP BY clues;

-- 89  Inicio del control prenatal en el primer trimestre (residentes, from the entidad up).
-- Deliveries of residents (one per woman, as 91) whose mother had her first prenatal visit in
-- the first trimester (TRIMESTREPRIMERCONSULTA 1) among those with the datum specified
-- (0, 1, 2, 3), × 100.
INSERT OR REPLACE INTO indicadores VALUES ('89', 1, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_89 AS
SELECT NULL AS clues, entidad_residencia AS entidad,
       count(*) FILTER (WHERE es_parto AND trimestre = '1') AS numerador,
       count(*) FILTER (WHERE es_parto AND trimestre IN ('0', '1', '2', '3')) AS denominador,
       count(*) AS filas
FROM nacimientos_residentes GROUP BY entidad_residencia;

-- 103  Asistencia calificada al parto (residentes, from the entidad up).
-- Live births attended by a physician or a nurse (PERSONALATENDIO 1 or 2) among all live
-- births of residents, × 100 (SDG 3.1.2; unknown attendants stay in the denominator).
INSERT OR REPLACE INTO indicadores VALUES ('103', 1, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_103 AS
SELECT NULL AS clues, entidad_residencia AS entidad,
       count(*) FILTER (WHERE personal IN ('1', '2')) AS numerador,
       count(*) AS denominador,
       count(*) AS filas
FROM nacimientos_residentes GROUP BY entidad_residencia;

-- 91  Cobertura de 4 o más consultas prenatales (residentes, from the entidad up).
-- Deliveries whose mother had 4 or more prenatal visits (TOTALCONSULTAS >= 4) among all
-- deliveries of residents, × 100. A count of 99 or blank is unknown: in the denominator, not
-- in the numerator.
INSERT OR REPLACE INTO indicadores VALUES ('91', 1, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_91 AS
SELECT NULL AS clues, entidad_residencia AS entidad,
       count(*) FILTER (WHERE es_parto AND total_consultas >= 4) AS numerador,
       count(*) FILTER (WHERE es_parto) AS denominador,
       count(*) AS filas
FROM nacimientos_residentes GROUP BY entidad_residencia;

-- 130  Tasa de fecundidad en adolescentes de 15 a 19 años (residentes, from the entidad up).
-- Live births to mothers aged 15–19 per 1 000 women aged 15–19 (CONAPO, latest year at or
-- before the window's end), by the mother's entidad of residence, annualised by days (a rate
-- per year; factor 1 over 12 months). SDG 3.7.2. Impact rate: under 20 births is `inestable`.
INSERT OR REPLACE INTO indicadores VALUES ('130', 1, 1000, 1, true, 20);
CREATE OR REPLACE VIEW ind_130 AS
SELECT NULL AS clues, entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT entidad_residencia AS entidad, count(*) FILTER (WHERE edad_madre BETWEEN 15 AND 19) AS n, 0 AS p, count(*) AS filas
  FROM nacimientos_residentes GROUP BY entidad_residencia
  UNION ALL
  SELECT entidad, 0, coalesce(sum(poblacion) FILTER (WHERE sexo = 'Mujeres' AND edad BETWEEN 15 AND 19), 0), count(*)
  FROM conapo_vigente GROUP BY entidad
) GROUP BY entidad;
