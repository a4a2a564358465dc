/* Stalls of the machine itself, measured beside each step of bench/media.mjs (bench/README.md,
 * "Stalls of the machine"). One thread at the highest SCHED_RR priority it may have (99; else it
 * keeps its own, and says so) sleeps 2 ms at a time to an absolute CLOCK_MONOTONIC time and notes
 * how much later than asked it woke. Nothing on the machine outranks such a thread but the
 * kernel's own work and, in a virtual machine, the hypervisor, so a long overshoot here is a
 * stall that no thread of the server could have escaped either: a step measured across one is
 * not a measure of the server alone.
 *
 * Usage: stall-probe MAX_SECONDS. Runs until SIGTERM, SIGINT or MAX_SECONDS (at most 3,600), then
 * prints one line on stdout:
 *   stall-probe policy=rr99|other wakeups=N over1ms=N over5ms=N over20ms=N p999_us=N max_us=N
 *     ticks=N touched=N
 * ticks: 20 ms media ticks in the time it ran; touched: how many of them a stall over 5 ms put out
 * of step, 2 + (stall / 20 ms) each: a packet held by a stall arrives late, and the one after it
 * early (receiver jitter counts both, bench/lib/tshark-jitter.mjs). Over 1 % of the ticks, the
 * machine's stalls alone would set a step's jitter p99.
 * Its cost: 500 wake-ups a second of a few microseconds each. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PERIOD_NS 2000000LL
#define BUCKET_US 10
#define BUCKETS 30000 /* 10 us buckets up to 300 ms; longer ones go in the last */

static volatile sig_atomic_t stop;
static unsigned long long hist[BUCKETS];

static void on_signal(int sig) { (void)sig; stop = 1; }

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  long max_seconds = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
  if (max_seconds <= 0 || max_seconds > 3600) {
    fprintf(stderr, "usage: stall-probe MAX_SECONDS (1-3600)\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  struct sched_param sp = { .sched_priority = 99 };
  int rt = sched_setscheduler(0, SCHED_RR, &sp) == 0;
  long long start = now_ns(), end = start + max_seconds * 1000000000LL, next = start + PERIOD_NS;
  unsigned long long wakeups = 0, over1 = 0, over5 = 0, over20 = 0, touched = 0;
  long long max_us = 0;
  while (!stop && next < end) {
    struct timespec ts = { next / 1000000000LL, next % 1000000000LL };
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    if (r == EINTR) continue; /* a signal: the loop's condition decides */
    long long late_us = (now_ns() - next) / 1000;
    if (late_us < 0) late_us = 0;
    wakeups++;
    if (late_us > 1000) over1++;
    if (late_us > 5000) {
      over5++;
      touched += 2 + (unsigned long long)(late_us / 20000);
    }
    if (late_us > 20000) over20++;
    if (late_us > max_us) max_us = late_us;
    long long b = late_us / BUCKET_US;
    hist[b < BUCKETS ? b : BUCKETS - 1]++;
    next += PERIOD_NS;
    long long t = now_ns();
    if (next < t) next = t + PERIOD_NS; /* after a stall, go on from now: one stall is counted once */
  }
  unsigned long long want = wakeups - wakeups / 1000, acc = 0;
  long long p999 = 0;
  for (long long b = 0; b < BUCKETS; b++) {
    acc += hist[b];
    if (acc >= want && wakeups > 0) { p999 = b * BUCKET_US; break; }
  }
  long long ticks = (now_ns() - start) / 20000000LL;
  printf("stall-probe policy=%s wakeups=%llu over1ms=%llu over5ms=%llu over20ms=%llu p999_us=%lld max_us=%lld ticks=%lld touched=%llu\n",
         rt ? "rr99" : "other", wakeups, over1, over5, over20, p999, max_us, ticks, touched);
  return 0;
}
