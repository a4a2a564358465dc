/* rtpgen's receive-side measures (included once by rtpgen.c, after its types and counters):
 * RFC 3550 §A.1/§A.3 sequence tracking and loss per stream, and the receiver jitter as
 * bench/lib/tshark-jitter.mjs measures it, pooled into 10 us histograms. */

static void stream_expected(const call_t *c, long long *expected) {
  *expected = c->have_rx ? (long long)(c->max_ext - c->base_seq + 1) : 0;
}

static void on_rtp(call_t *c, const unsigned char *p, ssize_t len, long long t_ns) {
  if (len < 12 || (p[0] >> 6) != 2) return;
  uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
  uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
  if (c->have_rx && ssrc != c->rx_ssrc) { /* a new stream: keep the old one's counts aside */
    long long e;
    stream_expected(c, &e);
    c->expected_prev_ssrcs += e;
    c->rx_prev_ssrcs += c->rx;
    c->rx = 0;
    c->have_rx = 0;
  }
  if (!c->have_rx) {
    c->have_rx = 1; c->rx_ssrc = ssrc; c->base_seq = seq; c->max_seq = seq; c->cycles = 0;
    c->max_ext = seq;
  } else {
    uint16_t delta = (uint16_t)(seq - c->max_seq);
    if (delta < 3000) { /* in order, maybe with a gap (RFC 3550 §A.1 MAX_DROPOUT) */
      if (seq < c->max_seq) c->cycles += 65536;
      c->max_seq = seq;
      c->max_ext = c->cycles + seq;
    }
  }
  c->rx++;
  rx_total++;
  if (c->last_ns) {
    long long d = t_ns - c->last_ns;
    if (d >= 0 && d <= PAUSE_NS) {
      long long dev = d - PTIME_NS;
      if (dev < 0) dev = -dev;
      long long b = dev / 1000 / BUCKET_US;
      if (b >= BUCKETS) b = BUCKETS - 1;
      hist[b]++;
      n_samples++;
      if (c->sample) { hist_sample[b]++; n_sample_samples++; }
    }
  }
  c->last_ns = t_ns;
}

static long long percentile(const uint32_t *h, long long n, double q) {
  if (!n) return -1;
  long long want = (long long)(q * (double)n) + 1, acc = 0; /* index floor(n q), as bench/lib/tshark-jitter.mjs */
  if (want > n) want = n;
  for (int b = 0; b < BUCKETS; b++) { acc += h[b]; if (acc >= want) return (long long)b * BUCKET_US; }
  return (long long)(BUCKETS - 1) * BUCKET_US;
}
