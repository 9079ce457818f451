/*
 * containerd-shim-rune-v2, the installed binary: hands `start` and `delete` to a warm daemon over
 * its control socket, answers a `delete` with nothing to clean up itself, and otherwise execs the
 * JVM. The contract (flags, socket path, request and response, fallbacks) is docs/launcher.md;
 * all shim logic stays in Java.
 *
 * Build constants (-D, set by `make install`): LAUNCHER_JAVA, LAUNCHER_LIBDIR, LAUNCHER_BINDIR
 * (where this binary is installed), LAUNCHER_JVM_OPTS (options separated by single spaces), and
 * optionally LAUNCHER_SPARE_JVM_OPTS (added for a spare's JVM only).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifdef LAUNCHER_TEST
#define LAUNCHER_JAVA "/nonexistent/java"
#define LAUNCHER_LIBDIR "/nonexistent/lib"
#define LAUNCHER_BINDIR "/nonexistent/bin"
#define LAUNCHER_JVM_OPTS "-Xa"
#define LAUNCHER_SPARE_JVM_OPTS "-Xs"
#endif
#ifndef LAUNCHER_SPARE_JVM_OPTS
#define LAUNCHER_SPARE_JVM_OPTS ""
#endif
#if !defined(LAUNCHER_JAVA) || !defined(LAUNCHER_LIBDIR) || !defined(LAUNCHER_BINDIR) || !defined(LAUNCHER_JVM_OPTS)
#error "build with -DLAUNCHER_JAVA, -DLAUNCHER_LIBDIR, -DLAUNCHER_BINDIR and -DLAUNCHER_JVM_OPTS (see the Makefile)"
#endif
#ifndef LAUNCHER_RUNE_ROOT
#define LAUNCHER_RUNE_ROOT "/run/containerd/rune" /* rune's --root when options.json names none */
#endif
#define CONTROL_DIR "/run/containerd/s"
#define CONTROL_DIR_VARIABLE "RUNE_SHIM_CONTROL_DIR" /* tests point the launcher at their own sockets */
#define MAIN_CLASS "io.rune.shim.main.Main"

/* request limits (docs/launcher.md); the response is held to the request's total */
enum {
    MAX_ARGS = 256, MAX_ENV = 1024, MAX_STRING = 64 << 10, MAX_STDIN = 1 << 20,
    MAX_REQUEST = 4 << 20, MAX_RESPONSE = 4 << 20, RESPONSE_SECONDS = 60,
};
static const char MAGIC[4] = {'R', 'S', 'C', '1'};

/* ------------------------------------------------------------------ flags, as Go's flag package */

struct flags {
    const char *namespace, *address, *id, *bundle;
    const char *action; /* the last argument that is not a flag or a flag's value; "" if none */
    bool version;
};

static bool parse_bool(const char *s, bool *out) {
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
            *out = strcmp(s, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* 0, or -1 when Go would reject the command line (the JVM then reports it) */
static int parse_flags(int argc, char *const argv[], struct flags *f) {
    static const char *const valued[] = {"namespace", "address", "publish-binary", "id", "bundle", "socket",
                                         "debug-socket"};
    *f = (struct flags){"", "", "", "", "", false};
    int i = 0;
    while (i < argc) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') break; /* first non-flag: the rest are arguments */
        i++;
        const char *name = a + 1 + (a[1] == '-');
        if (strcmp(a, "--") == 0) break;
        if (name[0] == '\0' || name[0] == '-' || name[0] == '=') return -1;
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        if ((n == 5 && strncmp(name, "debug", 5) == 0) || (n == 1 && name[0] == 'v')) {
            bool v = true;
            if (eq && !parse_bool(eq + 1, &v)) return -1;
            if (name[0] == 'v') f->version = v;
            continue;
        }
        size_t k = 0;
        while (k < sizeof valued / sizeof *valued && !(strlen(valued[k]) == n && strncmp(name, valued[k], n) == 0)) k++;
        if (k == sizeof valued / sizeof *valued) return -1;
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (i >= argc) return -1;
            value = argv[i++];
        }
        const char **slot[] = {&f->namespace, &f->address, NULL, &f->id, &f->bundle, NULL, NULL};
        if (slot[k]) *slot[k] = value;
    }
    if (i < argc) f->action = argv[argc - 1];
    return 0;
}

/* ------------------------------------------------------------------ control socket */

static uint64_t fnv1a(uint64_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

/* <dir>/rune-<FNV-1a 64 of address "\n" namespace>.ctl; -1 if it does not fit a sockaddr_un */
static int control_path(char *out, size_t cap, const char *dir, const char *address, const char *namespace) {
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, address, strlen(address));
    h = fnv1a(fnv1a(h, "\n", 1), namespace, strlen(namespace));
    int n = snprintf(out, cap, "%s/rune-%016" PRIx64 ".ctl", dir, h);
    return n < 0 || (size_t)n >= cap || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path) ? -1 : 0;
}

/* a connected socket to a daemon running as our euid, or -1: no warm daemon */
static int connect_daemon(const char *path) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval tv = {.tv_sec = RESPONSE_SECONDS}; /* bounds connect and send on a stuck daemon */
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0
        || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0
        || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred
        || cred.uid != geteuid()) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------------ request and response */

struct buf {
    unsigned char *p;
    size_t len, cap, limit;
    bool over; /* a limit was passed or memory ran out: the buffer is unusable */
};

static void put(struct buf *b, const void *d, size_t n) {
    if (b->over || n > b->limit - b->len) {
        b->over = true;
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->over = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void put_u32(struct buf *b, uint32_t v) {
    unsigned char be[4] = {v >> 24, v >> 16, v >> 8, v};
    put(b, be, 4);
}

static void put_bytes(struct buf *b, const void *d, size_t n) {
    if (n > MAX_STRING) b->over = true;
    put_u32(b, (uint32_t)n);
    put(b, d, n);
}

/* the request of docs/launcher.md into b (limit MAX_REQUEST); -1 when over a limit */
static int encode_request(struct buf *b, int argc, char *const argv[], const char *cwd, char *const env[],
                          const unsigned char *in, size_t inlen) {
    size_t envc = 0;
    while (env[envc]) envc++;
    if (argc > MAX_ARGS || envc > MAX_ENV || inlen > MAX_STDIN) return -1;
    put(b, MAGIC, 4);
    put_u32(b, (uint32_t)argc);
    for (int i = 0; i < argc; i++) put_bytes(b, argv[i], strlen(argv[i]));
    put_bytes(b, cwd, strlen(cwd));
    put_u32(b, (uint32_t)envc);
    for (size_t i = 0; i < envc; i++) put_bytes(b, env[i], strlen(env[i]));
    put_u32(b, (uint32_t)inlen);
    put(b, in, inlen); /* stdin is held to MAX_STDIN above, not to MAX_STRING */
    return b->over ? -1 : 0;
}

enum { HANDLED = 0, NOT_OURS = 1 };

struct response {
    uint32_t disposition, status;
    const unsigned char *out, *err;
    size_t outlen, errlen;
};

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 1: r is the whole response in p[0..n); 0: a prefix of one, read on; -1: malformed or over the limit */
static int decode_response(const unsigned char *p, size_t n, struct response *r) {
    size_t at = 8;
    if (n < 8) return n >= 4 && memcmp(p, MAGIC, 4) != 0 ? -1 : 0;
    if (memcmp(p, MAGIC, 4) != 0) return -1;
    r->disposition = get_u32(p + 4);
    if (r->disposition == NOT_OURS) return 1;
    if (r->disposition != HANDLED) return -1;
    if (n < at + 4) return 0;
    r->status = get_u32(p + at);
    if (r->status > 255) return -1; /* an exit status */
    at += 4;
    const unsigned char **data[] = {&r->out, &r->err};
    size_t *lens[] = {&r->outlen, &r->errlen};
    for (int k = 0; k < 2; k++) { /* stdout, stderr */
        if (n < at + 4) return 0;
        size_t len = get_u32(p + at);
        if (len > MAX_RESPONSE || at + 4 + len > MAX_RESPONSE) return -1;
        at += 4;
        if (n < at + len) return 0;
        *data[k] = p + at, *lens[k] = len;
        at += len;
    }
    return 1;
}

/* socket: send without SIGPIPE (an ignored SIGPIPE would be inherited by the JVM) */
static int write_all(int fd, const void *d, size_t n, bool socket) {
    const unsigned char *p = d;
    while (n > 0) {
        ssize_t w = socket ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* sends req, reads the response into resp; 1: decoded into r, 0: none (broken, malformed, late) */
static int exchange(int fd, const struct buf *req, struct buf *resp, struct response *r) {
    if (write_all(fd, req->p, req->len, true) != 0) return 0;
    shutdown(fd, SHUT_WR); /* the daemon reads to EOF */
    long long deadline = now_ms() + RESPONSE_SECONDS * 1000LL;
    for (;;) {
        int d = decode_response(resp->p, resp->len, r);
        if (d != 0) return d == 1;
        long long left = deadline - now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0) return 0;
        int pr = poll(&pfd, 1, (int)left);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) return 0;
        unsigned char chunk[65536];
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 0; /* closed before a whole response */
        put(resp, chunk, (size_t)got);
        if (resp->over) return 0;
    }
}

/* ------------------------------------------------------------------ stdin */

struct input {
    unsigned char *p;
    size_t len;
    bool more; /* stdin had more than MAX_STDIN: the rest is still unread on fd 0 */
    bool read;  /* fd 0 was consumed: the JVM needs these bytes on a fresh stdin */
};

static void read_stdin(struct input *in) {
    in->p = malloc(MAX_STDIN + 1);
    in->read = true;
    if (!in->p) {
        in->more = true; /* nothing taken yet; the rest is all of it */
        return;
    }
    while (in->len <= MAX_STDIN) {
        ssize_t got = read(0, in->p + in->len, MAX_STDIN + 1 - in->len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        in->len += (size_t)got;
    }
    in->more = in->len > MAX_STDIN;
}

/* fd becomes fd 0, inherited by the JVM (it may be 0 already when stdin was closed) */
static int move_to_stdin(int fd) {
    if (fd == 0) return fcntl(0, F_SETFD, 0);
    int rc = dup2(fd, 0) == 0 ? 0 : -1;
    close(fd);
    return rc;
}

/* makes fd 0 yield in->p, then whatever of the old stdin is left; -1 on failure */
static int replay_stdin(const struct input *in) {
    int fds[2];
    if (!in->more && pipe2(fds, O_CLOEXEC) == 0) {
        int size = fcntl(fds[1], F_GETPIPE_SZ);
        if (size > 0 && in->len <= (size_t)size) { /* fits: the write cannot block */
            bool ok = write_all(fds[1], in->p, in->len, false) == 0;
            close(fds[1]);
            if (ok) return move_to_stdin(fds[0]);
            close(fds[0]);
            return -1;
        }
        close(fds[0]), close(fds[1]);
    }
    int fd = memfd_create("containerd-shim-rune-v2-stdin", MFD_CLOEXEC);
    if (fd < 0) fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, in->p, in->len, false) != 0) goto fail;
    unsigned char chunk[65536];
    for (ssize_t got; in->more && (got = read(0, chunk, sizeof chunk)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 || write_all(fd, chunk, (size_t)got, false) != 0) goto fail;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) goto fail;
    return move_to_stdin(fd);
fail:
    if (fd >= 0) close(fd);
    return -1;
}

/* ------------------------------------------------------------------ delete with nothing to clean up */

static bool plain(const char *s) { /* mountinfo and JSON would escape anything else */
    for (; *s; s++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+:@-", *s)) return false;
    return true;
}

/* up to max bytes of path into b (NUL-terminated); 0, -1 on error (errno), 1 if longer than max */
static int slurp(const char *path, struct buf *b, size_t max) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    b->limit = max + 1;
    unsigned char chunk[8192];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) != 0 && !b->over) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        put(b, chunk, (size_t)got);
    }
    int err = errno;
    close(fd);
    errno = err;
    if (got < 0) return -1;
    if (b->over || b->len > max) return 1;
    put(b, "", 1); /* a C string from here on; the limit leaves room for the NUL */
    b->len--;
    return 0;
}

/* rune's root from <bundle>/options.json (written compact by the shim at Create); -1: ask the JVM */
static int rune_root(const char *bundle, char *out, size_t cap) {
    char path[PATH_MAX];
    struct buf b = {.limit = 0};
    snprintf(out, cap, "%s", LAUNCHER_RUNE_ROOT);
    if (snprintf(path, sizeof path, "%s/options.json", bundle) >= (int)sizeof path) return -1;
    int rc = slurp(path, &b, 64 << 10);
    if (rc < 0) {
        rc = errno == ENOENT ? 0 : -1; /* none: Create never ran */
    } else if (rc > 0 || memchr(b.p, '\\', b.len) || strlen((char *)b.p) != b.len) {
        rc = -1; /* too big, or an escape or a NUL could hide or fake the key: the JVM parses it */
    } else {
        const char *key = "\"root\":\"", *v = NULL, *end = NULL;
        for (const char *at = (char *)b.p; (at = strstr(at, key)); at++) v = at + strlen(key);
        if (v && (!(end = strchr(v, '"')) || (size_t)(end - v) >= cap)) rc = -1;
        else if (v && end > v) snprintf(out, cap, "%.*s", (int)(end - v), v);
    }
    free(b.p);
    return rc;
}

/* 1: something is mounted on path, 0: nothing, -1: cannot tell */
static int mounted(const char *path) {
    char real[PATH_MAX];
    if (!realpath(path, real)) return errno == ENOENT ? 0 : -1;
    if (!plain(real)) return -1;
    struct buf b = {.limit = 0};
    int rc = slurp("/proc/self/mountinfo", &b, 64 << 20) == 0 ? 0 : -1;
    for (char *line = (char *)b.p, *next; rc == 0 && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *field = line;
        for (int k = 0; k < 4 && field; k++) field = strchr(field, ' '), field = field ? field + 1 : NULL;
        size_t n = strlen(real);
        if (field && strncmp(field, real, n) == 0 && (field[n] == ' ' || field[n] == '\0')) rc = 1;
    }
    free(b.p);
    return rc;
}

static size_t put_varint(unsigned char *p, uint64_t v) {
    size_t n = 0;
    for (; v > 127; v >>= 7) p[n++] = (unsigned char)(v | 0x80);
    p[n++] = (unsigned char)v;
    return n;
}

/* DeleteResponse{1 pid, 2 exit_status 137 (SIGKILL, as the Go shim), 3 exited_at Timestamp{1 s, 2 ns}} */
static size_t encode_delete_response(unsigned char out[64], uint32_t pid, uint64_t secs, uint32_t nanos) {
    unsigned char ts[24];
    size_t t = 0, n = 0;
    ts[t++] = 0x08, t += put_varint(ts + t, secs);
    if (nanos) ts[t++] = 0x10, t += put_varint(ts + t, nanos);
    out[n++] = 0x08, n += put_varint(out + n, pid);
    out[n++] = 0x10, n += put_varint(out + n, 137);
    out[n++] = 0x1a, n += put_varint(out + n, t);
    memcpy(out + n, ts, t);
    return n + t;
}

/* the pid rune wrote, or uint32 max (as the Go shim sends without one) */
static uint32_t init_pid(const char *bundle) {
    char path[PATH_MAX];
    struct buf b = {.limit = 0};
    uint32_t pid = UINT32_MAX;
    snprintf(path, sizeof path, "%s/init.pid", bundle);
    if (slurp(path, &b, 32) == 0) {
        while (b.len > 0 && b.p[b.len - 1] == '\n') b.p[--b.len] = '\0';
        char *end;
        errno = 0;
        unsigned long long v = strtoull((char *)b.p, &end, 10);
        if (b.len > 0 && b.len <= 10 && b.p[0] >= '0' && b.p[0] <= '9' && *end == '\0' && errno == 0
            && v <= UINT32_MAX)
            pid = (uint32_t)v;
    }
    free(b.p);
    return pid;
}

/* containerd runs `delete` after every shim connection closes; with no rune state and no rootfs
 * mount left, the answer is only a DeleteResponse. 0: printed it; -1: the JVM must do it */
static int fast_delete(const struct flags *f) {
    char cwd[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
    const char *bundle = f->bundle[0] ? f->bundle : getcwd(cwd, sizeof cwd);
    if (!bundle || !f->namespace[0] || !f->id[0] || !plain(bundle) || !plain(f->namespace) || !plain(f->id))
        return -1;
    struct stat st;
    if (rune_root(bundle, root, sizeof root) != 0
        || snprintf(path, sizeof path, "%s/%s/%s", root, f->namespace, f->id) >= (int)sizeof path)
        return -1;
    if (stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR)) return -1;
    if (snprintf(path, sizeof path, "%s/rootfs", bundle) >= (int)sizeof path || mounted(path) != 0) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned char out[64];
    size_t n = encode_delete_response(out, init_pid(bundle), (uint64_t)now.tv_sec, (uint32_t)now.tv_nsec);
    if (write_all(1, out, n, false) != 0) exit(1); /* part of it may be out: no second answer */
    return 0;
}

/* ------------------------------------------------------------------ the JVM */

/* A spare daemon boots and rehearses ahead of need: at nice 10 (inherited by every JVM thread) it
 * yields the CPU to the containers being started meanwhile; the start that adopts it sets its threads
 * back to 0 (docs/launcher.md). Best effort: a failure leaves the priority as it was. */
#define SPARE_ACTION "spare"
#define SPARE_NICE 10
static void spare_priority(const struct flags *f) {
    if (strcmp(f->action, SPARE_ACTION) == 0) (void)setpriority(PRIO_PROCESS, 0, SPARE_NICE);
}

/* Splits opts (modified) at single spaces into av from n; returns the next free index. */
static size_t split_opts(char *av[], size_t n, char *opts) {
    for (char *save, *o = strtok_r(opts, " ", &save); o; o = strtok_r(NULL, " ", &save)) av[n++] = o;
    return n;
}

/* The JVM's argv: java, the options (a spare's own after the common ones: the Makefile's
 * SPARE_JVM_OPTS, why there), class path, main class, this program's arguments. Returns argc. */
static size_t jvm_argv(char *av[], char *opts, char *spare_opts, bool spare, int argc, char *argv[]) {
    size_t n = 0;
    av[n++] = LAUNCHER_JAVA;
    n = split_opts(av, n, opts);
    if (spare) n = split_opts(av, n, spare_opts);
    av[n++] = "-cp";
    av[n++] = LAUNCHER_LIBDIR "/*";
    av[n++] = MAIN_CLASS;
    for (int i = 1; i < argc; i++) av[n++] = argv[i];
    av[n] = NULL;
    return n;
}

_Noreturn static void exec_jvm(int argc, char *argv[], bool spare) {
    static char opts[] = LAUNCHER_JVM_OPTS, spare_opts[] = LAUNCHER_SPARE_JVM_OPTS;
    char *av[sizeof opts + sizeof spare_opts + 5 + (size_t)argc];
    jvm_argv(av, opts, spare_opts, spare, argc, argv);
    /* `start` runs the daemon through this launcher again */
    setenv("CONTAINERD_SHIM_RUNE_LAUNCHER", LAUNCHER_BINDIR "/containerd-shim-rune-v2", 1);
    execv(LAUNCHER_JAVA, av);
    fprintf(stderr, "containerd-shim-rune-v2: exec %s: %s\n", LAUNCHER_JAVA, strerror(errno));
    exit(127);
}

/* asks the warm daemon; returns only when none handled the action */
static void try_daemon(int argc, char *argv[], const struct flags *f, struct input *in) {
    extern char **environ;
    const char *dir = getenv(CONTROL_DIR_VARIABLE);
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)], cwd[PATH_MAX];
    if (!f->address[0] || !f->namespace[0]) return;
    if (control_path(path, sizeof path, dir && *dir ? dir : CONTROL_DIR, f->address, f->namespace) != 0) return;
    int fd = connect_daemon(path);
    if (fd < 0) return;
    struct buf req = {.limit = MAX_REQUEST}, resp = {.limit = MAX_RESPONSE};
    struct response r;
    if (getcwd(cwd, sizeof cwd)) {
        if (strcmp(f->action, "start") == 0) read_stdin(in); /* containerd's runtime options */
        if (!in->more && encode_request(&req, argc - 1, argv + 1, cwd, environ, in->p, in->len) == 0
            && exchange(fd, &req, &resp, &r) && r.disposition == HANDLED) {
            bool out = write_all(1, r.out, r.outlen, false) == 0;
            bool err = write_all(2, r.err, r.errlen, false) == 0;
            exit(out && err ? (int)r.status : 1);
        }
    }
    close(fd);
    free(req.p), free(resp.p);
}

#ifdef LAUNCHER_TEST
#define main launcher_main
#endif
int main(int argc, char *argv[]) {
    struct flags f;
    struct input in = {0};
    bool spare = false;
    if (argc >= 1 && parse_flags(argc - 1, argv + 1, &f) == 0 && !f.version) {
        bool start = strcmp(f.action, "start") == 0, del = strcmp(f.action, "delete") == 0;
        /* nothing to clean up is answered here first: the daemon on the control socket may be a
         * spare still starting (docs/launcher.md) */
        if (del && fast_delete(&f) == 0) return 0;
        if (start || del) try_daemon(argc, argv, &f, &in);
        spare_priority(&f);
        spare = strcmp(f.action, SPARE_ACTION) == 0;
    }
    if (in.read && replay_stdin(&in) != 0) {
        fprintf(stderr, "containerd-shim-rune-v2: cannot replay stdin: %s\n", strerror(errno));
        return 1;
    }
    exec_jvm(argc, argv, spare);
}
