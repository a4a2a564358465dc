// `openum server|service|callrouter|admin get|set`: the local server's identity, the UM service
// (Set-UMService), the Call Router (Set-UMCallRouterSettings) and the admin API listener.
import { OpenUmError } from '../../errors.js';
import { getServer, setAdmin, setCallRouter, setServerIdentity, setUmService, type ServerSettings } from '../../org/server-settings.js';
import { parseSipAddresses } from '../../org/sip-addresses.js';
import { requireServer, type OpenNode } from '../../services/node.js';
import { flag, list, parse, str } from '../args.js';
import { printFields, printJson } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

type Section = 'server' | 'service' | 'callrouter' | 'admin';

const HELP: Record<Section, string> = {
  server: `openum server get|set — this server's identity and where its SIP roles listen
  (--sip-address: IP addresses of this machine, comma-separated or repeated, 0.0.0.0 or :: for
  all; used by 'openum start' when it gets no --sip-address; takes effect at the next start)
  get [--json]
  set [--fqdn NAME] [--sip-address ADDR[,ADDR]]`,
  service: `openum service get|set|restart — the UM service (SIP 5062 TCP / 5063 TLS, not changeable)
  (--min-recording-seconds: recordings shorter than this, 0-60, default 2, are missed calls)
  restart um|callrouter [--node NAME] [--timeout SECONDS] [--no-wait]
        restart a role of a running node without losing a call (openum service restart --help)
  get [--json]
  set [--startup-mode TCP|TLS|Dual] [--max-calls N] [--rtp-ports MIN-MAX] [--min-recording-seconds N]`,
  callrouter: `openum callrouter get|set — the Call Router (SIP 5060 TCP / 5061 TLS by default)
  get [--json]
  set [--startup-mode TCP|TLS|Dual] [--sip-tcp-port N] [--sip-tls-port N] [--udp on|off]`,
  admin: `openum admin get|set|account — the admin API (HTTPS with the IIS certificate)
  account add|list|remove|password NAME   administrators who sign in with a password (openum admin account --help)
  get [--json]
  set [--address IP] [--port N]`,
};

function show(section: Section, s: ServerSettings, json: boolean): void {
  const value = section === 'server' ? { name: s.name, fqdn: s.fqdn, installCertificate: s.installCertificate, sipAddresses: s.sipAddresses }
    : section === 'service' ? s.umService : section === 'callrouter' ? s.callRouter : s.admin;
  if (json) return printJson(value);
  printFields(Object.entries(value));
}

async function setServer(node: OpenNode, name: string, fqdn: string | undefined, addresses: string[] | undefined): Promise<ServerSettings> {
  if (fqdn === undefined && addresses === undefined) throw new OpenUmError('BAD_ARGUMENT', "nothing to change: give --fqdn NAME or --sip-address ADDR[,ADDR] (see 'openum server --help')");
  return setServerIdentity(node.store.db, node.actor, name, { fqdn, sipAddresses: addresses });
}

function onOff(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(on|true|yes|1)$/i.test(text)) return true;
  if (/^(off|false|no|0)$/i.test(text)) return false;
  throw new OpenUmError('BAD_SETTING', `--udp takes on or off (got "${text}")`);
}

function group(section: Section): CommandTable {
  return {
    async get(argv) {
      const p = parse(`${section} get`, argv, {}, { min: 0, max: 0, usage: '[--json]' });
      if (p.values.help) return void console.log(HELP[section]);
      await withNode(p, async (node) => show(section, await getServer(node.store.db, requireServer(node)), flag(p, 'json')));
    },
    async set(argv) {
      const options = {
        server: { fqdn: { type: 'string' }, 'sip-address': { type: 'string', multiple: true } },
        service: { 'startup-mode': { type: 'string' }, 'max-calls': { type: 'string' }, 'rtp-ports': { type: 'string' }, 'sip-tcp-port': { type: 'string' }, 'sip-tls-port': { type: 'string' }, 'min-recording-seconds': { type: 'string' } },
        callrouter: { 'startup-mode': { type: 'string' }, 'sip-tcp-port': { type: 'string' }, 'sip-tls-port': { type: 'string' }, udp: { type: 'string' } },
        admin: { address: { type: 'string' }, port: { type: 'string' } },
      } as const;
      const p = parse(`${section} set`, argv, options[section], { min: 0, max: 0, usage: HELP[section].split('\n').at(-1)?.trim() ?? '' });
      if (p.values.help) return void console.log(HELP[section]);
      await withNode(p, async (node) => {
        const db = node.store.db;
        const name = requireServer(node);
        const sip = list(p, 'sip-address');
        // Checked before anything is written: bad input changes nothing.
        const addresses = section === 'server' && sip.length > 0 ? parseSipAddresses(sip, '--sip-address') : undefined;
        const s = section === 'server' ? await setServer(node, name, str(p, 'fqdn'), addresses)
          : section === 'service' ? await setUmService(db, node.actor, name, {
            startupMode: str(p, 'startup-mode'), maxCallsAllowed: str(p, 'max-calls'), rtpPorts: str(p, 'rtp-ports'), sipTcpPort: str(p, 'sip-tcp-port'), sipTlsPort: str(p, 'sip-tls-port'),
            minRecordingSeconds: str(p, 'min-recording-seconds'),
          })
          : section === 'callrouter' ? await setCallRouter(db, node.actor, name, {
            startupMode: str(p, 'startup-mode'), sipTcpPort: str(p, 'sip-tcp-port'), sipTlsPort: str(p, 'sip-tls-port'), sipUdp: onOff(str(p, 'udp')),
          })
          : await setAdmin(db, node.actor, name, { address: str(p, 'address'), port: str(p, 'port') });
        show(section, s, flag(p, 'json'));
        if (addresses) process.stderr.write(`SIP addresses ${addresses.join(', ')} are used from the next 'openum start' (a running server keeps its listeners)\n`);
      });
    },
  };
}

export const settingsCommand = (section: Section) => (argv: string[]) => runSubcommand(section,
  section === 'admin' ? { ...group(section), account: async (rest) => (await import('./admin-account.js')).adminAccountCommand(rest) }
    : section === 'service' ? { ...group(section), restart: async (rest) => (await import('./service-restart.js')).serviceRestartCommand(rest) }
      : group(section),
  argv, HELP[section]);
