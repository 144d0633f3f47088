-- =====================================================================================
-- Outbreaks and disasters (eventos_emergencia): 112, 113; 126 (pending the universe change).
-- Events are keyed by entidad (CLAVE_ENTIDAD) and counted in the month they started.
-- =====================================================================================

CREATE OR REPLACE VIEW eventos_v AS
SELECT e.* FROM eventos_emergencia e, ventana v WHERE e.periodo BETWEEN v.inicio AND v.fin;

-- 112  Cobertura de vacunación de emergencia (from the entidad up).
-- People vaccinated in the response to the events over the target population of those
-- campaigns, × 100; only events with a target population (> 0) count, in both terms.
INSERT OR REPLACE INTO indicadores VALUES ('112', 1, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_112 AS
SELECT NULL AS clues, entidad,
       coalesce(sum(vacunados) FILTER (WHERE poblacion_objetivo > 0), 0) AS numerador,
       coalesce(sum(poblacion_objetivo) FILTER (WHERE poblacion_objetivo > 0), 0) AS denominador,
       count(*) AS filas
FROM eventos_v GROUP BY entidad;

-- 113  Tiempo de detección y reporte de emergencias (días del inicio a la notificación).
-- Σ (FECHA_NOTIFICACION − FECHA_INICIO) over the events already notified, divided by their
-- number; days, 1 decimal.
INSERT OR REPLACE INTO indicadores VALUES ('113', 1, 1, 1, false, NULL);
CREATE OR REPLACE VIEW ind_113 AS
SELECT NULL AS clues, entidad,
       coalesce(sum(fecha_notificacion - fecha_inicio) FILTER (WHERE fecha_notificacion IS NOT NULL), 0) AS numerador,
       count(*) FILTER (WHERE fecha_notificacion IS NOT NULL) AS denominador,
       count(*) AS filas
FROM eventos_v GROUP BY entidad;

-- 126  Personas afectadas por desastres por 100 000 habitantes (universe residentes; from the
-- entidad up) — PENDING the universe change: the denominator becomes CONAPO's population.
-- People directly affected by disasters (TIPO DESASTRE) that started in the window, per
-- 100 000 residents (CONAPO, all ages, latest year at or before the window's end); not
-- annualised (disasters are no steady flow; Sendai B-1, SDG 1.5.1).
INSERT OR REPLACE INTO indicadores VALUES ('126', 1, 100000, 1, false, NULL);
CREATE OR REPLACE VIEW ind_126 AS
SELECT NULL AS clues, entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT entidad, coalesce(sum(personas_afectadas) FILTER (WHERE tipo = 'DESASTRE'), 0) AS n, 0 AS p, count(*) AS filas
  FROM eventos_v GROUP BY entidad
  UNION ALL
  SELECT entidad, 0, sum(poblacion), count(*) FROM conapo_vigente GROUP BY entidad
) GROUP BY entidad;
