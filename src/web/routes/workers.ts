// /api/workers: the UM worker processes of this node (ports, calls, state), and recycling one:
// it takes no new calls, ends when its calls have, and starts again while the other takes calls.
import { z } from 'zod';
import { OpenUmError } from '../../errors.js';
import type { WorkerSlot } from '../../services/um-service/um-service.js';
import type { AdminApp } from '../app-type.js';
import { errors, type Same } from '../route-schema.js';

export interface WorkerControl {
  slots(): WorkerSlot[];
  recycle(index: number): boolean;
}

const params = z.object({ index: z.coerce.number().int().min(1).max(16) });
const workerView = z.object({
  worker: z.number().int().describe('Numbered from 1, as in the port table'), index: z.number().int().describe('Numbered from 0'),
  ports: z.object({ tcp: z.number().int(), tls: z.number().int() }),
  listening: z.object({ tcp: z.boolean(), tls: z.boolean() }).describe('Which of its listeners are open (from its startup mode)'),
  calls: z.number().int(), alive: z.boolean(), draining: z.boolean(),
}).meta({ id: 'Worker' });
const same: Same<Omit<z.output<typeof workerView>, 'worker'>, WorkerSlot> = true;
void same;
const recycling = z.object({ worker: z.number().int(), recycling: z.boolean() });

export function registerWorkerRoutes(app: AdminApp, control: WorkerControl | undefined): void {
  const need = (): WorkerControl => {
    if (!control) throw new OpenUmError('BAD_ARGUMENT', 'this server runs without its SIP roles: it has no UM workers');
    return control;
  };
  const tags = ['Workers'];
  // Workers are numbered from 1 for people, as in the seeds' port table (worker 1: 5065/5066).
  app.get('/api/workers', { schema: { tags, summary: 'The UM worker processes: ports, calls, state', response: { 200: z.array(workerView), ...errors() } } },
    async () => need().slots().map((s) => ({ ...s, worker: s.index + 1 })));
  app.post('/api/workers/:index/recycle', {
    schema: { tags, summary: 'Recycle a worker: no new calls, restarted when its calls end', params, response: { 202: recycling, ...errors() } },
  }, async (req, reply) => {
    const { index } = req.params;
    if (!need().recycle(index - 1)) {
      throw new OpenUmError('BAD_ARGUMENT', `UM worker ${index} is not running; GET /api/workers shows them`);
    }
    return reply.code(202).send({ worker: index, recycling: true });
  });
}
