import { exchangeExport, type ExportedExchange } from '../observability/exchange-export.js';

/**
 * "Copy as curl" and "copy as explain" for one exchange. Neither ever carries a key: curl reads it from
 * $JUMPCLOUD_API_KEY when the shell runs it, and explain replays against its in-process emulator, which needs none.
 */

/** POSIX single quoting: nothing inside is expanded by the shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(e: Pick<ExportedExchange, 'method' | 'url' | 'requestBody'>, origin: string): string {
  const lines = [
    `curl -sS -X ${e.method.toUpperCase()} ${shellQuote(origin + e.url)}`,
    // Double quotes on purpose: the shell substitutes the key at run time, so it is never on the page or the clipboard.
    '-H "Authorization: Bearer $JUMPCLOUD_API_KEY"',
    "-H 'Accept: application/scim+json'",
  ];
  if (e.requestBody !== undefined) {
    lines.push(
      "-H 'Content-Type: application/scim+json'",
      `--data-binary ${shellQuote(typeof e.requestBody === 'string' ? e.requestBody : JSON.stringify(e.requestBody))}`,
    );
  }
  return `${lines.join(' \\\n  ')}\n`;
}

/** The delimiter cannot occur in the document: compact JSON is one line, and that line starts with '{'. */
const HEREDOC = 'SCIM_EXCHANGE';

/**
 * A one-exchange export fed to `explain --replay -` on standard input. The replay seeds explain's emulator with
 * the users and groups JumpCloud returned in this exchange, so a PATCH or a conflict reproduces without a tenant.
 */
export function explainCommand(e: ExportedExchange, secrets: readonly string[]): string {
  const file = JSON.stringify(exchangeExport([e], secrets, `copied from the debug page (exchange ${e.seq ?? e.id})`));
  return `npm run --silent explain -- --replay - <<'${HEREDOC}'\n${file}\n${HEREDOC}\n`;
}
