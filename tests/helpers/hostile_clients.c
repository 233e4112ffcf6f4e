/* Test helper: misbehaving and raw clients for the connection-layer tests. Loopback only.
 *
 *   hostile_clients attack --port P [--host 127.0.0.1] [--sources 127.0.0.2-127.0.0.9]
 *       --seconds S [--slowloris N] [--silent N] [--trickle N]
 *     Keeps, for S seconds, N slowloris TLS connections (handshake done, then one header byte
 *     every 5 s, the header never ends), N silent TCP connections (never start TLS) and N
 *     keep-alive clients sending GET /health every 4 s on the same connection. A connection the
 *     server closes is opened again. Source addresses rotate over --sources. Prints what
 *     happened and exits 0; everything it opened is closed.
 *
 *   hostile_clients raw --port P [--host H] [--source ADDR] [--plain] [--timeout S]
 *     Sends stdin as is (after a TLS handshake unless --plain) and copies what the server sends
 *     to stdout until the server closes (exit 0) or S seconds pass (exit 3, default 5). Exit 1
 *     when it cannot connect or the handshake fails.
 *
 * Single-threaded, non-blocking, every wait bounded. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum kind { SLOWLORIS, SILENT, TRICKLE };
enum state { CONNECTING, HANDSHAKING, ACTIVE, WAITING }; /* WAITING: closed, reopen later */

struct client {
    enum kind kind;
    enum state state;
    int fd;
    SSL *ssl;
    int64_t next_ms;     /* next byte / request / reconnect */
    int64_t sent_ms;     /* trickle: when the pending request left */
    size_t lorisSent;    /* slowloris: header bytes sent so far */
    char reply[4096];    /* trickle: response being read */
    size_t replyLen;
    int awaiting;        /* trickle: a request is outstanding */
};

static struct {
    const char *host;
    int port;
    uint32_t sourceFirst, sourceLast, sourceNext; /* host order */
    SSL_CTX *ctx;
} g;

static struct {
    long opened[3], closedByServer[3], connectFailures[3];
    long trickleOk, trickleFailed;
    int64_t trickleWorstMs;
} stats;

static const char *kindName[3] = {"slowloris", "silent", "trickle"};
static const char loris[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_range(const char *text, uint32_t *first, uint32_t *last) {
    char buf[64];
    struct in_addr a, b;
    const char *dash = strchr(text, '-');
    if (dash == NULL || (size_t)(dash - text) >= sizeof buf) return -1;
    memcpy(buf, text, (size_t)(dash - text));
    buf[dash - text] = '\0';
    if (inet_pton(AF_INET, buf, &a) != 1 || inet_pton(AF_INET, dash + 1, &b) != 1) return -1;
    *first = ntohl(a.s_addr);
    *last = ntohl(b.s_addr);
    return *first <= *last ? 0 : -1;
}

/* A non-blocking TCP socket connecting to host:port from `source` (0: any). */
static int open_socket(uint32_t source) {
    struct sockaddr_in to, from;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0) return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (source != 0) {
        memset(&from, 0, sizeof from);
        from.sin_family = AF_INET;
        from.sin_addr.s_addr = htonl(source);
        if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0) {
            close(fd);
            return -1;
        }
    }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)g.port);
    inet_pton(AF_INET, g.host, &to.sin_addr);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

static void drop(struct client *c, int64_t now, int byServer) {
    if (c->ssl != NULL) SSL_free(c->ssl);
    if (c->fd >= 0) close(c->fd);
    c->ssl = NULL;
    c->fd = -1;
    if (byServer) stats.closedByServer[c->kind]++;
    if (c->kind == TRICKLE && c->awaiting) stats.trickleFailed++;
    c->awaiting = 0;
    c->state = WAITING;
    c->next_ms = now + 100; /* reopen soon: keep the pressure on */
}

static void start(struct client *c, int64_t now) {
    uint32_t source = 0;
    if (g.sourceFirst != 0) {
        source = g.sourceNext;
        g.sourceNext = g.sourceNext >= g.sourceLast ? g.sourceFirst : g.sourceNext + 1;
    }
    c->fd = open_socket(source);
    c->ssl = NULL;
    c->lorisSent = 0;
    c->replyLen = 0;
    c->awaiting = 0;
    if (c->fd < 0) {
        stats.connectFailures[c->kind]++;
        c->state = WAITING;
        c->next_ms = now + 500;
        return;
    }
    c->state = CONNECTING;
    c->next_ms = now + 5000; /* connect + handshake must finish by then */
}

static void begin_active(struct client *c, int64_t now) {
    c->state = ACTIVE;
    stats.opened[c->kind]++;
    c->next_ms = c->kind == TRICKLE ? now : now + 5000;
}

static void handshake(struct client *c, int64_t now) {
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        begin_active(c, now);
        return;
    }
    r = SSL_get_error(c->ssl, r);
    if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE) {
        stats.connectFailures[c->kind]++;
        ERR_clear_error();
        drop(c, now, 0);
    }
}

static void connected(struct client *c, int64_t now) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        stats.connectFailures[c->kind]++;
        drop(c, now, 0);
        return;
    }
    if (c->kind == SILENT) {
        begin_active(c, now);
        return;
    }
    c->ssl = SSL_new(g.ctx);
    SSL_set_fd(c->ssl, c->fd);
    SSL_set_connect_state(c->ssl);
    c->state = HANDSHAKING;
    handshake(c, now);
}

/* Reads what the server sent on an active connection; returns -1 when it closed. */
static int read_active(struct client *c, int64_t now) {
    char buf[4096];
    for (;;) {
        int n;
        if (c->ssl != NULL) {
            n = SSL_read(c->ssl, buf, sizeof buf);
            if (n <= 0) {
                int e = SSL_get_error(c->ssl, n);
                ERR_clear_error();
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
                return -1;
            }
        } else {
            n = (int)recv(c->fd, buf, sizeof buf, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
            if (n <= 0) return -1;
        }
        if (c->kind != TRICKLE || !c->awaiting) continue; /* a 408 or the like: the close follows */
        if (c->replyLen + (size_t)n >= sizeof c->reply) return -1;
        memcpy(c->reply + c->replyLen, buf, (size_t)n);
        c->replyLen += (size_t)n;
        c->reply[c->replyLen] = '\0';
        {
            const char *end = strstr(c->reply, "\r\n\r\n");
            const char *cl = strstr(c->reply, "Content-Length: ");
            if (end != NULL && cl != NULL && cl < end) {
                size_t want = (size_t)(end + 4 - c->reply) + (size_t)strtoul(cl + 16, NULL, 10);
                if (c->replyLen >= want) {
                    if (strncmp(c->reply, "HTTP/1.1 200", 12) == 0) stats.trickleOk++; else stats.trickleFailed++;
                    if (now - c->sent_ms > stats.trickleWorstMs) stats.trickleWorstMs = now - c->sent_ms;
                    c->awaiting = 0;
                    c->replyLen = 0;
                }
            }
        }
    }
}

static void act(struct client *c, int64_t now) {
    if (c->kind == SLOWLORIS) {
        /* One more byte of a header that never ends (the name part repeats forever). */
        const char byte = c->lorisSent < sizeof loris - 1 ? loris[c->lorisSent] : 'a';
        if (SSL_write(c->ssl, &byte, 1) != 1) {
            ERR_clear_error();
            drop(c, now, 1);
            return;
        }
        c->lorisSent++;
        c->next_ms = now + 5000;
    } else if (c->kind == TRICKLE) {
        static const char request[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        if (c->awaiting) {
            stats.trickleFailed++; /* no answer within the interval */
            drop(c, now, 0);
            return;
        }
        if (SSL_write(c->ssl, request, (int)(sizeof request - 1)) != (int)(sizeof request - 1)) {
            ERR_clear_error();
            drop(c, now, 1);
            return;
        }
        c->awaiting = 1;
        c->sent_ms = now;
        c->next_ms = now + 4000;
    } else {
        c->next_ms = now + 60000; /* silent: nothing to do, ever */
    }
}

static short wanted_events(const struct client *c) {
    if (c->state == CONNECTING) return POLLOUT;
    if (c->state == HANDSHAKING) return POLLIN | POLLOUT;
    return POLLIN;
}

static int attack(int seconds, int counts[3]) {
    int total = counts[0] + counts[1] + counts[2], i;
    struct client *clients = calloc((size_t)total, sizeof *clients);
    struct pollfd *fds = calloc((size_t)total, sizeof *fds);
    int64_t t0 = now_ms(), end = t0 + (int64_t)seconds * 1000;
    if (clients == NULL || fds == NULL) return 1;
    for (i = 0; i < total; ++i) {
        clients[i].kind = i < counts[0] ? SLOWLORIS : (i < counts[0] + counts[1] ? SILENT : TRICKLE);
        clients[i].fd = -1;
        /* Trickle clients spread over their interval so requests do not come in one burst. */
        clients[i].state = WAITING;
        clients[i].next_ms = t0 + (clients[i].kind == TRICKLE ? (int64_t)(i % 40) * 100 : 0);
    }
    for (;;) {
        int64_t now = now_ms();
        if (now >= end) break;
        for (i = 0; i < total; ++i) {
            struct client *c = &clients[i];
            if (c->state == WAITING && now >= c->next_ms) start(c, now);
            else if ((c->state == CONNECTING || c->state == HANDSHAKING) && now >= c->next_ms) {
                stats.connectFailures[c->kind]++;
                drop(c, now, 0);
            } else if (c->state == ACTIVE && now >= c->next_ms) act(c, now);
            fds[i].fd = c->fd;
            fds[i].events = c->fd >= 0 ? wanted_events(c) : 0;
            fds[i].revents = 0;
        }
        if (poll(fds, (nfds_t)total, 50) < 0 && errno != EINTR) break;
        now = now_ms();
        for (i = 0; i < total; ++i) {
            struct client *c = &clients[i];
            if (c->fd < 0 || fds[i].revents == 0) continue;
            if (c->state == CONNECTING) connected(c, now);
            else if (c->state == HANDSHAKING) handshake(c, now);
            else if (c->state == ACTIVE && read_active(c, now) < 0) drop(c, now, 1);
        }
    }
    for (i = 0; i < total; ++i) {
        if (clients[i].ssl != NULL) SSL_free(clients[i].ssl);
        if (clients[i].fd >= 0) close(clients[i].fd);
    }
    for (i = 0; i < 3; ++i) {
        if (counts[i] == 0) continue;
        printf("%s: %d wanted, %ld opened, %ld closed by the server, %ld failed to open\n", kindName[i], counts[i],
               stats.opened[i], stats.closedByServer[i], stats.connectFailures[i]);
    }
    if (counts[TRICKLE] > 0) {
        printf("trickle requests: %ld answered 200, %ld failed, slowest %lld ms\n", stats.trickleOk,
               stats.trickleFailed, (long long)stats.trickleWorstMs);
    }
    free(clients);
    free(fds);
    return 0;
}

static int raw(int plain, const char *source, int seconds) {
    char buf[65536];
    size_t inLen = 0, cap = 65536;
    char *in = malloc(cap);
    int64_t end = now_ms() + (int64_t)seconds * 1000;
    SSL *ssl = NULL;
    int result = 0;
    struct pollfd p;
    struct in_addr src;
    int fd;
    ssize_t n;
    uint32_t from = 0;
    if (in == NULL) return 1;
    while ((n = read(STDIN_FILENO, in + inLen, cap - inLen)) > 0) {
        inLen += (size_t)n;
        if (inLen == cap) {
            char *bigger = realloc(in, cap * 2);
            if (bigger == NULL) {
                free(in);
                return 1;
            }
            in = bigger;
            cap *= 2;
        }
    }
    if (source != NULL) {
        if (inet_pton(AF_INET, source, &src) != 1) {
            free(in);
            return 2;
        }
        from = ntohl(src.s_addr);
    }
    fd = open_socket(from);
    if (fd < 0) {
        perror("connect");
        free(in);
        return 1;
    }
    p.fd = fd;
    p.events = POLLOUT;
    if (poll(&p, 1, 5000) != 1) {
        fprintf(stderr, "connect: timed out\n");
        close(fd);
        free(in);
        return 1;
    }
    {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            fprintf(stderr, "connect: %s\n", strerror(err));
            close(fd);
            free(in);
            return 1;
        }
    }
    if (!plain) {
        ssl = SSL_new(g.ctx);
        SSL_set_fd(ssl, fd);
        SSL_set_connect_state(ssl);
        for (;;) {
            int r = SSL_do_handshake(ssl), e;
            if (r == 1) break;
            e = SSL_get_error(ssl, r);
            if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || now_ms() >= end) {
                fprintf(stderr, "TLS handshake failed\n");
                SSL_free(ssl);
                close(fd);
                free(in);
                return 1;
            }
            p.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
            poll(&p, 1, 100);
        }
    }
    {
        size_t off = 0;
        while (off < inLen && now_ms() < end) {
            int w = ssl != NULL ? SSL_write(ssl, in + off, (int)(inLen - off))
                                : (int)send(fd, in + off, inLen - off, MSG_NOSIGNAL);
            if (w > 0) {
                off += (size_t)w;
                continue;
            }
            if (ssl != NULL) {
                int e = SSL_get_error(ssl, w);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) break;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                break;
            }
            p.events = POLLOUT;
            poll(&p, 1, 100);
        }
    }
    free(in);
    in = NULL;
    for (;;) {
        int64_t left = end - now_ms();
        if (left <= 0) {
            result = 3; /* still open */
            break;
        }
        if (ssl != NULL) {
            int r = SSL_read(ssl, buf, sizeof buf);
            if (r > 0) {
                fwrite(buf, 1, (size_t)r, stdout);
                continue;
            }
            r = SSL_get_error(ssl, r);
            if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE) break;
        } else {
            n = recv(fd, buf, sizeof buf, 0);
            if (n > 0) {
                fwrite(buf, 1, (size_t)n, stdout);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) break;
        }
        p.events = POLLIN;
        poll(&p, 1, (int)(left < 100 ? left : 100));
    }
    fflush(stdout);
    if (ssl != NULL) SSL_free(ssl);
    close(fd);
    return result;
}

static int usage(void) {
    fprintf(stderr, "usage: hostile_clients attack --port P [--host H] [--sources A-B] --seconds S "
                    "[--slowloris N] [--silent N] [--trickle N]\n"
                    "       hostile_clients raw --port P [--host H] [--source A] [--plain] [--timeout S]\n");
    return 2;
}

int main(int argc, char **argv) {
    int counts[3] = {0, 0, 0}, seconds = -1, plain = 0, timeout = 5, i;
    const char *source = NULL;
    if (argc < 2) return usage();
    g.host = "127.0.0.1";
    for (i = 2; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--plain") == 0) { plain = 1; continue; }
        if (v == NULL) return usage();
        if (strcmp(a, "--port") == 0) g.port = atoi(v);
        else if (strcmp(a, "--host") == 0) g.host = v;
        else if (strcmp(a, "--sources") == 0) {
            if (parse_range(v, &g.sourceFirst, &g.sourceLast) != 0) return usage();
            g.sourceNext = g.sourceFirst;
        } else if (strcmp(a, "--source") == 0) source = v;
        else if (strcmp(a, "--seconds") == 0) seconds = atoi(v);
        else if (strcmp(a, "--timeout") == 0) timeout = atoi(v);
        else if (strcmp(a, "--slowloris") == 0) counts[SLOWLORIS] = atoi(v);
        else if (strcmp(a, "--silent") == 0) counts[SILENT] = atoi(v);
        else if (strcmp(a, "--trickle") == 0) counts[TRICKLE] = atoi(v);
        else return usage();
        ++i;
    }
    if (g.port <= 0 || g.port > 65535) return usage();
    signal(SIGPIPE, SIG_IGN);
    g.ctx = SSL_CTX_new(TLS_client_method());
    if (g.ctx == NULL) return 1;
    SSL_CTX_set_verify(g.ctx, SSL_VERIFY_NONE, NULL); /* loopback test peer, self-signed */
    setvbuf(stdout, NULL, _IOLBF, 0);
    {
        int rc;
        if (strcmp(argv[1], "attack") == 0 && seconds >= 1 && seconds <= 3600) {
            rc = attack(seconds, counts);
        } else if (strcmp(argv[1], "raw") == 0 && timeout >= 1 && timeout <= 600) {
            rc = raw(plain, source, timeout);
        } else {
            rc = usage();
        }
        SSL_CTX_free(g.ctx);
        return rc;
    }
}
