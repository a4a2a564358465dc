// The RFC 3261 message layer: parse, serialize, header views, URIs, responses, stream framing.
export type {
  CSeq, HeaderField, NameAddr, ParseLimits, SipMessage, SipRequest, SipResponse, SipUri, Via,
} from './types.js';
export { DEFAULT_LIMITS } from './types.js';
export { SipParseError, isSipParseError } from './errors.js';
export type { PartialRequest } from './errors.js';
export { parseMessage } from './parse.js';
export { serializeMessage } from './serialize.js';
export { parseUri, formatUri } from './uri.js';
export {
  getHeader, getHeaders, hasHeader, setHeader, addHeader, removeHeader, removeFirstValue,
  parseVia, formatVia, parseNameAddr, formatNameAddr, parseCSeq, formatCSeq, parseContentLength,
  parseMaxForwards, canonicalName, headerKey, isListHeader, splitList,
} from './headers.js';
export type { HasHeaders } from './headers.js';
export { buildResponse, buildErrorResponse, reasonPhrase, newTag } from './build.js';
export type { ResponseOptions } from './build.js';
export { StreamFramer } from './framer.js';
export type { FramerEvent } from './framer.js';
