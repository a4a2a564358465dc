// The nodemailer transport for one delivery run, from the stored SMTP settings:
//   none              plain SMTP, STARTTLS never used
//   starttls          STARTTLS when the server offers it (RFC 3207), else plain
//   require-starttls  STARTTLS or no delivery (RFC 3207 §4: the client may refuse to go on)
//   tls               implicit TLS from the first byte (RFC 8314 §3.3, port 465)
// Whenever TLS is used the server's certificate must chain to the administrator's trust list
// (`openum trust add`) or a public root and name the configured host (RFC 6125); a server that
// asks for a client certificate gets the one enabled for the SMTP service (Enable-ExchangeCertificate
// -Services SMTP), with its key, as Exchange presents its SMTP certificate.
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { SmtpSettings } from '../../org/server-settings.js';
import type { KeyVault } from '../../pki/key-vault.js';
import { toPem } from '../../pki/pem.js';
import { tlsIdentity } from '../../pki/tls-identity.js';
import { loadTrustMaterial, systemRootCertificates } from '../../pki/trust-store.js';
import type { Database } from '../../store/schema.js';

export interface SmtpContext {
  db: Kysely<Database>;
  vault: KeyVault;
  serverName: string;
  /** EHLO name (RFC 5321 §4.1.1.1): the server's FQDN. */
  fqdn: string;
}

export interface SmtpTransportInfo {
  transport: Transporter<SMTPTransport.SentMessageInfo>;
  /** Thumbprint of the client certificate offered, if any. */
  clientCertificate: string | undefined;
}

export async function smtpTransport(ctx: SmtpContext, smtp: SmtpSettings & { host: string }): Promise<SmtpTransportInfo> {
  const [trust, identity] = await Promise.all([
    loadTrustMaterial(ctx.db),
    tlsIdentity(ctx.db, ctx.vault, ctx.serverName, 'SMTP'),
  ]);
  const ca = [...trust.peerRoots, ...systemRootCertificates()].map((der) => toPem('CERTIFICATE', der));
  const options: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    name: ctx.fqdn,
    secure: smtp.security === 'tls',
    ignoreTLS: smtp.security === 'none',
    requireTLS: smtp.security === 'require-starttls',
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    tls: {
      ca,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      // SNI is for names only (RFC 6066 §3); Node checks an IP host against the IP SANs.
      ...(isIP(smtp.host) ? {} : { servername: smtp.host }),
      ...(identity ? { cert: identity.certPem, key: identity.keyPem } : {}),
    },
  };
  return { transport: nodemailer.createTransport(options), clientCertificate: identity?.thumbprint };
}
