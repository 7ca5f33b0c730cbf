// A minimal OpenAI-compatible upstream for the proxy benchmarks: one thread, epoll, keep-alive,
// canned answers, so that the figures show the cost of the hop in front of it and not the
// upstream's. (The scripted upstream takes 350-420 us per request, which hides a hop of tens of
// microseconds.) Hand-written because the point is to be near-free: no server library is.
//
//   GET  /v1/models                 a catalogue of the default model ids
//   POST /v1/chat/completions       a streamed answer (text/event-stream, chunked): role, one
//                                   "ok" delta, finish, usage, [DONE]; a body that contains
//                                   FAST_STREAM_20 gets 20 one-word deltas instead. Every SSE
//                                   event is its own HTTP chunk and its own write. A body
//                                   that contains FAST_SLOW_200 gets 200 deltas 10 ms apart
//                                   (for many concurrent long streams).
//
// Usage: fast_upstream PORT (0 = any); prints "listening on http://127.0.0.1:PORT".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct conn {
    int fd;
    char *buf;
    size_t len, cap;
    int remaining;  // deltas still to send of a slow stream
    long long next_ms;  // when the next one is due
};

static struct conn *slow[65536];  // the connections with a slow stream running
static int slow_count;

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static const char models_body[] =
    "{\"object\":\"list\",\"data\":["
    "{\"id\":\"zai-org/GLM-5.2\",\"object\":\"model\",\"owned_by\":\"zai-org\",\"context_length\":432000},"
    "{\"id\":\"moonshotai/Kimi-K2.7-Code\",\"object\":\"model\",\"owned_by\":\"moonshotai\",\"context_length\":262144},"
    "{\"id\":\"openai/gpt-oss-120b\",\"object\":\"model\",\"owned_by\":\"openai\",\"context_length\":131072},"
    "{\"id\":\"Qwen/Qwen2.5-VL-72B-Instruct\",\"object\":\"model\",\"owned_by\":\"Qwen\",\"context_length\":131072}]}";

static const char sse_head[] =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

static const char role_event[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
static const char word_event[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok \"},\"finish_reason\":null}]}\n\n";
static const char finish_event[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
static const char usage_event[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n";
static const char done_event[] = "data: [DONE]\n\n";

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {  // loopback buffers are large; wait briefly
                usleep(100);
                continue;
            }
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void write_chunk(int fd, const char *data, size_t n) {  // one HTTP chunk, one write
    char head[32];
    int h = snprintf(head, sizeof head, "%zx\r\n", n);
    struct iovec iov[3] = {{head, (size_t)h}, {(void *)data, n}, {"\r\n", 2}};
    ssize_t want = h + (ssize_t)n + 2, w = writev(fd, iov, 3);
    if (w >= 0 && w < want) {  // rare on loopback: finish the rest plainly
        char *all = malloc((size_t)want);
        memcpy(all, head, (size_t)h);
        memcpy(all + h, data, n);
        memcpy(all + h + n, "\r\n", 2);
        write_all(fd, all + w, (size_t)(want - w));
        free(all);
    }
}

static void serve_buffer(struct conn *c);

static void write_tail(int fd) {
    write_chunk(fd, finish_event, sizeof finish_event - 1);
    write_chunk(fd, usage_event, sizeof usage_event - 1);
    write_chunk(fd, done_event, sizeof done_event - 1);
    write_all(fd, "0\r\n\r\n", 5);
}

static void answer(struct conn *c, const char *req, size_t head_len, size_t body_len) {
    if (strncmp(req, "GET ", 4) == 0) {
        char head[160];
        int h = snprintf(head, sizeof head,
                         "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %zu\r\n\r\n",
                         sizeof models_body - 1);
        write_all(c->fd, head, (size_t)h);
        write_all(c->fd, models_body, sizeof models_body - 1);
        return;
    }
    int words = memmem(req + head_len, body_len, "FAST_STREAM_20", 14) ? 20 : 1;
    write_all(c->fd, sse_head, sizeof sse_head - 1);
    write_chunk(c->fd, role_event, sizeof role_event - 1);
    if (memmem(req + head_len, body_len, "FAST_SLOW_200", 13) && slow_count < 65536) {
        c->remaining = 200;
        c->next_ms = now_ms() + 10;
        slow[slow_count++] = c;
        return;
    }
    for (int i = 0; i < words; i++) write_chunk(c->fd, word_event, sizeof word_event - 1);
    write_tail(c->fd);
}

// Sends the deltas that are due; returns the milliseconds until the next one (-1: none).
static int tick(void) {
    long long now = now_ms(), wait = -1;
    for (int i = 0; i < slow_count;) {
        struct conn *c = slow[i];
        if (c->next_ms <= now) {
            write_chunk(c->fd, word_event, sizeof word_event - 1);
            c->next_ms += 10;
            if (--c->remaining == 0) {
                write_tail(c->fd);
                slow[i] = slow[--slow_count];
                serve_buffer(c);  // a request that came meanwhile
                continue;
            }
        }
        long long left = c->next_ms - now;
        if (wait < 0 || left < wait) wait = left < 0 ? 0 : left;
        i++;
    }
    return (int)wait;
}

// Answers every complete request in the buffer; keeps a partial one.
static void serve_buffer(struct conn *c) {
    size_t off = 0;
    while (c->remaining == 0) {
        char *start = c->buf + off;
        size_t avail = c->len - off;
        char *end = memmem(start, avail, "\r\n\r\n", 4);
        if (!end) break;
        size_t head_len = (size_t)(end - start) + 4, body_len = 0;
        for (char *line = start; line < end; line = strstr(line, "\r\n") + 2) {
            if (strncasecmp(line, "content-length:", 15) == 0) body_len = strtoul(line + 15, NULL, 10);
        }
        if (avail < head_len + body_len) break;
        answer(c, start, head_len, body_len);
        off += head_len + body_len;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 4096) < 0) {
        perror("fast_upstream");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(ls, (struct sockaddr *)&addr, &alen);
    printf("listening on http://127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, tick());
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    nc->cap = 1 << 16;
                    nc->buf = malloc(nc->cap);
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            for (;;) {
                if (c->cap - c->len < 4096) {
                    c->cap *= 2;
                    c->buf = realloc(c->buf, c->cap);
                }
                ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
                if (r > 0) {
                    c->len += (size_t)r;
                    c->buf[c->len] = 0;
                    continue;
                }
                if (r < 0 && errno == EAGAIN) {
                    serve_buffer(c);
                    break;
                }
                if (r < 0 && errno == EINTR) continue;
                for (int j = 0; j < slow_count; j++) {
                    if (slow[j] == c) slow[j] = slow[--slow_count];
                }
                close(c->fd);  // closed or failed
                free(c->buf);
                free(c);
                break;
            }
        }
    }
}
