-- =====================================================================================
-- Cancer registry (cancer): 86, 86a, 149. New cases diagnosed at IMB units (keyed by CLUES)
-- whose FECHA_DIAGNOSTICO falls in the window.
-- =====================================================================================

CREATE OR REPLACE VIEW cancer_v AS
SELECT c.* FROM cancer c, ventana v WHERE c.periodo BETWEEN v.inicio AND v.fin;

-- 86  Casos nuevos de cáncer diagnosticados en estadio temprano (I o II).
-- New cases at stage I or II among those with a known stage (I to IV; NE left out), × 100.
INSERT OR REPLACE INTO indicadores VALUES ('86', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_86 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE estadio IN ('I', 'II')) AS numerador,
       count(*) FILTER (WHERE estadio IN ('I', 'II', 'III', 'IV')) AS denominador,
       count(*) AS filas
FROM cancer_v GROUP BY clues;

-- 86a  Tiempo promedio entre el diagnóstico y el inicio del tratamiento del cáncer.
-- Σ (FECHA_INICIO_TRATAMIENTO − FECHA_DIAGNOSTICO) over the cases that started treatment,
-- divided by their number; days, 1 decimal.
INSERT OR REPLACE INTO indicadores VALUES ('86a', 4, 1, 1, false, NULL);
CREATE OR REPLACE VIEW ind_86a AS
SELECT clues, NULL AS entidad,
       coalesce(sum(fecha_inicio_tratamiento - fecha_diagnostico) FILTER (WHERE fecha_inicio_tratamiento IS NOT NULL), 0) AS numerador,
       count(*) FILTER (WHERE fecha_inicio_tratamiento IS NOT NULL) AS denominador,
       count(*) AS filas
FROM cancer_v GROUP BY clues;

-- 149  Incidencia de cáncer por 100 000 habitantes (from the entidad up: the registry is
-- hospital-based and its hospitals serve the whole entidad).
-- New cases of every site except non-melanoma skin cancer (C00–C43, C45–C97, as
-- GLOBOCAN/IARC) per 100 000 people of the población de responsabilidad, annualised by days.
-- An impact-dimension rate: fewer than 20 cases is `inestable`.
INSERT OR REPLACE INTO indicadores VALUES ('149', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_149 AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, count(*) FILTER (WHERE cie_entre(cie10, 'C00', 'C43') OR cie_entre(cie10, 'C45', 'C97')) AS n, 0 AS p,
         count(*) AS filas
  FROM cancer_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, sum(poblacion), count(*) FROM poblacion_vigente GROUP BY clues
) GROUP BY clues;
