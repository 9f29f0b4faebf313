import type { UpstreamCall } from '../jumpcloud/observed.js';
import type { AttributeRow } from '../mapping/attribute-table.js';
import type { AttributeDef, SchemaDef } from '../scim/schema.js';
import type { BufferedExchange } from './exchange-buffer.js';

/**
 * Server-side HTML for the debug page. Everything shown comes from SCIM clients and JumpCloud, i.e. from
 * people who may be hostile, so every value goes through `escapeHtml` and nothing is ever placed in an
 * attribute without quoting. The page's script only inserts fragments produced here.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

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
  const flags = [call.dryRun ? '<span class="tag dry">dry run</span>' : '', call.error ? `<span class="tag err">${escapeHtml(call.error)}</span>` : ''].join('');
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

export function renderExchange(e: BufferedExchange): string {
  const upstream = e.upstream.length
    ? `<ol class="upstream-list">${e.upstream.map(upstreamRow).join('')}</ol>`
    : '<p class="none">no JumpCloud calls</p>';
  const tags = [e.dryRun ? '<span class="tag dry">DRY_RUN</span>' : '', e.traced ? '<span class="tag trace">traced</span>' : ''].join('');
  return (
    `<article class="exchange" data-seq="${escapeHtml(e.seq)}">` +
    '<header>' +
    `<span class="method">${escapeHtml(e.method)}</span> ` +
    `<span class="url">${escapeHtml(e.url)}</span> ` +
    `<span class="status ${statusClass(e.status)}">${escapeHtml(e.status)}</span> ` +
    `<span class="duration">${escapeHtml(e.durationMs)} ms</span> ` +
    `<time>${escapeHtml(e.at)}</time> <span class="rid">${escapeHtml(e.id)}</span>${tags}` +
    '</header>' +
    body('SCIM request body', e.requestBody) +
    body('SCIM response body', e.responseBody) +
    upstream +
    '</article>'
  );
}

export function renderExchanges(list: readonly BufferedExchange[]): string {
  return list.map(renderExchange).join('');
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
 * Polls for exchanges newer than the newest one shown and prepends the server-rendered (escaped) fragment.
 * Polling rather than SSE: it survives proxies that buffer streams and needs no connection bookkeeping.
 */
const LIVE_SCRIPT = `
(function(){
  var list=document.getElementById('exchanges');var state=document.getElementById('state');
  function newest(){var f=list.querySelector('article.exchange');return f?Number(f.getAttribute('data-seq')):Number(list.getAttribute('data-last')||0);}
  function tick(){
    fetch('/debug/exchanges/fragment?after='+newest(),{credentials:'same-origin',cache:'no-store'})
      .then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.text();})
      .then(function(html){
        if(html){var empty=document.getElementById('empty');if(empty)empty.remove();list.insertAdjacentHTML('afterbegin',html);}
        var items=list.querySelectorAll('article.exchange');var max=Number(list.getAttribute('data-capacity'));
        for(var i=max;i<items.length;i++)items[i].remove();
        state.textContent='live \\u00b7 updated '+new Date().toLocaleTimeString();
      })
      .catch(function(e){state.textContent='live view paused: '+e.message;})
      .then(function(){setTimeout(tick,2000);});
  }
  setTimeout(tick,2000);
})();
`;

export function renderPage(list: readonly BufferedExchange[], opts: { nonce: string; capacity: number; last: number; dryRun: boolean }): string {
  const intro =
    `<p>The last ${escapeHtml(opts.capacity)} SCIM requests this bridge handled, newest first, with each JumpCloud call they turned into. ` +
    `Secrets are masked. ${opts.dryRun ? '<strong>DRY_RUN is on: writes are computed, not sent.</strong>' : ''}</p>`;
  const items = list.length ? renderExchanges(list) : '<p id="empty" class="none">No SCIM requests yet. Send one and it appears here.</p>';
  return layout(
    'jumpcloud-scim-bridge · debug',
    opts.nonce,
    `${intro}<section id="exchanges" data-last="${escapeHtml(opts.last)}" data-capacity="${escapeHtml(opts.capacity)}">${items}</section>`,
    LIVE_SCRIPT,
  );
}

function targetText(row: AttributeRow): string {
  return row.target.kind === 'field' ? row.target.field : `attributes.${row.target.name}`;
}

function flatten(attrs: readonly AttributeDef[], prefix = ''): { name: string; def: AttributeDef }[] {
  return attrs.flatMap((a) => [{ name: prefix + a.name, def: a }, ...flatten(a.subAttributes ?? [], `${prefix}${a.name}.`)]);
}

export function renderMapping(rows: readonly AttributeRow[], schemas: readonly SchemaDef[], nonce: string, mappingFile: string): string {
  const table =
    '<table><thead><tr><th>SCIM path</th><th>JumpCloud field</th><th>codec</th><th>required</th><th>mutability</th><th>uniqueness</th><th>caseExact</th><th>description</th></tr></thead><tbody>' +
    rows
      .map(
        (r) =>
          `<tr><td class="mono">${escapeHtml(r.scim)}</td><td class="mono">${escapeHtml(targetText(r))}</td><td>${escapeHtml(r.codecName)}</td>` +
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
    `<h2>Attribute table</h2><p>Rows of <code>${escapeHtml(mappingFile)}</code>, in order: where each SCIM attribute is kept in JumpCloud.</p>${table}` +
      `<h2>Generated /Schemas attributes</h2>${schemaTables}`,
  );
}
