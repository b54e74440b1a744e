// The benchmarks' shared kit: lean SigV4 client, per-process CPU from /proc, same-run anchors, report printer.
export { signRequest, signingKey, amzDate, type Credentials, type SignableRequest, type Scope } from './sigv4';
export { AwsJsonClient, AwsError, type AwsJsonClientOptions } from './aws-json-client';
export { sampleStack, cpuBetween, processCpuMs, processMemoryMb, pidsOf, GROUPS, STACK_APPS, type Group, type CpuSample, type CpuUsage, type StackSelector } from './proc-cpu';
export { httpCeiling, rawSigningRate, cfsslAnchor, type KeyAlgorithm, type ThroughputAnchor, type CfsslAnchor } from './anchors';
export { closedLoop, percentile, ascending, sleep, positiveInt, freePort, type LoopResult } from './load';
export { feedCost, type FeedCost, type FeedCostRun } from './feed-cost';
export { renderReport, renderComparison, meets, type Row, type ComparedRow, type Measured, type Threshold } from './report';
export { dist, ROOT } from './dist';
export { generateCrlInChild, type CrlChildResult, type CrlChildOptions } from './crl-child';
