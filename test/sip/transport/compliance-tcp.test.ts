// The transport compliance suite over TCP (IPv4 and IPv6).
import { complianceSuite } from './compliance.js';

complianceSuite('tcp', () => undefined);
