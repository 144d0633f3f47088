-- =====================================================================================
-- Waiting lists (lista_espera): 87, 87a. Requests of IMB units (keyed by CLUES) made in the
-- window (by FECHA_SOLICITUD) and already attended (FECHA_ATENCION given).
-- =====================================================================================

CREATE OR REPLACE VIEW lista_espera_v AS
SELECT l.* FROM lista_espera l, ventana v WHERE l.periodo BETWEEN v.inicio AND v.fin;

-- 87  Tiempo promedio de espera para cirugía electiva.
-- Mean days from request to surgery: Σ (FECHA_ATENCION − FECHA_SOLICITUD) over the elective
-- surgery requests (TIPO CIRUGIA) already performed, divided by their number; 1 decimal.
INSERT OR REPLACE INTO indicadores VALUES ('87', 4, 1, 1, false, NULL);
CREATE OR REPLACE VIEW ind_87 AS
SELECT clues, NULL AS entidad,
       coalesce(sum(fecha_atencion - fecha_solicitud) FILTER (WHERE tipo = 'CIRUGIA' AND fecha_atencion IS NOT NULL), 0) AS numerador,
       count(*) FILTER (WHERE tipo = 'CIRUGIA' AND fecha_atencion IS NOT NULL) AS denominador,
       count(*) AS filas
FROM lista_espera_v GROUP BY clues;

-- 87a  Diferimiento promedio de la consulta de especialidad.
-- The same for specialist consultation requests (TIPO CONSULTA) already granted.
INSERT OR REPLACE INTO indicadores VALUES ('87a', 4, 1, 1, false, NULL);
CREATE OR REPLACE VIEW ind_87a AS
SELECT clues, NULL AS entidad,
       coalesce(sum(fecha_atencion - fecha_solicitud) FILTER (WHERE tipo = 'CONSULTA' AND fecha_atencion IS NOT NULL), 0) AS numerador,
       count(*) FILTER (WHERE tipo = 'CONSULTA' AND fecha_atencion IS NOT NULL) AS denominador,
       count(*) AS filas
FROM lista_espera_v GROUP BY clues;
