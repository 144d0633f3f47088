-- =====================================================================================
-- Emergency department visits (SAEH/SINBA urgencias): 71.
-- =====================================================================================

CREATE OR REPLACE VIEW urgencias_v AS
SELECT u.* FROM urgencias u, ventana v WHERE u.periodo BETWEEN v.inicio AND v.fin;

-- 71  Consultas de urgencias por 1 000 habitantes (from the zona up: a hospital's emergency
-- department serves its whole zona).
-- ED visits of IMB units in the window per 1 000 people of the población de
-- responsabilidad, annualised by days.
INSERT OR REPLACE INTO indicadores VALUES ('71', 3, 1000, 1, true, NULL);
CREATE OR REPLACE VIEW ind_71 AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, count(*) AS n, 0 AS p, count(*) AS filas FROM urgencias_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, sum(poblacion), count(*) FROM poblacion_vigente GROUP BY clues
) GROUP BY clues;
