// `openum certificate new|import|export|list|get|enable|remove`: the Exchange certificate
// cmdlets (New-, Import-, Export-, Get-, Enable-, Remove-ExchangeCertificate) for Linux.
import { createInterface } from 'node:readline/promises';
import { OpenUmError } from '../../errors.js';
import { getCertificate, listCertificates } from '../../pki/context.js';
import type { CertificateView } from '../../pki/certificate-view.js';
import { enableCertificate } from '../../pki/enable-certificate.js';
import { importCertificate } from '../../pki/import-certificate.js';
import { toPem } from '../../pki/pem.js';
import { removeCertificate } from '../../pki/remove-certificate.js';
import { parseServices } from '../../pki/services.js';
import { pkiContext } from '../../services/node.js';
import { flag, list, namePasswordFile, parse, password, PASSWORD_OPTIONS, readInputFile, str } from '../args.js';
import { printFields, printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { checkOutputFile, writeOutputFile } from '../write-file.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum certificate — certificates for IIS (admin API), SMTP, IMAP, POP, UM and UMCallRouter

  new [--subject "C=IT,O=Contoso,CN=um.contoso.com"] [--domain NAME]... [--key-size 1024|2048|4096]
      [--friendly-name TEXT] [--exportable] [--request [--out FILE] [--der]]
        self-signed certificate (default: CN=<server FQDN>, 5 years, SHA-256), or with --request a
        PKCS#10 request for your CA (printed, or written to --out); the key stays in the store
  import FILE [--password P | --password-file F] [--friendly-name TEXT] [--exportable]
        PEM (with chain and key), DER, PKCS#7 (.p7b) or PKCS#12 (.pfx/.p12, legacy RC2/3DES too);
        a certificate issued for a pending request completes it
  export THUMBPRINT --out FILE [--password P | --password-file F] [--der] [--chain] [--force]
        without a password: the public certificate (PEM, or DER) to import on a gateway/SBC;
        with a password: a PFX with the private key (only if the key is exportable);
        a pending request exports the request
  list [--json]                  every certificate and request, with its computed status
  get THUMBPRINT [--json]        one certificate in full
  enable THUMBPRINT --services UM,UMCallRouter,IIS,SMTP,IMAP,POP [--node NAME]... [--force]
        assign services (they are added, never removed; a service moves from its old certificate);
        on every node sharing the store (UM where a UM service runs, UMCallRouter where a Call
        Router runs), or only on the nodes named with --node; UM and UMCallRouter need the
        certificate to name each node's FQDN (CN or subject alternative name)
Nodes sharing a store share its certificates: what is made or imported once is listed and usable
on every node, and running nodes take an enabled certificate for new connections at once.
  remove THUMBPRINT              refused while a service uses it
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

const commands: CommandTable = {
  async new(argv) {
    const p = parse('certificate new', argv, {
      subject: { type: 'string' }, domain: { type: 'string', multiple: true }, 'key-size': { type: 'string' },
      'friendly-name': { type: 'string' }, exportable: { type: 'boolean' }, request: { type: 'boolean' },
      out: { type: 'string' }, der: { type: 'boolean' }, force: { type: 'boolean' },
    }, { min: 0, max: 0, usage: '[--subject X500] [--domain NAME]... [--key-size N] [--friendly-name T] [--exportable] [--request]' });
    if (p.values.help) return void console.log(HELP);
    if (!flag(p, 'request') && (str(p, 'out') || flag(p, 'der'))) {
      throw new OpenUmError('BAD_ARGUMENT', '--out and --der go with --request; to save a certificate use openum certificate export');
    }
    // Output problems are found before the request is made, so that they leave nothing behind.
    const requestOut = str(p, 'out');
    if (flag(p, 'der') && !requestOut) throw new OpenUmError('BAD_ARGUMENT', '--der needs --out FILE (binary data is not printed)');
    if (requestOut) checkOutputFile(requestOut, { force: flag(p, 'force') });
    const keySizeText = str(p, 'key-size');
    // Key generation (@peculiar/x509) and PFX writing are loaded by the commands that use them,
    // not by every 'openum certificate' command.
    const { newCertificate, parseKeySize } = await import('../../pki/new-certificate.js');
    const keySize = keySizeText === undefined ? undefined : parseKeySize(keySizeText);
    await withNode(p, async (node) => {
      const { view, request } = await newCertificate(pkiContext(node), {
        subject: str(p, 'subject'), domains: list(p, 'domain'), keySize,
        friendlyName: str(p, 'friendly-name'), exportable: flag(p, 'exportable'), request: flag(p, 'request'),
      });
      if (request) {
        const data = flag(p, 'der') ? request : Buffer.from(toPem('CERTIFICATE REQUEST', request));
        const out = str(p, 'out');
        if (out) writeOutputFile(out, data, { secret: false, force: flag(p, 'force') });
        else if (!flag(p, 'json')) process.stdout.write(data);
        if (flag(p, 'json')) return printJson({ ...view, request: toPem('CERTIFICATE REQUEST', request) });
        console.error(`pending request ${view.thumbprint} created${out ? ` and written to ${out}` : ''}; import the issued certificate to complete it`);
        return;
      }
      show(view, flag(p, 'json'));
    });
  },

  async import(argv) {
    const p = parse('certificate import', argv, { ...PASSWORD_OPTIONS, 'friendly-name': { type: 'string' }, exportable: { type: 'boolean' } },
      { min: 1, max: 1, usage: 'FILE [--password P] [--friendly-name T] [--exportable]' });
    if (p.values.help) return void console.log(HELP);
    const data = readInputFile(p.positionals[0] ?? '');
    const pw = password(p);
    await withNode(p, async (node) => {
      const r = await importCertificate(pkiContext(node), data, { password: pw, friendlyName: str(p, 'friendly-name'), exportable: flag(p, 'exportable') })
        .catch((e: unknown) => { throw namePasswordFile(e, str(p, 'password-file')); });
      if (flag(p, 'json')) return printJson(r);
      if (r.completedRequest) console.error(`completed pending request ${r.completedRequest}`);
      for (const w of r.warnings ?? []) console.error(`warning: ${w}`);
      show(r.view, false);
    });
  },

  async export(argv) {
    const p = parse('certificate export', argv, { ...PASSWORD_OPTIONS, out: { type: 'string' }, der: { type: 'boolean' }, chain: { type: 'boolean' }, force: { type: 'boolean' } },
      { min: 1, max: 1, usage: 'THUMBPRINT --out FILE [--password P] [--der] [--chain]' });
    if (p.values.help) return void console.log(HELP);
    const out = str(p, 'out');
    if (!out) throw new OpenUmError('BAD_ARGUMENT', "'openum certificate export' needs --out FILE");
    checkOutputFile(out, { force: flag(p, 'force') }); // before a key export is audited
    const pw = password(p);
    // Without a password the export is the public certificate (PEM/DER): named .pfx/.p12 it would
    // be a file that PKCS#12 readers cannot open.
    if (pw === undefined && /\.(pfx|p12)$/i.test(out)) {
      throw new OpenUmError('PASSWORD_NEEDED_FOR_KEY',
        `${out} would be a PFX, and a PFX with the private key needs --password P (or --password-file F); without one, export writes the public certificate: name it .pem${flag(p, 'der') ? ' or .cer' : ''}`);
    }
    const { exportCertificate } = await import('../../pki/export-certificate.js');
    await withNode(p, async (node) => {
      const r = await exportCertificate(pkiContext(node), p.positionals[0] ?? '', { password: pw, der: flag(p, 'der'), chain: flag(p, 'chain') });
      writeOutputFile(out, r.data, { secret: r.containsPrivateKey, force: flag(p, 'force') });
      const what = r.kind === 'pfx' ? 'PFX with the private key' : r.kind === 'request' ? 'certificate request' : 'public certificate';
      if (flag(p, 'json')) return printJson({ out, kind: r.kind, containsPrivateKey: r.containsPrivateKey, bytes: r.data.length });
      console.log(`wrote ${what} to ${out}`);
    });
  },

  async list(argv) {
    const p = parse('certificate list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const views = await listCertificates(pkiContext(node));
      if (flag(p, 'json')) return printJson(views);
      // Several nodes: what each node uses a certificate for; one node: its services, as before.
      const here = node.serverName;
      if (views.some((v) => v.nodes.some((n) => n.node !== here))) {
        return printTable(['THUMBPRINT', 'STATUS', 'SERVICES BY NODE', 'SUBJECT'],
          views.map((v) => [v.thumbprint, v.status, nodesText(v) || '-', v.subject]));
      }
      printTable(['THUMBPRINT', 'STATUS', 'SERVICES', 'SUBJECT'],
        views.map((v) => [v.thumbprint, v.status, servicesText(v) || '-', v.subject]));
    });
  },

  async get(argv) {
    const p = parse('certificate get', argv, {}, { min: 1, max: 1, usage: 'THUMBPRINT [--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getCertificate(pkiContext(node), p.positionals[0] ?? ''), flag(p, 'json')));
  },

  async enable(argv) {
    const p = parse('certificate enable', argv, { services: { type: 'string', multiple: true }, node: { type: 'string', multiple: true }, force: { type: 'boolean' } },
      { min: 1, max: 1, usage: 'THUMBPRINT --services UM,UMCallRouter,IIS,SMTP,IMAP,POP [--node NAME]... [--force]' });
    if (p.values.help) return void console.log(HELP);
    const services = parseServices(list(p, 'services'));
    const named = list(p, 'node');
    const nodes = named.length > 0 ? named : undefined;
    await withNode(p, async (node) => {
      const ctx = pkiContext(node);
      const thumbprint = p.positionals[0] ?? '';
      let view: CertificateView;
      try {
        view = await enableCertificate(ctx, thumbprint, services, { confirmSmtpReplace: flag(p, 'force'), nodes });
      } catch (e) {
        if (!(e instanceof OpenUmError && e.code === 'CONFIRMATION_REQUIRED' && process.stdin.isTTY && process.stderr.isTTY)) throw e;
        if (!(await confirm(`${e.message.split(';')[0]}. Replace the SMTP certificate? [y/N] `))) {
          throw new OpenUmError('CONFIRMATION_REQUIRED', 'not confirmed: nothing changed');
        }
        view = await enableCertificate(ctx, thumbprint, services, { confirmSmtpReplace: true, nodes });
      }
      show(view, flag(p, 'json'));
    });
  },

  async remove(argv) {
    const p = parse('certificate remove', argv, {}, { min: 1, max: 1, usage: 'THUMBPRINT' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeCertificate(pkiContext(node), p.positionals[0] ?? '');
      if (flag(p, 'json')) return printJson({ removed: p.positionals[0] });
      console.log(`removed ${p.positionals[0]}`);
    });
  },

  async disable() {
    throw new OpenUmError('UNKNOWN_COMMAND',
      'services are never removed from a certificate; enable another certificate for the service instead (openum certificate enable THUMBPRINT --services …)');
  },
};

export const certificateCommand = (argv: string[]) => runSubcommand('certificate', commands, argv, HELP);

function servicesText(v: { services: string[]; defaultFor: string[] }): string {
  return [...v.services, ...v.defaultFor.map((s) => `${s} (default)`)].join(', ');
}

function nodesText(v: CertificateView): string {
  return v.nodes.map((n) => `${n.node}: ${servicesText(n)}`).join('; ');
}

function show(v: CertificateView, json: boolean): void {
  if (json) return printJson(v);
  const others = v.nodes.length > 1 || v.nodes.some((n) => n.services.join() !== v.services.join() || n.defaultFor.join() !== v.defaultFor.join());
  printFields([
    ['Thumbprint', v.thumbprint], ['FriendlyName', v.friendlyName], ['Subject', v.subject], ['Issuer', v.issuer],
    ['CertificateDomains', v.domains], ['Services', servicesText(v) || 'None'], ...(others ? [['Nodes', nodesText(v)] as [string, string]] : []),
    ['Status', v.status], ['StatusReason', v.statusReason],
    ['NotBefore', v.notBefore], ['NotAfter', v.notAfter], ['IsSelfSigned', v.selfSigned], ['HasPrivateKey', v.hasPrivateKey],
    ['PrivateKeyExportable', v.privateKeyExportable], ['KeySize', `${v.keySize} (${v.keyAlgorithm})`], ['SerialNumber', v.serialNumber],
  ]);
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
