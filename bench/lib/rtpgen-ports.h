/* rtpgen's sockets, a part of rtpgen.c (included there). Calls opened on the same port share one
 * socket pair: bench/lib/gen-step.mjs offers every call of an rtpgen the same port (unless tshark
 * samples the streams, BENCH_TSHARK=1), so that one recvmmsg() reads what many calls received and
 * one sendmmsg() sends many calls' packets: a few system calls a tick instead of two per call,
 * which at 1,000 calls made the generator a third of the machine's load. A datagram on a shared
 * socket belongs to the call whose server address sent it: the server sends from the port it
 * receives on (symmetric RTP, RFC 4961), the one "start" names. The server's work per call does
 * not change: its sockets are its own either way. */

#define MAX_PORTS MAX_CALLS
#define SHARED_RCVBUF (16 * 1024 * 1024)

typedef struct { int port, rtp, rtcp, refs; } port_t;

static port_t ports[MAX_PORTS];
static int by_src[65536]; /* the server's RTP port -> call id + 1 (0: no call) */
static long long stray;   /* datagrams from no started call's server port */

static uint64_t tag_of(int index, int rtcp) { return ((uint64_t)rtcp << 32) | (uint32_t)index; }

static int bind_udp(int port, uint64_t tag) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  int one = 1, buf = SHARED_RCVBUF;
  setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  /* a burst of one server tick is up to 1,000 datagrams on one socket: root may exceed rmem_max */
  if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0) setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = bind_addr };
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { int e = errno; close(s); errno = e; return -1; }
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  return s;
}

/* The index of the socket pair on `port` (opened, or shared with the calls already on it), or -1
 * with a message in *why. */
static int port_open(int port, const char **why) {
  int free_at = -1;
  for (int i = 0; i < MAX_PORTS; i++) {
    if (ports[i].refs > 0 && ports[i].port == port) { ports[i].refs++; return i; }
    if (ports[i].refs == 0 && free_at < 0) free_at = i;
  }
  if (free_at < 0) { *why = "no free port slot"; return -1; }
  port_t *p = &ports[free_at];
  p->rtp = bind_udp(port, tag_of(free_at, 0));
  if (p->rtp < 0) { *why = strerror(errno); return -1; }
  p->rtcp = bind_udp(port + 1, tag_of(free_at, 1));
  if (p->rtcp < 0) { *why = strerror(errno); close(p->rtp); return -1; }
  p->port = port;
  p->refs = 1;
  return free_at;
}

static void port_close(int i) {
  if (i < 0 || i >= MAX_PORTS || ports[i].refs <= 0) return;
  if (--ports[i].refs > 0) return;
  close(ports[i].rtp);
  close(ports[i].rtcp);
  memset(&ports[i], 0, sizeof ports[i]);
}

/* Sends gathered a tick: runs of packets on one socket go out with one sendmmsg(). */
static struct mmsghdr out_m[BATCH];
static struct iovec out_iov[BATCH];
static unsigned char out_buf[BATCH][12 + FRAME + 16]; /* room for the SRTP authentication tag */
static call_t *out_call[BATCH];
static int out_n, out_fd = -1;

static void out_flush(void) {
  int done = 0;
  while (done < out_n) {
    int r = sendmmsg(out_fd, out_m + done, (unsigned)(out_n - done), MSG_DONTWAIT);
    if (r <= 0) { done++; continue; } /* the first unsent one failed (EAGAIN): not sent, go on */
    for (int k = done; k < done + r; k++) {
      if (out_m[k].msg_len == out_iov[k].iov_len) { out_call[k]->tx++; tx_total++; }
    }
    done += r;
  }
  out_n = 0;
}

/* A buffer for call c's next packet, sent by out_commit(len) or the next flush. */
static unsigned char *out_next(call_t *c) {
  int fd = ports[c->port].rtp;
  if (out_n > 0 && (fd != out_fd || out_n == BATCH)) out_flush();
  out_fd = fd;
  out_call[out_n] = c;
  return out_buf[out_n];
}

static void out_commit(call_t *c, int len) {
  out_iov[out_n].iov_base = out_buf[out_n];
  out_iov[out_n].iov_len = (size_t)len;
  memset(&out_m[out_n], 0, sizeof out_m[out_n]);
  out_m[out_n].msg_hdr.msg_name = &c->to;
  out_m[out_n].msg_hdr.msg_namelen = sizeof c->to;
  out_m[out_n].msg_hdr.msg_iov = &out_iov[out_n];
  out_m[out_n].msg_hdr.msg_iovlen = 1;
  out_n++;
}
