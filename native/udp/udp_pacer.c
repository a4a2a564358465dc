/* The media thread's pacer (issue 12): a sender thread that puts each clock tick's RTP packets on
 * the wire at the tick's due time, so that how late the media thread's JavaScript ran (a
 * collection, a burst of call set-up messages) no longer moves the packets, up to one frame.
 * The JavaScript tick for frame k builds the packets due at frame k + 1 (one frame ahead,
 * src/media/native/udp-batch-out.ts) and hands them over with paceBatch(); this thread sleeps on
 * CLOCK_MONOTONIC (clock_nanosleep, TIMER_ABSTIME) until they are due and sends them as
 * sendBatch() does. A batch whose time has passed goes at once; batches go strictly in order.
 * It is created by the first paceBatch() of a thread, so it inherits the scheduling policy, the
 * real-time priority and the nice value that thread has by then (udp_thread.c), and then asks for
 * one real-time step above that thread's: at the same SCHED_RR priority a pacer that wakes while
 * the media threads hold both cores waits until one of them blocks (bench/README.md, "The
 * pacer"); where the limit allows no more (RLIMIT_RTPRIO), it keeps the thread's. It is stopped
 * and joined when that thread ends (udp_sockets_free), after sending what is queued.
 *
 * paceBatch(arena, desc, count, delayUs, report: Int32Array): number
 *   Copies desc's first `count` packets (udp_batch.c's fields; every fd one of this thread's
 *   openUdp4() sockets) and queues them to go delayUs µs from now (<= 0: as soon as the batches
 *   before them went; at most a second). Returns the batch's sequence number (uint32, +1 per batch), or -EBUSY when
 *   SLOTS batches are still queued after a wait of QUEUE_WAIT_MS (the caller then sends at once).
 *   report gets what happened since the last call: report[0] = failed packets reported, report[1]
 *   = the sequence number of the last batch sent (-1: none yet), then report[0] pairs (batch,
 *   index) of packets the kernel refused; more than fit wait for the next call.
 * closeUdp(fd) (udp_sockets.c) asks this thread to close a socket when batches are queued, after
 * they went: a descriptor number is never reused while a queued packet still names it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "udp_common.h"

#define SLOTS 16
#define QUEUE_WAIT_MS 200
#define MAX_DELAY_US 1000000.0 /* a batch is never held longer than a second */

typedef struct {
  uint8_t *arena;
  size_t arena_cap;
  int32_t *desc, *results;
  uint32_t desc_cap, count;
  int64_t due_ns;
  int close_fd; /* >= 0: no packets, close this descriptor */
  uint32_t seq;
} pace_batch_t;

struct udp_pacer {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t queued, freed;
  pace_batch_t ring[SLOTS];
  uint32_t head, tail, next_seq;
  int64_t last_sent; /* -1 until a batch went */
  int32_t *failures; /* pairs (seq, index) */
  uint32_t n_failures, failures_cap;
  int stop;
};

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void note_failures(udp_pacer_t *p, const pace_batch_t *b) {
  for (uint32_t i = 0; i < b->count; i++) {
    if (!b->results[i]) continue;
    if (p->n_failures * 2 + 2 > p->failures_cap) {
      uint32_t cap = p->failures_cap ? p->failures_cap * 2 : 64;
      if (cap > (1u << 20)) return; /* nobody collects them: stop counting rather than grow */
      int32_t *f = realloc(p->failures, cap * sizeof *f);
      if (!f) return;
      p->failures = f;
      p->failures_cap = cap;
    }
    p->failures[p->n_failures * 2] = (int32_t)b->seq;
    p->failures[p->n_failures * 2 + 1] = (int32_t)i;
    p->n_failures++;
  }
}

static void *pacer_main(void *arg) {
  udp_pacer_t *p = arg;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->head == p->tail && !p->stop) pthread_cond_wait(&p->queued, &p->mu);
    if (p->head == p->tail) break; /* stopped, nothing left */
    pace_batch_t *b = &p->ring[p->head % SLOTS];
    int stopping = p->stop;
    pthread_mutex_unlock(&p->mu);
    if (!stopping && b->due_ns > 0) {
      struct timespec due = { (time_t)(b->due_ns / 1000000000LL), (long)(b->due_ns % 1000000000LL) };
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {}
    }
    if (b->close_fd >= 0) close(b->close_fd);
    else if (b->count) udp_send_all(b->arena, b->desc, b->count, b->results);
    pthread_mutex_lock(&p->mu);
    if (b->close_fd < 0) {
      note_failures(p, b);
      p->last_sent = b->seq;
    }
    p->head++;
    pthread_cond_broadcast(&p->freed);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static udp_pacer_t *pacer_of(udp_sockets_t *s) {
  if (s->pacer) return s->pacer;
  udp_pacer_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  pthread_mutex_init(&p->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p->queued, &ca);
  pthread_cond_init(&p->freed, &ca);
  pthread_condattr_destroy(&ca);
  p->last_sent = -1;
  /* Default attributes: the new thread inherits this thread's policy, priority and nice value. */
  if (pthread_create(&p->thread, NULL, pacer_main, p) != 0) {
    free(p);
    return NULL;
  }
  int policy;
  struct sched_param sp;
  if (pthread_getschedparam(pthread_self(), &policy, &sp) == 0 && (policy == SCHED_RR || policy == SCHED_FIFO) &&
      sp.sched_priority < sched_get_priority_max(policy)) {
    sp.sched_priority++;
    (void)pthread_setschedparam(p->thread, policy, &sp); /* EPERM past RLIMIT_RTPRIO: it keeps the thread's */
  }
  s->pacer = p;
  return p;
}

/* Waits for a free slot (the caller's thread is the only one that fills them); NULL after
 * QUEUE_WAIT_MS. Called with p->mu held. */
static pace_batch_t *free_slot(udp_pacer_t *p) {
  if (p->tail - p->head < SLOTS) return &p->ring[p->tail % SLOTS];
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += (QUEUE_WAIT_MS % 1000) * 1000000L;
  until.tv_sec += QUEUE_WAIT_MS / 1000 + until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  while (p->tail - p->head >= SLOTS) {
    if (pthread_cond_timedwait(&p->freed, &p->mu, &until) == ETIMEDOUT) return NULL;
  }
  return &p->ring[p->tail % SLOTS];
}

/* Copies the packets into the slot, compacted; 0 when there is no memory. */
static int fill(pace_batch_t *b, const uint8_t *arena, const int32_t *desc, uint32_t count) {
  size_t bytes = 0;
  for (uint32_t i = 0; i < count; i++) bytes += (size_t)desc[i * UDP_BATCH_FIELDS + 2];
  if (bytes > b->arena_cap) {
    uint8_t *a = realloc(b->arena, bytes);
    if (!a) return 0;
    b->arena = a;
    b->arena_cap = bytes;
  }
  if (count > b->desc_cap) {
    int32_t *d = realloc(b->desc, (size_t)count * UDP_BATCH_FIELDS * sizeof *d);
    if (!d) return 0;
    b->desc = d;
    int32_t *r = realloc(b->results, (size_t)count * sizeof *r);
    if (!r) return 0;
    b->results = r;
    b->desc_cap = count;
  }
  size_t at = 0;
  for (uint32_t i = 0; i < count; i++) {
    const int32_t *d = desc + i * UDP_BATCH_FIELDS;
    int32_t *o = b->desc + i * UDP_BATCH_FIELDS;
    memcpy(o, d, UDP_BATCH_FIELDS * sizeof *o);
    memcpy(b->arena + at, arena + d[1], (size_t)d[2]);
    o[1] = (int32_t)at;
    at += (size_t)d[2];
  }
  b->count = count;
  return 1;
}

napi_value udp_pace_batch(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return udp_fail(env, "paceBatch(arena, desc, count, delayUs, report)");
  uint8_t *arena = NULL;
  size_t arena_len = 0, desc_len = 0, report_len = 0;
  int32_t *desc = NULL, *report = NULL;
  uint32_t count = 0;
  double delay_us = 0;
  if (!udp_bytes(env, argv[0], &arena, &arena_len)) return udp_fail(env, "arena must be a Buffer");
  if (!udp_int32_array(env, argv[1], &desc, &desc_len)) return udp_fail(env, "desc must be an Int32Array");
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok) return udp_fail(env, "count must be a number");
  if (napi_get_value_double(env, argv[3], &delay_us) != napi_ok || delay_us != delay_us) return udp_fail(env, "delayUs must be a number");
  if (!udp_int32_array(env, argv[4], &report, &report_len) || report_len < 2) return udp_fail(env, "report must be an Int32Array of 2 or more");
  if ((size_t)count * UDP_BATCH_FIELDS > desc_len) return udp_fail(env, "count is larger than desc");
  udp_sockets_t *s = udp_sockets_of(env);
  if (!s) return udp_fail(env, "native/udp was not initialised in this thread");
  for (uint32_t i = 0; i < count; i++) {
    const int32_t *d = desc + i * UDP_BATCH_FIELDS;
    if (d[1] < 0 || d[2] < 0 || d[3] <= 0 || d[3] > 65535 || (size_t)d[1] + (size_t)d[2] > arena_len) {
      return udp_fail(env, "a packet's offset, length or port is out of range");
    }
    /* Only this thread's own sockets: their closing waits for the queue (udp_sockets.c). */
    if (!udp_owned(s, d[0])) return udp_fail(env, "a packet's fd is not one of this thread's openUdp4() sockets");
  }
  udp_pacer_t *p = pacer_of(s);
  if (!p) return udp_number(env, -ENOMEM);
  pthread_mutex_lock(&p->mu);
  pace_batch_t *b = free_slot(p);
  pthread_mutex_unlock(&p->mu);
  if (!b) return udp_number(env, -EBUSY);
  /* The slot is past the pacer's head: only this thread touches it until tail moves. */
  if (!fill(b, arena, desc, count)) return udp_number(env, -ENOMEM);
  b->close_fd = -1;
  if (delay_us > MAX_DELAY_US) delay_us = MAX_DELAY_US;
  b->due_ns = delay_us > 0 ? now_ns() + (int64_t)(delay_us * 1000.0) : 0;
  pthread_mutex_lock(&p->mu);
  b->seq = p->next_seq++;
  uint32_t seq = b->seq;
  p->tail++;
  pthread_cond_signal(&p->queued);
  /* What went since the last call. */
  uint32_t room = (uint32_t)((report_len - 2) / 2), n = p->n_failures < room ? p->n_failures : room;
  if (n > 0) {
    memcpy(report + 2, p->failures, (size_t)n * 2 * sizeof *report);
    memmove(p->failures, p->failures + n * 2, (size_t)(p->n_failures - n) * 2 * sizeof *report);
    p->n_failures -= n;
  }
  report[0] = (int32_t)n;
  report[1] = (int32_t)p->last_sent;
  pthread_mutex_unlock(&p->mu);
  napi_value out;
  napi_create_uint32(env, seq, &out);
  return out;
}

int udp_pacer_close_later(udp_pacer_t *p, int fd) {
  if (!p) return 0;
  pthread_mutex_lock(&p->mu);
  if (p->head == p->tail) { /* nothing queued names it: the caller closes now */
    pthread_mutex_unlock(&p->mu);
    return 0;
  }
  pace_batch_t *b = free_slot(p);
  if (!b) { /* the pacer is stuck: better a late close than a reused number */
    pthread_mutex_unlock(&p->mu);
    return 0;
  }
  b->count = 0;
  b->close_fd = fd;
  b->due_ns = 0;
  b->seq = 0;
  p->tail++;
  pthread_cond_signal(&p->queued);
  pthread_mutex_unlock(&p->mu);
  return 1;
}

void udp_pacer_stop(udp_pacer_t *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_cond_signal(&p->queued);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->thread, NULL);
  for (int i = 0; i < SLOTS; i++) {
    free(p->ring[i].arena);
    free(p->ring[i].desc);
    free(p->ring[i].results);
  }
  free(p->failures);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->queued);
  pthread_cond_destroy(&p->freed);
  free(p);
}
