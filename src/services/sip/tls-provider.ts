// The TLS context for a SIP role, from the certificate enabled for its service (UMCallRouter for
// the Call Router, UM for the UM service and workers). `reload` builds the new context, checks it,
// then swaps it; connections already open keep the old one (STYLE.md "Certificate reload").
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Service } from '../../pki/services.js';
import { tlsIdentity } from '../../pki/tls-identity.js';
import { TLS_SERVER_OPTIONS } from '../../tls-policy.js';
import type { TlsProvider } from '../../sip/transport/types.js';
import type { OpenNode } from '../node.js';
import { requireServer } from '../node.js';

export class StoreTlsProvider implements TlsProvider {
  readonly #node: OpenNode;
  readonly #service: Service;
  readonly #log: Logger;
  #context: SecureContext | undefined;
  #thumbprint: string | undefined;

  constructor(node: OpenNode, service: Service, log: Logger) {
    this.#node = node;
    this.#service = service;
    this.#log = log;
  }

  get thumbprint(): string | undefined {
    return this.#thumbprint;
  }

  secureContext(): SecureContext | undefined {
    return this.#context;
  }

  /** Re-reads the store; returns true when the certificate changed. */
  async reload(): Promise<boolean> {
    const identity = await tlsIdentity(this.#node.store.db, this.#node.vault, requireServer(this.#node), this.#service);
    if (identity?.thumbprint === this.#thumbprint) return false;
    if (!identity) {
      this.#context = undefined;
      this.#thumbprint = undefined;
      this.#log.warn({ service: this.#service }, 'no certificate for TLS: TLS listeners refuse handshakes until one is enabled');
      return true;
    }
    // Building the context validates the pair; a failure leaves the old context in place.
    const context = createSecureContext({ cert: identity.certPem, key: identity.keyPem, ...TLS_SERVER_OPTIONS });
    this.#log.info({ service: this.#service, from: this.#thumbprint, to: identity.thumbprint }, 'SIP TLS certificate loaded');
    this.#context = context;
    this.#thumbprint = identity.thumbprint;
    return true;
  }
}
