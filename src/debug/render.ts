import type { UpstreamCall } from '../jumpcloud/observed.js';
import type {
  Explanation,
  MappedAttribute,
  MappingTable,
  Rejection,
  ResourceMapping,
} from '../mapping/exchange-mapping.js';
import type { AttributeDef, SchemaDef } from '../scim/attribute-def.js';
import type { ExchangeNote } from '../observability/exchange.js';
import type { DriftCounter } from '../observability/drift-counter.js';
import type { PacerSnapshot } from '../jumpcloud/observed.js';
import type { BufferedExchange } from './exchange-buffer.js';
import type { ExchangeFilter, Subjects } from './exchange-filter.js';

/**
 * Server-side HTML for the debug page. Everything shown comes from SCIM clients and JumpCloud, i.e. from
 * people who may be hostile, so every value goes through `escapeHtml` and nothing is ever placed in an
 * attribute without quoting. The page's script only inserts fragments produced here.
 */

/** Where app.ts mounts the page; the page's links and script use it. */
export const DEBUG_PATH = '/debug';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? '';
}

function statusClass(status: number | undefined): string {
  if (status === undefined) return 's-none';
  if (status >= 500) return 's-5xx';
  if (status >= 400) return 's-4xx';
  return 's-2xx';
}

function body(label: string, value: unknown): string {
  if (value === undefined) return '';
  return `<details class="body"><summary>${escapeHtml(label)}</summary><pre>${escapeHtml(pretty(value))}</pre></details>`;
}

function queryText(query: UpstreamCall['query']): string {
  if (!query) return '';
  return `?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

function upstreamRow(call: UpstreamCall): string {
  const retries = Math.max(0, call.attempts - 1);
  const flags = [
    call.dryRun ? '<span class="tag dry">dry run</span>' : '',
    call.error ? `<span class="tag err">${escapeHtml(call.error)}</span>` : '',
  ].join('');
  return (
    '<li class="upstream">' +
    `<span class="method">${escapeHtml(call.method)}</span> ` +
    `<span class="path">${escapeHtml(call.path + queryText(call.query))}</span> ` +
    `<span class="status ${statusClass(call.status)}">${escapeHtml(call.status ?? 'no answer')}</span> ` +
    `<span class="duration">${escapeHtml(call.durationMs)} ms</span> ` +
    `<span class="retries">retries ${escapeHtml(retries)}</span>${flags}` +
    body('JumpCloud request body', call.requestBody) +
    body('JumpCloud response body', call.responseBody) +
    '</li>'
  );
}

/** What the page says about an exchange beyond its raw record; computed by the caller (see debug-page.ts). */
export interface ExchangeView {
  subjects: Subjects;
  explanation: Explanation;
}

function cell(value: unknown): string {
  return value === undefined ? '(none)' : (JSON.stringify(value) ?? String(value));
}

function mappingRow(r: MappedAttribute, patch: boolean): string {
  return (
    `<tr><td class="mono">${escapeHtml(r.scim)}</td><td class="mono">${escapeHtml(r.jumpcloud)} <span class="codec">[${escapeHtml(r.codec)}]</span></td>` +
    (patch ? `<td class="mono">${escapeHtml(cell(r.before))}</td>` : '') +
    `<td class="mono">${escapeHtml(cell(r.value))}</td><td class="mono">${escapeHtml(r.sent)}</td>` +
    `<td class="mono${r.storedDiffers ? ' differs' : ''}">${escapeHtml(r.stored)}${r.storedDiffers ? ' <span class="tag err">differs from sent</span>' : ''}</td></tr>`
  );
}

/** The same rows `explain` prints under "Attribute mapping", as a table. */
function renderMappingTable(m: MappingTable): string {
  const patch = m.operation === 'patch';
  const summary = `mapping: ${m.rows.length ? `${m.rows.length} attribute${m.rows.length === 1 ? '' : 's'}` : 'none'} (${escapeHtml(m.operation)})`;
  if (!m.rows.length)
    return `<details class="mapping"><summary>${summary}</summary><p class="none">${escapeHtml(m.note ?? 'no mapped attributes')}</p></details>`;
  return (
    `<details class="mapping"><summary>${summary}</summary><table class="map"><thead><tr><th>SCIM path</th><th>JumpCloud field</th>` +
    (patch ? '<th>before</th><th>after</th>' : '<th>SCIM value</th>') +
    '<th>value sent</th><th>value JumpCloud stored</th></tr></thead><tbody>' +
    m.rows.map((r) => mappingRow(r, patch)).join('') +
    '</tbody></table></details>'
  );
}

function renderRejection(r: Rejection): string {
  return `<p class="rule"><span class="tag err">rejected: HTTP ${escapeHtml(r.status)}${r.scimType ? `, ${escapeHtml(r.scimType)}` : ''}</span> <strong>Rule and fix:</strong> <span class="detail">${escapeHtml(r.detail)}</span></p>`;
}

function subjectChips(s: Subjects): string {
  const chips = s.names.map((n) => [n.type.toLowerCase(), n.name]).slice(0, 3);
  return chips
    .map(
      ([kind, name]) =>
        `<button type="button" class="subject" data-q="${escapeHtml(name)}" title="show only exchanges about this ${escapeHtml(kind)}">${escapeHtml(kind)} ${escapeHtml(name)}</button>`,
    )
    .join('');
}

export function renderExchange(
  e: BufferedExchange,
  view: ExchangeView = { subjects: { resource: '', names: [], ids: [] }, explanation: {} },
): string {
  const upstream = e.upstream.length
    ? `<ol class="upstream-list">${e.upstream.map(upstreamRow).join('')}</ol>`
    : '<p class="none">no JumpCloud calls</p>';
  const tags = [
    e.dryRun ? '<span class="tag dry">DRY_RUN</span>' : '',
    e.traced ? '<span class="tag trace">traced</span>' : '',
  ].join('');
  const { explanation } = view;
  return (
    `<article class="exchange${e.status >= 400 ? ' failed' : ''}" data-seq="${escapeHtml(e.seq)}">` +
    '<header>' +
    `<span class="method">${escapeHtml(e.method)}</span> ` +
    `<span class="url">${escapeHtml(e.url)}</span> ` +
    `<span class="status ${statusClass(e.status)}">${escapeHtml(e.status)}</span> ` +
    `<span class="duration">${escapeHtml(e.durationMs)} ms</span> ` +
    `<time>${escapeHtml(e.at)}</time> <span class="rid">${escapeHtml(e.id)}</span>${tags}${subjectChips(view.subjects)}` +
    '</header>' +
    (explanation.rejection ? renderRejection(explanation.rejection) : '') +
    renderNotes(e.notes) +
    (explanation.mapping ? renderMappingTable(explanation.mapping) : '') +
    '<div class="actions"><button type="button" data-copy="curl">copy as curl</button><button type="button" data-copy="explain">copy as explain</button><span class="copy-state"></span></div>' +
    '<pre class="copied" hidden></pre>' +
    body('SCIM request body', e.requestBody) +
    body('SCIM response body', e.responseBody) +
    upstream +
    '</article>'
  );
}

export function renderExchanges(
  list: readonly BufferedExchange[],
  view?: (e: BufferedExchange) => ExchangeView,
): string {
  return list.map((e) => renderExchange(e, view?.(e))).join('');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}
header.top{background:#1f2a44;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:baseline}
header.top h1{font-size:17px;margin:0}header.top a{color:#cfe0ff}
main{padding:12px 16px}
.exchange{background:#fff;border:1px solid #d9dde3;border-radius:6px;margin:0 0 10px;padding:8px 10px}
.exchange header{font-family:ui-monospace,monospace;display:flex;flex-wrap:wrap;gap:6px;align-items:baseline}
.method{font-weight:700}.url,.path{word-break:break-all}
.status{padding:0 6px;border-radius:4px;font-weight:700}
.s-2xx{background:#dff5e3;color:#17612b}.s-4xx{background:#fff1d6;color:#8a5a00}.s-5xx,.s-none{background:#fde2e1;color:#9b1c1c}
.duration,.retries,time,.rid{color:#5f6b7a;font-size:12px}
.tag{font-size:11px;padding:0 5px;border-radius:3px;margin-left:4px}.dry{background:#e5e0ff;color:#4b2fb3}.trace{background:#dff0ff;color:#0b5394}.err{background:#fde2e1;color:#9b1c1c}
.upstream-list{margin:6px 0 0;padding-left:22px;font-family:ui-monospace,monospace;font-size:13px}
.upstream{margin:3px 0}.none{color:#5f6b7a;margin:6px 0 0}
details.body summary{cursor:pointer;color:#0b5394;font-size:12px}
pre{background:#f0f2f5;padding:8px;border-radius:4px;overflow:auto;max-height:360px;margin:4px 0}
table{border-collapse:collapse;background:#fff;margin-bottom:18px}th,td{border:1px solid #d9dde3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.mono{font-family:ui-monospace,monospace}
#state{font-size:12px;color:#cfe0ff}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:8px 10px;margin:0 0 10px}
form.filters input[type=search]{min-width:260px;padding:4px 6px}form.filters label{font-size:13px}
form.filters button,form.filters a.button,.actions button,button.subject{font:inherit;font-size:12px;padding:2px 8px;border:1px solid #b8c0cc;border-radius:4px;background:#f6f7f9;color:#1c1e21;cursor:pointer;text-decoration:none}
#count{color:#5f6b7a;font-size:12px}
.exchange.failed{border-left:4px solid #d93025}
button.subject{margin-left:6px;background:#eef4ff;border-color:#bcd0f5;color:#0b5394}
p.rule{margin:6px 0;padding:6px 8px;background:#fff4f4;border-radius:4px}
details.mapping summary{cursor:pointer;color:#0b5394;font-size:12px;font-weight:600}
table.map{margin:4px 0 6px;font-size:12px;width:100%;table-layout:fixed}table.map td{word-break:break-word}table.map td.differs{background:#fff1d6}.codec{color:#5f6b7a}
.actions{margin:6px 0 2px;display:flex;gap:6px;align-items:center}.copy-state{font-size:12px;color:#17612b}
pre.copied{max-height:160px;font-size:12px}
`;

function layout(title: string, nonce: string, content: string, script = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head><body>` +
    `<header class="top"><h1>${escapeHtml(title)}</h1><a href="/debug">exchanges</a><a href="/debug/mapping">mapping</a>` +
    '<a href="/debug/exchanges">JSON</a><span id="state"></span></header>' +
    `<main>${content}</main>` +
    (script ? `<script nonce="${escapeHtml(nonce)}">${script}</script>` : '') +
    '</body></html>'
  );
}

/**
 * The page's one script (allowed by its nonce). It never builds markup from data: lists come from the server as
 * escaped fragments, and copied commands are put in place with textContent.
 * Filtering happens on the server (the same code the export uses); the script only carries the form's values.
 * Live updates poll for exchanges newer than the newest one shown. Polling rather than SSE: it survives proxies
 * that buffer streams and needs no connection bookkeeping.
 */
const LIVE_SCRIPT = `
(function(){
  var base='${DEBUG_PATH}';
  var list=document.getElementById('exchanges'),state=document.getElementById('state'),form=document.getElementById('filters');
  var q=document.getElementById('q'),method=document.getElementById('method'),errors=document.getElementById('errors');
  var pause=document.getElementById('pause'),exp=document.getElementById('export'),count=document.getElementById('count');
  var paused=false,timer=null,generation=0,debounce=null;
  function params(){var p=new URLSearchParams();if(q.value.trim())p.set('q',q.value.trim());if(method.value)p.set('method',method.value);if(errors.checked)p.set('errors','1');return p;}
  function items(){return list.querySelectorAll('article.exchange');}
  function newest(){var f=list.querySelector('article.exchange');return f?Number(f.getAttribute('data-seq')):Number(list.getAttribute('data-last')||0);}
  function empty(){var p=document.createElement('p');p.id='empty';p.className='none';p.textContent=(q.value||method.value||errors.checked)?'No exchange in the buffer matches these filters.':'No SCIM requests yet. Send one and it appears here.';return p;}
  function refresh(){
    var n=items().length;if(!n&&!document.getElementById('empty'))list.appendChild(empty());if(n){var e=document.getElementById('empty');if(e)e.remove();}
    count.textContent=n+' shown';
    var p=params();p.set('upto',String(newest()));exp.setAttribute('href',base+'/export?'+p.toString());
    history.replaceState(null,'',base+(params().toString()?'?'+params().toString():''));
  }
  function say(text){state.textContent=text;}
  function reload(){
    var mine=++generation;var p=params();
    fetch(base+'/exchanges/fragment?'+p.toString(),{credentials:'same-origin',cache:'no-store'})
      .then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.text();})
      .then(function(html){if(mine!==generation)return;list.innerHTML=html;refresh();})
      .catch(function(e){say('could not load: '+e.message);});
  }
  function tick(){
    timer=null;if(paused)return;var mine=generation;var p=params();p.set('after',String(newest()));
    fetch(base+'/exchanges/fragment?'+p.toString(),{credentials:'same-origin',cache:'no-store'})
      .then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.text();})
      .then(function(html){
        if(mine!==generation||paused)return;
        if(html)list.insertAdjacentHTML('afterbegin',html);
        var all=items();var max=Number(list.getAttribute('data-capacity'));
        for(var i=max;i<all.length;i++)all[i].remove();
        refresh();say('live \\u00b7 updated '+new Date().toLocaleTimeString());
      })
      .catch(function(e){say('live view interrupted: '+e.message);})
      .then(function(){if(!paused&&!timer)timer=setTimeout(tick,2000);});
  }
  function setPaused(on){
    paused=on;pause.textContent=on?'resume':'pause';pause.setAttribute('aria-pressed',on?'true':'false');
    if(on){if(timer){clearTimeout(timer);timer=null;}say('paused \\u00b7 the list stays as it is');}else tick();
  }
  form.addEventListener('submit',function(e){e.preventDefault();reload();});
  q.addEventListener('input',function(){clearTimeout(debounce);debounce=setTimeout(reload,250);});
  method.addEventListener('change',reload);errors.addEventListener('change',reload);
  pause.addEventListener('click',function(){setPaused(!paused);});
  list.addEventListener('click',function(e){
    var t=e.target;if(!(t instanceof Element))return;
    var chip=t.closest('button.subject');
    if(chip){q.value=chip.getAttribute('data-q')||'';reload();return;}
    var b=t.closest('button[data-copy]');if(!b)return;
    var card=b.closest('article.exchange');var kind=b.getAttribute('data-copy');
    var out=card.querySelector('pre.copied'),note=card.querySelector('.copy-state');
    fetch(base+'/exchanges/'+encodeURIComponent(card.getAttribute('data-seq'))+'/'+kind,{credentials:'same-origin',cache:'no-store'})
      .then(function(r){if(!r.ok)throw new Error(r.status===404?'this exchange has left the buffer':'HTTP '+r.status);return r.text();})
      .then(function(text){
        out.textContent=text;out.hidden=false;out.setAttribute('data-kind',kind);
        var copied=navigator.clipboard&&window.isSecureContext?navigator.clipboard.writeText(text):Promise.reject(new Error('no clipboard'));
        return copied.then(function(){note.textContent='copied as '+kind;},function(){note.textContent='select the text below and copy it';});
      })
      .catch(function(e){note.textContent=e.message;});
  });
  refresh();timer=setTimeout(tick,2000);
})();
`;

export interface PageOptions {
  nonce: string;
  capacity: number;
  last: number;
  dryRun: boolean;
  filter: ExchangeFilter;
  /** How many exchanges the buffer holds, filtered or not. */
  total: number;
  /** Drift warnings since start (JumpCloud stored a value other than the one written). */
  drift?: DriftCounter;
  /** The registered resource types, whose naming attributes the search box matches. */
  mappings: readonly ResourceMapping[];
  /** The JumpCloud pacer's state per key, by org (never the key). */
  pace?: readonly PacerSnapshot[];
}

const orgName = (org: string | undefined): string => (org === undefined ? 'default org' : `org ${org}`);

/** How JumpCloud calls are paced now: the learned rate, the queue, a pause after a 429. */
function renderPace(readings: readonly PacerSnapshot[] | undefined): string {
  if (!readings) return '';
  if (readings.length === 0) return '<p class="pace none">JumpCloud pacing: no calls yet.</p>';
  const rows = readings.map((r) => {
    const rate = r.rate === undefined ? 'no limit learned yet' : `${escapeHtml(Math.round(r.rate * 10) / 10)} calls/s`;
    const paused = r.pausedMs > 0 ? `, <strong>paused ${escapeHtml(Math.ceil(r.pausedMs / 100) / 10)} s</strong>` : '';
    const who = r.proven ? orgName(r.org) : `${orgName(r.org)} (a key JumpCloud has not accepted yet)`;
    return `<li>${escapeHtml(who)}: ${rate}${paused}; ${escapeHtml(r.queued)} waiting, ${escapeHtml(r.inFlight)} in flight (limit ${escapeHtml(r.inFlightLimit)}); ${escapeHtml(r.throttles)} answers 429, ${escapeHtml(r.pauses)} pauses since start.</li>`;
  });
  return `<div class="pace"><p>JumpCloud pacing per API key:</p><ul>${rows.join('')}</ul></div>`;
}

function renderDrift(d: DriftCounter | undefined): string {
  if (!d) return '';
  if (d.total === 0)
    return '<p class="drift none">Drift warnings since start: 0 (JumpCloud stored every written value as sent).</p>';
  const per = [...d.byAttribute.entries()].map(([a, n]) => `${escapeHtml(a)}: ${escapeHtml(n)}`).join(', ');
  const last = d.last
    ? ` Last: ${escapeHtml(d.last.attribute)} sent ${escapeHtml(JSON.stringify(d.last.sent) ?? 'no value')}, stored ${escapeHtml(JSON.stringify(d.last.stored) ?? 'no value')} at ${escapeHtml(d.last.at)}.`
    : '';
  return `<p class="drift"><span class="tag err">drift</span> Drift warnings since start: <strong>${escapeHtml(d.total)}</strong> (${per}).${last} Entra re-writes a drifting attribute every cycle: see the exchanges' notes and the mapping.</p>`;
}

/** What a resource decided on the way (a drift, a kept username), warnings first. */
function renderNotes(notes: readonly ExchangeNote[] | undefined): string {
  if (!notes?.length) return '';
  const sorted = [...notes].sort((a, b) => (a.level === b.level ? 0 : a.level === 'warn' ? -1 : 1));
  return `<ul class="notes">${sorted.map((n) => `<li class="note ${escapeHtml(n.level)}"><span class="tag${n.level === 'warn' ? ' err' : ''}">${escapeHtml(n.kind)}</span> ${escapeHtml(n.message)}</li>`).join('')}</ul>`;
}

const METHOD_CHOICES = ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What the search box matches: the naming attribute of each registered type (its attribute table's), and ids. */
function searchHint(mappings: readonly ResourceMapping[]): string {
  return [...mappings.map((m) => `${m.schema.resourceType.toLowerCase()} ${m.nameAttribute}`), 'id'].join(', ');
}

function filterForm(f: ExchangeFilter, hint: string): string {
  return (
    '<form id="filters" class="filters" role="search">' +
    `<input type="search" id="q" name="q" placeholder="${escapeHtml(hint)}" aria-label="${escapeHtml(hint)}" value="${escapeHtml(f.text ?? '')}">` +
    `<label>method <select id="method" name="method">${METHOD_CHOICES.map((m) => `<option value="${m}"${(f.method ?? '') === m ? ' selected' : ''}>${m || 'any'}</option>`).join('')}</select></label>` +
    `<label><input type="checkbox" id="errors" name="errors" value="1"${f.errorsOnly ? ' checked' : ''}> errors only</label>` +
    '<button type="button" id="pause" aria-pressed="false">pause</button>' +
    `<a id="export" class="button" href="${DEBUG_PATH}/export" download>export shown as JSON</a>` +
    '<span id="count"></span>' +
    '</form>'
  );
}

export function renderPage(
  list: readonly BufferedExchange[],
  opts: PageOptions,
  view?: (e: BufferedExchange) => ExchangeView,
): string {
  const hint = searchHint(opts.mappings);
  const intro =
    `<p>The last ${escapeHtml(opts.capacity)} SCIM requests this bridge handled (${escapeHtml(opts.total)} in the buffer), newest first, with each JumpCloud call they turned into and their attribute mapping. ` +
    `Filter by ${escapeHtml(hint)}, or click a name. Secrets are masked. ${opts.dryRun ? '<strong>DRY_RUN is on: writes are computed, not sent.</strong>' : ''}</p>`;
  const items = list.length ? renderExchanges(list, view) : '';
  return layout(
    'jumpcloud-scim-bridge · debug',
    opts.nonce,
    `${intro}${renderDrift(opts.drift)}${renderPace(opts.pace)}${filterForm(opts.filter, hint)}<section id="exchanges" data-last="${escapeHtml(opts.last)}" data-capacity="${escapeHtml(opts.capacity)}">${items}</section>`,
    LIVE_SCRIPT,
  );
}

function flatten(attrs: readonly AttributeDef[], prefix = ''): { name: string; def: AttributeDef }[] {
  return attrs.flatMap((a) => [
    { name: prefix + a.name, def: a },
    ...flatten(a.subAttributes ?? [], `${prefix}${a.name}.`),
  ]);
}

/** The page of every registered resource type's table, in discovery order, and the /Schemas they generate. */
export function renderMapping(
  mappings: readonly ResourceMapping[],
  schemas: readonly SchemaDef[],
  nonce: string,
  mappingFile: string,
): string {
  const table = (m: ResourceMapping): string =>
    `<h3>${escapeHtml(m.schema.resourceType)} <span class="mono">${escapeHtml(m.schema.endpoint)}</span></h3>` +
    '<table><thead><tr><th>SCIM path</th><th>JumpCloud field</th><th>codec</th><th>required</th><th>mutability</th><th>uniqueness</th><th>caseExact</th><th>description</th></tr></thead><tbody>' +
    m.table
      .map(
        (r) =>
          `<tr><td class="mono">${escapeHtml(r.scim)}</td><td class="mono">${escapeHtml(r.jumpcloud)}</td><td>${escapeHtml(r.codec)}</td>` +
          `<td>${r.required ? 'yes' : ''}</td><td>${escapeHtml(r.mutability)}</td><td>${escapeHtml(r.uniqueness)}</td><td>${r.caseExact ? 'yes' : ''}</td>` +
          `<td>${escapeHtml(r.description)}</td></tr>`,
      )
      .join('') +
    '</tbody></table>';
  const schemaTables = schemas
    .map(
      (s) =>
        `<h3 class="mono">${escapeHtml(s.id)}</h3><table><thead><tr><th>attribute</th><th>type</th><th>multiValued</th><th>required</th><th>mutability</th><th>returned</th><th>uniqueness</th></tr></thead><tbody>` +
        flatten(s.attributes)
          .map(
            ({ name, def }) =>
              `<tr><td class="mono">${escapeHtml(name)}</td><td>${escapeHtml(def.type)}</td><td>${def.multiValued ? 'yes' : ''}</td><td>${def.required ? 'yes' : ''}</td>` +
              `<td>${escapeHtml(def.mutability)}</td><td>${escapeHtml(def.returned)}</td><td>${escapeHtml(def.uniqueness)}</td></tr>`,
          )
          .join('') +
        '</tbody></table>',
    )
    .join('');
  return layout(
    'jumpcloud-scim-bridge · mapping',
    nonce,
    `<h2>Attribute table</h2><p>Rows of <code>${escapeHtml(mappingFile)}</code>, in order: where each SCIM attribute is kept in JumpCloud.</p>${mappings.map(table).join('')}` +
      `<h2>Generated /Schemas attributes</h2>${schemaTables}`,
  );
}
