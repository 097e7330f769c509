/*
 * udpload: a closed-loop UDP request/answer load generator for STUN-framed servers.
 *
 * It replays pre-built datagrams from a file, each assigned to one of S client sockets, keeping W
 * requests in flight per socket: every answer received on a socket releases that socket's next
 * datagram. It builds nothing and checks nothing beyond matching answers to requests, so it costs the
 * same per request whatever server it drives, which is what a side-by-side comparison of two servers
 * needs (homeport bench keepalive --against coturn builds the files; docs/benchmarks.md explains it).
 *
 * Usage: udpload FILE HOST PORT IN_FLIGHT WARMUP_MS DURATION_MS
 *   HOST is an IPv4 address. The run lasts WARMUP_MS (not measured) then DURATION_MS (measured), or
 *   stops early when a socket runs out of datagrams (stop=exhausted); then it stops sending and waits
 *   for the answers still in flight, up to one loss timeout (they count in the totals only).
 *
 * File (little-endian): "UDPLOAD1", u32 sockets, u32 flags (bit 0: cycle, a socket at the end of its
 * datagrams starts again from its first: for servers that keep no per-request state), then per
 * socket u16 local port (0: any), u16 zero, u32 datagram count, u64 section bytes; then the sections
 * in socket order, each a run of (u16 length, bytes). Every datagram is at least 20 bytes.
 *
 * An answer belongs to the outstanding request with the same bytes 8-19 (the STUN transaction id; an
 * echo server returns them as they were). A request unanswered for 8 mean round trips (of the last
 * 100 ms), at least 500 ms and at most 5 s, is presumed lost and replaced, so W stay in flight; if its
 * answer comes after all, it is "late" (not lost, and it releases nothing). Answers are classified by
 * their STUN class: success, error, or other (not STUN, or another class); one that matches no request
 * sent (a duplicate, or one given up long ago) is also "unmatched". Round trips, late ones
 * included, are kept in a histogram (10 us steps to 100 ms, 1 ms steps above).
 *
 * Output: one line of key=value pairs on stdout, starting with "udpload".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MIN_LOSS_MS 500
#define MAX_LOSS_MS 5000
#define FLAG_CYCLE 1u
#define FINE_BUCKETS 10000 /* 10 us each: 0-100 ms */
#define COARSE_BUCKETS 5000 /* 1 ms each: 100 ms - 5.1 s */
#define MS 1000000LL

struct counts {
  uint64_t sent, answered, success, error, other, late, unmatched, refused;
  int64_t lost; /* presumed lost, less those that came late */
};

enum { DONE, IN_FLIGHT, PRESUMED_LOST };

/* one request sent */
struct pending {
  uint8_t id[12];
  uint8_t state;
  int64_t sent_ns;
};

struct sock {
  int fd;
  const uint8_t *first, *cursor, *end;
  struct pending *ring; /* in sending order; answered entries are done in place, the head skips them */
  uint32_t head, tail, mask;
  uint32_t in_flight;
  uint32_t owed; /* requests due (an answer came, or one was lost) but not sent yet */
};

static struct counts total;
static int exhausted_socket = -1;
static int64_t stopped_at; /* when sending stopped (0: still sending) */
static struct counts at_stop;
static double cpu_at_stop, sys_at_stop;
static uint64_t fine[FINE_BUCKETS], coarse[COARSE_BUCKETS + 1];
static int64_t round_trip_sum_ns;
static uint64_t round_trips;

static void die(const char *what) {
  fprintf(stderr, "udpload: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void fail(const char *message) {
  fprintf(stderr, "udpload: %s\n", message);
  exit(2);
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* this process's CPU time in seconds; the kernel part (sending through loopback, receiving) in *system */
static double cpu_seconds(double *system) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  *system = u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + *system;
}

static void stop_sending(int64_t now) {
  stopped_at = now;
  at_stop = total;
  cpu_at_stop = cpu_seconds(&sys_at_stop);
}

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t u64(const uint8_t *p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

static void record_round_trip(int64_t ns) {
  round_trip_sum_ns += ns;
  round_trips++;
  int64_t us = ns / 1000;
  if (us < FINE_BUCKETS * 10) {
    fine[us / 10]++;
  } else {
    int64_t ms = us / 1000 - 100;
    coarse[ms < COARSE_BUCKETS ? ms : COARSE_BUCKETS]++;
  }
}

/* the round trip at quantile q, in milliseconds (upper edge of its bucket) */
static double round_trip_quantile(double q) {
  uint64_t n = 0, rank = (uint64_t)(q * round_trips);
  for (int i = 0; i < FINE_BUCKETS; i++) {
    n += fine[i];
    if (n > rank) {
      return (i + 1) * 0.01;
    }
  }
  for (int i = 0; i <= COARSE_BUCKETS; i++) {
    n += coarse[i];
    if (n > rank) {
      return 100.0 + i + 1;
    }
  }
  return 0;
}

static void classify(const uint8_t *d, size_t n) {
  total.answered++;
  if (n < 20 || d[4] != 0x21 || d[5] != 0x12 || d[6] != 0xA4 || d[7] != 0x42) {
    total.other++;
    return;
  }
  /* the class bits of a STUN type: C1 is bit 8, C0 bit 4 */
  int cls = ((d[0] & 0x01) << 1) | ((d[1] & 0x10) >> 4);
  if (cls == 2) {
    total.success++;
  } else if (cls == 3) {
    total.error++;
  } else {
    total.other++;
  }
}

static void skip_done_head(struct sock *s) {
  while (s->head != s->tail && s->ring[s->head & s->mask].state == DONE) {
    s->head++;
  }
}

/* Room in the ring for new requests; presumed-lost ones at the head give way (they stay counted lost). */
static uint32_t room(struct sock *s) {
  while (s->tail - s->head > s->mask && s->ring[s->head & s->mask].state == PRESUMED_LOST) {
    s->ring[s->head & s->mask].state = DONE;
    skip_done_head(s);
  }
  return s->mask + 1 - (s->tail - s->head);
}

/* Sends up to s->owed datagrams; returns 0, or -1 when the socket ran out of datagrams. */
static int send_owed(struct sock *s, int cycle, int index, int64_t now) {
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov[BATCH];
  while (s->owed > 0) {
    unsigned n = 0;
    const uint8_t *c = s->cursor;
    uint32_t free_slots = room(s);
    while (n < s->owed && n < BATCH && n < free_slots) {
      if (c == s->end) {
        if (!cycle) {
          break;
        }
        c = s->first;
      }
      uint16_t len = u16(c);
      iov[n].iov_base = (void *)(c + 2);
      iov[n].iov_len = len;
      memset(&msgs[n].msg_hdr, 0, sizeof msgs[n].msg_hdr);
      msgs[n].msg_hdr.msg_iov = &iov[n];
      msgs[n].msg_hdr.msg_iovlen = 1;
      c += 2 + len;
      n++;
    }
    if (n == 0) {
      if (free_slots == 0) {
        return 0; /* an old request holds the ring: it is answered or lost soon */
      }
      exhausted_socket = index;
      return -1;
    }
    int sent = sendmmsg(s->fd, msgs, n, MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED) {
        return 0; /* try again at the next turn of the loop */
      }
      die("sendmmsg");
    }
    for (int i = 0; i < sent; i++) {
      if (s->cursor == s->end) {
        s->cursor = s->first;
      }
      struct pending *p = &s->ring[s->tail++ & s->mask];
      memcpy(p->id, s->cursor + 2 + 8, 12);
      p->state = IN_FLIGHT;
      p->sent_ns = now;
      s->cursor += 2 + u16(s->cursor);
    }
    s->owed -= (uint32_t)sent;
    s->in_flight += (uint32_t)sent;
    total.sent += (uint64_t)sent;
    if ((unsigned)sent < n) {
      return 0;
    }
  }
  return 0;
}

/* Reads every answer waiting on the socket; each answer to an outstanding request owes a new one. */
static void receive(struct sock *s, int64_t now) {
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov[BATCH];
  static uint8_t buffers[BATCH][2048];
  if (msgs[0].msg_hdr.msg_iov == NULL) { /* once: the kernel changes only msg_len and msg_flags */
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = buffers[i];
      iov[i].iov_len = sizeof buffers[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  }
  for (;;) {
    int got = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (got < 0) {
      if (errno == EAGAIN) {
        return;
      }
      if (errno == ECONNREFUSED) { /* an ICMP port unreachable: nothing listens (yet) */
        total.refused++;
        continue;
      }
      die("recvmmsg");
    }
    for (int i = 0; i < got; i++) {
      classify(buffers[i], msgs[i].msg_len);
      struct pending *match = NULL;
      if (msgs[i].msg_len >= 20) {
        /* answers come back mostly in order: the match is usually at the head */
        for (uint32_t k = s->head; k != s->tail; k++) {
          struct pending *p = &s->ring[k & s->mask];
          if (p->state != DONE && memcmp(p->id, buffers[i] + 8, 12) == 0) {
            match = p;
            break;
          }
        }
      }
      if (match == NULL) {
        total.unmatched++; /* answers nothing outstanding: a duplicate, or a request given up long ago */
        continue;
      }
      record_round_trip(now - match->sent_ns);
      if (match->state == PRESUMED_LOST) {
        total.late++;
        total.lost--;
      } else {
        s->in_flight--;
        s->owed++;
      }
      match->state = DONE;
    }
    skip_done_head(s);
    if (got < BATCH) {
      return;
    }
  }
}

/* Requests in flight for longer than the loss timeout are presumed lost: each one is replaced. */
static void expire(struct sock *s, int64_t now, int64_t loss_timeout_ns) {
  for (uint32_t k = s->head; k != s->tail; k++) {
    struct pending *p = &s->ring[k & s->mask];
    if (now - p->sent_ns <= loss_timeout_ns) {
      break;
    }
    if (p->state == IN_FLIGHT) {
      p->state = PRESUMED_LOST;
      s->in_flight--;
      s->owed++;
      total.lost++;
    }
  }
}

static int all_answered(struct sock *socks, uint32_t nsock) {
  for (uint32_t i = 0; i < nsock; i++) {
    if (socks[i].in_flight > 0) {
      return 0;
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: udpload FILE HOST PORT IN_FLIGHT WARMUP_MS DURATION_MS\n");
    return 2;
  }
  long in_flight = strtol(argv[4], NULL, 10);
  long warmup_ms = strtol(argv[5], NULL, 10);
  long duration_ms = strtol(argv[6], NULL, 10);
  struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
  if (inet_pton(AF_INET, argv[2], &server.sin_addr) != 1) {
    fail("HOST must be an IPv4 address");
  }
  if (in_flight < 1 || in_flight > 4096 || warmup_ms < 0 || duration_ms < 1) {
    fail("IN_FLIGHT must be 1..4096, WARMUP_MS >= 0, DURATION_MS >= 1");
  }
  uint32_t ring_size = 1;
  while (ring_size < 8 * (uint32_t)in_flight) {
    ring_size <<= 1;
  }

  int file = open(argv[1], O_RDONLY);
  if (file < 0) {
    die(argv[1]);
  }
  struct stat st;
  if (fstat(file, &st) < 0) {
    die("fstat");
  }
  if (st.st_size < 16) {
    fail("datagram file too short");
  }
  const uint8_t *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file, 0);
  if (map == MAP_FAILED) {
    die("mmap");
  }
  if (memcmp(map, "UDPLOAD1", 8) != 0) {
    fail("not a datagram file (magic UDPLOAD1 missing)");
  }
  uint32_t nsock = u32(map + 8);
  int cycle = (u32(map + 12) & FLAG_CYCLE) != 0;
  if (nsock < 1 || nsock > 65536 || 16 + (uint64_t)nsock * 16 > (uint64_t)st.st_size) {
    fail("bad socket count in datagram file");
  }
  struct sock *socks = calloc(nsock, sizeof *socks);
  int ep = epoll_create1(0);
  if (socks == NULL || ep < 0) {
    die("setup");
  }
  const uint8_t *section = map + 16 + (size_t)nsock * 16;
  const uint8_t *file_end = map + st.st_size;
  for (uint32_t i = 0; i < nsock; i++) {
    const uint8_t *h = map + 16 + (size_t)i * 16;
    uint16_t port = u16(h);
    uint32_t count = u32(h + 4);
    uint64_t bytes = u64(h + 8);
    if (count == 0 || bytes > (uint64_t)(file_end - section)) {
      fail("datagram file truncated, or a socket without datagrams");
    }
    struct sock *s = &socks[i];
    s->first = s->cursor = section;
    s->end = section + bytes;
    for (const uint8_t *c = s->first; c < s->end; c += 2 + u16(c)) {
      if (u16(c) < 20 || c + 2 + u16(c) > s->end) {
        fail("datagram shorter than 20 bytes, or a section that does not add up");
      }
    }
    section += bytes;
    s->ring = calloc(ring_size, sizeof *s->ring);
    if (s->ring == NULL) {
      die("calloc");
    }
    s->mask = ring_size - 1;
    s->owed = (uint32_t)in_flight;
    s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (s->fd < 0) {
      die("socket");
    }
    int buf = 1 << 20;
    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(port)};
    local.sin_addr.s_addr = server.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? htonl(INADDR_LOOPBACK) : htonl(INADDR_ANY);
    if (bind(s->fd, (struct sockaddr *)&local, sizeof local) < 0) {
      die("bind (is the local port named in the datagram file taken?)");
    }
    if (connect(s->fd, (struct sockaddr *)&server, sizeof server) < 0) {
      die("connect");
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
      die("epoll_ctl");
    }
  }

  int64_t start = now_ns();
  int64_t measure_from = start + warmup_ms * MS;
  int64_t measure_to = measure_from + duration_ms * MS;
  int64_t next_check = start;
  struct counts at_measure_start = {0};
  double cpu_at_measure_start = 0, sys_at_measure_start = 0;
  int measuring = warmup_ms == 0;
  if (measuring) {
    cpu_at_measure_start = cpu_seconds(&sys_at_measure_start);
  }
  int64_t loss_timeout_ns = MIN_LOSS_MS * MS;
  int64_t max_loss_timeout_ns = loss_timeout_ns;
  int64_t window_sum_ns = 0;
  uint64_t window_count = 0;
  int64_t window_start = start;
  struct epoll_event events[256];

  for (uint32_t i = 0; i < nsock; i++) {
    send_owed(&socks[i], cycle, (int)i, start);
  }
  for (;;) {
    int n = epoll_wait(ep, events, 256, 10);
    if (n < 0 && errno != EINTR) {
      die("epoll_wait");
    }
    int64_t now = now_ns();
    for (int e = 0; e < n; e++) {
      uint32_t i = events[e].data.u32;
      receive(&socks[i], now);
      if (stopped_at == 0 && send_owed(&socks[i], cycle, (int)i, now) < 0) {
        stop_sending(now);
      }
    }
    if (now < next_check) {
      continue;
    }
    next_check = now + 10 * MS;
    if (!measuring && now >= measure_from && stopped_at == 0) {
      measuring = 1;
      at_measure_start = total;
      measure_from = now;
      cpu_at_measure_start = cpu_seconds(&sys_at_measure_start);
      memset(fine, 0, sizeof fine);
      memset(coarse, 0, sizeof coarse);
      round_trip_sum_ns = 0;
      round_trips = 0;
      window_sum_ns = 0;
      window_count = 0;
    }
    if (stopped_at == 0 && now >= measure_to) {
      stop_sending(now);
    }
    if (stopped_at != 0) {
      if (all_answered(socks, nsock) || now - stopped_at >= loss_timeout_ns) {
        break;
      }
      continue;
    }
    if (now - window_start >= 100 * MS) {
      if (round_trips > window_count) {
        int64_t mean = (round_trip_sum_ns - window_sum_ns) / (int64_t)(round_trips - window_count);
        loss_timeout_ns = 8 * mean;
        loss_timeout_ns = loss_timeout_ns < MIN_LOSS_MS * MS ? MIN_LOSS_MS * MS
            : loss_timeout_ns > MAX_LOSS_MS * MS ? MAX_LOSS_MS * MS : loss_timeout_ns;
        if (loss_timeout_ns > max_loss_timeout_ns) {
          max_loss_timeout_ns = loss_timeout_ns;
        }
      }
      window_start = now;
      window_sum_ns = round_trip_sum_ns;
      window_count = round_trips;
    }
    for (uint32_t i = 0; i < nsock && stopped_at == 0; i++) {
      expire(&socks[i], now, loss_timeout_ns);
      if (socks[i].owed > 0 && send_owed(&socks[i], cycle, (int)i, now) < 0) {
        stop_sending(now);
      }
    }
  }
  /* the measured window ends when sending stopped; what arrives in the drain counts in the totals only */
  if (!measuring) {
    fail("stopped before the warm-up ended: the datagram file is too small for the warm-up");
  }
  struct counts m = at_stop;
  double cpu = cpu_at_stop - cpu_at_measure_start;
  double seconds = (stopped_at - measure_from) / 1e9;
  uint64_t answered = m.answered - at_measure_start.answered;
  printf("udpload stop=%s exhausted_socket=%d measured_s=%.3f answered=%llu answered_per_s=%.0f success=%llu "
         "error=%llu other=%llu sent=%llu lost=%lld late=%llu unmatched=%llu refused=%llu rtt_mean_ms=%.3f rtt_p50_ms=%.2f "
         "rtt_p99_ms=%.2f max_loss_timeout_ms=%lld cpu_s=%.3f cpu_sys_s=%.3f cpu_us_per_answer=%.3f total_sent=%llu "
         "total_answered=%llu total_success=%llu total_error=%llu total_other=%llu total_lost=%lld\n",
         exhausted_socket >= 0 ? "exhausted" : "duration", exhausted_socket, seconds, (unsigned long long)answered,
         answered / seconds, (unsigned long long)(m.success - at_measure_start.success),
         (unsigned long long)(m.error - at_measure_start.error), (unsigned long long)(m.other - at_measure_start.other),
         (unsigned long long)(m.sent - at_measure_start.sent), (long long)(m.lost - at_measure_start.lost),
         (unsigned long long)(m.late - at_measure_start.late),
         (unsigned long long)(m.unmatched - at_measure_start.unmatched), (unsigned long long)(m.refused - at_measure_start.refused),
         round_trips > 0 ? round_trip_sum_ns / 1e6 / round_trips : 0.0, round_trip_quantile(0.5),
         round_trip_quantile(0.99), (long long)(max_loss_timeout_ns / MS), cpu, sys_at_stop - sys_at_measure_start,
         answered > 0 ? cpu * 1e6 / answered : 0.0, (unsigned long long)total.sent,
         (unsigned long long)total.answered, (unsigned long long)total.success, (unsigned long long)total.error,
         (unsigned long long)total.other, (long long)total.lost);
  return 0;
}
