// Every fuzz target, in the order a run goes through them.
import type { FuzzTarget } from '../target.js';
import { adminApiTarget } from './admin-api.js';
import { dtmfTarget } from './dtmf.js';
import { rtcpTarget } from './rtcp.js';
import { rtpTarget } from './rtp.js';
import { sdpTarget } from './sdp.js';
import { sipFramer } from './sip-framer.js';
import { sipParse } from './sip-parse.js';
import { srtpNativeTarget } from './srtp-native.js';
import { srtpTarget } from './srtp.js';
import { udpNativeTarget } from './udp-native.js';

export const TARGETS: ReadonlyArray<FuzzTarget<never>> = [
  sipParse, sipFramer, sdpTarget, rtpTarget, rtcpTarget, srtpTarget, srtpNativeTarget, udpNativeTarget, dtmfTarget, adminApiTarget,
] as unknown as ReadonlyArray<FuzzTarget<never>>;

export function targetNamed(name: string): FuzzTarget<unknown> {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target ${name}; there are ${TARGETS.map((x) => x.name).join(', ')}`);
  return t as unknown as FuzzTarget<unknown>;
}
