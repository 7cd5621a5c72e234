/*
 * dap-test-util.h — helpers shared by the dap/ tests: a connected pair of
 * real sockets, frames spelled by hand, and running a context until a
 * condition holds (or failing the test after a deadline instead of hanging).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sys/socket.h>

/* Seconds any wait may take before the test fails. */
#define TEST_DEADLINE_S  10

/* Two connected AF_UNIX stream sockets as GSocketConnections (GIOStreams).
 * GSocket sends with MSG_NOSIGNAL: a vanished peer is EPIPE, not SIGPIPE. */
static inline void
test_socket_pair (GSocketConnection **a, GSocketConnection **b)
{
	int fds[2];
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocket) sa = NULL;
	g_autoptr (GSocket) sb = NULL;

	g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
	sa = g_socket_new_from_fd (fds[0], &error);
	g_assert_no_error (error);
	sb = g_socket_new_from_fd (fds[1], &error);
	g_assert_no_error (error);
	*a = g_socket_connection_factory_create_connection (sa);
	*b = g_socket_connection_factory_create_connection (sb);
}

/* "Content-Length: N\r\n\r\n" + body. */
static inline GString *
test_frame (GString *out, const char *body)
{
	if (out == NULL)
		out = g_string_new (NULL);
	g_string_append_printf (out, "Content-Length: %zu\r\n\r\n%s", strlen (body), body);
	return out;
}

/* Iterates the thread-default context until *flag is TRUE. */
static inline void
test_wait_for (gboolean *flag)
{
	gint64 deadline = g_get_monotonic_time () + TEST_DEADLINE_S * G_USEC_PER_SEC;

	while (!*flag) {
		if (g_get_monotonic_time () > deadline)
			g_error ("timed out waiting for a condition");
		g_main_context_iteration (NULL, FALSE);
		if (!*flag)
			g_usleep (200);
	}
}

/* Runs whatever is ready on the context, so cancelled reads and idle
 * sources release what they hold before the test checks for leaks. */
static inline void
test_settle (void)
{
	for (int i = 0; i < 50; i++) {
		while (g_main_context_iteration (NULL, FALSE))
			;
		g_usleep (1000);
	}
}

/* Serialized, for comparisons and messages. */
static inline char *
test_to_string (JsonNode *node)
{
	return json_to_string (node, FALSE);
}
