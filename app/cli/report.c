/*
 * report.c — errors and notices on stderr, in psql's words and layout.
 *
 *   ERROR:  42703: column "nosuch" does not exist
 *   LINE 1: select nosuch from t;
 *                  ^
 *   DETAIL:  ...
 *   HINT:  ...
 *   CONTEXT:  SQL function "f" statement 1   (one line per routine level)
 *
 * Inside a script (-f FILE, \i FILE) every message is prefixed with
 * "oxibase:FILE:LINE: " where LINE is the line being read when the
 * statement ended, as psql does with "psql:FILE:LINE: "; the terminal,
 * -c and piped stdin get no prefix.  The client's own complaints add
 * "error: " after the prefix in scripts and nothing elsewhere, again
 * like psql (whose log output is "terse" outside files).
 *
 * The "LINE n:" display follows libpq's reportErrorPosition: the line of
 * the statement holding the error position, cut to about 60 screen
 * columns around the position with "..." where it was cut, and a caret
 * under the character.  Positions count characters, not bytes; tabs show
 * as one space so the caret stays aligned.
 *
 * The SQLSTATE is shown as psql shows it with VERBOSITY=verbose (the
 * project asks for it); -v VERBOSITY=default gives psql's default line.
 *
 * NOTE: stdout is flushed before anything goes to stderr, so that on a
 * terminal (or with 2>&1) messages appear after the results before them.
 */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

#define DISPLAY_SIZE  60   /* screen columns of query text shown */
#define MIN_RIGHT_CUT 10   /* keep the caret this far from a cut end */

static void
print_prefix (OxCli *cli, GString *out)
{
	if (!cli->source_name)
		return;
	/* before the first line is read there is no line to name */
	if (cli->source_line > 0)
		g_string_append_printf (out, "oxibase:%s:%d: ", cli->source_name, cli->source_line);
	else
		g_string_append_printf (out, "oxibase:%s: ", cli->source_name);
}

/* Screen columns of the character at p; controls and combining marks
 * still take a column here, as in libpq. */
static int
screen_width (const char *p)
{
	gunichar u = g_utf8_get_char_validated (p, -1);
	if (u == (gunichar) -1 || u == (gunichar) -2)
		return 1;
	if (u < 0x20 || (u >= 0x7f && u < 0xa0) || g_unichar_iszerowidth (u))
		return 1;
	return g_unichar_iswide (u) ? 2 : 1;
}

static const char *
next_char (const char *p)
{
	/* Invalid UTF-8 advances a byte at a time instead of skipping text. */
	gunichar u = g_utf8_get_char_validated (p, -1);
	return u == (gunichar) -1 || u == (gunichar) -2 ? p + 1 : g_utf8_next_char (p);
}

/* Append the "LINE n: ..." and caret lines for 1-based character
 * position pos in query, or nothing when pos lies outside it. */
static void
append_position (GString *out, const char *query, int pos)
{
	int loc = pos - 1;
	if (loc < 0)
		return;

	g_autofree char *q = g_strdup (query);
	size_t qlen = strlen (q);
	/* Byte offset and starting screen column of each character, filled up
	 * to the end of the line holding loc (plus one past it). */
	g_autofree int *qidx = g_new (int, qlen + 2);
	g_autofree int *scr = g_new (int, qlen + 2);
	int line = 1, ibeg = 0, iend = -1, cno = 0, off = 0, col = 0;

	for (cno = 0; q[off] != '\0'; cno++) {
		char ch = q[off];
		qidx[cno] = off;
		scr[cno] = col;
		if (ch == '\t')
			q[off] = ' ';
		else if (ch == '\r' || ch == '\n') {
			if (cno < loc) {
				/* "\r\n" is one line break, a lone '\r' is one too */
				if (ch == '\r' || cno == 0 || q[qidx[cno - 1]] != '\r')
					line++;
				ibeg = cno + 1;
			} else {
				iend = cno;
				break;
			}
		}
		col += screen_width (q + off);
		off = (int) (next_char (q + off) - q);
	}
	if (iend < 0) {
		iend = cno;
		qidx[iend] = off;
		scr[iend] = col;
	}
	if (loc > cno)
		return;

	bool beg_cut = false, end_cut = false;
	if (scr[iend] - scr[ibeg] > DISPLAY_SIZE) {
		if (scr[ibeg] + DISPLAY_SIZE >= scr[loc] + MIN_RIGHT_CUT) {
			/* cutting the right end is enough */
			while (scr[iend] - scr[ibeg] > DISPLAY_SIZE)
				iend--;
			end_cut = true;
		} else {
			while (scr[loc] + MIN_RIGHT_CUT < scr[iend]) {
				iend--;
				end_cut = true;
			}
			while (scr[iend] - scr[ibeg] > DISPLAY_SIZE) {
				ibeg++;
				beg_cut = true;
			}
		}
	}
	q[qidx[iend]] = '\0';

	g_autofree char *lead = g_strdup_printf ("LINE %d: %s", line, beg_cut ? "..." : "");
	g_string_append_printf (out, "%s%s%s\n", lead, q + qidx[ibeg], end_cut ? "..." : "");
	int caret = (int) strlen (lead) + scr[loc] - scr[ibeg];
	for (int i = 0; i < caret; i++)
		g_string_append_c (out, ' ');
	g_string_append (out, "^\n");
}

static void
emit (GString *msg)
{
	fflush (stdout);
	fputs (msg->str, stderr);
	fflush (stderr);
}

void
ox_cli_report_error (OxCli *cli, const OxError *err, const char *query)
{
	g_autoptr (GString) m = g_string_new (NULL);
	print_prefix (cli, m);
	if (cli->show_sqlstate && err->sqlstate[0])
		g_string_append_printf (m, "ERROR:  %s: %s\n", err->sqlstate, err->message ? err->message : "unknown error");
	else
		g_string_append_printf (m, "ERROR:  %s\n", err->message ? err->message : "unknown error");
	if (err->position > 0 && query)
		append_position (m, query, err->position);
	if (err->detail)
		g_string_append_printf (m, "DETAIL:  %s\n", err->detail);
	if (err->hint)
		g_string_append_printf (m, "HINT:  %s\n", err->hint);
	if (err->context)
		g_string_append_printf (m, "CONTEXT:  %s\n", err->context);
	emit (m);
}

void
ox_cli_notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	OxCli *cli = user;
	g_autoptr (GString) m = g_string_new (NULL);
	print_prefix (cli, m);
	g_string_append_printf (m, "%s:  %s\n", severity ? severity : "NOTICE", message ? message : "");
	emit (m);
}

void
ox_cli_error (OxCli *cli, const char *fmt, ...)
{
	g_autoptr (GString) m = g_string_new (NULL);
	if (cli->source_name) {
		print_prefix (cli, m);
		g_string_append (m, "error: ");
	}
	va_list ap;
	va_start (ap, fmt);
	g_string_append_vprintf (m, fmt, ap);
	va_end (ap);
	g_string_append_c (m, '\n');
	emit (m);
}
