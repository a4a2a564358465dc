/* rtpgen: the media side of bench/media.mjs's load generator (issue 12). One thread sends a 20 ms
 * PCMA packet per call per tick, paced on an absolute clock, and receives what the server sends on
 * the same sockets, measuring each stream at the receiver, so that neither SIPp (one thread per
 * call) nor tshark is needed. Built at bench time by bench/lib/rtpgen.mjs (cc -O2, into a temp dir);
 * rtpgen-measure.h (receive-side measures), rtpgen-srtp.h (SDES keys, SRTP on libcrypto or
 * libsrtp2) and rtpgen-ports.h (shared sockets) are parts of it.
 *
 * Usage: rtpgen ADDRESS AUDIO.alaw MAX_SECONDS      (built with -DHAVE_OPENSSL_SRTP -lcrypto and/or
 *        -DHAVE_SRTP -lsrtp2: SRTP too; RTPGEN_SRTP=libsrtp2 picks libsrtp2 when both are in)
 *   ADDRESS      IPv4 address every socket binds to (the generator's loopback address)
 *   AUDIO.alaw   raw A-law, 8 kHz, looped: each packet carries the next 160 bytes
 *   MAX_SECONDS  the program exits after this long whatever happens (bounded); also on stdin EOF
 *
 * Control protocol: one line per command on stdin, one line per answer on stdout (flushed); the first
 * line out is "ready srtp=1|0 libsrtp=1|0" (whether SRTP is built in, and on libsrtp2).
 *   open ID PORT SAMPLE      bind PORT (RTP) and PORT+1 (RTCP, drained) on ADDRESS for call ID
 *                            (0..MAX_CALLS-1), or share them with the calls already open on PORT
 *                            (rtpgen-ports.h), and start receiving; SAMPLE 1 adds the stream to the
 *                            "sample" measure too (the streams tshark also captures, for comparison)
 *                            -> "ok ID" | "err ID reason"
 *   start ID IP PORT SSRC    send to IP:PORT from the next tick on: PT 8, seq from a random start,
 *                            timestamp +160 a tick, SSRC as given, marker on the first packet
 *                            (RFC 3550 §5.1) -> no answer ("err ID reason" if ID is not open)
 *   start ID IP PORT SSRC TXKEY RXKEY   the same over SRTP (RFC 3711), AES_CM_128_HMAC_SHA1_80:
 *                            TXKEY our master key||salt (the offer's a=crypto inline: value, 40
 *                            base64 digits), RXKEY the server's (its answer's); what arrives is
 *                            authenticated and decrypted before it is measured, failures counted
 *                            -> "err ID ..." when the keys are bad or SRTP is not built in
 *   close ID                 stop sending, close both sockets
 *                            -> "closed ID tx=N rx=N expected=N lost=N" (RTP of that call;
                            "... not_open=1" with zeros when ID was not open)
 *   reset                    zero the measures below (the start of a step) -> "ok reset"
 *   report                   -> "report streams=N tx=N rx=N expected=N lost=N samples=N p50_us=N
 *                               p99_us=N max_us=N sample_streams=N sample_samples=N sample_p99_us=N
 *                               ticks=N late_ticks=N skipped_ticks=N srtp_fail=N cpu_ms=N stray=N"
 *                            (counts since the last reset; expected/lost over the calls closed;
 *                            stray: datagrams from no started call's server port, rtpgen-ports.h)
 *   quit                     exit
 * Receiver jitter, as bench/media.mjs measured it with tshark: per RTP stream (a call's socket) and
 * per packet, |inter-arrival - 20 ms| from the kernel's receive times (SO_TIMESTAMPNS), an
 * inter-arrival over 200 ms skipped (a pause in what the server plays, not jitter); pooled over all
 * streams into a histogram of 10 us buckets. Loss: RFC 3550 §A.3 (extended highest sequence number
 * minus the first, plus one, minus packets received); a new SSRC restarts the stream's count.
 * Pacing: ticks at t0 + k x 20 ms on CLOCK_MONOTONIC, slept to with clock_nanosleep(TIMER_ABSTIME)
 * after epoll has drained what arrived; when the thread finds itself more than 5 ticks late (no CPU
 * for it: a full machine) the missed ticks are skipped, not sent in a burst: counted in
 * skipped_ticks, the sequence numbers stay contiguous and the timestamps jump by the time missed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SRTP
#include <srtp2/srtp.h>
#endif

#define MAX_CALLS 4000
#define PTIME_NS 20000000LL
#define FRAME 160
#define BUCKET_US 10
#define BUCKETS 200000 /* 10 us x 200,000 = 2 s */
#define PAUSE_NS 200000000LL
#define BATCH 32
#define STDIN_TAG 0xffffffffu

typedef struct {
  int open, sending, sample, port; /* port: index of its socket pair (rtpgen-ports.h) */
  struct sockaddr_in to;
  uint16_t seq;
  uint32_t ts, ssrc;
  long long tx;
  /* receive side, RFC 3550 §A.3 */
  int have_rx;
  uint32_t rx_ssrc, base_seq, max_ext, cycles;
  uint16_t max_seq;
  long long rx, expected_prev_ssrcs, rx_prev_ssrcs, last_ns;
  void *tx_srtp, *rx_srtp; /* NULL: plain RTP; else rtpgen-srtp.h's, one per direction */
} call_t;

static call_t calls[MAX_CALLS];
static uint32_t hist[BUCKETS], hist_sample[BUCKETS];
static long long n_samples, n_sample_samples, tx_total, rx_total, closed_expected, closed_lost;
static long long ticks, late_ticks, skipped_ticks, srtp_fail;
static unsigned char *audio;
static size_t audio_len;
static struct in_addr bind_addr;
static int ep;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list a;
  va_start(a, fmt);
  vprintf(fmt, a);
  va_end(a);
  putchar('\n');
  fflush(stdout);
}

/* Two parts of this one translation unit, in files of their own for size */
#include "rtpgen-measure.h"
#include "rtpgen-srtp.h"
#include "rtpgen-ports.h"

/* Reads what arrived on socket pair `index` (RTCP: read and dropped). Each RTP datagram goes to the
 * call whose server port sent it (rtpgen-ports.h). */
static void drain(int index, int rtcp) {
  static unsigned char bufs[BATCH][1500];
  static char ctl[BATCH][64];
  static struct sockaddr_in from[BATCH];
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  /* An event of this epoll_wait batch for a pair closed earlier in the same batch: its fields are
   * zero, and fd 0 is stdin, a socket when Node spawned us (libuv's socketpair): reading it here
   * would eat commands. */
  if (index < 0 || index >= MAX_PORTS || ports[index].refs <= 0) return;
  int s = rtcp ? ports[index].rtcp : ports[index].rtp;
  for (;;) {
    memset(m, 0, sizeof m);
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = bufs[i]; iov[i].iov_len = sizeof bufs[i];
      m[i].msg_hdr.msg_iov = &iov[i]; m[i].msg_hdr.msg_iovlen = 1;
      m[i].msg_hdr.msg_control = ctl[i]; m[i].msg_hdr.msg_controllen = sizeof ctl[i];
      m[i].msg_hdr.msg_name = &from[i]; m[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(s, m, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    if (rtcp) continue;
    for (int i = 0; i < n; i++) {
      int id = by_src[ntohs(from[i].sin_port)] - 1;
      call_t *c = id >= 0 ? &calls[id] : NULL;
      if (!c || !c->open || c->port != index || c->to.sin_addr.s_addr != from[i].sin_addr.s_addr) { stray++; continue; }
      long long t = 0;
      for (struct cmsghdr *h = CMSG_FIRSTHDR(&m[i].msg_hdr); h; h = CMSG_NXTHDR(&m[i].msg_hdr, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec ts;
          memcpy(&ts, CMSG_DATA(h), sizeof ts);
          t = ts.tv_sec * 1000000000LL + ts.tv_nsec; /* CLOCK_REALTIME: only differences are used */
        }
      }
      if (!t) { struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts); t = ts.tv_sec * 1000000000LL + ts.tv_nsec; }
      int len = (int)m[i].msg_len;
      if (c->rx_srtp && srtp_apply(c, 0, bufs[i], &len) != 0) { srtp_fail++; continue; }
      on_rtp(c, bufs[i], len, t);
    }
    if (n < BATCH) return;
  }
}

static void send_tick(long long k) {
  size_t off = (size_t)((k * FRAME) % (long long)audio_len);
  for (int id = 0; id < MAX_CALLS; id++) {
    call_t *c = &calls[id];
    if (!c->sending) continue;
    unsigned char *pkt = out_next(c);
    pkt[0] = 0x80;
    pkt[1] = (unsigned char)(8 | (c->tx == 0 ? 0x80 : 0));
    pkt[2] = (unsigned char)(c->seq >> 8); pkt[3] = (unsigned char)c->seq;
    pkt[4] = (unsigned char)(c->ts >> 24); pkt[5] = (unsigned char)(c->ts >> 16);
    pkt[6] = (unsigned char)(c->ts >> 8); pkt[7] = (unsigned char)c->ts;
    pkt[8] = (unsigned char)(c->ssrc >> 24); pkt[9] = (unsigned char)(c->ssrc >> 16);
    pkt[10] = (unsigned char)(c->ssrc >> 8); pkt[11] = (unsigned char)c->ssrc;
    for (size_t i = 0; i < FRAME; i++) pkt[12 + i] = audio[(off + i) % audio_len];
    int len = 12 + FRAME;
    if (c->tx_srtp && srtp_apply(c, 1, pkt, &len) != 0) { srtp_fail++; len = 0; }
    if (len) out_commit(c, len);
    c->seq++;
    c->ts += FRAME;
  }
  if (out_n > 0) out_flush();
}

static void close_call(int id) {
  call_t *c = &calls[id];
  long long e;
  stream_expected(c, &e);
  e += c->expected_prev_ssrcs;
  long long rx = c->rx + c->rx_prev_ssrcs, lost = e - rx;
  closed_expected += e;
  closed_lost += lost > 0 ? lost : 0;
  say("closed %d tx=%lld rx=%lld expected=%lld lost=%lld", id, c->tx, rx, e, lost);
  int src = ntohs(c->to.sin_port);
  if (c->sending && by_src[src] == id + 1) by_src[src] = 0;
  port_close(c->port);
  srtp_release(c);
  memset(c, 0, sizeof *c);
}

static void report(void) {
  int streams = 0, sample_streams = 0;
  for (int i = 0; i < MAX_CALLS; i++) if (calls[i].open) { streams++; sample_streams += calls[i].sample; }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long long cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
  say("report streams=%d tx=%lld rx=%lld expected=%lld lost=%lld samples=%lld p50_us=%lld p99_us=%lld max_us=%lld "
      "sample_streams=%d sample_samples=%lld sample_p99_us=%lld ticks=%lld late_ticks=%lld skipped_ticks=%lld srtp_fail=%lld cpu_ms=%lld stray=%lld",
      streams, tx_total, rx_total, closed_expected, closed_lost, n_samples, percentile(hist, n_samples, 0.5),
      percentile(hist, n_samples, 0.99), percentile(hist, n_samples, 1.0), sample_streams, n_sample_samples,
      percentile(hist_sample, n_sample_samples, 0.99), ticks, late_ticks, skipped_ticks, srtp_fail, cpu_ms, stray);
}

static int command(char *line) {
  int id = -1, port = 0, sample = 0;
  char ip[64], txkey[64] = "", rxkey[64] = "";
  unsigned long ssrc = 0;
  if (sscanf(line, "open %d %d %d", &id, &port, &sample) == 3) {
    if (id < 0 || id >= MAX_CALLS || calls[id].open || port < 1024 || port > 65534) { say("err %d bad open", id); return 0; }
    call_t *c = &calls[id];
    const char *why = "";
    c->port = port_open(port, &why);
    if (c->port < 0) { say("err %d bind %d or %d: %s", id, port, port + 1, why); c->port = 0; return 0; }
    c->open = 1; c->sample = sample ? 1 : 0;
    say("ok %d", id);
  } else if (sscanf(line, "start %d %63s %d %lu %63s %63s", &id, ip, &port, &ssrc, txkey, rxkey) >= 4) {
    if (id < 0 || id >= MAX_CALLS || !calls[id].open) { say("err %d not open", id); return 0; }
    if (port < 1 || port > 65535) { say("err %d bad port", id); return 0; }
    call_t *c = &calls[id];
    c->to.sin_family = AF_INET;
    c->to.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &c->to.sin_addr) != 1) { say("err %d bad address", id); return 0; }
    c->ssrc = (uint32_t)ssrc;
    if (txkey[0]) {
      const char *e = srtp_setup(c, txkey, rxkey);
      if (e) { say("err %d %s", id, e); return 0; }
    }
    c->seq = (uint16_t)random();
    c->ts = (uint32_t)random();
    c->sending = 1;
    by_src[port] = id + 1; /* what this server port sends is this call's (rtpgen-ports.h) */
  } else if (sscanf(line, "close %d", &id) == 1) {
    if (id < 0 || id >= MAX_CALLS || !calls[id].open) { say("closed %d tx=0 rx=0 expected=0 lost=0 not_open=1", id); return 0; }
    close_call(id);
  } else if (strncmp(line, "reset", 5) == 0) {
    memset(hist, 0, sizeof hist); memset(hist_sample, 0, sizeof hist_sample);
    n_samples = n_sample_samples = tx_total = rx_total = closed_expected = closed_lost = 0;
    ticks = late_ticks = skipped_ticks = stray = 0;
    say("ok reset");
  } else if (strncmp(line, "report", 6) == 0) {
    report();
  } else if (strncmp(line, "quit", 4) == 0) {
    return 1;
  } else if (line[0]) {
    say("err -1 unknown command");
  }
  return 0;
}

/* stdin is read in whole lines; a partial line waits for the rest */
static int read_commands(void) {
  static char buf[65536];
  static size_t have;
  ssize_t n = read(0, buf + have, sizeof buf - have - 1);
  if (n == 0) return 1; /* EOF: the Node side has gone */
  if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : 1;
  have += (size_t)n;
  buf[have] = 0;
  char *start = buf, *nl;
  while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
    *nl = 0;
    if (command(start)) return 1;
    start = nl + 1;
  }
  have -= (size_t)(start - buf);
  memmove(buf, start, have);
  if (have >= sizeof buf - 1) have = 0; /* an over-long line: dropped */
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: rtpgen ADDRESS AUDIO.alaw MAX_SECONDS\n"); return 2; }
  if (inet_pton(AF_INET, argv[1], &bind_addr) != 1) { fprintf(stderr, "rtpgen: bad address %s\n", argv[1]); return 2; }
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 2; }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (len < FRAME) { fprintf(stderr, "rtpgen: %s shorter than one frame\n", argv[2]); return 2; }
  audio = malloc((size_t)len);
  audio_len = fread(audio, 1, (size_t)len, f);
  fclose(f);
  long long max_ns = atoll(argv[3]) * 1000000000LL;
  if (max_ns <= 0 || max_ns > 7200 * 1000000000LL) { fprintf(stderr, "rtpgen: MAX_SECONDS 1..7200\n"); return 2; }
  struct rlimit rl = { 2 * MAX_CALLS + 64, 2 * MAX_CALLS + 64 };
  setrlimit(RLIMIT_NOFILE, &rl); /* best effort: the soft limit up to the hard one */
  srandom((unsigned)(now_ns() ^ getpid()));
  const char *srtp_backend = srtp_choose();
  if (!srtp_backend) { fprintf(stderr, "rtpgen: srtp_init failed\n"); return 2; }
  ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = STDIN_TAG };
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  long long t0 = now_ns(), next = t0 + PTIME_NS, k = 0;
  struct epoll_event evs[256];
  say("ready srtp=%d libsrtp=%d", *srtp_backend != 0, use_libsrtp);
  for (;;) {
    long long now = now_ns();
    if (now - t0 > max_ns) { fprintf(stderr, "rtpgen: MAX_SECONDS reached\n"); break; }
    if (now >= next) {
      long long behind = (now - next) / PTIME_NS;
      ticks++;
      if (now - next > 1000000) late_ticks++; /* more than 1 ms late */
      if (behind > 5) { /* skipped: the timestamps still follow the clock, as after silence (RFC 3550 §5.1) */
        skipped_ticks += behind; k += behind; next += behind * PTIME_NS;
        for (int id = 0; id < MAX_CALLS; id++) if (calls[id].sending) calls[id].ts += (uint32_t)(behind * FRAME);
      }
      send_tick(k++);
      next += PTIME_NS;
      now = now_ns();
    }
    /* Always poll between two ticks, even when late: a generator short of CPU must still read its
     * commands and drain its sockets (sending tick after tick would starve both). */
    int wait_ms = next > now ? (int)((next - now) / 1000000) - 1 : 0; /* wake a little early, then sleep to the tick */
    int n = epoll_wait(ep, evs, 256, wait_ms > 0 ? wait_ms : 0);
    int done = 0;
    for (int i = 0; i < n; i++) {
      uint64_t tag = evs[i].data.u64;
      if (tag == STDIN_TAG) done |= read_commands();
      else drain((int)(uint32_t)tag, (int)(tag >> 32));
    }
    if (done) break;
    if (n <= 0 && now_ns() < next) {
      struct timespec ts = { next / 1000000000LL, next % 1000000000LL };
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
  }
  for (int i = 0; i < MAX_PORTS; i++) if (ports[i].refs > 0) { close(ports[i].rtp); close(ports[i].rtcp); }
  return 0;
}
