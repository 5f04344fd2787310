/*
 * Sockets over loopback: an AF_UNIX socketpair passing a file descriptor with SCM_RIGHTS and
 * credentials with SCM_CREDENTIALS, a named AF_UNIX stream server, TCP over 127.0.0.1 and ::1 (a
 * forked client, port 0 and getsockname), UDP with sendto/recvfrom and sendmmsg/recvmmsg, socket
 * options (SO_TYPE, SO_ERROR, SO_REUSEADDR, SO_RCVTIMEO timing out, SO_LINGER), MSG_PEEK,
 * scatter/gather sendmsg, shutdown, and a non-blocking connect finished with poll.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void unix_pair(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int type = 0;
    socklen_t len = sizeof type;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len);
    printf("socketpair: SO_TYPE stream %d, len %d\n", type == SOCK_STREAM, (int)len);

    /* Pass the read end of a pipe across, with credentials. */
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    int p[2];
    if (pipe(p) != 0)
        return;
    if (write(p[1], "via fd", 6) != 6)
        return;
    char data[] = "hdr";
    struct iovec iov = { data, 3 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                          .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    printf("sendmsg: %zd\n", sendmsg(sv[0], &msg, 0));
    close(p[0]);

    char rbuf[16] = "";
    union { char buf[256]; struct cmsghdr align; } r;
    struct iovec riov = { rbuf, sizeof rbuf - 1 };
    struct msghdr rmsg = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = r.buf,
                           .msg_controllen = sizeof r.buf };
    ssize_t n = recvmsg(sv[1], &rmsg, 0);
    int got_fd = -1, creds_ok = 0;
    for (struct cmsghdr *rc = CMSG_FIRSTHDR(&rmsg); rc; rc = CMSG_NXTHDR(&rmsg, rc)) {
        if (rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS)
            memcpy(&got_fd, CMSG_DATA(rc), sizeof got_fd);
        if (rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(rc), sizeof cr);
            creds_ok = cr.pid == getpid() && cr.uid == getuid();
        }
    }
    char via[8] = "";
    ssize_t m = got_fd >= 0 ? read(got_fd, via, 6) : -1;
    printf("recvmsg: %zd '%s', passed fd reads %zd '%s', credentials ok %d, flags %d\n", n, rbuf, m,
           via, creds_ok, rmsg.msg_flags);
    close(got_fd);
    close(p[1]);

    /* Scatter/gather and MSG_PEEK. */
    struct iovec parts[3] = { { "ab", 2 }, { "cde", 3 }, { "f", 1 } };
    struct msghdr sg = { .msg_iov = parts, .msg_iovlen = 3 };
    sendmsg(sv[0], &sg, 0);
    char peek[8] = "", all[8] = "";
    recv(sv[1], peek, 3, MSG_PEEK);
    recv(sv[1], all, 6, MSG_WAITALL);
    printf("peek '%s', then '%s'\n", peek, all);
    shutdown(sv[0], SHUT_WR);
    printf("after shutdown: recv %zd\n", recv(sv[1], all, sizeof all, 0));
    close(sv[0]);
    close(sv[1]);
}

static void unix_named(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "sock.test");
    unlink(a.sun_path);
    int b = bind(s, (struct sockaddr *)&a, sizeof a);
    int l = listen(s, 4);
    printf("unix bind %d listen %d\n", b, l);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
            _exit(1);
        if (write(c, "ping", 4) != 4)
            _exit(2);
        char buf[8] = "";
        ssize_t n = read(c, buf, sizeof buf - 1);
        _exit(n == 4 && strcmp(buf, "pong") == 0 ? 0 : 3);
    }
    struct sockaddr_un peer;
    socklen_t plen = sizeof peer;
    int c = accept(s, (struct sockaddr *)&peer, &plen);
    char buf[8] = "";
    ssize_t n = read(c, buf, sizeof buf - 1);
    if (write(c, "pong", 4) != 4)
        return;
    int status;
    waitpid(pid, &status, 0);
    printf("unix server got %zd '%s', peer family %d, client status %d\n", n, buf, peer.sun_family,
           WEXITSTATUS(status));
    close(c);
    close(s);
    unlink("sock.test");
}

static void tcp(int family)
{
    int s = socket(family, SOCK_STREAM, 0);
    if (s < 0) {
        printf("tcp family %d: no socket\n", family);
        return;
    }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        len = sizeof *in6;
    }
    if (bind(s, (struct sockaddr *)&ss, len) != 0 || listen(s, 4) != 0) {
        printf("tcp family %d: cannot listen\n", family);
        close(s);
        return;
    }
    socklen_t got = sizeof ss;
    getsockname(s, (struct sockaddr *)&ss, &got);
    int port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                       : ((struct sockaddr_in6 *)&ss)->sin6_port);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(family, SOCK_STREAM, 0);
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c, (struct sockaddr *)&ss, got) != 0)
            _exit(1);
        char msg[2000];
        memset(msg, 'q', sizeof msg);
        size_t done = 0;
        while (done < sizeof msg) {
            ssize_t w = write(c, msg + done, sizeof msg - done);
            if (w <= 0)
                _exit(2);
            done += (size_t)w;
        }
        _exit(0);
    }
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    int c = accept(s, (struct sockaddr *)&peer, &plen);
    size_t total = 0;
    char buf[512];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0)
        total += (size_t)n;
    int status;
    waitpid(pid, &status, 0);
    int err = -1;
    socklen_t elen = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen);
    printf("tcp family %d: port nonzero %d, peer family ok %d, got %zu bytes, client %d, SO_ERROR %d\n",
           family, port != 0, peer.ss_family == family, total, WEXITSTATUS(status), err);
    close(c);
    close(s);
}

static void udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(b, (struct sockaddr *)&in, sizeof in);
    socklen_t len = sizeof in;
    getsockname(b, (struct sockaddr *)&in, &len);
    sendto(a, "datagram", 8, 0, (struct sockaddr *)&in, sizeof in);
    char buf[32] = "";
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("udp: %zd '%s' from loopback %d, len %d\n", n, buf,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), (int)flen);

    struct mmsghdr out[3];
    struct iovec iov[3] = { { "one", 3 }, { "two", 3 }, { "three", 5 } };
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; i++) {
        out[i].msg_hdr.msg_iov = &iov[i];
        out[i].msg_hdr.msg_iovlen = 1;
        out[i].msg_hdr.msg_name = &in;
        out[i].msg_hdr.msg_namelen = sizeof in;
    }
    int sent = sendmmsg(a, out, 3, 0);
    struct mmsghdr inm[4];
    char bufs[4][16];
    struct iovec riov[4];
    memset(inm, 0, sizeof inm);
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < 4; i++) {
        riov[i] = (struct iovec){ bufs[i], 15 };
        inm[i].msg_hdr.msg_iov = &riov[i];
        inm[i].msg_hdr.msg_iovlen = 1;
    }
    int got = recvmmsg(b, inm, 4, MSG_WAITFORONE, NULL);
    printf("mmsg: sent %d, received %d:", sent, got);
    for (int i = 0; i < got; i++)
        printf(" %s/%u", bufs[i], inm[i].msg_len);
    printf("\n");

    struct timeval tv = { 0, 50000 };
    setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timeval back;
    socklen_t blen = sizeof back;
    getsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &back, &blen);
    n = recv(b, buf, sizeof buf, 0);
    int e = errno;
    printf("timeout: %zd %s, option reads back %ld.%06ld\n", n,
           e == EAGAIN || e == EWOULDBLOCK ? "EAGAIN" : strerror(e), (long)back.tv_sec,
           (long)back.tv_usec);
    struct linger lg = { 1, 5 }, lg2;
    socklen_t llen = sizeof lg2;
    setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    getsockopt(a, SOL_SOCKET, SO_LINGER, &lg2, &llen);
    printf("linger: %d %d\n", lg2.l_onoff, lg2.l_linger);
    close(a);
    close(b);
}

static void nonblocking_connect(void)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    printf("nonblock flags: O_NONBLOCK %d, FD_CLOEXEC %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0,
           (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int l = socket(AF_INET, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&in, sizeof in);
    listen(l, 1);
    socklen_t len = sizeof in;
    getsockname(l, (struct sockaddr *)&in, &len);
    int r = connect(s, (struct sockaddr *)&in, sizeof in);
    int e = errno;
    struct pollfd p = { s, POLLOUT, 0 };
    int pr = poll(&p, 1, 2000);
    int err = -1;
    socklen_t elen = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen);
    printf("connect: %s, poll %d writable %d, SO_ERROR %d\n",
           r == 0 ? "at once" : e == EINPROGRESS ? "EINPROGRESS" : strerror(e), pr,
           (p.revents & POLLOUT) != 0, err);
    close(s);
    close(l);

    /* Connecting to a port nobody listens on. */
    s = socket(AF_INET, SOCK_STREAM, 0);
    r = connect(s, (struct sockaddr *)&in, sizeof in);
    e = errno;
    printf("refused: %d %s\n", r, e == ECONNREFUSED ? "ECONNREFUSED" : strerror(e));
    close(s);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    unix_pair();
    unix_named();
    tcp(AF_INET);
    tcp(AF_INET6);
    udp();
    nonblocking_connect();
    return 0;
}
