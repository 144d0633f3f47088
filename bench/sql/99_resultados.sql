-- =====================================================================================
-- The bench's roll-up: tests/reference/sql/99_resultados.sql written for speed.
--
-- The same rows and values as the reference's roll-up (bench/reference.test.ts compares
-- them): a node's numerator and denominator are the exact sums of the terms below it, the
-- value p / q × factor (× dias_anio / dias when annualised) rounded once half away from zero,
-- `sin_denominador` without a denominator, `inestable` under the minimum, NE only where it has
-- rows. What differs is how the sums are found: the reference joins every node to every term
-- with a nested condition (clear, but quadratic in units: minutes at national scale); here
-- each level is one GROUP BY over the placed terms, joined to the nodes on equal keys.
-- =====================================================================================

-- Each term placed in the hierarchy: a unit's term gets its entidad, región and zona.
CREATE OR REPLACE VIEW terminos_ubicados AS
SELECT t.indicador, coalesce(u.entidad, t.entidad) AS entidad, u.region, u.zona, t.clues,
       t.numerador, t.denominador, t.filas
FROM terminos t LEFT JOIN unidades u ON u.clues = t.clues;

CREATE OR REPLACE VIEW resultados AS
WITH t AS (SELECT * FROM terminos_ubicados),
por_nivel AS (
  SELECT indicador, 0 AS nivel_n, '' AS entidad, '' AS region, '' AS zona, '' AS clues,
         sum(numerador) AS numerador, sum(denominador) AS denominador, sum(filas) AS filas
  FROM t GROUP BY indicador
  UNION ALL
  SELECT indicador, 1, entidad, '', '', '', sum(numerador), sum(denominador), sum(filas)
  FROM t WHERE entidad IS NOT NULL GROUP BY indicador, entidad
  UNION ALL
  SELECT indicador, 2, entidad, region, '', '', sum(numerador), sum(denominador), sum(filas)
  FROM t WHERE region IS NOT NULL GROUP BY indicador, entidad, region
  UNION ALL
  SELECT indicador, 3, entidad, region, zona, '', sum(numerador), sum(denominador), sum(filas)
  FROM t WHERE zona IS NOT NULL GROUP BY indicador, entidad, region, zona
  UNION ALL
  SELECT indicador, 4, entidad, region, zona, clues, sum(numerador), sum(denominador), sum(filas)
  FROM t WHERE clues IS NOT NULL AND zona IS NOT NULL GROUP BY indicador, entidad, region, zona, clues
),
sumas AS (
  SELECT i.id AS indicador, n.nivel_n, n.nivel, n.entidad, n.region, n.zona, n.clues,
         coalesce(s.numerador, 0) AS numerador, coalesce(s.denominador, 0) AS denominador, coalesce(s.filas, 0) AS filas
  FROM indicadores i
  JOIN nodos n ON n.nivel_n <= i.desde
  LEFT JOIN por_nivel s ON s.indicador = i.id AND s.nivel_n = n.nivel_n AND s.entidad = n.entidad
       AND s.region = n.region AND s.zona = n.zona AND s.clues = n.clues
)
SELECT s.indicador, v.etiqueta AS periodo, s.nivel, s.entidad, s.region, s.zona, s.clues,
       s.numerador::VARCHAR AS numerador, s.denominador::VARCHAR AS denominador,
       CASE WHEN s.denominador <> 0 THEN redondeo_txt(
              s.numerador::HUGEINT * i.factor * CASE WHEN i.anualizar THEN v.dias_anio ELSE 1 END,
              s.denominador::HUGEINT * CASE WHEN i.anualizar THEN v.dias ELSE 1 END,
              i.decimales) END AS valor,
       CASE WHEN s.denominador = 0 THEN 'sin_denominador'
            WHEN s.numerador < i.minimo THEN 'inestable'
            ELSE 'ok' END AS estado
FROM sumas s
JOIN indicadores i ON i.id = s.indicador
CROSS JOIN ventana v
WHERE NOT (s.nivel = 'entidad' AND s.entidad = 'NE' AND s.numerador = 0 AND s.denominador = 0)
  -- A unit out of operation by the window's last month (FUERA DE OPERACION, with no closing
  -- date or one on or before the last day of that month) is not reported without rows of its own.
  AND NOT (s.nivel = 'clues' AND s.filas = 0 AND s.clues IN (
        SELECT clues FROM unidades
        WHERE estatus = 'FUERA DE OPERACION' AND (baja IS NULL OR baja < (v.fin + INTERVAL 1 MONTH)::DATE)))
ORDER BY s.indicador, s.nivel_n, s.entidad, s.region, s.zona, s.clues;
