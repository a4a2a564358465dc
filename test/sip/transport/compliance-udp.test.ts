// The transport compliance suite over UDP (IPv4 and IPv6).
import { complianceSuite } from './compliance.js';

complianceSuite('udp', () => undefined);
