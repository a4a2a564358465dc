/* The RTP sockets the media thread reads in batches (udp_recv.c), opened and closed here instead
 * of by node:dgram, so that libuv never reads them (one wake-up, one Buffer and one rinfo object
 * per datagram is what the batched receive replaces; bench/README.md, "Batched receive").
 *
 * openUdp4(address: number, port: number): number
 *   A non-blocking, close-on-exec IPv4 UDP socket bound to address:port (address a host-order
 *   uint32), with SO_TIMESTAMPNS so each datagram carries the kernel's arrival time. Returns the
 *   descriptor, or -errno (-EADDRINUSE when the port is taken: the allocator tries another).
 *   No SO_REUSEADDR, as node:dgram's default: a port bound elsewhere is refused.
 * closeUdp(fd: number): number
 *   Closes a socket this thread's openUdp4() opened; 0, or -EBADF for any other number (nothing
 *   is closed). While the thread's pacer (udp_pacer.c) holds queued packets, it closes the socket
 *   after sending them, so that the number is not reused under them.
 *
 * Each thread's sockets are a bitmap in its napi instance data (udp_common.h); the thread's end
 * closes what is left in it. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "udp_common.h"

#define MAX_FD (1 << 20)

udp_sockets_t *udp_sockets_of(napi_env env) {
  void *data = NULL;
  return napi_get_instance_data(env, &data) == napi_ok ? (udp_sockets_t *)data : NULL;
}

/* Marks fd as this thread's; 0 when there is no memory for the bitmap. */
static int mark(udp_sockets_t *s, int fd) {
  size_t word = (size_t)fd / 32;
  if (word >= s->words) {
    size_t words = s->words ? s->words : 64;
    while (words <= word) words *= 2;
    uint32_t *bits = realloc(s->bits, words * sizeof *bits);
    if (!bits) return 0;
    memset(bits + s->words, 0, (words - s->words) * sizeof *bits);
    s->bits = bits;
    s->words = words;
  }
  s->bits[word] |= 1u << (fd % 32);
  return 1;
}

static void unmark(udp_sockets_t *s, int fd) {
  s->bits[fd / 32] &= ~(1u << (fd % 32));
}

/* The thread ended: close the sockets it left open, free the bitmap. */
static void udp_sockets_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  udp_sockets_t *s = data;
  udp_pacer_stop(s->pacer); /* sends what is queued and closes what it was asked to, first */
  s->pacer = NULL;
  for (size_t w = 0; w < s->words; w++) {
    for (int b = 0; s->bits[w] && b < 32; b++) {
      if ((s->bits[w] >> b) & 1u) {
        s->bits[w] &= ~(1u << b);
        close((int)(w * 32 + (size_t)b));
      }
    }
  }
  free(s->bits);
  free(s);
}

int udp_sockets_init(napi_env env) {
  udp_sockets_t *s = calloc(1, sizeof *s);
  if (!s) return 0;
  if (napi_set_instance_data(env, s, udp_sockets_free, NULL) != napi_ok) {
    free(s);
    return 0;
  }
  return 1;
}

#define RCVBUF_BYTES (512 * 1024)

napi_value udp_open4(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t address = 0, port = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return udp_fail(env, "openUdp4(address, port)");
  if (napi_get_value_uint32(env, argv[0], &address) != napi_ok) return udp_fail(env, "address must be a number");
  if (napi_get_value_uint32(env, argv[1], &port) != napi_ok || port > 65535) return udp_fail(env, "port must be 0-65535");
  udp_sockets_t *s = udp_sockets_of(env);
  if (!s) return udp_fail(env, "native/udp was not initialised in this thread");
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return udp_number(env, -errno);
  int on = 1;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(address);
  int e = 0;
  if (fd >= MAX_FD) e = EMFILE;
  else if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) e = errno;
  else if (!mark(s, fd)) e = ENOMEM;
  /* These sockets are read once per 20 ms tick, not on readiness: the receive buffer holds what
   * arrives in between, and more when a tick runs late. The default (rmem_default, 208 KB here)
   * overflowed with a burst of 80 hostile datagrams of up to 7 KB while the tick ran late, and
   * the session never saw the ones the kernel dropped. Ask for 512 KB (the kernel doubles it and
   * caps it at net.core.rmem_max); a smaller cap is not an error. */
  if (!e) {
    int bytes = RCVBUF_BYTES;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  if (e) {
    close(fd);
    return udp_number(env, -e);
  }
  return udp_number(env, fd);
}

napi_value udp_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return udp_fail(env, "closeUdp(fd)");
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return udp_fail(env, "fd must be a number");
  udp_sockets_t *s = udp_sockets_of(env);
  if (!udp_owned(s, fd)) return udp_number(env, -EBADF);
  unmark(s, fd);
  if (udp_pacer_close_later(s->pacer, fd)) return udp_number(env, 0); /* after the queued packets */
  return udp_number(env, close(fd) == 0 ? 0 : -errno);
}
