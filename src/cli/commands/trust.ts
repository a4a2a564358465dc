// `openum trust add|list|remove` and `openum trust crl add|list|remove`: the roots that peer
// (gateway, SBC, IP PBX) certificates must chain to, and the CRLs that revoke certificates.
import { listRecords, normaliseThumbprint } from '../../pki/certificate-repository.js';
import { knownCas } from '../../pki/known-cas.js';
import { describeDependents, rootInUseCheck } from '../../pki/trust-dependents.js';
import { addCrl, addTrustedRoots, listCrls, listTrustedRoots, removeCrl, removeTrustedRoot } from '../../pki/trust-store.js';
import { flag, parse, readInputFile } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum trust — trusted roots for peer certificates, and revocation lists

  add FILE              add the CA certificate(s) in FILE (PEM, DER or PKCS#7) as trusted roots
  list [--json]         list trusted roots
  remove THUMBPRINT [--force]  stop trusting a root (refused while a serving certificate chains to it, unless --force)
  crl add FILE          add a CRL (PEM or DER) signed by a known CA; replaces an older one
  crl list [--json]     list CRLs
  crl remove FINGERPRINT`;

const crlCommands: CommandTable = {
  async add(argv) {
    const p = parse('trust crl add', argv, {}, { min: 1, max: 1, usage: 'FILE' });
    if (p.values.help) return void console.log(HELP);
    const data = readInputFile(p.positionals[0] ?? '');
    await withNode(p, async (node) => {
      const cas = await knownCas(node.store.db, await listRecords(node.store.db));
      const v = await addCrl(node.store.db, node.actor, data, cas);
      if (flag(p, 'json')) return printJson(v);
      console.log(`CRL ${v.fingerprint} from ${v.issuer}: ${v.revokedCount} revoked, next update ${v.nextUpdate ?? 'not given'}`);
    });
  },
  async list(argv) {
    const p = parse('trust crl list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const crls = await listCrls(node.store.db);
      if (flag(p, 'json')) return printJson(crls);
      printTable(['FINGERPRINT', 'REVOKED', 'NEXT UPDATE', 'ISSUER'], crls.map((c) => [c.fingerprint, String(c.revokedCount), c.nextUpdate ?? '-', c.issuer]));
    });
  },
  async remove(argv) {
    const p = parse('trust crl remove', argv, {}, { min: 1, max: 1, usage: 'FINGERPRINT' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      await removeCrl(node.store.db, node.actor, normaliseThumbprint(p.positionals[0] ?? ''));
      console.log(`removed CRL ${p.positionals[0]}`);
    });
  },
};

const commands: CommandTable = {
  async add(argv) {
    const p = parse('trust add', argv, {}, { min: 1, max: 1, usage: 'FILE' });
    if (p.values.help) return void console.log(HELP);
    const data = readInputFile(p.positionals[0] ?? '');
    await withNode(p, async (node) => {
      const roots = await addTrustedRoots(node.store.db, node.actor, data);
      if (flag(p, 'json')) return printJson(roots);
      for (const r of roots) console.log(`trusted ${r.thumbprint} ${r.subject}`);
    });
  },
  async list(argv) {
    const p = parse('trust list', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const roots = await listTrustedRoots(node.store.db);
      if (flag(p, 'json')) return printJson(roots);
      printTable(['THUMBPRINT', 'NOT AFTER', 'SUBJECT'], roots.map((r) => [r.thumbprint, r.notAfter, r.subject]));
    });
  },
  async remove(argv) {
    const p = parse('trust remove', argv, { force: { type: 'boolean' } }, { min: 1, max: 1, usage: 'THUMBPRINT [--force]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => {
      const check = rootInUseCheck(node.store.db, {
        force: flag(p, 'force'),
        onForced: (deps) => console.error(`warning: ${describeDependents(deps)} no longer chain${deps.length > 1 ? '' : 's'} to a trusted root: their TLS connections will be refused`),
      });
      await removeTrustedRoot(node.store.db, node.actor, normaliseThumbprint(p.positionals[0] ?? ''), check);
      console.log(`no longer trusted: ${p.positionals[0]}`);
    });
  },
  crl: (argv) => runSubcommand('trust crl', crlCommands, argv, HELP),
};

export const trustCommand = (argv: string[]) => runSubcommand('trust', commands, argv, HELP);
