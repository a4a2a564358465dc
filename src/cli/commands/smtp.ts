// `openum smtp set|show|clear`: the SMTP server voice mail is sent through.
import { OpenUmError } from '../../errors.js';
import { getServer, type ServerSettings } from '../../org/server-settings.js';
import { clearSmtp, setSmtp } from '../../org/smtp-settings.js';
import { requireServer } from '../../services/node.js';
import { flag, parse, str } from '../args.js';
import { printFields, printJson } from '../output.js';
import { withNode } from '../session.js';
import { type CommandTable, runSubcommand } from './dispatch.js';

const HELP = `openum smtp — where voice mail is sent by e-mail

  set --host HOST [--port N] [--security none|starttls|require-starttls|tls] [--from ADDR]
        starttls (default): STARTTLS when offered; require-starttls: never without it;
        tls: implicit TLS (port 465 when --port is not given); none: plain SMTP.
        The server's certificate must chain to a trusted root (openum trust add) or a public
        root; the certificate enabled for SMTP is presented when the server asks for one.
        --from "" goes back to the default, voicemail@<server FQDN>.
  show [--json]
  clear          forget the SMTP server: voice messages wait, undelivered, until one is set
Every command takes --data DIR (default ./data, or OPENUM_DATA).`;

function show(s: ServerSettings, json: boolean): void {
  const v = { ...s.smtp, effectiveFrom: s.smtp.from ?? `voicemail@${s.fqdn}` };
  if (json) return printJson(v);
  if (s.smtp.host === null) return void console.log(`no SMTP server is configured: voice messages wait, undelivered (openum smtp set --host HOST)`);
  printFields([['Host', v.host], ['Port', v.port], ['Security', v.security], ['From', v.effectiveFrom]]);
}

const commands: CommandTable = {
  async set(argv) {
    const p = parse('smtp set', argv, { host: { type: 'string' }, port: { type: 'string' }, security: { type: 'string' }, from: { type: 'string' } },
      { min: 0, max: 0, usage: '--host HOST [--port N] [--security none|starttls|require-starttls|tls] [--from ADDR]' });
    if (p.values.help) return void console.log(HELP);
    const host = str(p, 'host');
    if (host !== undefined && host.trim() === '') throw new OpenUmError('BAD_ARGUMENT', "--host needs the SMTP server's name or address (to remove it: openum smtp clear)");
    await withNode(p, async (node) => show(await setSmtp(node.store.db, node.actor, requireServer(node), {
      host, port: str(p, 'port'), security: str(p, 'security'), from: str(p, 'from'),
    }), flag(p, 'json')));
  },
  async show(argv) {
    const p = parse('smtp show', argv, {}, { min: 0, max: 0, usage: '[--json]' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await getServer(node.store.db, requireServer(node)), flag(p, 'json')));
  },
  async clear(argv) {
    const p = parse('smtp clear', argv, {}, { min: 0, max: 0, usage: '' });
    if (p.values.help) return void console.log(HELP);
    await withNode(p, async (node) => show(await clearSmtp(node.store.db, node.actor, requireServer(node)), flag(p, 'json')));
  },
};

export const smtpCommand = (argv: string[]) => runSubcommand('smtp', commands, argv, HELP);
