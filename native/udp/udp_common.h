/* Shared by the files of the native/udp addon (Linux): argument helpers and the table of the
 * sockets this addon opened. */
#ifndef OPENUM_UDP_COMMON_H
#define OPENUM_UDP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

/* Throws TypeError(code ERR_OPENUM_UDP_BATCH, message) and returns NULL. */
napi_value udp_fail(napi_env env, const char *message);
/* An int32 as a JavaScript number. */
napi_value udp_number(napi_env env, int32_t n);

/* The data and element count of an Int32Array; 0 when value is anything else. */
int udp_int32_array(napi_env env, napi_value value, int32_t **data, size_t *length);

/* The bytes of a Buffer (or any Uint8Array); 0 when value is anything else. */
int udp_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length);

typedef struct udp_pacer udp_pacer_t;

/* The sockets one thread (one napi_env) opened with openUdp4() and has not closed. Only those are
 * read by its recvBatch() or closed by its closeUdp(): a wrong number from JavaScript can never
 * make the addon read or close a descriptor that belongs to something else (libuv, a file, another
 * thread's socket). When the thread ends (a media thread that exits or is terminated), every
 * socket still in its set is closed (udp_sockets_free), as libuv closes a dgram socket's handle. */
typedef struct {
  uint32_t *bits;
  size_t words;
  udp_pacer_t *pacer; /* this thread's pacer (udp_pacer.c), once paceBatch() made one */
} udp_sockets_t;

/* Int32s per packet in sendBatch's and paceBatch's desc: fd, offset, length, port, IPv4 (host order). */
#define UDP_BATCH_FIELDS 5

/* Sends desc's `count` packets (already checked) from arena; results[i] = 0 or errno. Returns
 * how many failed (udp_batch.c). */
uint32_t udp_send_all(uint8_t *arena, const int32_t *desc, uint32_t count, int32_t *results);

/* udp_pacer.c: 1 when the pacer will close fd after the batches queued before (the caller must
 * not), 0 when nothing is queued (the caller closes now). */
int udp_pacer_close_later(udp_pacer_t *p, int fd);
/* Sends what is queued, stops and frees the pacer (the thread ends). */
void udp_pacer_stop(udp_pacer_t *p);

/* This thread's set (NULL only if module init failed). */
udp_sockets_t *udp_sockets_of(napi_env env);
int udp_sockets_init(napi_env env);

static inline bool udp_owned(const udp_sockets_t *s, int fd) {
  if (!s || fd < 0 || (size_t)fd / 32 >= s->words) return false;
  return (s->bits[fd / 32] >> (fd % 32)) & 1u;
}

napi_value udp_send_batch(napi_env env, napi_callback_info info);
napi_value udp_open4(napi_env env, napi_callback_info info);
napi_value udp_close(napi_env env, napi_callback_info info);
napi_value udp_recv_batch(napi_env env, napi_callback_info info);
napi_value udp_pace_batch(napi_env env, napi_callback_info info);
napi_value udp_set_thread_nice(napi_env env, napi_callback_info info);
napi_value udp_thread_nice(napi_env env, napi_callback_info info);
napi_value udp_set_thread_realtime(napi_env env, napi_callback_info info);
napi_value udp_thread_realtime(napi_env env, napi_callback_info info);

#endif
