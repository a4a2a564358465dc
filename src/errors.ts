// One registry of coded errors (see ../shared/STYLE.md, "Errors"). Every code has a one-line
// description here and an entry in docs/errors.md; test/errors.test.ts checks both.
// The CLI prints `error: <message>` and exits with the code's exit status; the admin API answers
// with the code's HTTP status and `{ error: code, message: apiMessage }` (see ErrorHints).

export const ERROR_CODES = {
  BAD_ARGUMENT: { http: 400, exit: 2, doc: 'A command-line or API argument is missing or malformed.' },
  UNKNOWN_COMMAND: { http: 404, exit: 2, doc: 'The command or sub-command does not exist.' },
  FILE_NOT_FOUND: { http: 400, exit: 3, doc: 'A file named on the command line does not exist or cannot be read.' },
  FILE_EXISTS: { http: 409, exit: 3, doc: 'An output file already exists and --force was not given.' },
  BAD_SUBJECT: { http: 400, exit: 2, doc: 'The X.500 subject string cannot be parsed or has no CN.' },
  BAD_DOMAIN: { http: 400, exit: 2, doc: 'A domain name given for the subject alternative names is not a valid DNS name.' },
  BAD_KEY_SIZE: { http: 400, exit: 2, doc: 'The key size is not one of 1024, 2048 or 4096.' },
  FRIENDLY_NAME_TOO_LONG: { http: 400, exit: 2, doc: 'The friendly name has 64 characters or more.' },
  UNRECOGNISED_CERTIFICATE_FILE: { http: 400, exit: 4, doc: 'The file is not PEM, DER, PKCS#7 or PKCS#12 certificate data.' },
  NO_CERTIFICATE_IN_FILE: { http: 400, exit: 4, doc: 'The file holds no certificate (for example only a private key).' },
  PASSWORD_REQUIRED: { http: 400, exit: 4, doc: 'The file is password-protected and no password was given.' },
  BAD_PASSWORD: { http: 400, exit: 4, doc: 'The password does not open the PKCS#12/PFX file.' },
  UNSUPPORTED_KEY: { http: 400, exit: 4, doc: 'The private or public key type is not supported (RSA and EC are).' },
  KEY_MISMATCH: { http: 400, exit: 4, doc: 'The private key in the file does not belong to the certificate.' },
  REQUEST_KEY_MISMATCH: { http: 409, exit: 4, doc: 'The certificate is for the subject of a pending request but for another key, so it cannot complete that request.' },
  BAD_CRL: { http: 400, exit: 4, doc: 'The file is not a certificate revocation list, or its signature does not verify.' },
  CERTIFICATE_NOT_FOUND: { http: 404, exit: 5, doc: 'No certificate or request has that thumbprint.' },
  CERTIFICATE_EXISTS: { http: 409, exit: 5, doc: 'A certificate with that thumbprint is already in the store.' },
  TRUSTED_ROOT_NOT_FOUND: { http: 404, exit: 5, doc: 'No trusted root has that thumbprint.' },
  TRUSTED_ROOT_IN_USE: { http: 409, exit: 6, doc: 'A certificate serving IIS, UM or UMCallRouter chains to this trusted root; removing it needs --force (API: ?force=true).' },
  NOT_A_CA: { http: 400, exit: 4, doc: 'A certificate added as a trusted root is not a CA certificate.' },
  KEY_NOT_EXPORTABLE: { http: 409, exit: 6, doc: 'The private key was not marked exportable, so no PFX can be made.' },
  PASSWORD_NEEDED_FOR_KEY: { http: 400, exit: 2, doc: 'Exporting a private key needs --password to protect the PFX.' },
  UNKNOWN_SERVICE: { http: 400, exit: 2, doc: 'A service name is not one of IIS, SMTP, IMAP, POP, UM, UMCallRouter.' },
  STARTUP_MODE_TCP: { http: 409, exit: 6, doc: 'UM or UMCallRouter cannot use a certificate while its startup mode is TCP.' },
  TLS_NEEDED_BY_DIAL_PLAN: { http: 409, exit: 6, doc: 'Startup mode TCP is refused while a SIPSecured or Secured dial plan needs TLS (its calls would get 503).' },
  WILDCARD_NOT_ALLOWED: { http: 409, exit: 6, doc: 'A wildcard certificate cannot be assigned to IMAP or POP (or used as UM/UMCallRouter CN).' },
  CERTIFICATE_NOT_VALID: { http: 409, exit: 6, doc: 'Only a certificate whose status is Valid can be assigned to services.' },
  NO_PRIVATE_KEY: { http: 409, exit: 6, doc: 'The certificate has no private key in the store, so no service can use it.' },
  FQDN_MISMATCH: { http: 409, exit: 6, doc: "For UM and UMCallRouter the certificate must name each node's FQDN, as its subject CN or a subject alternative name (wildcards do not count)." },
  CONFIRMATION_REQUIRED: { http: 409, exit: 6, doc: 'Replacing the SMTP certificate needs confirmation (--force when not on a terminal).' },
  CERTIFICATE_IN_USE: { http: 409, exit: 6, doc: 'The certificate is assigned to services and cannot be removed.' },
  NOT_A_REQUEST: { http: 409, exit: 6, doc: 'The operation needs a pending certificate request.' },
  PORT_NOT_CHANGEABLE: { http: 400, exit: 2, doc: 'The UM service SIP ports 5062/5063 are fixed by design.' },
  BAD_SETTING: { http: 400, exit: 2, doc: 'A setting name is unknown or its value is not allowed.' },
  DIAL_PLAN_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM dial plan has that name.' },
  IP_GATEWAY_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM IP gateway has that name.' },
  HUNT_GROUP_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM hunt group has that name (on that gateway).' },
  UM_USER_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM-enabled mailbox has that name.' },
  AUTO_ATTENDANT_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM auto attendant has that name.' },
  BAD_PIN: { http: 400, exit: 2, doc: "The PIN breaks the mailbox policy's rules (digits only, minimum length, common patterns, history)." },
  MAILBOX_POLICY_NOT_FOUND: { http: 404, exit: 5, doc: 'No UM mailbox policy has that name.' },
  VOICE_MESSAGE_NOT_FOUND: { http: 404, exit: 5, doc: 'No voice message has that id.' },
  AUDIO_NOT_FOUND: { http: 404, exit: 5, doc: 'The voice message has no audio (a missed call) or its audio file is missing from the data directory.' },
  BAD_AUDIO: { http: 400, exit: 4, doc: 'The audio is not a PCM WAV file, or it is longer than a greeting may be (5 minutes).' },
  OBJECT_EXISTS: { http: 409, exit: 5, doc: 'A dial plan, gateway, hunt group or user already has that name, address, access number, pilot identifier, extension, SIP URI or e-mail address.' },
  OBJECT_IN_USE: { http: 409, exit: 6, doc: 'The dial plan or mailbox policy is used by hunt groups or users (or their extensions/SIP URIs do not fit the change), or the policy is a dial plan\'s default, and it cannot be removed or changed that way.' },
  GATEWAY_FQDN_REQUIRED: { http: 409, exit: 6, doc: 'A UM IP gateway addressed by IP cannot serve a SIPSecured or Secured dial plan: mutual TLS identifies it by the FQDN in its certificate.' },
  OUTDIAL_NOT_ALLOWED: { http: 403, exit: 6, doc: "The number is outside the dial plan's outdialing rules (openum dialplan set DP --outdial-allowed), so no call is placed." },
  NO_OUTCALL_GATEWAY: { http: 409, exit: 6, doc: 'No enabled UM IP gateway of the dial plan allows outcalls (openum gateway set NAME --outcalls on).' },
  PLAY_ON_PHONE_NOT_FOUND: { http: 404, exit: 5, doc: 'No Play on Phone call has that id.' },
  UNAUTHORIZED: { http: 401, exit: 7, doc: 'The administrator token, the session cookie or the sign-in credentials are missing or wrong.' },
  FORBIDDEN: { http: 403, exit: 7, doc: 'The signed-in account may not do this: a user on an administrator route, or on another user\'s message or call.' },
  CSRF_TOKEN_INVALID: { http: 403, exit: 7, doc: 'A request signed in by the session cookie changes something without the x-csrf-token header of its session.' },
  ACCOUNT_LOCKED: { http: 403, exit: 7, doc: 'The web account is locked after too many wrong passwords (the mailbox policy\'s maximum logon attempts); an administrator must unlock it.' },
  TOO_MANY_REQUESTS: { http: 429, exit: 7, doc: 'Too many sign-in or password attempts in a short time, or too many failed authentications from one address; wait for the Retry-After seconds.' },
  TOO_LARGE: { http: 413, exit: 2, doc: 'The uploaded file or request body is over its size limit (100 MB for WAV bytes, less for JSON).' },
  INVITE_INVALID: { http: 400, exit: 2, doc: 'The invitation link is unknown, already used or expired; ask an administrator for a new one.' },
  WEAK_PASSWORD: { http: 400, exit: 2, doc: 'The new web password is too short (at least 10 characters) or too long (at most 200).' },
  ADMIN_TOKEN_NOT_FOUND: { http: 404, exit: 5, doc: 'No administrator token has that id.' },
  ADMIN_ACCOUNT_NOT_FOUND: { http: 404, exit: 5, doc: 'No administrator account has that name.' },
  NODE_NOT_FOUND: { http: 404, exit: 5, doc: 'No node of that name shares this store.' },
  NODE_LIVE: { http: 409, exit: 6, doc: 'The node is running (its heartbeat is recent), so it cannot be removed from the node list; stop it first.' },
  NODE_NOT_LIVE: { http: 409, exit: 6, doc: 'The node is not running (stopped, or no heartbeat for 6 s), so it cannot restart a role; start it (a start starts its roles afresh).' },
  ROLE_NOT_RUNNING: { http: 409, exit: 6, doc: 'The node does not run that role (openum start --roles), so there is nothing of it to restart.' },
  RESTART_IN_PROGRESS: { http: 409, exit: 6, doc: 'The node is already restarting a role; wait for it to finish (openum node list shows it).' },
  RESTART_FAILED: { http: 500, exit: 8, doc: 'The node did not finish a role restart: it stopped meanwhile, or did not take the request up; its log says why.' },
  RANGE_NOT_SATISFIABLE: { http: 416, exit: 2, doc: 'The Range header of an audio request is outside the audio or malformed.' },
  STORE_UNAVAILABLE: { http: 503, exit: 8, doc: 'The store (SQLite file or PostgreSQL server) cannot be opened or reached.' },
  BUSY: { http: 503, exit: 8, doc: 'As many uploads as the server takes at once are in flight; retry after the Retry-After seconds.' },
  DISK_FULL: { http: 507, exit: 8, doc: 'The disk holding the data directory (recordings, and the SQLite store) is full: nothing was changed; free space, then try again. Reads still answer.' },
  NOT_RUNNING: { http: 503, exit: 8, doc: 'The server, or its SIP roles, is not running on this data directory, so it has no calls in progress or refusals to show.' },
  MASTER_KEY_MISMATCH: { http: 500, exit: 8, doc: 'The master key does not decrypt the private keys in the store.' },
  INTERNAL: { http: 500, exit: 1, doc: 'An unexpected internal error; the log has the details.' },
} as const satisfies Record<string, { http: number; exit: number; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Where a message tells the reader what to do next, the CLI and the API say it in their own words:
 * `cli` names commands and flags, `api` names fields and routes. Each hint is appended to the
 * message: as it is when it starts with punctuation or a space ("; …", ": …", " (…)"), else after "; ".
 */
export interface ErrorHints {
  /** For `openum …` users, e.g. "'openum dialplan list' shows them". */
  cli?: string;
  /** For API clients, e.g. 'GET /api/dialplans lists them'; never a CLI flag. */
  api?: string;
}

export function withHint(message: string, hint: string | undefined): string {
  if (!hint) return message;
  return /^[\s;:,.()]/.test(hint) ? message + hint : `${message}; ${hint}`;
}

export class OpenUmError extends Error {
  readonly code: ErrorCode;
  /** The message for API clients: the same text with the API hint instead of the CLI one. */
  readonly apiMessage: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown } & ErrorHints) {
    super(withHint(message, options?.cli), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpenUmError';
    this.code = code;
    this.apiMessage = withHint(message, options?.api);
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

export function isOpenUmError(e: unknown): e is OpenUmError {
  return e instanceof OpenUmError;
}

/**
 * The shape of a component's own typed error (SIP transport, media codecs, SRTP): a code from the
 * component's list, kept beside it; the layer above maps it to an OpenUmError, a SIP status or a
 * dropped packet, so these codes never reach an operator as such.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  constructor(name: string, code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    this.code = code;
  }
}
