// N-API binding to libsrtp2 (RFC 3711) for src/media/srtp/native-transform.ts. One Context is one
// libsrtp session for one direction: outbound (ssrc_any_outbound, protect) keyed with our master
// key, or inbound (ssrc_any_inbound, unprotect) keyed with the peer's. Each call takes the packet
// and an output Buffer that JavaScript allocated (from its pool: cheaper than a Buffer made here,
// see bench/README.md), copies the packet into a per-thread scratch buffer (libsrtp may write
// SRTP_MAX_TRAILER_LEN bytes past it), transforms it there, copies the result out and returns its
// length, or a negative number: -status for a libsrtp srtp_err_status_t, or one of ours below.
// The TypeScript side checks RTP/RTCP bounds before calling and maps the numbers to the counters
// and typed errors of the JavaScript transform (srtp-session.ts).
#include <dlfcn.h>
#include <node_api.h>
#include <pthread.h>
#include <stdatomic.h>
#include <srtp2/srtp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DATAGRAM 65535
#define MASTER_LENGTH 30

// Results: >= 0 a length; -1 .. -999 minus a libsrtp srtp_err_status_t; these are ours.
enum { ERR_BAD_INDEX = -1001, ERR_TOO_LONG = -1002, ERR_TOO_SHORT = -1003, ERR_OUT_TOO_SMALL = -1004 };
enum { OP_PROTECT, OP_UNPROTECT, OP_PROTECT_RTCP, OP_UNPROTECT_RTCP };

// SSRCs this session has a libsrtp stream for, oldest first. For outbound RTP it also holds the
// highest index sent, so that protect() refuses a sequence number from before the first packet as
// the JavaScript transform does (RFC 3711 §3.3.1 gives it a negative index; libsrtp's rdbx would
// take ROC 0 while its highest index is at most 2^15, see native-transform.ts).
typedef struct {
  uint32_t ssrc; // network byte order, as srtp_remove_stream() wants it
  int64_t highest; // -1 until an RTP packet was protected for it
} tracked_t;

typedef struct {
  srtp_t session;
  uint32_t max_ssrcs;
  uint32_t count;
  tracked_t *tracked;
} context_t;

typedef struct {
  uint8_t scratch[MAX_DATAGRAM + SRTP_MAX_TRAILER_LEN + 16];
} instance_t;

// libsrtp sessions alive in the process, every thread together. Debian's libsrtp2 runs on NSS,
// whose per-packet cost grows with the number of live sessions (bench/README.md), so
// create-transform.ts stops choosing libsrtp past a bound.
static atomic_int live_sessions = 0;

// Once per process, and the addon is linked -z nodelete (binding.gyp): Node unloads an addon when
// the last thread that loaded it exits, and a fresh copy's statics would run srtp_init() again
// over libsrtp's and NSS's live state, which fails (a media thread started after another ended
// could then do no libsrtp; test/media/srtp/create-transform.test.ts).
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t init_status = srtp_err_status_fail;

// Debian's libsrtp2 is built on NSS and initializes it on first use with NSS_INIT_OPTIMIZESPACE,
// which gives NSS's softoken small, fixed session and object hash tables: every packet then walks
// chains that grow with the live sessions (perf: bench/README.md). Initializing NSS first, the
// same way but without that flag, gives it the large tables; libsrtp's own NSS_InitContext() then
// only takes a reference. Looked up at run time, so neither NSS headers nor an NSS-backed
// libsrtp are needed to build: with libsrtp on OpenSSL the symbol is absent and this does nothing.
typedef void *(*nss_init_context_fn)(const char *, const char *, const char *, const char *, void *, unsigned int);
static void init_nss_for_speed(void) {
  nss_init_context_fn init = (nss_init_context_fn)dlsym(RTLD_DEFAULT, "NSS_InitContext");
  // NSS_INIT_READONLY | NOCERTDB | NOMODDB | FORCEOPEN | NOROOTINIT (nss.h); never shut down.
  if (init) (void)init("", "", "", "", NULL, 0x1 | 0x2 | 0x4 | 0x8 | 0x10);
}

static void init_library(void) {
  if (!getenv("OPENUM_SRTP_NSS_DEFAULT")) init_nss_for_speed();
  init_status = srtp_init();
}

#define CALL(env, expr)                                          \
  do {                                                           \
    if ((expr) != napi_ok) {                                     \
      napi_throw_error((env), "OPENUM_SRTP_NAPI", #expr " failed"); \
      return NULL;                                               \
    }                                                            \
  } while (0)

static napi_value number(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

// RFC 3711 §3.3.1 (the same arithmetic as estimateIndex() in replay-window.ts).
static int64_t estimate_index(int64_t highest, uint32_t seq) {
  if (highest < 0) return seq;
  int64_t roc = highest >> 16, sl = highest & 0xffff, v = roc;
  if (sl < 0x8000) {
    if ((int64_t)seq - sl > 0x8000) v = roc - 1;
  } else if (sl - 0x8000 > (int64_t)seq) {
    v = roc + 1;
  }
  return v * 0x10000 + seq;
}

static tracked_t *find(context_t *c, uint32_t ssrc) {
  for (uint32_t i = 0; i < c->count; i++)
    if (c->tracked[i].ssrc == ssrc) return &c->tracked[i];
  return NULL;
}

// Remembers ssrc; beyond max_ssrcs the oldest stream is removed from the libsrtp session, which
// bounds its memory as the JavaScript transform's maxSsrcs does.
static tracked_t *remember(context_t *c, uint32_t ssrc) {
  if (c->count == c->max_ssrcs) {
    srtp_remove_stream(c->session, c->tracked[0].ssrc);
    memmove(&c->tracked[0], &c->tracked[1], (c->count - 1) * sizeof(tracked_t));
    c->count--;
  }
  tracked_t *t = &c->tracked[c->count++];
  t->ssrc = ssrc;
  t->highest = -1;
  return t;
}

static void release(context_t *c) {
  if (c->session) {
    srtp_dealloc(c->session);
    atomic_fetch_sub(&live_sessions, 1);
  }
  c->session = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  context_t *c = data;
  release(c);
  free(c->tracked);
  free(c);
}

// new Context(tagBits: 80 | 32, master: Buffer(30), outbound: boolean, window: number, maxSsrcs: number)
static napi_value context_new(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], self;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  int32_t tag_bits = 0;
  uint32_t window = 0, max_ssrcs = 0;
  bool outbound = false;
  void *key = NULL;
  size_t key_length = 0;
  if (argc < 5 || napi_get_value_int32(env, argv[0], &tag_bits) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &key, &key_length) != napi_ok ||
      napi_get_value_bool(env, argv[2], &outbound) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &window) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &max_ssrcs) != napi_ok || key_length != MASTER_LENGTH ||
      (tag_bits != 80 && tag_bits != 32) || max_ssrcs == 0) {
    napi_throw_type_error(env, "OPENUM_SRTP_ARGS", "Context(tagBits, master[30], outbound, window, maxSsrcs)");
    return NULL;
  }
  pthread_once(&init_once, init_library);
  if (init_status != srtp_err_status_ok) {
    napi_throw_error(env, "OPENUM_SRTP_INIT", "srtp_init() failed");
    return NULL;
  }
  uint8_t master[MASTER_LENGTH];
  memcpy(master, key, MASTER_LENGTH);
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  if (tag_bits == 32) srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
  else srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp); // SRTCP: 80 bits (RFC 4568 §6.2.2)
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = master;
  policy.window_size = window;
  policy.allow_repeat_tx = 1; // as the JavaScript transform: a repeated SEQ is protected again
  policy.next = NULL;
  context_t *c = calloc(1, sizeof *c);
  tracked_t *tracked = calloc(max_ssrcs, sizeof *tracked);
  srtp_err_status_t status = c && tracked ? srtp_create(&c->session, &policy) : srtp_err_status_alloc_fail;
  memset(master, 0, sizeof master);
  if (status != srtp_err_status_ok) {
    free(tracked);
    free(c);
    napi_throw_error(env, "OPENUM_SRTP_CREATE", "srtp_create() failed");
    return NULL;
  }
  atomic_fetch_add(&live_sessions, 1);
  c->tracked = tracked;
  c->max_ssrcs = max_ssrcs;
  if (napi_wrap(env, self, c, finalize, NULL, NULL) != napi_ok) {
    finalize(env, c, NULL);
    napi_throw_error(env, "OPENUM_SRTP_NAPI", "napi_wrap failed");
    return NULL;
  }
  return self;
}

static uint32_t read_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static napi_value transform(napi_env env, napi_callback_info info, int op) {
  size_t argc = 2;
  napi_value argv[2], self;
  instance_t *inst;
  context_t *c;
  void *data, *target;
  size_t length, room;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  CALL(env, napi_get_instance_data(env, (void **)&inst));
  CALL(env, napi_unwrap(env, self, (void **)&c));
  if (argc < 2 || napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &target, &room) != napi_ok) {
    napi_throw_type_error(env, "OPENUM_SRTP_ARGS", "expected (packet: Buffer, out: Buffer)");
    return NULL;
  }
  if (!c->session) {
    napi_throw_error(env, "OPENUM_SRTP_CLOSED", "SRTP context closed");
    return NULL;
  }
  if (length > MAX_DATAGRAM) return number(env, ERR_TOO_LONG);
  int rtcp = op == OP_PROTECT_RTCP || op == OP_UNPROTECT_RTCP;
  if (length < (size_t)(rtcp ? 8 : 12)) return number(env, ERR_TOO_SHORT);
  const uint8_t *packet = data;
  uint32_t ssrc = read_u32(packet + (rtcp ? 4 : 8));
  tracked_t *t = find(c, ssrc);
  int64_t index = 0;
  if (op == OP_PROTECT) {
    index = estimate_index(t ? t->highest : -1, ((uint32_t)packet[2] << 8) | packet[3]);
    if (index < 0) return number(env, ERR_BAD_INDEX);
  }
  memcpy(inst->scratch, data, length);
  int n = (int)length;
  srtp_err_status_t status;
  switch (op) {
    case OP_PROTECT: status = srtp_protect(c->session, inst->scratch, &n); break;
    case OP_UNPROTECT: status = srtp_unprotect(c->session, inst->scratch, &n); break;
    case OP_PROTECT_RTCP: status = srtp_protect_rtcp(c->session, inst->scratch, &n); break;
    default: status = srtp_unprotect_rtcp(c->session, inst->scratch, &n); break;
  }
  if (status != srtp_err_status_ok) return number(env, -(int32_t)status);
  // The index has been used: a packet whose result cannot be handed back still moved the state.
  if (!t) t = remember(c, ssrc);
  if (op == OP_PROTECT && index > t->highest) t->highest = index;
  if (n < 0 || (size_t)n > room) return number(env, ERR_OUT_TOO_SMALL);
  memcpy(target, inst->scratch, (size_t)n);
  return number(env, n);
}

static napi_value protect(napi_env env, napi_callback_info info) { return transform(env, info, OP_PROTECT); }
static napi_value unprotect(napi_env env, napi_callback_info info) { return transform(env, info, OP_UNPROTECT); }
static napi_value protect_rtcp(napi_env env, napi_callback_info info) { return transform(env, info, OP_PROTECT_RTCP); }
static napi_value unprotect_rtcp(napi_env env, napi_callback_info info) { return transform(env, info, OP_UNPROTECT_RTCP); }

// Frees the libsrtp session now rather than at garbage collection; later calls throw.
static napi_value close_context(napi_env env, napi_callback_info info) {
  napi_value self;
  context_t *c;
  CALL(env, napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  CALL(env, napi_unwrap(env, self, (void **)&c));
  release(c);
  return NULL;
}

// The crossing alone: the same arguments as protect(), a copy of the packet into out, its length
// back (bench/srtp.mjs subtracts it from the addon's figures).
static napi_value echo(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data, *target;
  size_t length, room;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &target, &room) != napi_ok) {
    napi_throw_type_error(env, "OPENUM_SRTP_ARGS", "expected (packet: Buffer, out: Buffer)");
    return NULL;
  }
  size_t n = length < room ? length : room;
  memcpy(target, data, n);
  return number(env, (int32_t)n);
}

static napi_value version(napi_env env, napi_callback_info info) {
  napi_value out;
  CALL(env, napi_create_string_utf8(env, srtp_get_version_string(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value live(napi_env env, napi_callback_info info) { return number(env, atomic_load(&live_sessions)); }

static void free_instance(napi_env env, void *data, void *hint) { free(data); }

NAPI_MODULE_INIT() {
  instance_t *inst = malloc(sizeof *inst);
  if (!inst || napi_set_instance_data(env, inst, free_instance, NULL) != napi_ok) {
    free(inst);
    napi_throw_error(env, "OPENUM_SRTP_INIT", "no memory for the scratch buffer");
    return NULL;
  }
  napi_property_descriptor methods[] = {
      {"protect", NULL, protect, NULL, NULL, NULL, napi_default, NULL},
      {"unprotect", NULL, unprotect, NULL, NULL, NULL, napi_default, NULL},
      {"protectRtcp", NULL, protect_rtcp, NULL, NULL, NULL, napi_default, NULL},
      {"unprotectRtcp", NULL, unprotect_rtcp, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_context, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls, fn;
  CALL(env, napi_define_class(env, "Context", NAPI_AUTO_LENGTH, context_new, NULL, 5, methods, &cls));
  CALL(env, napi_set_named_property(env, exports, "Context", cls));
  CALL(env, napi_create_function(env, "echo", NAPI_AUTO_LENGTH, echo, NULL, &fn));
  CALL(env, napi_set_named_property(env, exports, "echo", fn));
  CALL(env, napi_create_function(env, "live", NAPI_AUTO_LENGTH, live, NULL, &fn));
  CALL(env, napi_set_named_property(env, exports, "live", fn));
  CALL(env, napi_create_function(env, "version", NAPI_AUTO_LENGTH, version, NULL, &fn));
  CALL(env, napi_set_named_property(env, exports, "version", fn));
  return exports;
}
