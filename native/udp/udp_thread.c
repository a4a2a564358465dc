/* The calling thread's scheduling priority (its nice value, or a real-time policy), for the media thread: on Linux the
 * nice value belongs to a thread, not a process, so setpriority(PRIO_PROCESS, gettid()) moves only
 * the thread that asks. Raising it (a lower nice) needs root, CAP_SYS_NICE or RLIMIT_NICE; the
 * error is returned, never thrown: the media then runs at its ordinary priority. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "udp_common.h"

/* The one integer argument of a setter, within [min, max]; 0 (a TypeError thrown) when it is not. */
static int int_arg(napi_env env, napi_callback_info info, int32_t min, int32_t max, const char *usage, int32_t *out) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1
      || napi_get_value_int32(env, argv[0], out) != napi_ok || *out < min || *out > max) {
    udp_fail(env, usage);
    return 0;
  }
  return 1;
}

/* setThreadNice(nice): 0, or -errno (-EACCES/-EPERM when not allowed). nice is -20..19. */
napi_value udp_set_thread_nice(napi_env env, napi_callback_info info) {
  int32_t nice = 0;
  if (!int_arg(env, info, -20, 19, "setThreadNice(nice): nice is an integer from -20 to 19", &nice)) return NULL;
  return udp_number(env, setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) == 0 ? 0 : -errno);
}

/* threadNice(): the calling thread's nice value. */
napi_value udp_thread_nice(napi_env env, napi_callback_info info) {
  (void)info;
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
  return udp_number(env, errno ? 0 : nice);
}

/* setThreadRealtime(priority): the calling thread's policy becomes SCHED_RR at `priority` (1..99),
 * or SCHED_OTHER again with 0. Returns 0, or -errno (-EPERM when not allowed: it needs root,
 * CAP_SYS_NICE or RLIMIT_RTPRIO; under a cgroup without a real-time budget, too). */
napi_value udp_set_thread_realtime(napi_env env, napi_callback_info info) {
  int32_t priority = 0;
  if (!int_arg(env, info, 0, 99, "setThreadRealtime(priority): priority is an integer from 0 to 99", &priority)) return NULL;
  struct sched_param p;
  memset(&p, 0, sizeof p);
  p.sched_priority = priority;
  return udp_number(env, -pthread_setschedparam(pthread_self(), priority > 0 ? SCHED_RR : SCHED_OTHER, &p));
}

/* threadRealtime(): the calling thread's real-time priority, 0 when it is not SCHED_RR/SCHED_FIFO. */
napi_value udp_thread_realtime(napi_env env, napi_callback_info info) {
  (void)info;
  int policy = SCHED_OTHER;
  struct sched_param p;
  memset(&p, 0, sizeof p);
  int rt = pthread_getschedparam(pthread_self(), &policy, &p) == 0 && (policy == SCHED_RR || policy == SCHED_FIFO) ? p.sched_priority : 0;
  return udp_number(env, rt);
}
