// The benchmark's reference tools and servers that no Debian package
// provides as such:
//   helper sweep HOST FIRST LAST INFLIGHT TIMEOUT_MS
//       a minimal epoll connect sweep of a port range, at most INFLIGHT
//       connects at once: the floor a port-range probe is measured against.
//       Prints "open N refused N timeout N other N".
//   helper listen FIRST COUNT
//       listens on 127.0.0.1:FIRST..FIRST+COUNT-1 and accepts and closes
//       every connection until killed: the "open" share of the mixed TCP
//       checks, without a backlog that fills up over repeated runs.
//   helper spawn RUNS PROGRAM ARG...
//       starts PROGRAM RUNS times, one after another, and prints the median
//       and minimum wall time of a start in microseconds, without the
//       interpreter's own fork overhead in the figure.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static long parse(const char* s, long lo, long hi, const char* what) {
    char* end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        fprintf(stderr, "helper: %s must be %ld to %ld, got '%s'\n", what, lo, hi, s);
        exit(2);
    }
    return v;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// As a scanner would: the descriptors in flight must fit under the limit.
static void raise_nofile(void) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

struct counts {
    long open, refused, timeout, other;
};

static void tally(struct counts* c, int err) {
    if (err == 0)
        c->open++;
    else if (err == ECONNREFUSED)
        c->refused++;
    else if (err == ETIMEDOUT)
        c->timeout++;
    else
        c->other++;
}

static int sweep(const char* host, long first, long last, long inflight, long timeout_ms) {
    raise_nofile();
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "helper: not an IPv4 address: %s\n", host);
        return 2;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return perror("epoll_create1"), 1;
    // A socket's start time, by descriptor, for the per-connect timeout.
    double* started = calloc(65536, sizeof(double));
    struct epoll_event* evs = calloc((size_t)inflight, sizeof *evs);
    if (!started || !evs) return 1;
    struct counts c = {0};
    long next = first, active = 0;
    while (next <= last || active > 0) {
        while (next <= last && active < inflight) {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0 || fd >= 65536) {
                if (fd >= 0) close(fd);
                c.other++;
                next++;
                continue;
            }
            sa.sin_port = htons((unsigned short)next++);
            int rc = connect(fd, (struct sockaddr*)&sa, sizeof sa);
            if (rc == 0 || errno != EINPROGRESS) {
                tally(&c, rc == 0 ? 0 : errno);
                close(fd);
                continue;
            }
            struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            started[fd] = now_s();
            active++;
        }
        int n = epoll_wait(ep, evs, (int)inflight, 10);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd, err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            tally(&c, err);
            close(fd);
            started[fd] = 0;
            active--;
        }
        if (n == 0 && active > 0) {
            // Only a filtered range gets here; a linear scan is fine for that.
            double limit = now_s() - (double)timeout_ms / 1000.0;
            for (int fd = 0; fd < 65536; fd++)
                if (started[fd] > 0 && started[fd] < limit) {
                    tally(&c, ETIMEDOUT);
                    close(fd);
                    started[fd] = 0;
                    active--;
                }
        }
    }
    printf("open %ld refused %ld timeout %ld other %ld\n", c.open, c.refused, c.timeout, c.other);
    return 0;
}

static volatile sig_atomic_t stop_listening;

static void on_term(int sig) {
    (void)sig;
    stop_listening = 1;
}

static int listen_ports(long first, long count) {
    raise_nofile();
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return perror("epoll_create1"), 1;
    for (long p = first; p < first + count; p++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)p)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr*)&sa, sizeof sa) || listen(fd, 4096)) {
            fprintf(stderr, "helper: cannot listen on 127.0.0.1:%ld: %s\n", p, strerror(errno));
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    printf("listening\n");
    fflush(stdout);
    struct epoll_event evs[64];
    while (!stop_listening) {
        int n = epoll_wait(ep, evs, 64, 200);
        for (int i = 0; i < n; i++) {
            int c;
            while ((c = accept4(evs[i].data.fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
                close(c);
        }
    }
    return 0;
}

static int cmp_double(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static int spawn_runs(long runs, char** argv) {
    double* t = calloc((size_t)runs, sizeof(double));
    if (!t) return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (long i = 0; i < runs; i++) {
        pid_t pid;
        double t0 = now_s();
        if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
            fprintf(stderr, "helper: cannot start %s\n", argv[0]);
            return 1;
        }
        int status;
        waitpid(pid, &status, 0);
        t[i] = now_s() - t0;
    }
    qsort(t, (size_t)runs, sizeof(double), cmp_double);
    printf("median_us %.0f min_us %.0f\n", t[runs / 2] * 1e6, t[0] * 1e6);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 7 && strcmp(argv[1], "sweep") == 0)
        return sweep(argv[2], parse(argv[3], 1, 65535, "FIRST"), parse(argv[4], 1, 65535, "LAST"),
                     parse(argv[5], 1, 60000, "INFLIGHT"), parse(argv[6], 1, 600000, "TIMEOUT_MS"));
    if (argc == 4 && strcmp(argv[1], "listen") == 0)
        return listen_ports(parse(argv[2], 1, 65535, "FIRST"), parse(argv[3], 1, 1000, "COUNT"));
    if (argc >= 4 && strcmp(argv[1], "spawn") == 0)
        return spawn_runs(parse(argv[2], 1, 100000, "RUNS"), argv + 3);
    fprintf(stderr, "usage: helper sweep HOST FIRST LAST INFLIGHT TIMEOUT_MS\n"
                    "       helper listen FIRST COUNT\n"
                    "       helper spawn RUNS PROGRAM ARG...\n");
    return 2;
}
