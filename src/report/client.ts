/**
 * The tablero's script, inlined in the HTML: it reads the JSON in `<script id="datos">` and
 * draws the summary, the rankings, the indicator matrix and the per-indicator view (SVG
 * charts), and wires the filters and the drill-down. Plain ES2017, no library, no network.
 * It is a string so that the HTML stays one self-contained file; the browser test runs it.
 * (No template literals inside: this text is itself one.)
 */
export const TABLERO_JS = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('datos').textContent);
  var ICON = { verde: '\u25CF', amarillo: '\u25B2', rojo: '\u25A0', sin_meta: '\u25CB', sin_dato: '\u00B7' };
  var LABEL = { verde: 'verde', amarillo: 'amarillo', rojo: 'rojo', sin_meta: 'sin meta', sin_dato: 'sin dato' };
  var ESTADO = { ok: 'ok', sin_denominador: 'sin denominador', sin_datos: 'sin datos', incompleto: 'incompleto', inestable: 'inestable (pocos casos)', metodo_pendiente: 'm\u00E9todo pendiente', no_calculable: 'no calculable' };
  var FASE = { '1': 'Fase 1', '2': 'Fase 2', '3': 'Fase 3' };
  var DIM = { estructura: 'Estructura', proceso: 'Proceso', salida: 'Salida', resultado: 'Resultado', impacto: 'Impacto' };
  var PALETA = ['#1f2429', '#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c6d31'];

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  /** 1234567.5 -> 1,234,567.5 (the text keeps its decimals exactly). */
  function num(s) {
    if (s === null || s === undefined || s === '') return '';
    s = String(s);
    var neg = s.charAt(0) === '-';
    var p = (neg ? s.slice(1) : s).split('.');
    p[0] = p[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + p.join('.');
  }

  /** A "nice" axis: a step of 1, 2, 2.5 or 5 × 10^k giving four to six intervals up to at least max. */
  function eje(max) {
    if (!(max > 0)) max = 1;
    var raw = max / 5, p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
    [1, 2, 2.5, 5, 10].some(function (m) { step = m * p; return m * p >= raw; });
    var top = Math.ceil(max / step - 1e-9) * step, ticks = [];
    for (var v = 0; v <= top + step / 2; v += step) ticks.push(+v.toPrecision(12));
    return { top: top, ticks: ticks };
  }
  /** Moves labels apart (at least gap px) keeping their order by y. */
  function separar(ys, gap) {
    var idx = ys.map(function (y, i) { return i; }).sort(function (a, b) { return ys[a] - ys[b]; });
    var out = ys.slice();
    for (var k = 1; k < idx.length; k++) if (out[idx[k]] - out[idx[k - 1]] < gap) out[idx[k]] = out[idx[k - 1]] + gap;
    return out;
  }

  // ------------------------------------------------------------------ data
  var U = D.unidades.map(function (u, i) {
    return { i: i, nivel: u[0], clave: u[1], nombre: u[2], entidad: u[3], region: u[4], zona: u[5], id: u[0] + ':' + u[1] };
  });
  var UID = {};
  U.forEach(function (u) { UID[u.id] = u; });
  var IND = D.indicadores;
  var INDID = {};
  IND.forEach(function (x) { INDID[x.id] = x; });
  // R[indicador][unidad] = [numerador, denominador, valor, meta, logro, semaforo, estado, periodo, periodo_anterior, valor_anterior, cambio]
  var R = {};
  Object.keys(D.resultados).forEach(function (id) {
    var m = {};
    D.resultados[id].forEach(function (r) { m[U[r[0]].id] = r.slice(1); });
    R[id] = m;
  });
  // IX[unidad][agrupacion|grupo] = [indice, semaforo, indicadores, evaluados, sin_meta, sin_dato, lugar, de]
  var IX = {};
  D.indices.forEach(function (x) {
    var id = U[x[0]].id;
    (IX[id] = IX[id] || {})[x[1] + '|' + x[2]] = x.slice(3);
  });
  var ENTIDADES = U.filter(function (u) { return u.nivel === 'entidad' && u.clave !== 'NE'; });
  var NE = UID['entidad:NE'];
  var NACIONAL = U[0];
  function hijos(u) {
    if (u.nivel === 'entidad') return U.filter(function (x) { return x.nivel === 'region' && x.entidad === u.clave; });
    if (u.nivel === 'region') return U.filter(function (x) { return x.nivel === 'zona' && x.region === u.clave; });
    return [];
  }

  var S = { comp: '', fase: '', dim: '', verDim: false, unidades: 'entidades', ind: IND.length ? IND[0].id : '', indUnidades: 'entidades', indice: 'global|todos', entRank: ENTIDADES.length ? ENTIDADES[0].clave : '', entSerie: '' };

  function pasa(x) {
    return (!S.comp || x.componentes.indexOf(S.comp) >= 0) && (!S.fase || x.fases.indexOf(Number(S.fase)) >= 0) && (!S.dim || x.dimension === S.dim);
  }
  function filtrados() { return IND.filter(pasa); }

  function grupoNombre(agr, g) {
    if (agr === 'global') return '\u00CDndice global';
    if (agr === 'componente') return 'Componente ' + g;
    if (agr === 'fase') return FASE[g] || ('Fase ' + g);
    return 'Dimensi\u00F3n ' + (DIM[g] || g);
  }
  function grupos() {
    var out = [['global', 'todos', 'Global']];
    D.componentes.forEach(function (c) { if (!S.comp || S.comp === c) out.push(['componente', c, c]); });
    D.fases.forEach(function (f) { if (!S.fase || S.fase === String(f)) out.push(['fase', String(f), 'F' + f]); });
    if (S.verDim || S.dim) D.dimensiones.forEach(function (d) { if (!S.dim || S.dim === d) out.push(['dimension', d, DIM[d] || d]); });
    return out;
  }

  // ------------------------------------------------------------------ pieces
  function chip(sem, texto, title) {
    return '<span class="chip s-' + sem + '"' + (title ? ' title="' + esc(title) + '"' : '') + '><span class="ico" aria-hidden="true">' + ICON[sem] + '</span> ' + texto + '</span>';
  }
  function celdaIndice(u, agr, g) {
    var x = IX[u.id] && IX[u.id][agr + '|' + g];
    if (!x) return '<td class="vacio" title="sin indicadores de este grupo en esta unidad">\u2014</td>';
    var t = grupoNombre(agr, g) + ' de ' + u.nombre + ': ' + (x[0] === null ? 'sin \u00EDndice' : x[0]) + ' (' + LABEL[x[1]] + '); ' + x[3] + ' de ' + x[2] + ' indicadores evaluados, ' + x[5] + ' sin dato, ' + x[4] + ' sin meta' + (x[6] ? '; lugar ' + x[6] + ' de ' + x[7] : '');
    return '<td class="s s-' + x[1] + '" data-g="' + agr + '|' + g + '" title="' + esc(t) + '"><span class="ico" aria-hidden="true">' + ICON[x[1]] + '</span> <span class="n">' + (x[0] === null ? (x[1] === 'sin_meta' ? 's/m' : 's/d') : x[0]) + '</span><span class="sr"> ' + LABEL[x[1]] + '</span></td>';
  }
  function celdaValor(id, u) {
    var r = R[id] && R[id][u.id];
    if (!r) return '<td class="vacio" title="no se reporta en este nivel">\u2014</td>';
    var x = INDID[id];
    var t = x.nombre + ' \u2014 ' + u.nombre + ': valor ' + (r[2] === null ? 'sin dato' : r[2]) + (r[3] !== null ? '; meta ' + r[3] : '; sin meta') + (r[4] !== null ? '; logro ' + r[4] + '%' : '') + '; ' + LABEL[r[5]] + '; estado ' + (ESTADO[r[6]] || r[6]);
    return '<td class="s s-' + r[5] + '" data-u="' + esc(u.id) + '" title="' + esc(t) + '"><span class="ico" aria-hidden="true">' + ICON[r[5]] + '</span> <span class="n">' + (r[2] === null ? 's/d' : num(r[2])) + '</span><span class="sr"> ' + LABEL[r[5]] + '</span></td>';
  }
  function botonDef(id, texto) {
    var x = INDID[id];
    return '<button type="button" class="def" data-def="' + esc(id) + '" title="' + esc(x.nombre + '. ' + x.metodo) + '">' + texto + '</button>';
  }
  function nombreUnidad(u) {
    if (u.nivel === 'nacional') return 'Nacional';
    return esc(u.nombre) + ' <small>' + esc(u.clave) + '</small>';
  }
  /** Org units for a selector value: 'entidades', 'region:12' (regiones of 12), 'zona:12' (zonas of 12). */
  function unidadesDe(sel, conNacional) {
    var out = conNacional ? [NACIONAL] : [];
    if (sel === 'entidades') return out.concat(ENTIDADES, NE ? [NE] : []);
    var p = sel.split(':');
    return out.concat(U.filter(function (u) { return u.nivel === p[0] && u.entidad === p[1]; }));
  }
  function opcionesUnidades(selected) {
    var h = '<option value="entidades"' + (selected === 'entidades' ? ' selected' : '') + '>Entidades</option>';
    ENTIDADES.forEach(function (e) {
      ['region', 'zona'].forEach(function (n) {
        var v = n + ':' + e.clave;
        h += '<option value="' + esc(v) + '"' + (selected === v ? ' selected' : '') + '>' + (n === 'region' ? 'Regiones de ' : 'Zonas de ') + esc(e.nombre) + '</option>';
      });
    });
    return h;
  }

  // ------------------------------------------------------------------ resumen
  var abiertos = {};
  function filaResumen(u, gs, padre, visible) {
    var kids = hijos(u);
    var btn = kids.length ? '<button type="button" class="abrir" data-toggle="' + esc(u.id) + '" aria-expanded="' + (abiertos[u.id] ? 'true' : 'false') + '" aria-label="Ver ' + (u.nivel === 'entidad' ? 'regiones' : 'zonas') + ' de ' + esc(u.nombre) + '">\u25B8</button>' : '<span style="display:inline-block;width:1.5em"></span>';
    var h = '<tr class="nivel-' + u.nivel + '" data-u="' + esc(u.id) + '"' + (padre ? ' data-padre="' + esc(padre) + '"' : '') + (visible ? '' : ' hidden') + '><th class="unidad" scope="row">' + btn + nombreUnidad(u) + '</th>';
    gs.forEach(function (g) { h += celdaIndice(u, g[0], g[1]); });
    h += '</tr>';
    kids.forEach(function (k) { h += filaResumen(k, gs, u.id, visible && !!abiertos[u.id]); });
    return h;
  }
  function pintarResumen() {
    var gs = grupos();
    var head = '<tr><th rowspan="2" scope="col">Unidad</th>';
    var sub = '<tr>';
    var prev = null, span = 0, tops = [];
    gs.forEach(function (g) {
      var top = g[0] === 'global' ? '' : g[0] === 'componente' ? 'Componentes' : g[0] === 'fase' ? 'Fases' : 'Dimensiones';
      if (top === prev) span++; else { if (prev !== null) tops.push([prev, span]); prev = top; span = 1; }
      sub += '<th class="num" scope="col" title="' + esc(grupoNombre(g[0], g[1])) + '">' + esc(g[2]) + '</th>';
    });
    tops.push([prev, span]);
    tops.forEach(function (t) { head += '<th class="grupo" colspan="' + t[1] + '" scope="colgroup">' + (t[0] || '\u00CDndice') + '</th>'; });
    var body = filaResumen(NACIONAL, gs, null, true);
    ENTIDADES.forEach(function (e) { body += filaResumen(e, gs, null, true); });
    $('tabla-resumen').innerHTML = '<thead>' + head + '</tr>' + sub + '</tr></thead><tbody>' + body + '</tbody>';
  }

  // ------------------------------------------------------------------ ranking
  function filaRanking(u, key) {
    var x = IX[u.id] && IX[u.id][key];
    if (!x) return '';
    return '<tr data-u="' + esc(u.id) + '"><td class="num lugar">' + (x[6] === null ? '\u2014' : x[6]) + '</td><th class="unidad" scope="row">' + nombreUnidad(u) + '</th><td class="s s-' + x[1] + '"><span class="ico" aria-hidden="true">' + ICON[x[1]] + '</span> <span class="n">' + (x[0] === null ? (x[1] === 'sin_meta' ? 's/m' : 's/d') : x[0]) + '</span><span class="sr"> ' + LABEL[x[1]] + '</span></td><td class="num">' + x[3] + ' de ' + x[2] + '</td><td class="num">' + x[5] + '</td></tr>';
  }
  function ordenRanking(key) {
    return function (a, b) {
      var x = IX[a.id] && IX[a.id][key], y = IX[b.id] && IX[b.id][key];
      var la = x && x[6] !== null ? x[6] : 1e9, lb = y && y[6] !== null ? y[6] : 1e9;
      return la - lb || (a.clave < b.clave ? -1 : a.clave > b.clave ? 1 : 0);
    };
  }
  function pintarRanking() {
    var key = S.indice;
    var cab = '<thead><tr><th class="num" scope="col">Lugar</th><th scope="col">Unidad</th><th class="num" scope="col">\u00CDndice</th><th class="num" scope="col">Evaluados</th><th class="num" scope="col">Sin dato</th></tr></thead>';
    $('ranking-entidades').innerHTML = cab + '<tbody>' + ENTIDADES.slice().sort(ordenRanking(key)).map(function (u) { return filaRanking(u, key); }).join('') + '</tbody>';
    var zonas = U.filter(function (u) { return u.nivel === 'zona' && u.entidad === S.entRank; });
    $('ranking-zonas').innerHTML = cab + '<tbody>' + zonas.sort(ordenRanking(key)).map(function (u) { return filaRanking(u, key); }).join('') + '</tbody>';
  }

  // ------------------------------------------------------------------ matriz
  function pintarMatriz() {
    var us = unidadesDe(S.unidades, true);
    var ids = filtrados();
    var h = '<thead><tr><th scope="col">Indicador</th>' + us.map(function (u) { return '<th class="num" scope="col" title="' + esc(u.nombre) + '">' + (u.nivel === 'nacional' ? 'Nacional' : esc(u.clave)) + '</th>'; }).join('') + '</tr></thead><tbody>';
    ids.forEach(function (x) {
      h += '<tr data-ind="' + esc(x.id) + '"><th scope="row">' + botonDef(x.id, '<b>' + esc(x.id) + '</b> ' + esc(x.nombre)) + '</th>' + us.map(function (u) { return celdaValor(x.id, u); }).join('') + '</tr>';
    });
    $('tabla-matriz').innerHTML = h + '</tbody>';
    $('contador').textContent = ids.length + ' de ' + IND.length + ' indicadores';
  }

  // ------------------------------------------------------------------ vista por indicador
  function ficha(x) {
    var u = x.umbrales;
    var filas = [
      ['Clave', x.id], ['Nombre', x.nombre], ['Dimensi\u00F3n', DIM[x.dimension] || x.dimension],
      ['Dominio', x.dominio || ''], ['Subdominio', x.subdominio || ''],
      ['Componentes', x.componentes.join(', ')], ['Fases', x.fases.join(', ')],
      ['Unidad', x.unidad + (x.anualizar ? ' (anualizado)' : '')], ['Ventana', x.ventana], ['Sentido', x.sentido === 'mayor_es_mejor' ? 'mayor es mejor' : 'menor es mejor'],
      ['Meta', x.meta === null ? 'sin meta en el cat\u00E1logo' : String(x.meta)],
      ['Sem\u00E1foro', 'verde \u2265 ' + u.verde + '% de la meta; amarillo ' + u.amarillo + '\u2013' + u.verde + '%; rojo < ' + u.amarillo + '%'],
      ['Peso', String(x.peso)], ['M\u00E9todo', x.metodo], ['Fuente', x.fuente]
    ];
    if (x.nota) filas.push(['Nota', x.nota]);
    return '<dl class="ficha">' + filas.filter(function (f) { return f[1] !== ''; }).map(function (f) { return '<dt>' + f[0] + '</dt><dd>' + esc(f[1]) + '</dd>'; }).join('') + '</dl>';
  }
  function barras(id, us) {
    var rows = us.map(function (u) { return { u: u, r: R[id] && R[id][u.id] }; }).filter(function (o) { return o.r; });
    if (!rows.length) return '<p class="nota">Este indicador no se reporta en este nivel.</p>';
    var max = 0;
    rows.forEach(function (o) { [o.r[2], o.r[3]].forEach(function (v) { if (v !== null && Number(v) > max) max = Number(v); }); });
    var ax = eje(max);
    max = ax.top;
    var L = 330, W = 880, bw = W - L - 100, rh = 26, top = 8, H = top + rows.length * rh + 24;
    var sx = function (v) { return L + Math.max(0, Number(v)) / max * bw; };
    var s = '<svg id="grafica-barras" role="img" aria-label="' + esc(INDID[id].nombre) + ' por unidad" viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="' + H + '">';
    ax.ticks.forEach(function (t) {
      var gx = sx(t).toFixed(1);
      s += '<line class="rejilla" x1="' + gx + '" x2="' + gx + '" y1="' + top + '" y2="' + (H - 20) + '"/><text x="' + gx + '" y="' + (H - 6) + '" text-anchor="middle">' + esc(num(String(t))) + '</text>';
    });
    rows.forEach(function (o, i) {
      var y = top + i * rh, r = o.r;
      var nombre = o.u.nivel === 'nacional' ? 'Nacional' : o.u.nombre;
      if (nombre.length > 44) nombre = nombre.slice(0, 43) + '\u2026';
      s += '<text x="' + (L - 8) + '" y="' + (y + 16) + '" text-anchor="end"' + (o.u.nivel === 'nacional' ? ' font-weight="700"' : '') + '>' + esc(nombre) + '</text>';
      if (r[2] !== null) s += '<rect class="b-' + r[5] + '" x="' + L + '" y="' + (y + 4) + '" width="' + Math.max(1, sx(r[2]) - L) + '" height="' + (rh - 8) + '"><title>' + esc(nombre + ': ' + r[2] + ' (' + LABEL[r[5]] + ')') + '</title></rect>';
      if (r[3] !== null) s += '<line class="meta" x1="' + sx(r[3]) + '" x2="' + sx(r[3]) + '" y1="' + (y + 1) + '" y2="' + (y + rh - 1) + '"><title>meta ' + esc(r[3]) + '</title></line>';
      s += '<text x="' + ((r[2] !== null ? sx(r[2]) : L) + 6) + '" y="' + (y + 16) + '">' + ICON[r[5]] + ' ' + (r[2] === null ? 'sin dato' : esc(num(r[2]))) + '</text>';
    });
    s += '<line class="eje" x1="' + L + '" x2="' + L + '" y1="' + top + '" y2="' + (H - 20) + '"/></svg>';
    return s + '<p class="nota">Barras: valor, con el color y el s\u00EDmbolo del sem\u00E1foro. L\u00EDnea punteada: meta de cada unidad.</p>';
  }
  function lineas(id) {
    var meses = D.serie.meses, v = D.serie.valores[id] || {};
    if (meses.length < 2) return '<p class="nota">El extracto trae un solo mes: no hay serie que graficar.</p>';
    var series = [NACIONAL].concat(ENTIDADES.length <= PALETA.length - 1 ? ENTIDADES : ENTIDADES.filter(function (e) { return e.clave === S.entRank; }))
      .filter(function (u) { return v[u.id]; })
      .map(function (u, k) { return { u: u, vals: v[u.id], color: PALETA[k % PALETA.length] }; });
    var max = 0;
    series.forEach(function (s) { s.vals.forEach(function (x) { if (x !== null && Number(x) > max) max = Number(x); }); });
    var meta = INDID[id].meta;
    if (meta !== null && meta > max) max = meta;
    var ax = eje(max);
    max = ax.top;
    var W = 880, L = 60, Rr = 200, T = 12, B = 34, H = 260, pw = W - L - Rr, ph = H - T - B;
    var sx = function (i) { return L + (meses.length === 1 ? pw / 2 : pw * i / (meses.length - 1)); };
    var sy = function (x) { return T + ph - Number(x) / max * ph; };
    var s = '<svg id="grafica-meses" role="img" aria-label="' + esc(INDID[id].nombre) + ' por mes" viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="' + H + '">';
    ax.ticks.forEach(function (t) {
      var gy = sy(t).toFixed(1);
      s += '<line class="rejilla" x1="' + L + '" x2="' + (L + pw) + '" y1="' + gy + '" y2="' + gy + '"/><text x="' + (L - 6) + '" y="' + (Number(gy) + 4) + '" text-anchor="end">' + esc(num(String(t))) + '</text>';
    });
    meses.forEach(function (m, i) { s += '<text x="' + sx(i) + '" y="' + (H - 12) + '" text-anchor="middle">' + esc(m) + '</text>'; });
    var etiquetas = [];
    if (meta !== null) {
      s += '<line class="meta" x1="' + L + '" x2="' + (L + pw) + '" y1="' + sy(meta) + '" y2="' + sy(meta) + '"/>';
      etiquetas.push({ y: sy(meta) + 4, t: 'meta ' + num(String(meta)), color: null });
    }
    series.forEach(function (se, n) {
      var d = '', last = null;
      se.vals.forEach(function (x, i) {
        if (x === null) { last = null; return; }
        d += (last === null ? 'M' : 'L') + sx(i).toFixed(1) + ' ' + sy(x).toFixed(1) + ' ';
        last = i;
      });
      s += '<path d="' + d + '" fill="none" stroke="' + se.color + '" stroke-width="' + (n === 0 ? 3 : 2) + '"' + (n === 0 ? '' : ' stroke-dasharray="' + (n % 2 ? '' : '6 3') + '"') + '/>';
      var fin = -1;
      se.vals.forEach(function (x, i) {
        if (x === null) return;
        fin = i;
        s += '<circle cx="' + sx(i).toFixed(1) + '" cy="' + sy(x).toFixed(1) + '" r="3.5" fill="' + se.color + '"><title>' + esc((se.u.nivel === 'nacional' ? 'Nacional' : se.u.nombre) + ' ' + meses[i] + ': ' + x) + '</title></circle>';
      });
      if (fin >= 0) etiquetas.push({ y: sy(se.vals[fin]) + 4, t: (se.u.nivel === 'nacional' ? 'Nacional' : se.u.nombre).slice(0, 26) + ' ' + num(se.vals[fin]), color: se.color });
    });
    var ys = separar(etiquetas.map(function (e) { return e.y; }), 14);
    etiquetas.forEach(function (e, i) {
      s += '<text x="' + (L + pw + 8) + '" y="' + ys[i].toFixed(1) + '"' + (e.color ? ' style="fill:' + e.color + ';font-weight:600"' : '') + '>' + esc(e.t) + '</text>';
    });
    s += '<line class="eje" x1="' + L + '" x2="' + L + '" y1="' + T + '" y2="' + (T + ph) + '"/><line class="eje" x1="' + L + '" x2="' + (L + pw) + '" y1="' + (T + ph) + '" y2="' + (T + ph) + '"/></svg>';
    return s + '<p class="nota">Valor de la ventana que termina en cada mes; sin punto donde el extracto no cubre la ventana completa.</p>';
  }
  function cambio(x, r) {
    if (r[10] === null || r[10] === undefined) return '';
    var c = Number(r[10]);
    if (c === 0) return '<span title="sin cambio">= 0</span>';
    var mejora = (c > 0) === (x.sentido === 'mayor_es_mejor');
    return '<span class="' + (mejora ? 'cambio-mejora' : 'cambio-empeora') + '" title="' + (mejora ? 'mejora' : 'empeora') + ' respecto de ' + esc(r[8]) + '">' + (c > 0 ? '\u25B2 +' : '\u25BC ') + esc(num(r[10])) + '<span class="sr"> (' + (mejora ? 'mejora' : 'empeora') + ')</span></span>';
  }
  function pintarIndicador() {
    var ids = filtrados();
    var sel = $('sel-indicador');
    if (!ids.some(function (x) { return x.id === S.ind; })) S.ind = ids.length ? ids[0].id : '';
    sel.innerHTML = ids.map(function (x) { return '<option value="' + esc(x.id) + '"' + (x.id === S.ind ? ' selected' : '') + '>' + esc(x.id + ' \u2014 ' + x.nombre) + '</option>'; }).join('');
    if (!S.ind) { $('vista-indicador').innerHTML = '<p class="nota">Ning\u00FAn indicador cumple los filtros.</p>'; return; }
    var x = INDID[S.ind];
    var us = unidadesDe(S.indUnidades, true);
    var etq = [DIM[x.dimension] || x.dimension, 'componentes ' + x.componentes.join(', '), 'fases ' + x.fases.join(', '), x.unidad + (x.anualizar ? ' anualizado' : ''), 'ventana ' + x.ventana, x.sentido === 'mayor_es_mejor' ? 'mayor es mejor' : 'menor es mejor', x.meta === null ? 'sin meta' : 'meta ' + x.meta, 'verde \u2265 ' + x.umbrales.verde + '%, amarillo \u2265 ' + x.umbrales.amarillo + '% de la meta', 'peso ' + x.peso];
    var h = '<h3 id="titulo-indicador">' + botonDef(x.id, esc(x.id) + ' \u2014 ' + esc(x.nombre)) + '</h3><p class="resumen-ind">' + etq.map(function (t) { return '<span class="etq">' + esc(t) + '</span>'; }).join('') + '</p><p class="metodo">' + esc(x.metodo) + ' <i>' + esc(x.fuente) + '</i></p>';
    h += '<div class="tabla-scroll">' + barras(x.id, us) + '</div>';
    h += '<div class="tabla-scroll"><table id="tabla-indicador"><thead><tr><th scope="col">Unidad</th><th class="num" scope="col">Numerador</th><th class="num" scope="col">Denominador</th><th class="num" scope="col">Valor</th><th class="num" scope="col">Meta</th><th class="num" scope="col">Logro %</th><th scope="col">Sem\u00E1foro</th><th scope="col">Estado</th><th class="num" scope="col">Anterior</th><th class="num" scope="col">Cambio</th></tr></thead><tbody>';
    us.forEach(function (u) {
      var r = R[x.id] && R[x.id][u.id];
      if (!r) return;
      h += '<tr data-u="' + esc(u.id) + '"><th class="unidad" scope="row">' + nombreUnidad(u) + '</th><td class="num numerador">' + num(r[0]) + '</td><td class="num denominador">' + num(r[1]) + '</td><td class="num valor">' + num(r[2]) + '</td><td class="num meta">' + num(r[3]) + '</td><td class="num logro">' + num(r[4]) + '</td><td class="semaforo" data-semaforo="' + r[5] + '">' + chip(r[5], LABEL[r[5]]) + '</td><td class="estado">' + (ESTADO[r[6]] || r[6]) + '</td><td class="num anterior">' + num(r[9]) + '</td><td class="num cambio">' + cambio(x, r) + '</td></tr>';
    });
    h += '</tbody></table></div><h3>Evoluci\u00F3n mensual</h3><div class="tabla-scroll">' + lineas(x.id) + '</div>';
    $('vista-indicador').innerHTML = h;
  }

  // ------------------------------------------------------------------ definición (diálogo)
  function mostrarDef(id) {
    var x = INDID[id];
    if (!x) return;
    var dlg = $('dlg-def');
    $('dlg-contenido').innerHTML = '<h3>' + esc(x.id) + ' \u2014 ' + esc(x.nombre) + '</h3>' + ficha(x);
    if (typeof dlg.showModal === 'function') dlg.showModal(); else dlg.setAttribute('open', '');
  }

  // ------------------------------------------------------------------ wiring
  function todo() { pintarResumen(); pintarRanking(); pintarMatriz(); pintarIndicador(); }
  function opcionesIndice() {
    var h = '';
    var all = [['global', 'todos']].concat(D.componentes.map(function (c) { return ['componente', c]; }), D.fases.map(function (f) { return ['fase', String(f)]; }), D.dimensiones.map(function (d) { return ['dimension', d]; }));
    all.forEach(function (g) { var v = g[0] + '|' + g[1]; h += '<option value="' + esc(v) + '"' + (v === S.indice ? ' selected' : '') + '>' + esc(grupoNombre(g[0], g[1])) + '</option>'; });
    $('sel-indice').innerHTML = h;
  }
  $('sel-unidades').innerHTML = opcionesUnidades(S.unidades);
  $('sel-unidades-ind').innerHTML = opcionesUnidades(S.indUnidades);
  $('sel-entidad-ranking').innerHTML = ENTIDADES.map(function (e) { return '<option value="' + esc(e.clave) + '">' + esc(e.nombre) + '</option>'; }).join('');
  opcionesIndice();

  function on(id, ev, f) { $(id).addEventListener(ev, f); }
  on('f-componente', 'change', function (e) { S.comp = e.target.value; todo(); });
  on('f-fase', 'change', function (e) { S.fase = e.target.value; todo(); });
  on('f-dimension', 'change', function (e) { S.dim = e.target.value; todo(); });
  on('ver-dim', 'change', function (e) { S.verDim = e.target.checked; pintarResumen(); });
  on('f-limpiar', 'click', function () {
    S.comp = S.fase = S.dim = '';
    $('f-componente').value = $('f-fase').value = $('f-dimension').value = '';
    todo();
  });
  on('sel-unidades', 'change', function (e) { S.unidades = e.target.value; pintarMatriz(); });
  on('sel-unidades-ind', 'change', function (e) { S.indUnidades = e.target.value; pintarIndicador(); });
  on('sel-indicador', 'change', function (e) { S.ind = e.target.value; pintarIndicador(); });
  on('sel-indice', 'change', function (e) { S.indice = e.target.value; pintarRanking(); });
  on('sel-entidad-ranking', 'change', function (e) { S.entRank = e.target.value; pintarRanking(); pintarIndicador(); });
  on('dlg-cerrar', 'click', function () { $('dlg-def').close(); });
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('[data-toggle],[data-def],[data-ver]') : null;
    if (!t) return;
    if (t.hasAttribute('data-toggle')) {
      var id = t.getAttribute('data-toggle');
      abiertos[id] = !abiertos[id];
      if (!abiertos[id]) Object.keys(abiertos).forEach(function (k) { if (UID[k] && UID[id] && UID[k].nivel === 'region' && UID[k].entidad === UID[id].clave) abiertos[k] = false; });
      pintarResumen();
      var b = document.querySelector('[data-toggle="' + id + '"]');
      if (b) b.focus();
    } else if (t.hasAttribute('data-def')) {
      mostrarDef(t.getAttribute('data-def'));
    }
  });
  todo();
  document.body.setAttribute('data-listo', 'si');
})();
`;
