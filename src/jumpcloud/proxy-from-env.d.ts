// proxy-from-env ships no types; this is the one function the transport uses.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY and NO_PROXY in process.env, or '' when it is reached directly. */
  export function getProxyForUrl(url: string | URL): string;
}
