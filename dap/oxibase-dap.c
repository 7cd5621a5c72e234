/*
 * oxibase-dap.c — the debug adapter as a program: the Debug Adapter
 * Protocol on standard input and output, for VS Code, nvim-dap and any
 * other DAP client: it launches scripts in this process, or relays an
 * attach to a server (dap-relay.h; dap-adapter.h says what it serves).
 *
 * NOTE: standard output carries the protocol and nothing else: the
 * process keeps a private copy of it for the protocol and points file
 * descriptor 1 at standard error, so a stray printf (ours or a library's)
 * lands in the client's log instead of corrupting a frame.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "dap-relay.h"

int
main (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h")) {
			printf ("usage: oxibase-dap\n"
			        "Speaks the Debug Adapter Protocol on standard input and output.\n"
			        "Launch arguments: program (a .sql file) or sql (text), database (a directory or\n"
			        ":memory:), stopOnEntry, stepIntoQueries, noDebug, maxPauseMs.\n"
			        "Attach arguments (debug a server's sessions): url (ws://host:8433/api/dap) or\n"
			        "host and port (the server's --dap-port), token (from POST /api/auth/login),\n"
			        "sessions (\"all\", or {\"user\": ..., \"application_name\": ...}), maxPauseMs.\n");
			return 0;
		}
		fprintf (stderr, "oxibase-dap: unknown argument \"%s\" (try --help)\n", argv[i]);
		return 2;
	}
	int proto = dup (STDOUT_FILENO);
	if (proto < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0) {
		perror ("oxibase-dap: dup");
		return 1;
	}
	GInputStream *in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
	GOutputStream *out = g_unix_output_stream_new (proto, TRUE);
	GIOStream *io = g_simple_io_stream_new (in, out);
	g_object_unref (in);
	g_object_unref (out);
	dap_relay_run (io);
	g_object_unref (io);
	return 0;
}
