import { COMPONENTES, DIMENSIONES } from "../catalog/schema.js";
import { umbralesOf } from "../scoring/score.js";
import { unitId, type CalidadDatos, type TableroInput } from "./build.js";
import { TABLERO_JS } from "./client.js";
import { TABLERO_CSS } from "./style.js";

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** `1234567` → `1,234,567` (Mexican usage: comma for thousands, point for decimals), without locale data. */
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const pct = (a: number, b: number) => {
  if (b === 0) return "—";
  const p = (a / b) * 100;
  return `${p > 0 && p < 1 ? p.toFixed(2) : p.toFixed(1)}%`;
};

const DIMENSION_NOMBRE: Record<string, string> = { estructura: "Estructura", proceso: "Proceso", salida: "Salida", resultado: "Resultado", impacto: "Impacto" };
const FASE_NOMBRE: Record<string, string> = { "1": "1 · planeación y arranque", "2": "2 · operación y continuidad", "3": "3 · consolidación y evaluación" };

/** The JSON the script reads: compact arrays, units by index. */
function dataOf(t: TableroInput) {
  const index = new Map(t.unidades.map((u, i) => [unitId(u), i]));
  const resultados: Record<string, unknown[][]> = {};
  for (const ind of t.indicadores) resultados[ind.id] = [];
  for (const r of t.resultados) {
    const u = index.get(unitId(r));
    if (u === undefined) continue;
    (resultados[r.indicador] ??= []).push([
      u, r.numerador, r.denominador, r.valor, r.meta, r.logro, r.semaforo, r.estado, r.periodo,
      r.periodo_anterior ?? null, r.valor_anterior ?? null, r.cambio ?? null,
    ]);
  }
  const indices = t.indices.flatMap((x) => {
    const u = index.get(unitId(x));
    return u === undefined ? [] : [[u, x.agrupacion, x.grupo, x.indice, x.semaforo, x.indicadores, x.evaluados, x.sin_meta, x.sin_dato, x.lugar, x.de]];
  });
  const used = <T extends string>(all: readonly T[], has: (v: T) => boolean) => all.filter(has);
  return {
    periodo: t.periodo,
    unidades: t.unidades.map((u) => [u.nivel, u.clave, u.nombre, u.entidad, u.region, u.zona]),
    indicadores: t.indicadores.map(({ id, def }) => ({
      id, nombre: def.nombre, dimension: def.dimension, dominio: def.dominio ?? "", subdominio: def.subdominio ?? "",
      componentes: def.componentes, fases: def.fases, unidad: def.unidad, anualizar: def.anualizar, ventana: def.ventana,
      sentido: def.sentido, meta: def.meta ?? null, umbrales: umbralesOf(def), peso: def.peso ?? 1,
      metodo: def.metodo, fuente: def.fuente, nota: def.nota ?? "",
    })),
    resultados,
    indices,
    serie: t.serie,
    componentes: used(COMPONENTES, (c) => t.indicadores.some((i) => (i.def.componentes as string[]).includes(c))),
    fases: [1, 2, 3].filter((f) => t.indicadores.some((i) => (i.def.fases as number[]).includes(f))),
    dimensiones: used(DIMENSIONES, (d) => t.indicadores.some((i) => i.def.dimension === d)),
  };
}

/** Where the rejected rows are: only what the run did (a file named by --rechazos, or none). */
function rejectedWhere(rejected: number, file: string | null): string {
  if (rejected === 0) return "";
  if (file) return ` Cada renglón rechazado queda, con su archivo, línea y motivo, en <code id="archivo-rechazos">${esc(file)}</code>.`;
  return " Esta corrida no guardó los renglones rechazados: aquí se cuentan por fuente y motivo; <code>masb report … --rechazos ARCHIVO</code> (o <code>masb compute</code>) los escribe, cada uno con su archivo, línea y motivo.";
}

function calidadHtml(c: CalidadDatos, t: TableroInput): string {
  const read = c.archivos.reduce((s, f) => s + f.read, 0);
  const accepted = c.archivos.reduce((s, f) => s + f.accepted, 0);
  const rejected = c.archivos.reduce((s, f) => s + f.rejected, 0);
  const parts: string[] = [];
  parts.push(`<p id="calidad-totales" data-leidos="${read}" data-aceptados="${accepted}" data-rechazados="${rejected}"><b>${fmt(read)}</b> renglones leídos en ${c.archivos.length} archivos: <b>${fmt(accepted)}</b> aceptados y <b>${fmt(rejected)}</b> rechazados (${pct(rejected, read)}).${rejectedWhere(rejected, c.archivoRechazos)} Los renglones válidos que quedan fuera del universo de un indicador (nacimientos en otras instituciones o en casa para la red, residentes de otras entidades o del extranjero) no son rechazos: se cuentan aparte, por universo.</p>`);
  if (c.fuentesFaltantes.length) {
    parts.push(`<p class="aviso">Faltan en el extracto (o no tienen renglones) las fuentes <b>${c.fuentesFaltantes.map(esc).join(", ")}</b>: sus indicadores salen con estado «sin datos».</p>`);
  }
  if (c.avisos.length) {
    parts.push(`<h3>Avisos de la corrida</h3><ul id="lista-avisos">${c.avisos.map((a) => `<li>aviso <code>${esc(a.codigo)}</code> ${a.archivo ? `${esc(a.archivo)}${a.linea ? `:${a.linea}` : ""}: ` : ""}${esc(a.mensaje)}</li>`).join("")}</ul>`);
  }
  parts.push(`<div class="dos"><div><h3>Archivos leídos</h3><div class="tabla-scroll"><table id="tabla-archivos"><thead><tr><th scope="col">Fuente</th><th scope="col">Archivo</th><th class="num" scope="col">Leídos</th><th class="num" scope="col">Aceptados</th><th class="num" scope="col">Rechazados</th><th scope="col">Fuera de alcance</th></tr></thead><tbody>${
    c.archivos.map((f) => `<tr><td>${esc(f.source)}</td><td>${esc(f.file)}</td><td class="num">${fmt(f.read)}</td><td class="num">${fmt(f.accepted)}</td><td class="num">${fmt(f.rejected)}</td><td>${Object.entries(f.fueraDeAlcance ?? {}).map(([u, n]) => `${esc(u)} ${fmt(n)}`).join(", ")}</td></tr>`).join("")
  }</tbody></table></div></div>`);
  parts.push(`<div><h3>Rechazos por motivo</h3>${c.rechazos.length === 0 ? "<p>Ningún renglón rechazado.</p>" : `<table id="tabla-rechazos"><thead><tr><th scope="col">Fuente</th><th scope="col">Código</th><th class="num" scope="col">Renglones</th></tr></thead><tbody>${
    c.rechazos.map((r) => `<tr><td>${esc(r.fuente)}</td><td><code>${esc(r.codigo)}</code></td><td class="num">${fmt(r.renglones)}</td></tr>`).join("")
  }</tbody></table>`}`);
  if (c.problemas.length) {
    parts.push(`<h3>Problemas de archivo</h3><ul>${c.problemas.map((p) => `<li>${p.grave ? "<b>error</b>" : "aviso"} <code>${esc(p.codigo)}</code> ${esc(p.archivo)}${p.linea ? `:${p.linea}` : ""}: ${esc(p.mensaje)}</li>`).join("")}</ul>`);
  }
  if (t.metas) parts.push(`<p class="nota">Metas de la corrida: <b>${esc(t.metas.archivo)}</b> (${fmt(t.metas.renglones)} renglones), sobre las metas del catálogo.</p>`);
  parts.push("</div></div>");

  const comp = c.completitud;
  if (comp) {
    const zonas = new Map<string, { entidad: string; zona: string; unidades: number; esperados: number; recibidos: number }>();
    for (const u of comp.unidades) {
      const k = `${u.entidad}|${u.zona}`;
      const z = zonas.get(k) ?? { entidad: u.entidad, zona: u.zona, unidades: 0, esperados: 0, recibidos: 0 };
      z.unidades++;
      z.esperados += u.esperados;
      z.recibidos += u.recibidos;
      zonas.set(k, z);
    }
    const nombres = new Map(t.unidades.map((u) => [unitId(u), u.nombre]));
    const total = comp.unidades.reduce((a, u) => ({ e: a.e + u.esperados, r: a.r + u.recibidos }), { e: 0, r: 0 });
    const conFaltas = comp.unidades.filter((u) => u.recibidos < u.esperados);
    parts.push(`<h3>Completitud del reporte mensual por unidad (${esc(comp.meses[0] ?? "")}${comp.meses.length > 1 ? ` a ${esc(comp.meses[comp.meses.length - 1])}` : ""})</h3>`);
    parts.push(`<p id="completitud-total" data-esperados="${total.e}" data-recibidos="${total.r}">${fmt(comp.unidades.length)} unidades obligadas a reportar; <b>${fmt(total.r)}</b> de <b>${fmt(total.e)}</b> informes mensuales recibidos (${pct(total.r, total.e)}). Un informe es el renglón de una unidad en un archivo del SIS en un mes.</p>`);
    parts.push(`<div class="tabla-scroll"><table id="tabla-completitud"><thead><tr><th scope="col">Entidad</th><th scope="col">Zona</th><th class="num" scope="col">Unidades</th><th class="num" scope="col">Esperados</th><th class="num" scope="col">Recibidos</th><th class="num" scope="col">Completitud</th></tr></thead><tbody>${
      [...zonas.values()].sort((a, b) => (a.entidad < b.entidad ? -1 : a.entidad > b.entidad ? 1 : a.zona < b.zona ? -1 : a.zona > b.zona ? 1 : 0)).map((z) => `<tr><td>${esc(z.entidad)}</td><td>${esc(nombres.get(`zona:${z.zona}`) ?? z.zona)} <small>${esc(z.zona)}</small></td><td class="num">${z.unidades}</td><td class="num">${fmt(z.esperados)}</td><td class="num">${fmt(z.recibidos)}</td><td class="num">${z.recibidos < z.esperados ? "▲ " : ""}${pct(z.recibidos, z.esperados)}</td></tr>`).join("")
    }</tbody></table></div><h4>Unidades con informes faltantes</h4>${conFaltas.length === 0 ? "<p>Todas las unidades enviaron todos sus informes.</p>" : `<ul id="lista-faltantes">${
      conFaltas.map((u) => `<li><b>${esc(u.clues)}</b> ${esc(u.nombre)} (${esc(u.zona)}): faltan ${u.esperados - u.recibidos} de ${u.esperados}: ${esc(u.faltantes.join("; "))}</li>`).join("")
    }</ul>`}`);
  }
  if (c.sinRegionalizacion.length) {
    parts.push(`<p class="nota">Unidades sin regionalización operativa, agrupadas bajo su jurisdicción como zona: ${c.sinRegionalizacion.map(esc).join(", ")}.</p>`);
  }
  return parts.join("\n");
}

function catalogoHtml(t: TableroInput): string {
  return t.indicadores.map(({ id, def }) => {
    const u = umbralesOf(def);
    const rows: [string, string][] = [
      ["Dimensión", DIMENSION_NOMBRE[def.dimension] ?? def.dimension],
      ["Dominio", [def.dominio, def.subdominio].filter(Boolean).join(" · ")],
      ["Componentes", def.componentes.join(", ")],
      ["Fases", def.fases.map((f) => FASE_NOMBRE[String(f)] ?? String(f)).join("; ")],
      ["Unidad", `${def.unidad}${def.anualizar ? " (anualizado)" : ""}, ${def.decimales} decimales, ventana ${def.ventana}`],
      ["Sentido", def.sentido === "mayor_es_mejor" ? "mayor es mejor" : "menor es mejor"],
      ["Meta", def.meta === undefined ? "sin meta en el catálogo" : String(def.meta)],
      ["Semáforo", `verde ≥ ${u.verde}% de la meta, amarillo ${u.amarillo}–${u.verde}%, rojo < ${u.amarillo}%`],
      ["Peso en los índices", String((def as { peso?: number }).peso ?? 1)],
      ["Método", def.metodo],
      ["Fuente", def.fuente],
      ["Nota", def.nota ?? ""],
    ];
    return `<details class="def-catalogo" id="def-${esc(id)}"><summary><b>${esc(id)}</b> ${esc(def.nombre)}</summary><dl class="ficha">${
      rows.filter(([, v]) => v !== "").map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join("")
    }</dl></details>`;
  }).join("\n");
}

const ICONOS: [string, string, string][] = [
  ["verde", "●", "verde: logro ≥ umbral verde (90% de la meta por omisión)"],
  ["amarillo", "▲", "amarillo: entre los umbrales (70–90% por omisión)"],
  ["rojo", "■", "rojo: logro bajo el umbral amarillo (< 70% por omisión)"],
  ["sin_meta", "○", "sin meta: hay valor pero no meta"],
  ["sin_dato", "·", "sin dato: no hay valor (sin datos, denominador cero)"],
];

/**
 * The tablero de control as one self-contained HTML page (inline CSS, JS and SVG; a Content
 * Security Policy that forbids every network request), in Spanish. Pure: the same input gives
 * the same bytes (no clock, no randomness).
 */
export function renderTablero(t: TableroInput): string {
  const d = dataOf(t);
  const data = JSON.stringify(d).replace(/</g, "\\u003c");
  const entidades = t.unidades.filter((u) => u.nivel === "entidad" && u.clave !== "NE").length;
  const select = (id: string, label: string, options: [string, string][]) =>
    `<label for="${id}">${label}<select id="${id}"><option value="">Todos</option>${options.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join("")}</select></label>`;
  return `<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Tablero de control MAS-BIENESTAR · ${esc(t.periodo)}</title>
<style>${TABLERO_CSS}</style>
</head>
<body>
<header class="cabecera">
<h1>Tablero de control MAS-BIENESTAR</h1>
<p>Periodo <b id="periodo">${esc(t.periodo)}</b> · extracto <b>${esc(t.extracto)}</b> · ${t.indicadores.length} indicadores · ${entidades} ${entidades === 1 ? "entidad" : "entidades"}</p>
</header>
<nav class="secciones" aria-label="Secciones">
<a href="#resumen">Resumen</a><a href="#clasificacion">Clasificación</a><a href="#indicadores">Indicadores por unidad</a><a href="#indicador">Vista por indicador</a><a href="#calidad">Calidad de los datos</a><a href="#catalogo">Catálogo</a>
</nav>
<main>
<noscript><p class="aviso">Este tablero necesita JavaScript para dibujar tablas y gráficas; la calidad de los datos y el catálogo se leen sin él.</p></noscript>
<section id="filtros" aria-label="Filtros">
<div class="filtros">
${select("f-componente", "Componente", d.componentes.map((c) => [c, c]))}
${select("f-fase", "Fase", d.fases.map((f) => [String(f), FASE_NOMBRE[String(f)] ?? String(f)]))}
${select("f-dimension", "Dimensión", d.dimensiones.map((x) => [x, DIMENSION_NOMBRE[x] ?? x]))}
<label class="check" for="ver-dim"><input type="checkbox" id="ver-dim"> Índices por dimensión en el resumen</label>
<button type="button" class="boton" id="f-limpiar">Quitar filtros</button>
<span class="contador" id="contador" aria-live="polite"></span>
</div>
<ul class="leyenda" aria-label="Semáforo">${ICONOS.map(([s, i, l]) => `<li><span class="chip s-${s}"><span class="ico" aria-hidden="true">${i}</span> ${esc(l)}</span></li>`).join("")}</ul>
</section>
<section id="resumen">
<h2>Resumen por entidad</h2>
<p class="ayuda">Índice compuesto = promedio ponderado del logro (% de la meta alcanzado, con tope de 100) de los indicadores con valor y meta, por componente y fase. Cada nivel promedia los indicadores que se reportan en él: algunos existen solo por entidad. ▸ abre las regiones y zonas; el cursor sobre una celda dice cuántos indicadores entraron al índice.</p>
<div class="tabla-scroll"><table id="tabla-resumen"></table></div>
</section>
<section id="clasificacion">
<h2>Clasificación</h2>
<p class="ayuda">Lugar de cada entidad en el país y de cada zona en su entidad según el índice elegido (Tabla 1, clave 40d). Empates comparten lugar.</p>
<div class="filtros"><label for="sel-indice">Índice<select id="sel-indice"></select></label><label for="sel-entidad-ranking">Zonas de<select id="sel-entidad-ranking"></select></label></div>
<div class="dos"><div><h3>Entidades</h3><table id="ranking-entidades"></table></div><div><h3>Zonas de la entidad</h3><table id="ranking-zonas"></table></div></div>
</section>
<section id="indicadores">
<h2>Indicadores por unidad</h2>
<p class="ayuda">Valor y semáforo de cada indicador. Haga clic en un indicador para ver su definición.</p>
<div class="filtros"><label for="sel-unidades">Unidades<select id="sel-unidades"></select></label></div>
<div class="tabla-scroll"><table id="tabla-matriz"></table></div>
</section>
<section id="indicador">
<h2>Vista por indicador</h2>
<div class="filtros"><label for="sel-indicador">Indicador<select id="sel-indicador"></select></label><label for="sel-unidades-ind">Unidades<select id="sel-unidades-ind"></select></label></div>
<div id="vista-indicador"></div>
</section>
<section id="calidad">
<h2>Calidad de los datos</h2>
${calidadHtml(t.calidad, t)}
</section>
<section id="catalogo">
<h2>Catálogo</h2>
<p class="ayuda">Definición de cada indicador tal como está en el catálogo.</p>
${catalogoHtml(t)}
</section>
</main>
<footer>Generado con masb a partir del extracto ${esc(t.extracto)}, periodo ${esc(t.periodo)}. Los valores coinciden con <code>masb compute</code> del mismo extracto y periodo.</footer>
<dialog id="dlg-def" aria-labelledby="dlg-contenido"><div id="dlg-contenido"></div><p><button type="button" class="boton" id="dlg-cerrar">Cerrar</button></p></dialog>
<script type="application/json" id="datos">${data}</script>
<script>${TABLERO_JS}</script>
</body>
</html>
`;
}
