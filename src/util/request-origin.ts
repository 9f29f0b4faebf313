/** What of an HTTP request its origin is read from (an Express request, after `trust proxy` applied). */
interface OriginSource {
  /** The protocol, X-Forwarded-Proto's when the hop is trusted. */
  protocol: string;
  socket: unknown;
  get(name: 'host'): string | undefined;
}

/**
 * The origin the client used, for URLs the bridge hands out (`Location`, `meta.location`, copy-as-curl). A forwarded
 * protocol other than http or https is not one a client could follow (`javascript`, or text meant to break the URL):
 * the connection's own protocol is used instead.
 */
export function requestOrigin(req: OriginSource): string {
  const forwarded = req.protocol.toLowerCase();
  const own = (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  const protocol = forwarded === 'http' || forwarded === 'https' ? forwarded : own;
  return `${protocol}://${req.get('host') ?? 'localhost'}`;
}
