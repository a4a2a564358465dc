#!/usr/bin/env node
// The `openum` command. Errors are printed as one line (`error: …`) with the error code's exit
// status; a stack trace appears only for unexpected errors and only with OPENUM_DEBUG=1.
import { ERROR_CODES, isOpenUmError, OpenUmError } from '../errors.js';
import { asDiskFull } from '../store/disk-full.js';

const HELP = `openum — unified messaging server

  openum start [--data DIR]               run the server (first start initialises DIR)
  openum init [--data DIR] [--fqdn NAME]  initialise DIR without starting
  openum certificate new|import|export|list|get|enable|remove …
  openum trust add|list|remove|crl …      trusted roots and CRLs for peer certificates
  openum server get|set                   server identity (FQDN), SIP listen addresses
  openum service get|set                  UM service: startup mode, max calls
  openum service restart um|callrouter [--node N]  restart a node's role without losing a call
  openum callrouter get|set               Call Router: startup mode, SIP ports
  openum admin get|set                    admin API address and port
  openum dialplan new|set|get|list|remove UM dial plans: extensions, access numbers, VoIP security
  openum gateway new|set|get|list|remove  UM IP gateways (PBX, IP-PBX, SBC)
  openum huntgroup new|set|get|list|remove hunt groups: a gateway's calls to a dial plan
  openum integrate sip-server --fqdn F --kind kamailio|asterisk|generic  gateway, hunt groups, trust and the SIP server's config
  openum user new|set|get|list|remove     UM-enabled mailboxes: extension, SIP URI, e-mail
  openum user greeting NAME --file F|--clear  a user's own voice-mail greeting
  openum autoattendant new|set|get|list|remove|greeting|key|holiday  auto attendants (main numbers)
  openum user pin set|reset|unlock|get NAME  a user's PIN for reaching the mailbox by phone
  openum policy new|set|get|list|remove   UM mailbox policies: PIN rules, logon limits
  openum voicemail list|get|play|delete|read|play-on-phone  voice messages and missed calls; Play on Phone
  openum smtp set|show|clear              the SMTP server voice mail is sent through
  openum token new|list|revoke            administrator tokens
  openum audit                            who changed what, and when
  openum ports [--firewall nftables|iptables|ufw]  every listening port by role, protocol and mode
  openum status                           running or not: roles, listeners, workers, calls, store, certificates, SMTP queue
  openum node list|remove                 the nodes sharing this store: roles, health, calls
  openum calls                            the calls in progress on the running server
  openum refusals [--limit N]             the last calls the running server refused, and why

'openum --version' prints the version.
Every command takes --data DIR (default ./data, or OPENUM_DATA) and --json where it prints data.
Set OPENUM_DATABASE_URL=postgres://… to use PostgreSQL instead of SQLite.
'openum <command> --help' describes a command.`;

// Each command's module is loaded only when it runs: `openum certificate list` does not pay for
// the HTTPS server, the SIP stack or the worker supervisor.
type Command = (argv: string[]) => Promise<void>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.js')).startCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  certificate: async () => (await import('./commands/certificate.js')).certificateCommand,
  trust: async () => (await import('./commands/trust.js')).trustCommand,
  server: async () => (await import('./commands/settings.js')).settingsCommand('server'),
  service: async () => (await import('./commands/settings.js')).settingsCommand('service'),
  callrouter: async () => (await import('./commands/settings.js')).settingsCommand('callrouter'),
  admin: async () => (await import('./commands/settings.js')).settingsCommand('admin'),
  dialplan: async () => (await import('./commands/dialplan.js')).dialPlanCommand,
  gateway: async () => (await import('./commands/gateway.js')).gatewayCommand,
  huntgroup: async () => (await import('./commands/huntgroup.js')).huntGroupCommand,
  integrate: async () => (await import('./commands/integrate.js')).integrateCommand,
  user: async () => (await import('./commands/user.js')).userCommand,
  autoattendant: async () => (await import('./commands/autoattendant.js')).autoAttendantCommand,
  policy: async () => (await import('./commands/policy.js')).policyCommand,
  voicemail: async () => (await import('./commands/voicemail.js')).voicemailCommand,
  smtp: async () => (await import('./commands/smtp.js')).smtpCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  ports: async () => (await import('./commands/ports.js')).portsCommand,
  calls: async () => (await import('./commands/calls.js')).callsCommand,
  refusals: async () => (await import('./commands/calls.js')).refusalsCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  node: async () => (await import('./commands/node.js')).nodeCommand,
};

/** `openum --data DIR certificate list` means `openum certificate list --data DIR`. */
function globalOptionsLast(argv: string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length && /^--(data|json)(=|$)/.test(argv[i] ?? '')) {
    const a = argv[i] ?? '';
    lead.push(a);
    if (a === '--data') {
      if (argv[i + 1] === undefined) throw new OpenUmError('BAD_ARGUMENT', '--data needs a directory: openum --data DIR <command>');
      lead.push(argv[++i] ?? '');
    }
    i++;
  }
  return [...argv.slice(i), ...lead];
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = globalOptionsLast(argv);
  if (command === '--version' || command === '-V' || command === 'version') {
    const { openUmVersion } = await import('../services/ops/version.js');
    return void console.log(`openum ${openUmVersion()}`);
  }

  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    if (command === undefined) process.exitCode = 2;
    return;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw new OpenUmError('UNKNOWN_COMMAND', `unknown command '${command}'; 'openum --help' lists the commands`);
  await (await run())(rest);
}

main(process.argv.slice(2)).catch((caught: unknown) => {
  // A write that hit a full disk (ENOSPC from a file) is named as such, whatever it led to next.
  const e = asDiskFull(caught) ?? caught;
  if (isOpenUmError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.OPENUM_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  process.exitCode = ERROR_CODES.INTERNAL.exit;
});
