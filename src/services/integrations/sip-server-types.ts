// What `openum integrate sip-server` (POST /api/integrations/sip-server) decides and reports: the
// facts the peer-side configuration is printed from, the changes made to the store, and the
// mutual-TLS checks. The seeds' ExchUcUtil/OcsUmUtil role, for any SIP server.

export const SIP_SERVER_KINDS = ['kamailio', 'asterisk', 'generic'] as const;
export type SipServerKind = (typeof SIP_SERVER_KINDS)[number];

/** A number the SIP server sends to OpenUM, and what it is. */
export interface RoutedNumber {
  /** +digits / digits as the dial plan stores it, or the user part of a sip: access number */
  number: string;
  kind: 'subscriber-access' | 'auto-attendant';
  /** dial plan, or auto attendant name */
  name: string;
  dialPlan: string;
}

/** Everything a peer configuration needs, read from the store and the request. */
export interface PeerFacts {
  kind: SipServerKind;
  /** the SIP server's FQDN: the UM IP gateway's address and the name in its TLS certificate */
  fqdn: string;
  /** where the SIP server listens (its TLS port is the one OpenUM connects to for MWI and Play on Phone) */
  listen: { address: string | null; tlsPort: number };
  /** the Call Router: host (a stored SIP address, else the server FQDN), TLS port, the server FQDN its certificate names */
  callRouter: { host: string; tlsPort: number; fqdn: string };
  /** the domain of the users' SIP URIs on the SIP URI dial plan(s), for the Diversion header; null when no user has one */
  sipDomain: string | null;
  numbers: RoutedNumber[];
  /** where unanswered calls go: the first subscriber access number, else null (then the called user's own URI) */
  voiceMailPilot: string | null;
  dialPlans: { name: string; voipSecurity: string }[];
}

export interface MtlsCheck {
  what: string;
  ok: boolean;
  detail: string;
  /** set when not ok: the command (or API call) that fixes it; nothing is changed for the operator */
  fix?: string;
}

export type ChangeState = 'created' | 'updated' | 'unchanged';

export interface SipServerIntegration {
  kind: SipServerKind;
  fqdn: string;
  gateway: { name: string; address: string; port: number; state: ChangeState };
  huntGroups: { name: string; dialPlan: string; pilotIdentifier: string; state: ChangeState }[];
  trustedRoots: { thumbprint: string; subject: string; state: 'added' | 'unchanged' }[];
  /** false when this run changed nothing (it had all been done before) */
  changed: boolean;
  checks: MtlsCheck[];
  /** true when every check passed */
  ready: boolean;
  /** the peer-side configuration files, in the order to read them */
  files: { name: string; text: string }[];
}
