// `openum ports [--json] [--firewall nftables|iptables|ufw]`: every port by role, protocol and mode, from
// the stored configuration (whether or not the server runs), and the firewall rules to open them.
import { OpenUmError } from '../../errors.js';
import { FIREWALL_KINDS, firewallRules, portTable, type FirewallKind } from '../../org/port-table.js';
import { getServer } from '../../org/server-settings.js';
import { requireServer } from '../../services/node.js';
import { flag, parse, str } from '../args.js';
import { printJson, printTable } from '../output.js';
import { withNode } from '../session.js';

const HELP = `openum ports [--json] [--firewall nftables|iptables|ufw]
  Lists every port of this server by role, protocol and mode, and whether the startup modes have
  it open. --firewall prints the rules that open exactly the open ones.`;

export async function portsCommand(argv: string[]): Promise<void> {
  const p = parse('ports', argv, { firewall: { type: 'string' } }, { min: 0, max: 0, usage: '[--json] [--firewall nftables|iptables|ufw]' });
  if (p.values.help) return void console.log(HELP);
  const fw = str(p, 'firewall');
  if (fw !== undefined && !FIREWALL_KINDS.includes(fw as FirewallKind)) {
    throw new OpenUmError('BAD_ARGUMENT', `--firewall takes nftables, iptables or ufw (got "${fw}")`);
  }
  await withNode(p, async (node) => {
    const s = await getServer(node.store.db, requireServer(node));
    const sip = s.sipAddresses;
    const rows = portTable(s).map((r) => ({ ...r, addresses: r.role === 'Admin API' ? [s.admin.address] : sip }));
    if (fw) return void process.stdout.write(firewallRules(rows, fw as FirewallKind));
    if (flag(p, 'json')) return printJson(rows);
    const stored = s.sipAddressesStored;
    console.log(`SIP roles listen on ${sip.join(', ')} (${stored ? 'stored' : 'default'}; openum server set --sip-address ADDR[,ADDR])`);
    printTable(['ROLE', 'PROTOCOL', 'PORT', 'MODE', 'OPEN', 'CHANGEABLE'],
      rows.map((r) => [r.role, r.protocol, r.port, r.mode, r.open ? 'yes' : 'no (startup mode)', r.changeable]));
  });
}
