// Asks the running `openum start` of a data directory through its control socket
// (services/control-socket.ts): for what only the server's memory holds (calls, refusals).
import { connect } from 'node:net';
import { OpenUmError } from '../errors.js';
import { controlSocketPath, type ControlReply, type ControlRequest } from '../services/control-socket.js';

const TIMEOUT_MS = 10_000;
/** The answer is a few hundred refusals or calls at most; more is not our server. */
const MAX_REPLY = 8 * 1024 * 1024;

export function askServer(dataDir: string, request: ControlRequest): Promise<unknown> {
  const path = controlSocketPath(dataDir);
  const notRunning = () => new OpenUmError('NOT_RUNNING', `no server is running on ${dataDir} (no answer on ${path}): start it with 'openum start --data ${dataDir}'`);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new OpenUmError('NOT_RUNNING', `the server on ${dataDir} did not answer within ${TIMEOUT_MS / 1000} s`)); }, TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REPLY) socket.destroy(new Error('reply too long'));
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? notRunning() : new OpenUmError('INTERNAL', `cannot read the server's answer on ${path}: ${e.message}`, { cause: e }));
    });
    socket.on('end', () => {
      clearTimeout(timer);
      let reply: ControlReply;
      try {
        reply = JSON.parse(text) as ControlReply;
      } catch {
        return reject(notRunning());
      }
      if (!reply.ok) return reject(new OpenUmError('NOT_RUNNING', reply.message));
      resolve(reply.result);
    });
  });
}
