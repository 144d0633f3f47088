/**
 * The tablero's stylesheet, inlined in the HTML. System fonts only (nothing to fetch).
 * Semáforo colours are tints with dark text (WCAG AA contrast) and every state also has its
 * own icon shape and a text label, so that colour is never the only cue.
 */
export const TABLERO_CSS = `
:root {
  --guinda: #691c32; --guinda-2: #9f2241; --dorado: #bc955c; --tinta: #1f2429; --gris: #5b6670;
  --linea: #d9dde2; --fondo: #f5f6f8;
  --verde-bg: #cdebd5; --verde-fg: #0b4a1d; --verde-ico: #1b7a36;
  --amarillo-bg: #fbe6a0; --amarillo-fg: #563d00; --amarillo-ico: #8c6100;
  --rojo-bg: #f7cdc8; --rojo-fg: #74100d; --rojo-ico: #bf2318;
  --sinmeta-bg: #e7eaee; --sinmeta-fg: #39424b;
  --sindato-bg: #fafafa; --sindato-fg: #56616b;
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--tinta); background: var(--fondo); line-height: 1.4; }
header.cabecera { background: var(--guinda); color: #fff; padding: 18px 28px 14px; border-bottom: 4px solid var(--dorado); }
header.cabecera h1 { margin: 0 0 4px; font-size: 1.55rem; font-weight: 650; letter-spacing: .01em; }
header.cabecera p { margin: 0; opacity: .92; }
nav.secciones { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 8px 28px; background: #fff; border-bottom: 1px solid var(--linea); position: sticky; top: 0; z-index: 5; }
nav.secciones a { color: var(--guinda); text-decoration: none; font-weight: 600; }
nav.secciones a:hover, nav.secciones a:focus { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 12px 28px 40px; }
section { background: #fff; border: 1px solid var(--linea); border-radius: 8px; padding: 14px 18px 18px; margin: 16px 0; }
section > h2 { margin: 0 0 4px; font-size: 1.2rem; color: var(--guinda); }
section > p.ayuda { margin: 0 0 10px; color: var(--gris); font-size: .92rem; }
.filtros { display: flex; flex-wrap: wrap; align-items: end; gap: 10px 16px; }
.filtros label { display: flex; flex-direction: column; font-size: .85rem; color: var(--gris); gap: 2px; }
.filtros label.check { flex-direction: row; align-items: center; gap: 6px; color: var(--tinta); }
select, button { font: inherit; }
select { padding: 4px 6px; border: 1px solid #aab2bb; border-radius: 4px; background: #fff; min-width: 8em; }
button.boton { padding: 4px 10px; border: 1px solid var(--guinda); color: var(--guinda); background: #fff; border-radius: 4px; cursor: pointer; }
button.boton:hover { background: #f7eef0; }
.contador { color: var(--gris); font-size: .9rem; }
.leyenda { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 0; padding: 0; list-style: none; }
.leyenda li { font-size: .85rem; max-width: 100%; }
.leyenda .chip { white-space: normal; border-radius: 8px; }
.chip { display: inline-flex; align-items: center; gap: 4px; padding: 1px 7px; border-radius: 10px; font-size: .85rem; white-space: nowrap; }
.tabla-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--linea); text-align: left; vertical-align: middle; }
thead th { background: #f1f2f4; font-weight: 600; }
th.grupo { text-align: center; border-left: 2px solid #fff; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.s { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; border-left: 2px solid #fff; padding: 4px 5px; }
#tabla-resumen td.s, #tabla-resumen thead th { font-size: .84rem; }
.s-verde { background: var(--verde-bg); color: var(--verde-fg); }
.s-amarillo { background: var(--amarillo-bg); color: var(--amarillo-fg); }
.s-rojo { background: var(--rojo-bg); color: var(--rojo-fg); }
.s-sin_meta { background: var(--sinmeta-bg); color: var(--sinmeta-fg); }
.s-sin_dato { background: var(--sindato-bg); color: var(--sindato-fg); font-style: italic; }
.s-verde .ico { color: var(--verde-ico); }
.s-amarillo .ico { color: var(--amarillo-ico); }
.s-rojo .ico { color: var(--rojo-ico); }
.ico { font-style: normal; font-weight: 700; }
td.vacio { color: #a0a8b0; text-align: center; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
tr.nivel-nacional th, tr.nivel-nacional td { font-weight: 700; }
tr.nivel-region th.unidad { padding-left: 26px; }
tr.nivel-zona th.unidad { padding-left: 46px; font-weight: 400; }
th.unidad { font-weight: 600; min-width: 160px; max-width: 300px; }
th.unidad small { color: var(--gris); font-weight: 400; }
button.abrir { border: 0; background: none; cursor: pointer; color: var(--guinda); font-size: .95rem; width: 1.5em; padding: 0; }
button.abrir[aria-expanded="true"] { transform: rotate(90deg); }
button.def { border: 0; background: none; padding: 0; color: var(--guinda); cursor: pointer; text-align: left; font: inherit; text-decoration: underline dotted; text-underline-offset: 3px; }
button.def:hover, button.def:focus { text-decoration: underline; }
.dos { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 900px) { .dos { grid-template-columns: 1fr; } }
.dos h3 { margin: 6px 0; font-size: 1rem; }
.ficha { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 12px; font-size: .9rem; }
.ficha dt { color: var(--gris); }
.ficha dd { margin: 0; }
.resumen-ind { margin: 4px 0 6px; font-size: .92rem; }
.resumen-ind .etq { display: inline-block; background: #f1f2f4; border-radius: 4px; padding: 0 6px; margin: 0 4px 4px 0; }
.metodo { font-size: .88rem; color: #3a434c; margin: 0 0 10px; max-width: 100ch; }
svg { max-width: 100%; height: auto; font-family: inherit; }
svg text { fill: var(--tinta); font-size: 12px; }
svg .eje { stroke: #9aa3ad; stroke-width: 1; }
svg .rejilla { stroke: #e3e6ea; stroke-width: 1; }
svg .meta { stroke: var(--tinta); stroke-width: 2; stroke-dasharray: 4 3; }
svg .b-verde { fill: #3f9a5a; } svg .b-amarillo { fill: #e0b43a; } svg .b-rojo { fill: #d4574c; }
svg .b-sin_meta { fill: #9aa6b2; } svg .b-sin_dato { fill: none; }
.cambio-mejora { color: var(--verde-fg); }
.cambio-empeora { color: var(--rojo-fg); }
dialog { max-width: 720px; border: 1px solid var(--linea); border-radius: 8px; padding: 16px 20px; box-shadow: 0 8px 30px rgba(0,0,0,.25); }
dialog::backdrop { background: rgba(20, 20, 30, .35); }
dialog h3 { margin: 0 0 6px; color: var(--guinda); }
details.def-catalogo { border-bottom: 1px solid var(--linea); padding: 4px 0; }
details.def-catalogo summary { cursor: pointer; }
details.def-catalogo:target { background: #fff8e6; }
.nota { font-size: .85rem; color: var(--gris); }
.aviso { background: #fff8e6; border-left: 4px solid var(--dorado); padding: 6px 10px; margin: 8px 0; }
footer { text-align: center; color: var(--gris); font-size: .85rem; padding: 10px; }
@media print { nav.secciones, .filtros { display: none; } section { break-inside: avoid; } }
`;
