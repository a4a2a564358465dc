// `openum user invite|unlock-web|web NAME`: a user's account for the UM web services (issue 9).
import { unlockWebAccount, webAccountStatus, type WebAccountStatus } from '../../org/web-passwords.js';
import { getUser } from '../../org/users.js';
import { inviteUser } from '../../services/accounts/invite.js';
import { flag, parse } from '../args.js';
import { printFields, printJson } from '../output.js';
import { withNode } from '../session.js';

function showStatus(s: WebAccountStatus, json: boolean): void {
  if (json) return printJson(s);
  printFields([['User', s.user], ['Web password set', s.passwordSet], ['Wrong passwords since sign-in', s.attempts],
    ['Locked', s.locked], ['Locks after', `${s.maxAttempts} wrong passwords (the mailbox policy's max logon attempts)`]]);
}

export async function userInvite(argv: string[], help: string): Promise<void> {
  const p = parse('user invite', argv, { 'no-email': { type: 'boolean' } }, { min: 1, max: 1, usage: 'NAME [--no-email] [--json]' });
  if (p.values.help) return void console.log(help);
  await withNode(p, async (node) => {
    const r = await inviteUser(node, node.actor, p.positionals[0] ?? '', { email: !flag(p, 'no-email') });
    if (flag(p, 'json')) return printJson(r);
    console.log(`invitation link (valid once, until ${r.expiresAt}):`);
    console.log(r.link);
    console.log(r.emailed ? 'the link was mailed to the user' : flag(p, 'no-email') ? 'not mailed (--no-email): give the link to the user'
      : 'not mailed (no SMTP server is set, or sending failed: see openum smtp show and the server log): give the link to the user');
  });
}

export async function userUnlockWeb(argv: string[], help: string): Promise<void> {
  const p = parse('user unlock-web', argv, {}, { min: 1, max: 1, usage: 'NAME' });
  if (p.values.help) return void console.log(help);
  await withNode(p, async (node) => {
    const s = await unlockWebAccount(node.store.db, node.actor, p.positionals[0] ?? '');
    if (flag(p, 'json')) return printJson(s);
    console.log(`web account of ${s.user} unlocked`);
  });
}

export async function userWeb(argv: string[], help: string): Promise<void> {
  const p = parse('user web', argv, {}, { min: 1, max: 1, usage: 'NAME [--json]' });
  if (p.values.help) return void console.log(help);
  await withNode(p, async (node) => showStatus(await webAccountStatus(node.store.db, await getUser(node.store.db, p.positionals[0] ?? '')), flag(p, 'json')));
}
