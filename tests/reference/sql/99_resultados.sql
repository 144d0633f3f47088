-- =====================================================================================
-- Roll-up, value and status of every indicator at every level (runs after the indicator
-- files and after the runner has created `terminos`, the union of their `ind_<id>` views).
--
-- A node's numerator and denominator are the exact sums of the terms of the units (or
-- entidades) below it — never an average of ratios. An indicator is reported from its finest
-- level (`desde`) up; the pseudo-entidad NE only where it has rows in the window.
-- valor = numerador / denominador × factor (× dias_anio / dias when annualised), rounded once,
-- half away from zero; no value and `sin_denominador` when the denominator is 0; `inestable`
-- when the numerator is under the indicator's minimum; `ok` otherwise.
-- A unit out of operation by the window's last month (FUERA DE OPERACION, with no closing date
-- or one on or before the last day of that month) is not reported when it has no row of its own
-- in the window (`filas` = 0); its rows, when it has some, count as any unit's.
-- =====================================================================================

-- Each term placed in the hierarchy: a unit's term gets its entidad, región and zona.
CREATE OR REPLACE VIEW terminos_ubicados AS
SELECT t.indicador, coalesce(u.entidad, t.entidad) AS entidad, u.region, u.zona, t.clues,
       t.numerador, t.denominador, t.filas
FROM terminos t LEFT JOIN unidades u ON u.clues = t.clues;

CREATE OR REPLACE VIEW resultados AS
WITH sumas AS (
  SELECT i.id AS indicador, n.nivel_n, n.nivel, n.entidad, n.region, n.zona, n.clues,
         coalesce(sum(t.numerador), 0) AS numerador,
         coalesce(sum(t.denominador), 0) AS denominador,
         coalesce(sum(t.filas), 0) AS filas
  FROM indicadores i
  JOIN nodos n ON n.nivel_n <= i.desde
  LEFT JOIN terminos_ubicados t ON t.indicador = i.id
       AND (n.nivel_n = 0                                   -- nacional: everything
            OR (t.entidad = n.entidad AND (n.nivel_n = 1    -- entidad
            OR (t.region = n.region AND (n.nivel_n = 2      -- región
            OR (t.zona = n.zona AND (n.nivel_n = 3          -- zona
            OR t.clues = n.clues)))))))                     -- clues
  GROUP BY ALL
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
  AND NOT (s.nivel = 'clues' AND s.filas = 0 AND s.clues IN (
        SELECT clues FROM unidades
        WHERE estatus = 'FUERA DE OPERACION' AND (baja IS NULL OR baja < (v.fin + INTERVAL 1 MONTH)::DATE)))
ORDER BY s.indicador, s.nivel_n, s.entidad, s.region, s.zona, s.clues;
