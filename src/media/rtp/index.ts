// The RTP layer (RFC 3550/3551): packet codecs, RTCP, and the session that carries a call's media.
export { MediaPacketError, isMediaPacketError, type MediaPacketReason } from './errors.js';
export { RtpPacket, peekRtp, RTP_HEADER_SIZE, type RtpExtension, type RtpPacketInit, type RtpPeek } from './rtp-packet.js';
export {
  RtcpCompound, isRtcp, serializeRtcpPacket, RTCP_SR, RTCP_RR, RTCP_SDES, RTCP_BYE, SDES_CNAME,
  type RtcpPacket, type RtcpOther, type RtcpReportBlock, type RtcpSenderReport, type RtcpReceiverReport,
  type RtcpSdes, type RtcpBye, type SdesChunk, type SdesItem,
} from './rtcp-packet.js';
export { ReceiveStats, trackPacket, type LastSenderReport, type SeqVerdict } from './receive-stats.js';
export { RtpSender, type RtpSendOptions, type RtpSenderInit } from './rtp-sender.js';
export { SourceLatch, isUnspecifiedAddress, type LatchedAddress, type TransportAddress } from './source-latch.js';
export { PLAIN_RTP, type RtpTransform } from './transform.js';
export { type PeerReport, type PeerSenderInfo } from './rtcp-reporter.js';
export { RtpSession, type RtpSessionOptions, type RtpSessionStats, type RtpSocketPair } from './rtp-session.js';
export { type Unsubscribe } from './listeners.js';
