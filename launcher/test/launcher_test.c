/*
 * Unit tests of the launcher's parts (built by `make launcher-test` with -DLAUNCHER_TEST, which
 * renames the launcher's main). Expected bytes are computed independently, with python3:
 *
 *   def fnv(b):
 *       h = 0xcbf29ce484222325
 *       for c in b: h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
 *       return '%016x' % h
 *   fnv(b'')  -> cbf29ce484222325    fnv(b'a') -> af63dc4c8601ec8c
 *   fnv(b'/run/containerd/containerd.sock.ttrpc\ndefault') -> 0e204130a8befff5
 *
 *   def varint(v):
 *       o = b''
 *       while v > 127: o += bytes([v & 0x7f | 0x80]); v >>= 7
 *       return o + bytes([v])
 *   def dr(pid, s, n):
 *       ts = b'\x08' + varint(s) + (b'\x10' + varint(n) if n else b'')
 *       return b'\x08' + varint(pid) + b'\x10\x89\x01\x1a' + varint(len(ts)) + ts
 *   dr(4242, 1700000000, 123456789).hex() -> 0892211089011a0b0880e2cfaa0610959aef3a
 *   dr(4294967295, 1700000000, 0).hex()   -> 08ffffffff0f1089011a060880e2cfaa06
 */
#include "../containerd-shim-rune-v2.c"
#undef main /* the launcher's is launcher_main here */

#include <signal.h>
#include <sys/wait.h>

static int checks, failures;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        checks++;                                                                   \
        if (!(cond)) {                                                              \
            failures++;                                                             \
            fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
        }                                                                           \
    } while (0)

static bool same(const void *a, size_t alen, const void *b, size_t blen) {
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* parses a space-separated command line (the words after argv[0]) */
static int parse(const char *line, struct flags *f) {
    static char copy[1024];
    static char *words[64];
    int n = 0;
    snprintf(copy, sizeof copy, "%s", line);
    for (char *save, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) words[n++] = w;
    return parse_flags(n, words, f);
}

static void test_flags(void) {
    struct flags f;
    CHECK(parse("-namespace ns1 -address /run/c.sock -publish-binary /usr/bin/containerd -id c1 start", &f) == 0);
    CHECK(strcmp(f.namespace, "ns1") == 0 && strcmp(f.address, "/run/c.sock") == 0);
    CHECK(strcmp(f.id, "c1") == 0 && strcmp(f.bundle, "") == 0 && strcmp(f.action, "start") == 0 && !f.version);

    CHECK(parse("--namespace=ns2 --address /a -id=c2 --bundle=/b -debug delete", &f) == 0);
    CHECK(strcmp(f.namespace, "ns2") == 0 && strcmp(f.address, "/a") == 0 && strcmp(f.id, "c2") == 0);
    CHECK(strcmp(f.bundle, "/b") == 0 && strcmp(f.action, "delete") == 0);

    CHECK(parse("-socket /s -debug-socket /d --debug=false -debug=T -namespace ns start", &f) == 0);
    CHECK(strcmp(f.action, "start") == 0 && strcmp(f.namespace, "ns") == 0);

    /* a flag's value may look like a flag */
    CHECK(parse("-namespace -id start", &f) == 0 && strcmp(f.namespace, "-id") == 0 && strcmp(f.id, "") == 0);
    CHECK(parse("-address=a=b delete", &f) == 0 && strcmp(f.address, "a=b") == 0);

    /* the action is the last argument that is not a flag; flags end at the first argument or -- */
    CHECK(parse("-namespace ns start delete", &f) == 0 && strcmp(f.action, "delete") == 0);
    CHECK(parse("-namespace ns start -debug", &f) == 0 && strcmp(f.action, "-debug") == 0);
    CHECK(parse("-namespace ns -- -id", &f) == 0 && strcmp(f.action, "-id") == 0 && strcmp(f.id, "") == 0);
    CHECK(parse("-namespace ns - ", &f) == 0 && strcmp(f.action, "-") == 0);
    CHECK(parse("-namespace ns -address /a", &f) == 0 && strcmp(f.action, "") == 0);
    CHECK(parse("", &f) == 0 && strcmp(f.action, "") == 0 && !f.version);
    CHECK(parse("-namespace ns --", &f) == 0 && strcmp(f.action, "") == 0);

    CHECK(parse("-v", &f) == 0 && f.version);
    CHECK(parse("--v=true start", &f) == 0 && f.version);
    CHECK(parse("-v=0 start", &f) == 0 && !f.version && strcmp(f.action, "start") == 0);

    /* what Go's flag package rejects */
    CHECK(parse("-unknown x start", &f) == -1);
    CHECK(parse("-version start", &f) == -1);
    CHECK(parse("-namespace", &f) == -1);
    CHECK(parse("---namespace ns start", &f) == -1);
    CHECK(parse("-=x start", &f) == -1);
    CHECK(parse("-debug=maybe start", &f) == -1);
    CHECK(parse("-debug x=1 start", &f) == 0 && strcmp(f.action, "start") == 0); /* x=1 is an argument */
}

static void test_control_path(void) {
    char out[108];
    CHECK(fnv1a(0xcbf29ce484222325ULL, "", 0) == 0xcbf29ce484222325ULL);
    CHECK(fnv1a(0xcbf29ce484222325ULL, "a", 1) == 0xaf63dc4c8601ec8cULL);
    CHECK(control_path(out, sizeof out, "/run/containerd/s", "/run/containerd/containerd.sock.ttrpc", "default") == 0);
    CHECK(strcmp(out, "/run/containerd/s/rune-0e204130a8befff5.ctl") == 0);
    char dir[100];
    memset(dir, 'd', sizeof dir - 1), dir[sizeof dir - 1] = '\0';
    CHECK(control_path(out, sizeof out, dir, "a", "b") == -1); /* longer than sun_path */
}

static void test_request(void) {
    char *argv[] = {"-namespace", "ns", "start"};
    char *env[] = {"A=1", "PATH=/bin", NULL};
    struct buf b = {.limit = MAX_REQUEST};
    CHECK(encode_request(&b, 3, argv, "/b", env, (const unsigned char *)"xy", 2) == 0);
    static const unsigned char want[] = {
        'R', 'S', 'C', '1', 0, 0, 0, 3,
        0, 0, 0, 10, '-', 'n', 'a', 'm', 'e', 's', 'p', 'a', 'c', 'e',
        0, 0, 0, 2, 'n', 's',
        0, 0, 0, 5, 's', 't', 'a', 'r', 't',
        0, 0, 0, 2, '/', 'b',
        0, 0, 0, 2, 0, 0, 0, 3, 'A', '=', '1', 0, 0, 0, 9, 'P', 'A', 'T', 'H', '=', '/', 'b', 'i', 'n',
        0, 0, 0, 2, 'x', 'y'};
    CHECK(same(b.p, b.len, want, sizeof want));
    free(b.p);

    char *none[] = {NULL};
    b = (struct buf){.limit = MAX_REQUEST};
    CHECK(encode_request(&b, 0, argv, "/", none, NULL, 0) == 0);
    static const unsigned char empty[] = {'R', 'S', 'C', '1', 0, 0, 0, 0, 0, 0, 0, 1, '/', 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(same(b.p, b.len, empty, sizeof empty));
    free(b.p);
}

static void test_request_limits(void) {
    static char big[MAX_STRING + 2];
    static unsigned char in[MAX_STDIN + 1];
    static char *many[MAX_ENV + 2];
    char *none[] = {NULL};
    memset(big, 's', MAX_STRING);
    for (int i = 0; i <= MAX_ENV; i++) many[i] = "K=V";
    struct buf b;
#define ENCODE(argc, argv, cwd, env, inlen) \
    (b = (struct buf){.limit = MAX_REQUEST}, encode_request(&b, argc, argv, cwd, env, in, inlen))
    CHECK(ENCODE(MAX_ARGS, many, "/", none, 0) == 0);
    CHECK(ENCODE(MAX_ARGS + 1, many, "/", none, 0) == -1);
    many[MAX_ENV] = NULL;
    CHECK(ENCODE(0, many, "/", many, 0) == 0);
    many[MAX_ENV] = "K=V";
    CHECK(ENCODE(0, many, "/", many, 0) == -1); /* 1025 variables */
    many[MAX_ENV + 1] = NULL;
    CHECK(ENCODE(0, many, big, none, 0) == 0);  /* a string of exactly 64 KiB */
    big[MAX_STRING] = 's';
    CHECK(ENCODE(0, many, big, none, 0) == -1); /* one byte more */
    big[MAX_STRING] = '\0';
    CHECK(ENCODE(0, many, "/", none, MAX_STDIN) == 0);
    CHECK(ENCODE(0, many, "/", none, MAX_STDIN + 1) == -1);
    /* 64 arguments of 64 KiB: each within its limit, the whole over 4 MiB */
    char *wide[64];
    for (int i = 0; i < 64; i++) wide[i] = big;
    CHECK(ENCODE(63, wide, "/", none, 0) == 0);
    CHECK(ENCODE(64, wide, "/", none, 0) == -1);
#undef ENCODE
    free(b.p);
}

static void test_response(void) {
    static const unsigned char handled[] = {'R', 'S', 'C', '1', 0, 0, 0, 0, 0, 0, 0, 7,
                                            0, 0, 0, 3, 'o', 'u', 't', 0, 0, 0, 2, 'e', '\n'};
    struct response r;
    CHECK(decode_response(handled, sizeof handled, &r) == 1);
    CHECK(r.disposition == HANDLED && r.status == 7);
    CHECK(same(r.out, r.outlen, "out", 3) && same(r.err, r.errlen, "e\n", 2));
    for (size_t n = 0; n < sizeof handled; n++) CHECK(decode_response(handled, n, &r) == 0); /* truncated */

    static const unsigned char not_ours[] = {'R', 'S', 'C', '1', 0, 0, 0, 1};
    CHECK(decode_response(not_ours, sizeof not_ours, &r) == 1 && r.disposition == NOT_OURS);
    static const unsigned char empty[] = {'R', 'S', 'C', '1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(decode_response(empty, sizeof empty, &r) == 1 && r.outlen == 0 && r.errlen == 0 && r.status == 0);

    unsigned char bad[sizeof handled];
    memcpy(bad, handled, sizeof bad), bad[3] = '2';
    CHECK(decode_response(bad, sizeof bad, &r) == -1); /* magic */
    CHECK(decode_response(bad, 4, &r) == -1);
    memcpy(bad, handled, sizeof bad), bad[7] = 2;
    CHECK(decode_response(bad, sizeof bad, &r) == -1); /* disposition */
    memcpy(bad, handled, sizeof bad), bad[10] = 1;
    CHECK(decode_response(bad, sizeof bad, &r) == -1); /* status 263 is no exit status */
    memcpy(bad, handled, sizeof bad), bad[12] = 0x00, bad[13] = 0x40, bad[14] = 0, bad[15] = 1;
    CHECK(decode_response(bad, 16, &r) == -1);         /* stdout of 4 MiB + 1 */
    memcpy(bad, handled, sizeof bad), bad[19] = 0x00, bad[20] = 0x3f, bad[21] = 0xff, bad[22] = 0xff;
    CHECK(decode_response(bad, 23, &r) == -1);         /* stderr within 4 MiB, the whole response over */
    bad[21] = 0xff, bad[22] = 0xe0;
    CHECK(decode_response(bad, 23, &r) == 0);          /* the whole just under 4 MiB: read on */
}

static void test_delete_response(void) {
    unsigned char out[64];
    static const unsigned char want1[] = {0x08, 0x92, 0x21, 0x10, 0x89, 0x01, 0x1a, 0x0b, 0x08, 0x80, 0xe2, 0xcf,
                                          0xaa, 0x06, 0x10, 0x95, 0x9a, 0xef, 0x3a};
    size_t n = encode_delete_response(out, 4242, 1700000000, 123456789);
    CHECK(same(out, n, want1, sizeof want1));
    static const unsigned char want2[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x10, 0x89, 0x01, 0x1a, 0x06,
                                          0x08, 0x80, 0xe2, 0xcf, 0xaa, 0x06};
    n = encode_delete_response(out, UINT32_MAX, 1700000000, 0);
    CHECK(same(out, n, want2, sizeof want2));
    n = encode_delete_response(out, UINT32_MAX, UINT64_MAX, 999999999);
    CHECK(n <= 64 && out[n - 6] == 0x10); /* the longest one fits */
}

static void write_file(const char *dir, const char *name, const char *text) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_bundle_files(void) {
    char dir[] = "/tmp/launcher-test-XXXXXX", root[PATH_MAX], path[PATH_MAX];
    CHECK(mkdtemp(dir) != NULL);
    CHECK(rune_root(dir, root, sizeof root) == 0 && strcmp(root, "/run/containerd/rune") == 0);
    write_file(dir, "options.json", "{\"binary_name\":\"rune\",\"root\":\"/r/x\",\"systemd_cgroup\":true}");
    CHECK(rune_root(dir, root, sizeof root) == 0 && strcmp(root, "/r/x") == 0);
    write_file(dir, "options.json", "{\"binary_name\":\"rune\"}");
    CHECK(rune_root(dir, root, sizeof root) == 0 && strcmp(root, "/run/containerd/rune") == 0);
    write_file(dir, "options.json", "");
    CHECK(rune_root(dir, root, sizeof root) == 0 && strcmp(root, "/run/containerd/rune") == 0);
    write_file(dir, "options.json", "{\"root\":\"/r/\\u0078\"}");
    CHECK(rune_root(dir, root, sizeof root) == -1);
    write_file(dir, "options.json", "{\"root\":\"/r/x");
    CHECK(rune_root(dir, root, sizeof root) == -1);

    CHECK(init_pid(dir) == UINT32_MAX);
    write_file(dir, "init.pid", "4242\n");
    CHECK(init_pid(dir) == 4242);
    write_file(dir, "init.pid", "4294967295");
    CHECK(init_pid(dir) == UINT32_MAX);
    write_file(dir, "init.pid", "4294967296");
    CHECK(init_pid(dir) == UINT32_MAX);
    write_file(dir, "init.pid", " 12");
    CHECK(init_pid(dir) == UINT32_MAX);
    write_file(dir, "init.pid", "");
    CHECK(init_pid(dir) == UINT32_MAX);

    CHECK(mounted("/proc") == 1);
    CHECK(mounted("/proc/self/..") == 1); /* resolved first */
    CHECK(mounted(dir) == 0);
    snprintf(path, sizeof path, "%s/rootfs", dir);
    CHECK(mounted(path) == 0); /* missing */
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0);
}

static void test_replay(void) {
    static unsigned char data[300 << 10], back[sizeof data + 1];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 7);
    size_t sizes[] = {0, 5, sizeof data, 5, sizeof data}; /* empty, a pipe, more than a pipe holds */
    for (int k = 0; k < 5; k++) {
        struct input in = {.p = data, .len = sizes[k], .read = true};
        if (k >= 3) close(0); /* stdin closed: the new file gets fd 0 itself */
        CHECK(replay_stdin(&in) == 0);
        size_t n = 0;
        for (ssize_t got; (got = read(0, back + n, sizeof back - n)) > 0;) n += (size_t)got;
        CHECK(same(back, n, data, sizes[k]));
        CHECK((fcntl(0, F_GETFD) & FD_CLOEXEC) == 0);
    }
    /* more than the request takes: the bytes read, then the rest of the old stdin */
    int fds[2];
    CHECK(pipe(fds) == 0 && write(fds[1], data + 10, 1000) == 1000 && close(fds[1]) == 0 && dup2(fds[0], 0) == 0);
    close(fds[0]);
    struct input in = {.p = data, .len = 10, .more = true, .read = true};
    CHECK(replay_stdin(&in) == 0);
    size_t n = 0;
    for (ssize_t got; (got = read(0, back + n, sizeof back - n)) > 0;) n += (size_t)got;
    CHECK(same(back, n, data, 1010));
}

/* the spare action lowers the launcher's (and so the JVM's) priority; no other action does */
static void test_spare_priority(void) {
    const char *lines[] = {"-namespace ns -address /a spare", "-namespace ns -address /a start", "-namespace ns -address /a delete"};
    int expect[] = {SPARE_NICE, 0, 0};
    for (int k = 0; k < 3; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            struct flags f;
            if (setpriority(PRIO_PROCESS, 0, 0) != 0 || parse(lines[k], &f) != 0) _exit(2);
            spare_priority(&f);
            errno = 0;
            int nice = getpriority(PRIO_PROCESS, 0);
            _exit(errno == 0 && nice == expect[k] ? 0 : 1);
        }
        int st = -1;
        CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
}

/* the JVM's argv: the common options for every action, a spare's own only for a spare */
static void test_jvm_argv(void) {
    char *args[] = {"containerd-shim-rune-v2", "-namespace", "ns", "spare"};
    char opts[] = "-Xa -Xb", spare_opts[] = "-Xs";
    char *av[16];
    CHECK(jvm_argv(av, opts, spare_opts, true, 4, args) == 10);
    const char *want[] = {LAUNCHER_JAVA, "-Xa", "-Xb", "-Xs", "-cp", LAUNCHER_LIBDIR "/*", MAIN_CLASS, "-namespace", "ns", "spare"};
    for (int i = 0; i < 10; i++) CHECK(strcmp(av[i], want[i]) == 0);
    CHECK(av[10] == NULL);

    char opts2[] = "-Xa -Xb", spare_opts2[] = "-Xs";
    args[3] = "start";
    CHECK(jvm_argv(av, opts2, spare_opts2, false, 4, args) == 9);
    CHECK(strcmp(av[2], "-Xb") == 0 && strcmp(av[3], "-cp") == 0 && strcmp(av[8], "start") == 0 && av[9] == NULL);

    char none[] = "", empty_spare[] = "";
    CHECK(jvm_argv(av, none, empty_spare, true, 1, args) == 4 && strcmp(av[1], "-cp") == 0 && av[4] == NULL);
}

/* a server in a child process: sends `reply` (len bytes) after reading the request, then exits */
static pid_t serve(const char *path, uid_t uid, const void *reply, size_t len) {
    int ready[2];
    if (pipe(ready) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strcpy(sa.sun_path, path);
        int l = socket(AF_UNIX, SOCK_STREAM, 0);
        if ((uid != geteuid() && setuid(uid) != 0) || bind(l, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(l, 4) != 0)
            _exit(1);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        int c = accept(l, NULL, NULL);
        char sink[4096];
        while (read(c, sink, sizeof sink) > 0) {}
        if (write(c, reply, len) != (ssize_t)len) _exit(1);
        _exit(0);
    }
    char r;
    close(ready[1]);
    bool up = read(ready[0], &r, 1) == 1;
    close(ready[0]);
    return up ? pid : -1;
}

static void test_daemon_exchange(void) {
    char dir[] = "/tmp/launcher-test-XXXXXX", path[PATH_MAX];
    CHECK(mkdtemp(dir) != NULL && chmod(dir, 0777) == 0);
    snprintf(path, sizeof path, "%s/d.ctl", dir);
    CHECK(connect_daemon(path) == -1); /* no socket */

    static const unsigned char reply[] = {'R', 'S', 'C', '1', 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 'o', 0, 0, 0, 0};
    char *argv[] = {"delete"}, *env[] = {NULL};
    for (size_t cut = sizeof reply; cut + 1 >= sizeof reply; cut--) { /* whole, then one byte short */
        unlink(path);
        pid_t pid = serve(path, geteuid(), reply, cut);
        int fd = connect_daemon(path);
        struct buf req = {.limit = MAX_REQUEST}, resp = {.limit = MAX_RESPONSE};
        struct response r;
        CHECK(pid > 0 && fd >= 0 && encode_request(&req, 1, argv, "/", env, NULL, 0) == 0);
        int got = exchange(fd, &req, &resp, &r);
        CHECK(cut == sizeof reply ? got == 1 && r.status == 3 && same(r.out, r.outlen, "o", 1) : got == 0);
        close(fd), free(req.p), free(resp.p);
        waitpid(pid, NULL, 0);
    }

    if (geteuid() == 0) { /* a daemon of another user is no daemon of ours */
        unlink(path);
        pid_t pid = serve(path, 65534, reply, sizeof reply);
        CHECK(pid > 0 && connect_daemon(path) == -1);
        kill(pid, SIGKILL), waitpid(pid, NULL, 0);
    } else {
        fprintf(stderr, "launcher-test: not root, SO_PEERCRED uid mismatch not tested\n");
    }
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    CHECK(system(path) == 0);
}

int main(void) {
    test_flags();
    test_control_path();
    test_request();
    test_request_limits();
    test_response();
    test_delete_response();
    test_bundle_files();
    test_replay();
    test_spare_priority();
    test_jvm_argv();
    test_daemon_exchange();
    printf("launcher-test: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
