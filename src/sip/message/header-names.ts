// Header names: compact forms (RFC 3261 §7.3.3 and the registry of later RFCs), canonical
// capitalisation, and which headers carry comma-separated lists (RFC 3261 §7.3.1: only headers
// whose grammar is `#(values)` may be combined into one line or split into many).

/** Compact form → long name (IANA "Header Fields" registry, compact column). */
const COMPACT: Record<string, string> = {
  a: 'Accept-Contact', b: 'Referred-By', c: 'Content-Type', d: 'Request-Disposition',
  e: 'Content-Encoding', f: 'From', i: 'Call-ID', j: 'Reject-Contact', k: 'Supported',
  l: 'Content-Length', m: 'Contact', o: 'Event', r: 'Refer-To', s: 'Subject', t: 'To',
  u: 'Allow-Events', v: 'Via', x: 'Session-Expires', y: 'Identity',
};

const WELL_KNOWN = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Accept-Resource-Priority',
  'Alert-Info', 'Allow', 'Allow-Events', 'Authentication-Info', 'Authorization', 'Call-ID',
  'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding', 'Content-ID',
  'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Diversion', 'Error-Info',
  'Event', 'Expires', 'From', 'Geolocation', 'History-Info', 'Identity', 'Identity-Info',
  'In-Reply-To', 'Join', 'Max-Breadth', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE',
  'Organization', 'P-Asserted-Identity', 'P-Associated-URI', 'P-Called-Party-ID',
  'P-Charging-Vector', 'P-Preferred-Identity', 'Path', 'Priority', 'Privacy',
  'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To', 'Request-Disposition',
  'Require', 'Resource-Priority', 'Retry-After', 'Route', 'RSeq', 'Security-Client',
  'Security-Server', 'Security-Verify', 'Server', 'Service-Route', 'Session-Expires', 'SIP-ETag',
  'SIP-If-Match', 'Subject', 'Subscription-State', 'Supported', 'Target-Dialog', 'Timestamp', 'To',
  'Unsupported', 'User-Agent', 'Via', 'Warning', 'WWW-Authenticate',
];

/**
 * Headers whose ABNF is a comma-separated list. Deliberately absent: From, To, Call-ID, CSeq,
 * Date, the *-Authenticate and *-Authorization headers (their parameters are comma-separated
 * inside ONE value), Refer-To, Referred-By, Event, Subscription-State, Retry-After.
 */
const LIST_HEADERS = new Set([
  'accept', 'accept-contact', 'accept-encoding', 'accept-language', 'accept-resource-priority',
  'alert-info', 'allow', 'allow-events', 'call-info', 'contact', 'content-encoding',
  'content-language', 'diversion', 'error-info', 'history-info', 'in-reply-to',
  'p-asserted-identity', 'p-associated-uri', 'p-preferred-identity', 'path', 'proxy-require',
  'reason', 'record-route', 'reject-contact', 'request-disposition', 'require', 'resource-priority',
  'route', 'security-client', 'security-server', 'security-verify', 'service-route', 'supported',
  'unsupported', 'via', 'warning',
]);

// Lookup tables keyed by both the canonical spelling and the lower-cased one, so the common case
// (a name already canonical) costs one Map lookup and no string allocation.
const CANONICAL = new Map<string, string>();
const KEY = new Map<string, string>();
for (const name of WELL_KNOWN) {
  CANONICAL.set(name.toLowerCase(), name);
  CANONICAL.set(name, name);
  KEY.set(name, name.toLowerCase());
  KEY.set(name.toLowerCase(), name.toLowerCase());
}
for (const [short, long] of Object.entries(COMPACT)) {
  CANONICAL.set(short, long);
  CANONICAL.set(short.toUpperCase(), long);
  KEY.set(short, long.toLowerCase());
  KEY.set(short.toUpperCase(), long.toLowerCase());
}

/** Canonical long name: `v` → `Via`, `call-id` → `Call-ID`; unknown names are kept as written. */
export function canonicalName(name: string): string {
  return CANONICAL.get(name) ?? CANONICAL.get(name.toLowerCase()) ?? name;
}

/** Comparison key: the lower-cased long name, so `v`, `VIA` and `Via` compare equal. */
export function headerKey(name: string): string {
  const known = KEY.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  return KEY.get(lower) ?? lower;
}

/** True when `key` (from headerKey) names a comma-list header. */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
