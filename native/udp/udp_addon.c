/* native/udp: batched RTP sending (udp_batch.c), paced by a sender thread (udp_pacer.c), and
 * receiving (udp_sockets.c, udp_recv.c) for the
 * media thread (issue 12), and that thread's priority (udp_thread.c); Linux only (unsupported.c
 * elsewhere). Loaded by
 * src/media/native/udp.ts; the JS path runs when it is not built. */
#define _GNU_SOURCE
#include "udp_common.h"

napi_value udp_fail(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_OPENUM_UDP_BATCH", message);
  return NULL;
}

napi_value udp_number(napi_env env, int32_t n) {
  napi_value out;
  napi_create_int32(env, n, &out);
  return out;
}

int udp_int32_array(napi_env env, napi_value value, int32_t **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return 0;
  if (type != napi_int32_array || (raw == NULL && *length > 0)) return 0;
  *data = (int32_t *)raw;
  return 1;
}

int udp_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array || (raw == NULL && *length > 0)) return 0;
  *data = (uint8_t *)raw;
  return 1;
}

static int export_fn(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f) != napi_ok) return 0;
  return napi_set_named_property(env, exports, name, f) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!udp_sockets_init(env)) return NULL;
  if (!export_fn(env, exports, "sendBatch", udp_send_batch)) return NULL;
  if (!export_fn(env, exports, "openUdp4", udp_open4)) return NULL;
  if (!export_fn(env, exports, "closeUdp", udp_close)) return NULL;
  if (!export_fn(env, exports, "recvBatch", udp_recv_batch)) return NULL;
  if (!export_fn(env, exports, "paceBatch", udp_pace_batch)) return NULL;
  if (!export_fn(env, exports, "setThreadNice", udp_set_thread_nice)) return NULL;
  if (!export_fn(env, exports, "threadNice", udp_thread_nice)) return NULL;
  if (!export_fn(env, exports, "setThreadRealtime", udp_set_thread_realtime)) return NULL;
  if (!export_fn(env, exports, "threadRealtime", udp_thread_realtime)) return NULL;
  return exports;
}
