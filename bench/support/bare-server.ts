// The baseline: a Fastify route that does no work, answering the same requests
// the real server gets. Run as its own process, like the servers it stands beside.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
const ok = { result: 'admitted' };
app.post('/v1/verify', async () => ok);
app.post('/*', async () => ok);
// For the memory benchmark: this process's heap, beside the RSS read from /proc.
app.get('/memory', async () => process.memoryUsage());
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address() as { port: number };
const url = `http://127.0.0.1:${addr.port}`;
console.log(JSON.stringify({ msg: `bare ready at ${url}`, url }));
