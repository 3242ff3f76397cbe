// A stand-in for the control plane, for the page benchmark (and quick looks at the page): serves the
// built UI from ../dist and fakes the client endpoints the page calls, with N instances and a live
// SSE stream producing `eventsPerSecond` instance events (launches, confirmations, terminations).
// It is not the API: the end-to-end test (fleet.e2e.mjs) runs against the real one.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = ['t3.micro', 't3.small', 'm5.large', 'c6i.xlarge', 'r6g.2xlarge'];
const AGENTS = ['demo-agent', 'eu-west-1-agent', 'us-east-1-agent'];
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };

const hex = (n, width) => n.toString(16).padStart(width, '0');

export function makeFleet(count, now = Date.now()) {
  const instances = [];
  for (let i = 0; i < count; i++) {
    const requested = now - 60_000 - ((i * 7919) % 3_500_000);
    const launch = 8 + ((i * 37) % 120) + (i % 10) / 10;
    const r = i % 20;
    const inst = {
      instance_id: `00000000-0000-4000-8000-${hex(i, 12)}`,
      ec2_instance_id: `i-${hex(0x1000000 + i, 17)}`,
      request_id: `req-${i}`,
      agent_id: AGENTS[i % AGENTS.length],
      instance_type: TYPES[i % TYPES.length],
      role: i % 4 === 0 ? 'replica' : 'primary',
      status: i % 4 === 0 ? 'running_replica' : 'running_primary',
      launch_requested_at: new Date(requested).toISOString(),
      launch_confirmed_at: new Date(requested + launch * 1000).toISOString(),
      launch_duration_seconds: launch,
      version: 2,
    };
    if (r === 1) Object.assign(inst, { status: 'launch_timed_out', ec2_instance_id: null, launch_confirmed_at: null, launch_duration_seconds: null, failure_reason: 'no launch confirmation within PT5M' });
    if (r === 2 || r === 3) {
      const t = requested + launch * 1000 + 600_000;
      const d = 3 + ((i * 13) % 60);
      Object.assign(inst, { status: 'terminated', termination_requested_at: new Date(t).toISOString(), termination_confirmed_at: new Date(t + d * 1000).toISOString(), termination_duration_seconds: d, version: 4 });
    }
    instances.push(inst);
  }
  return instances;
}

export function startMockApi({ count = 5000, eventsPerSecond = 50, dist = path.join(here, '..', 'dist'), port = 0 } = {}) {
  const instances = makeFleet(count);
  const byId = new Map(instances.map((i) => [i.instance_id, i]));
  let lastEventId = 1000;
  let next = count;
  const streams = new Set();
  const stats = { events: 0 };
  let timer = null;

  const emit = (type, inst, extra = {}) => {
    const id = ++lastEventId;
    const data = { instance_id: inst.instance_id, ec2_instance_id: inst.ec2_instance_id, agent_id: inst.agent_id, instance_type: inst.instance_type, status: inst.status, role: inst.role, request_id: inst.request_id, version: inst.version, ...extra };
    const frame = `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ type, data, timestamp: new Date().toISOString() })}\n\n`;
    for (const res of streams) res.write(frame);
    stats.events++;
  };

  // One step of fleet life: confirm a launch, finish a termination, start one, or launch a new instance.
  const launching = [];
  const terminating = [];
  const step = () => {
    const roll = Math.random();
    const now = new Date().toISOString();
    if (roll < 0.25 && launching.length) {
      const inst = launching.shift();
      Object.assign(inst, { status: inst.role === 'replica' ? 'running_replica' : 'running_primary', ec2_instance_id: `i-${hex(0x2000000 + next++, 17)}`, launch_confirmed_at: now, launch_duration_seconds: 5 + Math.random() * 40, version: inst.version + 1 });
      emit('INSTANCE_RUNNING', inst, { launch_duration_seconds: inst.launch_duration_seconds });
    } else if (roll < 0.5 && terminating.length) {
      const inst = terminating.shift();
      Object.assign(inst, { status: 'terminated', termination_confirmed_at: now, termination_duration_seconds: 2 + Math.random() * 30, version: inst.version + 1 });
      emit('INSTANCE_TERMINATED', inst, { termination_duration_seconds: inst.termination_duration_seconds });
    } else if (roll < 0.75) {
      const n = next++;
      const inst = { instance_id: `00000000-0000-4000-9000-${hex(n, 12)}`, ec2_instance_id: null, request_id: `bench-${n}`, agent_id: AGENTS[n % 3], instance_type: TYPES[n % 5], role: 'primary', status: 'launching', launch_requested_at: now, version: 1 };
      byId.set(inst.instance_id, inst);
      instances.push(inst);
      launching.push(inst);
      emit('INSTANCE_LAUNCHING', inst);
    } else {
      const running = instances[Math.floor(Math.random() * instances.length)];
      if (!running.status.startsWith('running')) return step();
      Object.assign(running, { status: 'terminating', termination_requested_at: now, version: running.version + 1 });
      terminating.push(running);
      emit('INSTANCE_TERMINATING', running);
    }
  };

  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (p === '/api/client/me') return json(res, 200, { client_id: 'demo', name: 'Demo (mock)' });
    if (p === '/api/client/agents') return json(res, 200, { agents: AGENTS.map((a) => ({ agent_id: a, name: a, transport: 'TEMPORAL', status: 'online' })) });
    if (p === '/api/client/instances' && req.method === 'GET') return json(res, 200, { instances, last_event_id: lastEventId });
    if (p === '/api/events/tickets') return json(res, 200, { ticket: 'mock', expires_at: new Date(Date.now() + 60_000).toISOString(), client_id: 'demo' });
    const events = /^\/api\/client\/instances\/([^/]+)\/events$/.exec(p);
    if (events) {
      const inst = byId.get(decodeURIComponent(events[1]));
      if (!inst) return json(res, 404, { type: 'https://spot-optimizer.dev/problems/not-found', title: 'Not found', status: 404 });
      return json(res, 200, [{ event_id: 1, type: 'INSTANCE_LAUNCHING', timestamp: inst.launch_requested_at, status: 'launching', reason: null, data: {} }]);
    }
    // The optimizer's moves, as API.md describes them (the real endpoints are being built): a promote
    // answers 202 and streams the failover, a command answers 202.
    const promote = /^\/api\/client\/instances\/([^/]+)\/promote$/.exec(p);
    if (promote && req.method === 'POST') {
      const inst = byId.get(decodeURIComponent(promote[1]));
      if (!inst || inst.status !== 'running_replica') {
        return json(res, 409, { type: 'https://spot-optimizer.dev/problems/transition-not-allowed', title: 'Conflict', status: 409, detail: 'not a running replica' });
      }
      Object.assign(inst, { status: 'promoting', version: inst.version + 1 });
      emit('INSTANCE_PROMOTING', inst);
      setTimeout(() => {
        Object.assign(inst, { status: 'running_primary', role: 'primary', version: inst.version + 1 });
        emit('INSTANCE_PROMOTED', inst);
      }, 1000);
      return json(res, 202, { instance_id: inst.instance_id, status: 'promoting', role: inst.role, version: inst.version });
    }
    if (p === '/api/client/commands' && req.method === 'POST') {
      return json(res, 202, { command_id: `cmd-${++lastEventId}`, status: 'queued' });
    }
    if (p.startsWith('/api/events/stream/')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (p.startsWith('/api/')) return json(res, 404, { title: 'Not found', status: 404 });
    const file = path.join(dist, p === '/' ? 'index.html' : p);
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return fs.createReadStream(path.join(dist, 'index.html')).pipe(res);
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stats,
        /** Starts the event flow: `eventsPerSecond`, in 20 ms ticks. */
        startEvents() {
          let owed = 0;
          const tick = 20;
          timer = setInterval(() => {
            owed += (eventsPerSecond * tick) / 1000;
            while (owed >= 1) {
              step();
              owed--;
            }
          }, tick);
        },
        stopEvents() {
          clearInterval(timer);
        },
        close() {
          clearInterval(timer);
          for (const res of streams) res.end();
          return new Promise((r) => server.close(r));
        },
      });
    });
  });
}

// `node mock-api.mjs [port]`: serve the page with a fake fleet to look at it by hand.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = await startMockApi({ port: Number(process.argv[2] ?? 5174) });
  api.startEvents();
  console.log(`mock control plane with 5,000 instances and 50 events/s at ${api.url} (token: anything)`);
}
