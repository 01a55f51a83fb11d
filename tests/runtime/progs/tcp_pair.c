/* Test target for the TCP tools (built by tests/runtime/run.sh into
 * /tmp/bpfline-progs/tcp_pair): one TCP session over loopback within one
 * process — listen, connect, accept, send BYTES from the client, read them on
 * the server, close both ends.
 *
 *   tcp_pair [4|6] [BYTES]   IPv4 127.0.0.1 (default) or IPv6 ::1; BYTES
 *                            default 3000 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	int v6 = argc > 1 && atoi(argv[1]) == 6;
	long bytes = argc > 2 ? atol(argv[2]) : 3000;
	struct sockaddr_storage ss = {0};
	socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	int l = socket(ss.ss_family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 5))
		return fail("listen");
	if (getsockname(l, (struct sockaddr *)&ss, &len))
		return fail("getsockname");
	int c = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
		return fail("connect");
	int s = accept(l, NULL, NULL);
	if (s < 0)
		return fail("accept");
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	for (long sent = 0; sent < bytes;) {
		ssize_t n = write(c, buf, (size_t)(bytes - sent) < sizeof(buf) ? (size_t)(bytes - sent) : sizeof(buf));
		if (n <= 0)
			return fail("write");
		sent += n;
		for (ssize_t got = 0; got < n;) {
			ssize_t r = read(s, buf, (size_t)(n - got));
			if (r <= 0)
				return fail("read");
			got += r;
		}
	}
	close(c);
	close(s);
	close(l);
	return 0;
}
