// The application/simple-message-summary body of RFC 3842 §5.2:
//
//   message-summary = msg-status-line CRLF [msg-account CRLF] [*(msg-summary-line CRLF)] ...
//   msg-status-line = "Messages-Waiting" HCOLON msg-status      ; "yes" / "no"
//   msg-account     = "Message-Account" HCOLON Account-URI
//   msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
//                      [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
//
// Voice mail is the "voice-message" class (RFC 3458 §4.1). "new" and "old" are the unread and
// read stored messages; urgent counts are left out (OpenUM has no message priority yet).

export const MESSAGE_SUMMARY_EVENT = 'message-summary';
export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';

export interface MessageSummary {
  /** The mailbox's SIP URI (Message-Account), e.g. sip:1000@um.contoso.com. */
  account: string;
  unread: number;
  read: number;
}

/** RFC 3842 §5.2 body; Messages-Waiting is "yes" while there is at least one new (unread) message. */
export function messageSummaryBody(s: MessageSummary): string {
  const n = (v: number) => String(Math.max(0, Math.trunc(v)));
  return [
    `Messages-Waiting: ${s.unread > 0 ? 'yes' : 'no'}`,
    `Message-Account: ${s.account}`,
    `Voice-Message: ${n(s.unread)}/${n(s.read)}`,
    '',
  ].join('\r\n');
}
