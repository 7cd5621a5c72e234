/*
 * error.c — the thread-local error state behind ox_raise / OX_TRY.
 *
 * NOTE: raising with no handler installed is a bug in the caller (every
 * public entry point installs one); we print the error and abort rather
 * than jump into a stale frame.
 */
#include "error.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local OxJmpFrame *ox_jmp_top = NULL;
static _Thread_local OxErrorData cur_error;

OxErrorData *
ox_error_current (void)
{
	return &cur_error;
}

void
ox_error_data_clear (OxErrorData *e)
{
	g_clear_pointer (&e->message, g_free);
	g_clear_pointer (&e->detail, g_free);
	g_clear_pointer (&e->hint, g_free);
	g_clear_pointer (&e->context, g_free);
	e->sqlstate[0] = '\0';
	e->position = 0;
}

void
ox_error_take (OxErrorData *out)
{
	*out = cur_error;
	memset (&cur_error, 0, sizeof cur_error);
}

void
ox_error_restore (OxErrorData *e)
{
	ox_error_data_clear (&cur_error);
	cur_error = *e;
	memset (e, 0, sizeof *e);
}

static void __attribute__ ((noreturn))
do_jump (void)
{
	if (ox_jmp_top == NULL) {
		fprintf (stderr, "oxibase: uncaught error %s: %s\n", cur_error.sqlstate,
		         cur_error.message ? cur_error.message : "");
		abort ();
	}
	siglongjmp (ox_jmp_top->buf, 1);
}

void
ox_error_rethrow (OxErrorData *e)
{
	ox_error_data_clear (&cur_error);
	cur_error = *e;
	memset (e, 0, sizeof *e);
	do_jump ();
}

void
ox_error_rethrow_current (void)
{
	do_jump ();
}

void
ox_vraise (const char *sqlstate, int position, const char *detail,
           const char *hint, const char *fmt, va_list ap)
{
	ox_error_data_clear (&cur_error);
	g_strlcpy (cur_error.sqlstate, sqlstate, sizeof cur_error.sqlstate);
	cur_error.message = g_strdup_vprintf (fmt, ap);
	cur_error.detail = g_strdup (detail);
	cur_error.hint = g_strdup (hint);
	cur_error.position = position;
	do_jump ();
}

void
ox_raise (const char *sqlstate, int position, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	ox_vraise (sqlstate, position, NULL, NULL, fmt, ap);
}

void
ox_raise_full (const char *sqlstate, int position, const char *detail,
               const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	ox_vraise (sqlstate, position, detail, hint, fmt, ap);
}
