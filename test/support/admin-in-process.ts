// The admin API of an initialised data directory, run in this process (no SIP roles) on a
// loopback address of the test's range and an ephemeral port: its route list can be read.
import { join } from 'node:path';
import { openNode, type OpenNode } from '../../src/services/node.js';
import { AdminServer } from '../../src/web/admin-server.js';
import { api, type Reply } from './api.js';
import { initData } from './openum.js';
import { tempDir } from './run.js';
import { silentLog } from './voicemail.js';

export interface InProcessAdmin {
  server: AdminServer;
  node: OpenNode;
  data: string;
  token: string;
  thumbprint: string;
  /** `token: null` sends none; `headers` (a session cookie, x-csrf-token) are sent as given. */
  call(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Reply>;
  close(): Promise<void>;
}

export async function startAdminInProcess(host: string, fqdn = 'um.contoso.test'): Promise<InProcessAdmin> {
  const tmp = tempDir('openum-admin-');
  const data = join(tmp.path, 'data');
  const { token, thumbprint } = await initData(data, fqdn);
  const node = await openNode({ dataDir: data, actor: { name: 'test' } });
  const server = new AdminServer(node, silentLog());
  const { port } = await server.start({ address: host, port: 0 });
  return {
    server, node, data, token, thumbprint,
    call: (method, path, options = {}) => api(port, method, path, {
      host, body: options.body, ...(options.headers ? { headers: options.headers } : {}), ...(options.token === null ? {} : { token: options.token ?? token }),
    }),
    close: async () => {
      await server.close();
      await node.close();
      tmp.cleanup();
    },
  };
}
