/* One call per clock tick sends every RTP packet that is due on a media thread (issue 12): the
 * JS side (src/media/native/udp-batch-out.ts) copies the packets into one arena and describes each
 * with FIELDS int32s; sendBatch() sends them with sendto(), or sendmmsg() for a run of packets on
 * the same socket, skipping Node's per-send JavaScript and libuv's request per packet.
 *
 * sendBatch(arena: Buffer, desc: Int32Array, count: number, results: Int32Array): number
 *   desc[i * FIELDS + ...] = fd, offset in arena, length, port, IPv4 address (host order)
 *   results[i] = 0 when packet i went out, else its errno (EAGAIN when the socket buffer is full:
 *   the packet is dropped, as late media would be). Returns how many failed.
 * Every offset, length and count is checked against the arrays before anything is read. The fds
 * are non-blocking (openUdp4() or libuv made them so); MSG_DONTWAIT makes sure of it. An fd may be
 * a node:dgram socket's (RTP received by dgram) or one openUdp4() opened (udp_sockets.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include "udp_common.h"

#define FIELDS UDP_BATCH_FIELDS
#define MAX_RUN 64

static void address_of(const int32_t *d, struct sockaddr_in *sa) {
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)d[3]);
  sa->sin_addr.s_addr = htonl((uint32_t)d[4]);
}

/* Sends entries [from, from + n) of one fd; returns how many failed. */
static uint32_t send_run(uint8_t *arena, const int32_t *desc, int32_t *results, uint32_t from, uint32_t n) {
  struct mmsghdr msgs[MAX_RUN];
  struct iovec iov[MAX_RUN];
  struct sockaddr_in sa[MAX_RUN];
  uint32_t failed = 0;
  int fd = desc[from * FIELDS];
  if (n == 1) {
    const int32_t *d = desc + from * FIELDS;
    address_of(d, &sa[0]);
    ssize_t r = sendto(fd, arena + d[1], (size_t)d[2], MSG_DONTWAIT, (struct sockaddr *)&sa[0], sizeof sa[0]);
    results[from] = r < 0 ? errno : 0;
    return r < 0 ? 1 : 0;
  }
  for (uint32_t k = 0; k < n; k++) {
    const int32_t *d = desc + (from + k) * FIELDS;
    address_of(d, &sa[k]);
    iov[k].iov_base = arena + d[1];
    iov[k].iov_len = (size_t)d[2];
    memset(&msgs[k], 0, sizeof msgs[k]);
    msgs[k].msg_hdr.msg_name = &sa[k];
    msgs[k].msg_hdr.msg_namelen = sizeof sa[k];
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
  }
  uint32_t done = 0;
  while (done < n) {
    int r = sendmmsg(fd, msgs + done, n - done, MSG_DONTWAIT);
    if (r < 0) { /* the first unsent packet failed: note it, go on with the next */
      results[from + done] = errno;
      failed++;
      done++;
      continue;
    }
    for (int k = 0; k < r; k++) results[from + done + k] = 0;
    done += (uint32_t)r;
  }
  return failed;
}

uint32_t udp_send_all(uint8_t *arena, const int32_t *desc, uint32_t count, int32_t *results) {
  uint32_t failed = 0;
  for (uint32_t i = 0; i < count;) {
    uint32_t n = 1;
    while (i + n < count && n < MAX_RUN && desc[(i + n) * FIELDS] == desc[i * FIELDS]) n++;
    failed += send_run(arena, desc, results, i, n);
    i += n;
  }
  return failed;
}

napi_value udp_send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return udp_fail(env, "sendBatch(arena, desc, count, results)");
  bool is_buffer = false;
  void *arena = NULL;
  size_t arena_len = 0;
  if (napi_is_buffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer) return udp_fail(env, "arena must be a Buffer");
  if (napi_get_buffer_info(env, argv[0], &arena, &arena_len) != napi_ok) return udp_fail(env, "arena must be a Buffer");
  int32_t *desc = NULL, *results = NULL;
  size_t desc_len = 0, results_len = 0;
  if (!udp_int32_array(env, argv[1], &desc, &desc_len)) return udp_fail(env, "desc must be an Int32Array");
  if (!udp_int32_array(env, argv[3], &results, &results_len)) return udp_fail(env, "results must be an Int32Array");
  uint32_t count = 0;
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok) return udp_fail(env, "count must be a number");
  if ((size_t)count * FIELDS > desc_len || count > results_len) return udp_fail(env, "count is larger than desc or results");
  for (uint32_t i = 0; i < count; i++) {
    const int32_t *d = desc + i * FIELDS;
    if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] <= 0 || d[3] > 65535 || (size_t)d[1] + (size_t)d[2] > arena_len) {
      return udp_fail(env, "a packet's fd, offset, length or port is out of range");
    }
  }
  uint32_t failed = udp_send_all((uint8_t *)arena, desc, count, results);
  napi_value out;
  napi_create_uint32(env, failed, &out);
  return out;
}
