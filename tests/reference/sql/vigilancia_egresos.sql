-- =====================================================================================
-- Hospital surveillance over discharges (vigilancia hospitalaria + SAEH egresos): 83a, H.
-- Both terms are keyed by the hospital's CLUES and taken over the same window (events by
-- their ANIO/MES, discharges by EGRESO). Needs egresos_v (egresos.sql).
-- =====================================================================================

CREATE OR REPLACE VIEW vigilancia_v AS
SELECT g.* FROM vigilancia g, ventana v WHERE g.periodo BETWEEN v.inicio AND v.fin;

-- 83a  Eventos adversos reportados por 1 000 días-paciente.
-- Adverse events reported (EVENTO_ADVERSO cases) per 1 000 patient-days (Σ DIAS_ESTA of the
-- window's discharges, as in 85); 2 decimals.
INSERT OR REPLACE INTO indicadores VALUES ('83a', 4, 1000, 2, false, NULL);
CREATE OR REPLACE VIEW ind_83a AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(d) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, coalesce(sum(casos) FILTER (WHERE evento = 'EVENTO_ADVERSO'), 0) AS n, 0 AS d, count(*) AS filas
  FROM vigilancia_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, coalesce(sum(dias_estancia), 0), count(*) FROM egresos_v GROUP BY clues
) GROUP BY clues;

-- H  Infecciones asociadas a la atención de la salud por 100 egresos.
-- Healthcare-associated infections notified to the RHOVE (IAAS cases) per 100 discharges of
-- the window (NOM-045-SSA2-2005); 2 decimals.
INSERT OR REPLACE INTO indicadores VALUES ('H', 4, 100, 2, false, NULL);
CREATE OR REPLACE VIEW ind_H AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(d) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, coalesce(sum(casos) FILTER (WHERE evento = 'IAAS'), 0) AS n, 0 AS d, count(*) AS filas
  FROM vigilancia_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, count(*), count(*) FROM egresos_v GROUP BY clues
) GROUP BY clues;
