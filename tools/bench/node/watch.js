#!/usr/bin/env node
// The peer in the client comparison (docs/performance.md): what an integrator would write
// instead of ctigw — Node.js with the `ws` package and JSON.parse, doing the same handshake
// (Hello, Authenticate, MonitorStartBatch, SnapshotDeviceBatch) and mapping each event to what a TAPI layer needs:
// the event name, the device (from its monitorRef), the callID, the local connection state and
// the send time. Same measurement as ctigw-link-watch --warmup: the RESULT line.
//
//   NODE_PATH=/usr/share/nodejs node watch.js wss://127.0.0.1:PORT/csta --ca ca.pem
//       --token-env TOKEN --devices 2000-3999 --warmup 2 --seconds 10 [--latency-file F]
'use strict';
const fs = require('fs');
const WebSocket = require('ws');

function fail(why) {
  process.stderr.write(`node-watch: ${why}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 1) fail('usage: watch.js URL --ca F --token-env VAR --devices A-B [--warmup W] [--seconds S]');
const opt = { url: args[0], warmup: 2, seconds: 10 };
for (let i = 1; i + 1 < args.length; i += 2) {
  const [k, v] = [args[i], args[i + 1]];
  if (k === '--ca') opt.ca = fs.readFileSync(v);
  else if (k === '--token-env') opt.token = process.env[v] || '';
  else if (k === '--token') opt.token = v;
  else if (k === '--devices') [opt.first, opt.last] = v.split('-').map(Number);
  else if (k === '--warmup') opt.warmup = Number(v);
  else if (k === '--seconds') opt.seconds = Number(v);
  else if (k === '--latency-file') opt.latencyFile = v;
  else fail(`unknown option ${k}`);
}
if (!opt.token || !(opt.last >= opt.first)) fail('a token and --devices are required');

const devices = [];
for (let d = opt.first; d <= opt.last; d++) devices.push(String(d));
const deviceOfRef = new Map();
let nextId = 1;
const pending = new Map();
let events = 0;
let measuring = false;
const latencies = [];

// "2026-12-05T19:40:00.123456Z" -> microseconds since the epoch (Date alone keeps milliseconds).
function timestampUs(t) {
  const dot = t.indexOf('.');
  const ms = Date.parse(dot < 0 ? t : t.slice(0, dot) + 'Z');
  let frac = dot < 0 ? '' : t.slice(dot + 1, t.length - 1);
  frac = (frac + '000000').slice(0, 6);
  return ms * 1000 + Number(frac);
}
function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

// The first connection-like member of an event's data: its callID.
function callOf(data) {
  for (const k in data) {
    const v = data[k];
    if (v && typeof v === 'object' && typeof v.callID === 'string') return v.callID;
  }
  return data.clearedCall;
}

const ws = new WebSocket(opt.url, 'ctigw.csta.v1', { ca: opt.ca, perMessageDeflate: false });
function request(service, params) {
  const id = String(nextId++);
  ws.send(JSON.stringify({ type: 'request', id, service, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

const mapped = { name: '', device: '', call: '', state: '' };  // kept so the work is not dead
ws.on('message', (raw) => {
  const m = JSON.parse(raw);
  if (m.type === 'event') {
    events++;
    mapped.name = m.event;
    mapped.device = deviceOfRef.get(m.monitorRef);
    mapped.call = callOf(m.data);
    mapped.state = m.data.localConnectionInfo;
    if (measuring && m.timestamp) latencies.push(nowUs() - timestampUs(m.timestamp));
  } else if (m.type === 'response') {
    const p = pending.get(m.id);
    if (p) {
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${m.service}: ${JSON.stringify(m.error)}`));
      else p.resolve(m.result);
    }
  } else if (m.type === 'heartbeat') {
    ws.send(JSON.stringify({ type: 'heartbeatAck', id: m.id }));
  }
});
ws.on('error', (e) => fail(e.message));

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

ws.on('open', async () => {
  try {
    await request('Hello', { versions: [2, 1], clientName: 'node-watch' });
    await request('Authenticate', { token: opt.token });
    for (let at = 0; at < devices.length; at += 1000) {
      const r = await request('MonitorStartBatch', { devices: devices.slice(at, at + 1000) });
      for (const item of r.results) if (item.monitorRef) deviceOfRef.set(item.monitorRef, item.device);
    }
    // As pbx-link does: the calls in progress, after the monitors.
    for (let at = 0; at < devices.length; at += 1000) {
      await request('SnapshotDeviceBatch', { devices: devices.slice(at, at + 1000) });
    }
  } catch (e) {
    fail(e.message);
  }
  setTimeout(() => {
    const e0 = events;
    const c0 = cpuSeconds();
    const t0 = process.hrtime.bigint();
    measuring = true;
    setTimeout(() => {
      measuring = false;
      const n = events - e0;
      const cpu = cpuSeconds() - c0;
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      latencies.sort((a, b) => a - b);
      const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : -1);
      if (opt.latencyFile) fs.writeFileSync(opt.latencyFile, latencies.join('\n') + '\n');
      process.stdout.write(
        `RESULT client=node-ws events=${n} seconds=${wall.toFixed(2)} events_per_s=${(n / wall).toFixed(0)} ` +
          `cpu_s=${cpu.toFixed(3)} cpu_us_per_event=${n ? ((cpu * 1e6) / n).toFixed(3) : 0} ` +
          `lat_p50_us=${pct(0.5)} lat_p99_us=${pct(0.99)} lat_max_us=${latencies.length ? latencies[latencies.length - 1] : -1} ` +
          `latency_samples=${latencies.length} mapped_last=${mapped.name}\n`);
      ws.close(1000);
      process.exit(n > 0 ? 0 : 1);
    }, opt.seconds * 1000);
  }, opt.warmup * 1000);
});
