// The SIP message model (RFC 3261 §7). Header values are kept as received text; typed views
// (Via, name-addr, CSeq, URI) are parsed on demand by the modules beside this file.

export interface SipUri {
  /** RFC 3261 §19.1 (sip, sips) and RFC 3966 (tel). */
  scheme: 'sip' | 'sips' | 'tel';
  /** User part (or the telephone number for tel:), unescaped. */
  user?: string;
  password?: string;
  /** Host name, IPv4 address, or IPv6 address WITHOUT brackets; for tel: empty. */
  host: string;
  port?: number;
  /** uri-parameters in order (`;transport=tls`, `;lr`): value null for a flag. Names lower-cased. */
  params: Map<string, string | null>;
  /** ?headers of the URI. */
  headers: Map<string, string>;
}

/** One header field as it appears: canonical long name (Via, not v), value trimmed and unfolded. */
export interface HeaderField {
  name: string;
  value: string;
}

export interface SipRequest {
  kind: 'request';
  method: string;
  /** Request-URI as text, as received. */
  uri: string;
  headers: HeaderField[];
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: HeaderField[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export interface Via {
  /** "UDP", "TCP", "TLS", "WS"… upper-cased. */
  transport: string;
  host: string;
  port?: number;
  params: Map<string, string | null>;
  /** params.get('branch') */
  branch?: string;
}

export interface NameAddr {
  displayName?: string;
  uri: string;
  /** header parameters after the URI (`;tag=…`). Names lower-cased. */
  params: Map<string, string | null>;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** Limits on untrusted input (STYLE.md "Untrusted bytes"). */
export interface ParseLimits {
  maxMessageBytes: number;
  maxHeaders: number;
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxMessageBytes: 65_535, maxHeaders: 128, maxLineBytes: 8_192 };
