#!/usr/bin/env node
// A sample subscriber of the platform's public event feed (README: Event subscribers). It prints
// each AWS Private CA certificate issuance and revocation event of its account, one JSON line
// each, deduplicating on the event id, and resumes where it stopped.
//
//   Over HTTP (Server-Sent Events, SigV4 signing name `events`):
//     PKI_ENDPOINT=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//       node examples/public-events-subscriber.js sse [--since 2026-12-07T00:00:00Z] [--max N]
//   Over NATS JetStream (a push consumer, deploy/nats/public-events-auth.conf's permissions):
//     NATS_URL=nats://subscriber-<account>:<password>@nats:4222 PKI_ACCOUNT=<account> \
//       node examples/public-events-subscriber.js nats [--max N]
//
// Uses the packages this repository already depends on: `nats` and the AWS SDK's SigV4 signer.
'use strict';
const { createHash, createHmac } = require('node:crypto');

const args = process.argv.slice(2);
const mode = args[0];
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const max = Number(option('max') ?? Infinity);
const DETAIL_TYPES = ['ACM Private CA Certificate Issuance', 'ACM Private CA Certificate Revocation'];
const seen = new Set();
let printed = 0;

/** Prints an event once (ids are stable per fact); answers whether to go on. */
function handle(event) {
  if (!seen.has(event.id)) {
    seen.add(event.id);
    console.log(JSON.stringify({ time: event.time, type: event['detail-type'], result: event.detail.result, resources: event.resources }));
    printed++;
  }
  return printed < max;
}

class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return this.hash.digest();
  }
}

async function sse() {
  const { SignatureV4 } = require('@smithy/signature-v4');
  const endpoint = new URL(process.env.PKI_ENDPOINT ?? 'http://127.0.0.1:4566');
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY };
  const signer = new SignatureV4({ service: 'events', region: process.env.AWS_REGION ?? 'us-east-1', credentials, sha256: Sha256 });
  let lastEventId;
  const since = option('since');
  for (;;) {
    const query = { 'detail-type': DETAIL_TYPES, ...(since && !lastEventId ? { since } : {}) };
    const headers = { host: endpoint.host, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
    const signed = await signer.sign({ method: 'GET', protocol: endpoint.protocol, hostname: endpoint.hostname, port: Number(endpoint.port) || undefined, path: '/events', query, headers });
    const search = Object.entries(query).flatMap(([k, v]) => [].concat(v).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)).join('&');
    const response = await fetch(`${endpoint.origin}/events?${search}`, { headers: signed.headers });
    if (response.status !== 200) throw new Error(`GET /events: ${response.status} ${await response.text()}`);
    let buffer = '';
    let id;
    let data = '';
    for await (const chunk of response.body) {
      buffer += Buffer.from(chunk).toString('utf8');
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
        else if (line === '') {
          if (data && id) {
            lastEventId = id;
            if (!handle(JSON.parse(data))) return;
          } else if (data) console.error(`stream ended by the gateway: ${data}`);
          data = '';
          id = undefined;
        }
      }
    }
    // The gateway ended the stream (it is stopping, or this reader fell behind): resume.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function natsSubscriber() {
  const { connect, AckPolicy, DeliverPolicy } = require('nats');
  const account = process.env.PKI_ACCOUNT;
  const prefix = process.env.PKI_NATS_PREFIX ?? 'pki';
  const stream = process.env.PKI_PUBLIC_EVENTS_STREAM ?? 'PKI_PUBLIC_EVENTS';
  const durable = process.env.PKI_CONSUMER ?? 'sample-subscriber';
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', inboxPrefix: `_INBOX_${account}` });
  const deliver = `${prefix}.deliver.${account}.${durable}`;
  const sub = nc.subscribe(deliver);
  // Created once; later runs continue where the durable consumer stopped.
  await (await nc.jetstreamManager()).consumers
    .add(stream, { durable_name: durable, filter_subject: `${prefix}.events.${account}.aws.acm-pca.>`, deliver_subject: deliver, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All })
    .catch((error) => {
      if (!/already in use|already exists/.test(String(error))) throw error;
    });
  for await (const m of sub) {
    if (!m.reply || m.data.length === 0) continue; // flow control or heartbeat
    const event = JSON.parse(Buffer.from(m.data).toString('utf8'));
    const go = !DETAIL_TYPES.includes(event['detail-type']) || handle(event);
    m.respond(); // acknowledge
    if (!go) break;
  }
  await nc.drain();
}

(mode === 'sse' ? sse() : mode === 'nats' ? natsSubscriber() : Promise.reject(new Error('usage: public-events-subscriber.js sse|nats [--since TIME] [--max N]'))).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
