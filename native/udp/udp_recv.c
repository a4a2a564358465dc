/* Batched receive (issue 12): one call drains a media thread's RTP sockets with non-blocking
 * recvmmsg() into one arena, and describes each datagram in an Int32Array, so that JavaScript
 * walks them without a libuv wake-up, a Buffer and an rinfo object per datagram
 * (src/media/native/udp-batch-in.ts).
 *
 * recvBatch(fds: Int32Array, from: number, to: number, arena: Buffer, slot: number,
 *           desc: Int32Array, state: Int32Array): number
 *   Reads the sockets fds[from], …, fds[to - 1] in turn (entries < 0 are skipped: free slots),
 *   each until it has nothing more (EAGAIN) or PER_SOCKET datagrams were taken from it in this
 *   call (a flooded port cannot fill the batch alone; what it sent stays in its socket buffer).
 *   Every datagram gets `slot` bytes of the arena; it is read with MSG_TRUNC, so a longer one is
 *   cut there and its descriptor still gives its real length (the caller drops it unread as
 *   oversized). Returns how many descriptors it wrote, RECV_FIELDS int32s each:
 *     [0] index into fds, [1] offset in the arena, [2] length (real length; > slot: truncated;
 *     < 0: -errno of a receive error on that socket, the other fields 0), [3] source port,
 *     [4] source IPv4 (host order), [5] microseconds since the kernel received it (SO_TIMESTAMPNS;
 *     0 when it gave no time), clamped to 0..2^31-1.
 *   state[0] = the index at which to go on: `to` when every socket was drained, less when the arena
 *   or desc ran out of room first (that socket may hold more).
 * A descriptor that this thread's openUdp4() did not open is never read: it gets one error
 * descriptor, -EBADF.
 * Every index, length and size is checked before anything is read or written; bad arguments throw
 * TypeError, never crash. The arena, desc and state must not be the same memory (JS owns them). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "udp_common.h"

#define RECV_FIELDS 6
#define MAX_VLEN 32
#define FIRST_VLEN 4 /* a socket holds one datagram a tick, a few when the tick was late */
#define PER_SOCKET 256
#define MIN_SLOT 64
#define MAX_SLOT 65536
#define EINTR_RETRIES 4

typedef struct {
  uint8_t *arena;
  size_t arena_len;
  size_t used;      /* next free octet, 8-aligned */
  size_t slot;
  int32_t *desc;
  size_t max_entries;
  size_t entries;
  struct timespec now;
} batch_t;

static int32_t age_us(const struct timespec *now, const struct msghdr *h) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_TIMESTAMPNS || c->cmsg_len < CMSG_LEN(sizeof(struct timespec))) continue;
    struct timespec t;
    memcpy(&t, CMSG_DATA(c), sizeof t);
    int64_t us = ((int64_t)now->tv_sec - (int64_t)t.tv_sec) * 1000000 + ((int64_t)now->tv_nsec - (int64_t)t.tv_nsec) / 1000;
    if (us < 0) return 0; /* the wall clock stepped back: treat it as just now */
    return us > INT32_MAX ? INT32_MAX : (int32_t)us;
  }
  return 0;
}

static void put(batch_t *b, int32_t index, int32_t offset, int32_t length, int32_t port, int32_t ip, int32_t age) {
  int32_t *d = b->desc + b->entries * RECV_FIELDS;
  d[0] = index;
  d[1] = offset;
  d[2] = length;
  d[3] = port;
  d[4] = ip;
  d[5] = age;
  b->entries++;
}

/* Room for how many more datagrams: limited by the arena, desc and the per-call vector. */
static size_t room(const batch_t *b) {
  size_t by_arena = (b->arena_len - b->used) / b->slot;
  size_t by_desc = b->max_entries - b->entries;
  size_t n = by_arena < by_desc ? by_arena : by_desc;
  return n < MAX_VLEN ? n : MAX_VLEN;
}

/* Drains one socket. Returns 0 when it is done with it (drained, at PER_SOCKET, or an error was
 * noted), 1 when the batch ran out of room before that. */
static int drain(batch_t *b, int fd, int32_t index) {
  struct mmsghdr msgs[MAX_VLEN];
  struct iovec iov[MAX_VLEN];
  struct sockaddr_in from[MAX_VLEN];
  char control[MAX_VLEN][CMSG_SPACE(sizeof(struct timespec)) + 16] __attribute__((aligned(8)));
  size_t taken = 0;
  int retries = 0;
  while (taken < PER_SOCKET) {
    size_t vlen = room(b);
    if (vlen == 0) return 1;
    if (taken == 0 && vlen > FIRST_VLEN) vlen = FIRST_VLEN; /* fewer headers to set up per call */
    if (vlen > PER_SOCKET - taken) vlen = PER_SOCKET - taken;
    for (size_t k = 0; k < vlen; k++) {
      iov[k].iov_base = b->arena + b->used + k * b->slot;
      iov[k].iov_len = b->slot;
      memset(&msgs[k], 0, sizeof msgs[k]);
      msgs[k].msg_hdr.msg_name = &from[k];
      msgs[k].msg_hdr.msg_namelen = sizeof from[k];
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
      msgs[k].msg_hdr.msg_control = control[k];
      msgs[k].msg_hdr.msg_controllen = sizeof control[k];
    }
    int r = recvmmsg(fd, msgs, (unsigned int)vlen, MSG_DONTWAIT | MSG_TRUNC, NULL);
    if (r < 0) {
      if (errno == EINTR && retries++ < EINTR_RETRIES) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      put(b, index, 0, -errno, 0, 0, 0); /* room() > 0: there is a descriptor for it */
      return 0;
    }
    size_t last_end = b->used;
    for (int k = 0; k < r; k++) {
      size_t offset = b->used + (size_t)k * b->slot;
      size_t length = msgs[k].msg_len;
      int port = 0, ip = 0;
      if (msgs[k].msg_hdr.msg_namelen >= sizeof(struct sockaddr_in) && from[k].sin_family == AF_INET) {
        port = ntohs(from[k].sin_port);
        ip = (int32_t)ntohl(from[k].sin_addr.s_addr);
      }
      put(b, index, (int32_t)offset, length > INT32_MAX ? INT32_MAX : (int32_t)length, port, ip, age_us(&b->now, &msgs[k].msg_hdr));
      last_end = offset + (length < b->slot ? length : b->slot);
    }
    /* The next datagram starts right after the last one read (8-aligned), not a whole slot on:
     * with one datagram per socket per tick, the arena holds thousands of them. */
    b->used = (last_end + 7) & ~(size_t)7;
    if (b->used > b->arena_len) b->used = b->arena_len;
    taken += (size_t)r;
    if ((size_t)r < vlen) return 0; /* nothing more queued right now */
  }
  return 0;
}

napi_value udp_recv_batch(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) {
    return udp_fail(env, "recvBatch(fds, from, to, arena, slot, desc, state)");
  }
  int32_t *fds = NULL, *desc = NULL, *state = NULL;
  size_t fds_len = 0, desc_len = 0, state_len = 0;
  uint32_t from = 0, to = 0, slot = 0;
  batch_t b;
  memset(&b, 0, sizeof b);
  if (!udp_int32_array(env, argv[0], &fds, &fds_len)) return udp_fail(env, "fds must be an Int32Array");
  if (napi_get_value_uint32(env, argv[1], &from) != napi_ok || napi_get_value_uint32(env, argv[2], &to) != napi_ok) return udp_fail(env, "from and to must be numbers");
  if (!udp_bytes(env, argv[3], &b.arena, &b.arena_len)) return udp_fail(env, "arena must be a Buffer");
  if (napi_get_value_uint32(env, argv[4], &slot) != napi_ok) return udp_fail(env, "slot must be a number");
  if (!udp_int32_array(env, argv[5], &desc, &desc_len)) return udp_fail(env, "desc must be an Int32Array");
  if (!udp_int32_array(env, argv[6], &state, &state_len) || state_len < 1) return udp_fail(env, "state must be an Int32Array of 1 or more");
  if (from > to || to > fds_len) return udp_fail(env, "from..to is not inside fds");
  if (slot < MIN_SLOT || slot > MAX_SLOT || slot > b.arena_len) return udp_fail(env, "slot must be 64-65536 octets and fit in the arena");
  if (b.arena_len > INT32_MAX) return udp_fail(env, "the arena is larger than 2 GiB");
  b.slot = slot;
  b.desc = desc;
  b.max_entries = desc_len / RECV_FIELDS;
  const udp_sockets_t *mine = udp_sockets_of(env);
  clock_gettime(CLOCK_REALTIME, &b.now); /* SO_TIMESTAMPNS stamps are wall-clock time */
  uint32_t i = from;
  for (; i < to; i++) {
    int fd = fds[i];
    if (fd < 0) continue;
    if (room(&b) == 0) break;
    if (!udp_owned(mine, fd)) {
      put(&b, (int32_t)i, 0, -EBADF, 0, 0, 0);
      continue;
    }
    if (drain(&b, fd, (int32_t)i)) break;
  }
  state[0] = (int32_t)i;
  napi_value out;
  napi_create_uint32(env, (uint32_t)b.entries, &out);
  return out;
}
