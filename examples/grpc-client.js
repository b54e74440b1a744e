#!/usr/bin/env node
// A sample gRPC client of the gateway (README: gRPC). It calls the platform with @grpc/grpc-js,
// the .proto files of proto/ loaded at run time by @grpc/proto-loader, and mTLS: the client
// certificate names the account (spiffe://<trust domain>/account/<12 digits>[/<workload>]).
//
//   node examples/grpc-client.js list                      every CA of the account, page by page
//   node examples/grpc-client.js watch [CERTIFICATE_ARN]   a certificate's status, then its revocation
//                                                          (default: this client's own certificate)
//   node examples/grpc-client.js events [--resume TOKEN]   the account's public events, live
//
// With `npm start` running, the development credentials in .data/grpc are all it needs: ca.pem
// (the server's trust anchor), client.pem and client.key (account 000000000000) and dev.json
// (the client CA's ARN, for `watch` without an ARN). Another identity or server, as grpcurl's flags:
//   --cert workload.pem --key workload.key --cacert ca.pem --address pki.example.com:4570
//
// Uses the packages this repository already depends on: @grpc/grpc-js and @grpc/proto-loader.
'use strict';
const { readFileSync } = require('node:fs');
const { X509Certificate } = require('node:crypto');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const flags = {};
const positional = [];
for (const args = process.argv.slice(2); args.length > 0; ) {
  const arg = args.shift();
  if (arg.startsWith('--')) flags[arg.slice(2)] = args.shift();
  else positional.push(arg);
}
const [mode = 'list', certificateArn] = positional;
const devDir = path.join(__dirname, '..', '.data', 'grpc');
const file = (flag, name) => readFileSync(flags[flag] ?? path.join(devDir, name));
const address = flags.address ?? 'localhost:4570';

const definition = protoLoader.loadSync(['pki/acmpca/v1/acmpca.proto', 'pki/events/v1/events.proto'], {
  includeDirs: [path.join(__dirname, '..', 'proto')],
  keepCase: true,
  enums: String,
  longs: Number,
  defaults: false,
  oneofs: true,
});
const pki = grpc.loadPackageDefinition(definition).pki;
const credentials = grpc.credentials.createSsl(file('cacert', 'ca.pem'), file('key', 'client.key'), file('cert', 'client.pem'));
const pca = new pki.acmpca.v1.PrivateCaService(address, credentials);
const events = new pki.events.v1.EventsService(address, credentials);

const time = (t) => (t ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined);
/** A deadline for unary calls: the gateway stops waiting then, and starts no command past it. */
const deadline = () => new Date(Date.now() + 10_000);

/** A unary call as a promise. */
const call = (client, rpc, request) => new Promise((resolve, reject) => client[rpc](request, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response))));

async function list() {
  let next_token;
  do {
    const page = await call(pca, 'ListCertificateAuthorities', { max_results: 20, ...(next_token ? { next_token } : {}) });
    for (const ca of page.certificate_authorities ?? []) {
      console.log([ca.arn, ca.status, ca.type, ca.certificate_authority_configuration?.subject?.common_name ?? '', time(ca.created_at)].join('  '));
    }
    next_token = page.next_token;
  } while (next_token);
}

/** This client's own certificate: the client CA's ARN (dev.json) and the serial in lowercase hex, as IssueCertificate names it. */
function ownCertificateArn() {
  const { clientCaArn } = JSON.parse(readFileSync(path.join(devDir, 'dev.json'), 'utf8'));
  const serial = BigInt(`0x${new X509Certificate(file('cert', 'client.pem')).serialNumber}`).toString(16);
  return `${clientCaArn}/certificate/${serial}`;
}

function watch() {
  const certificate_arn = certificateArn ?? ownCertificateArn();
  const certificate_authority_arn = certificate_arn.split('/certificate/')[0];
  console.error(`watching ${certificate_arn} (Ctrl-C to stop)`);
  // No deadline: the stream lasts until the certificate is revoked, the client cancels, or the gateway stops.
  const stream = events.WatchCertificate({ certificate_authority_arn, certificate_arn });
  stream.on('data', (m) => console.log(JSON.stringify({ status: m.status, serial: m.serial, initial: m.initial ?? false, revoked_at: time(m.revoked_at), reason: m.revocation_reason })));
  return ended(stream);
}

function streamEvents() {
  const resume_token = flags.resume;
  const stream = events.StreamEvents(resume_token ? { resume_token } : {});
  stream.on('data', (m) => {
    const event = JSON.parse(m.event_json);
    // Keep the last resume token: after an UNAVAILABLE (the gateway stopping), call again with it.
    console.log(JSON.stringify({ resume_token: m.resume_token, time: event.time, type: event['detail-type'], resources: event.resources }));
  });
  return ended(stream);
}

const ended = (stream) =>
  new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
    process.once('SIGINT', () => stream.cancel());
  });

// ---- google.rpc.ErrorInfo from the grpc-status-details-bin trailer (decoded by hand: strings and a map) ----

function fields(buf) {
  const out = [];
  for (let at = 0; at < buf.length; ) {
    const [key, afterKey] = varint(buf, at);
    if ((key & 7) === 0) {
      at = varint(buf, afterKey)[1];
      continue;
    }
    const [length, start] = varint(buf, afterKey);
    out.push([key >>> 3, buf.subarray(start, start + length)]);
    at = start + length;
  }
  return out;
}

function varint(buf, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
}

/** { reason: the AWS exception name, domain, metadata: { requestId, ... } }, or undefined. */
function errorInfo(error) {
  const [details] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!details) return undefined;
  for (const [number, any] of fields(details)) {
    if (number !== 3) continue;
    const parts = Object.fromEntries(fields(any));
    if (parts[1]?.toString() !== 'type.googleapis.com/google.rpc.ErrorInfo') continue;
    const info = { metadata: {} };
    for (const [n, value] of fields(parts[2])) {
      if (n === 1) info.reason = value.toString();
      else if (n === 2) info.domain = value.toString();
      else if (n === 3) {
        const entry = Object.fromEntries(fields(value));
        info.metadata[entry[1]?.toString()] = entry[2]?.toString() ?? '';
      }
    }
    return info;
  }
  return undefined;
}

const run = { list, watch, events: streamEvents }[mode];
(run ? run() : Promise.reject(new Error('usage: grpc-client.js list | watch [CERTIFICATE_ARN] | events [--resume TOKEN] [--cert PEM --key PEM] [--cacert PEM] [--address HOST:PORT]')))
  .then(() => process.exit(0))
  .catch((error) => {
    if (error.code === grpc.status.CANCELLED) process.exit(0);
    const info = error.code === undefined ? undefined : errorInfo(error);
    // Branch on info.reason exactly as on an SDK error's name (e.g. ResourceNotFoundException).
    console.error(info ? `${grpc.status[error.code]} ${info.reason} (${info.domain}, request ${info.metadata.requestId}): ${error.details}` : error.message);
    process.exit(1);
  });
