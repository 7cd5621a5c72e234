/*
 * fuzz-plsql.c — libFuzzer target for the PL/SQL parser (plsql-parse.c).
 *
 * Each input is a routine body, parsed as a function, a procedure and a
 * trigger function in turn (the three enable different statements).
 * Errors are fine; what must never happen is a crash, a read past the
 * body, a leak (LeakSanitizer), an error outside the parser's documented
 * SQLSTATEs, or a 42601 whose position lies outside the body.
 *
 * NOTE: built only with -Dfuzz=true under clang (tests/fuzz/meson.build),
 * like fuzz-parser; the PL/SQL and SQL lexers are compiled into the target
 * so that libFuzzer sees their coverage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "base/arena.h"
#include "base/error.h"
#include "catalog/catalog.h"
#include "pl/plsql.h"

static const char *const allowed[] = {
	"42601",  /* syntax error */
	"22021",  /* invalid UTF-8 */
	"22025",  /* bad \u escape */
	"54001",  /* nesting too deep */
	"0A000",  /* recognised but unsupported */
	"42704",  /* unknown condition name */
	"22005",  /* assignment to a CONSTANT */
	"0Z002",  /* bare RAISE outside a handler */
	"42804",  /* RETURN forms the routine's result does not allow */
	"22004",  /* NOT NULL variable without a default */
	"42P02",  /* $n past the arguments */
	"42703",  /* unknown variable in ALIAS FOR / GET DIAGNOSTICS */
	"42P13",  /* invalid definition */
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *body = g_strndup ((const char *) data, size);
	size_t len = strlen (body);  /* an embedded NUL ends the body, as in SQL text */
	for (int kind = 0; kind < 3; kind++) {
		OxArena *a = ox_arena_new ();
		OxRoutine *r = OX_NEW (a, OxRoutine);
		OxRoutineArg *args = OX_NEW_N (a, OxRoutineArg, 2);
		r->obj.kind = OX_KIND_ROUTINE;
		r->obj.name = (char *) "f";
		r->obj.arena = a;
		r->language = "plsql";
		r->body = body;
		r->rkind = kind == 1 ? OX_ROUTINE_PROCEDURE : OX_ROUTINE_FUNCTION;
		r->retkind = kind == 0 ? OX_RET_VALUE : kind == 1 ? OX_RET_VOID : OX_RET_TRIGGER;
		r->rettype = (OxType) { OX_T_INT4, -1 };
		if (kind != 2) {
			args[0] = (OxRoutineArg) { .name = "x", .type = { OX_T_INT4, -1 }, .mode = OX_ARG_IN };
			args[1] = (OxRoutineArg) { .name = "y", .type = { OX_T_TEXT, -1 }, .mode = OX_ARG_IN };
			r->args = args;
			r->nargs = 2;
			r->nin = 2;
		}
		/* what ox_routine_finish would fill (catalog.c is not linked in) */
		static const char *rname[] = { "f" };
		static OxType rtype[] = { { OX_T_INT4, -1 } };
		r->nresult = kind == 0 ? 1 : 0;
		r->result_names = rname;
		r->result_types = rtype;
		r->signature = (char *) (kind == 2 ? "f()" : "f(integer, text)");
		PlsqlFunction *volatile fn = NULL;
		OX_TRY {
			fn = plsql_parse (r);
		} OX_CATCH {
			OxErrorData *e = ox_error_current ();
			int ok = 0;
			for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
				if (strcmp (e->sqlstate, allowed[i]) == 0)
					ok = 1;
			if (!ok) {
				fprintf (stderr, "unexpected SQLSTATE %s: %s\n", e->sqlstate, e->message ? e->message : "");
				abort ();
			}
			if (strcmp (e->sqlstate, "42601") == 0 && (e->position < 0 || (size_t) e->position > len + 1)) {
				fprintf (stderr, "42601 at position %d outside a body of %zu bytes\n", e->position, len);
				abort ();
			}
			OxErrorData gone;
			ox_error_take (&gone);
			ox_error_data_clear (&gone);
		} OX_END_TRY;
		plsql_function_free (fn);
		ox_arena_free (a);
	}
	g_free (body);
	return 0;
}
