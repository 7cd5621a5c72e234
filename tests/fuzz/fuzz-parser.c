/*
 * fuzz-parser.c — libFuzzer target for the SQL lexer and parser.
 *
 * Each input is parsed as a script: statements one after another until the
 * end or the first error, with a fresh arena per input.  Errors are fine;
 * what must never happen is a crash, a read past the input (the buffer
 * libFuzzer hands us is not NUL-terminated), an error outside the parser's
 * documented SQLSTATEs, a position outside the text, or a statement end
 * that does not advance.
 *
 * NOTE: built only with -Dfuzz=true under clang (tests/fuzz/meson.build),
 * which compiles the parser's sources into the target itself so that
 * libFuzzer sees their coverage.  Crashers go into test-parser.c's
 * /engine/parser/fuzz-regressions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"
#include "sql/ast.h"

static const char *const allowed[] = {
	"42601",  /* syntax error */
	"22021",  /* invalid UTF-8 */
	"22025",  /* bad \u escape */
	"22023",  /* float(p) out of range, type modifier out of range */
	"54001",  /* nesting too deep */
	"0A000",  /* recognised but unsupported syntax */
	"42P02",  /* $0 */
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	OxArena *a = ox_arena_new ();
	volatile size_t off = 0;
	OX_TRY {
		while (off < size) {
			size_t end = 0;
			OxNode *n = ox_parse_one (a, (const char *) data + off, size - off, &end);
			if (n == NULL)
				break;
			if (end == 0 || end > size - off) {
				fprintf (stderr, "bad statement end %zu (of %zu)\n", end, size - off);
				abort ();
			}
			(void) ox_node_tag_name (n->tag);
			off += end;
		}
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		int ok = 0;
		for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
			if (strcmp (e->sqlstate, allowed[i]) == 0)
				ok = 1;
		if (!ok || e->position < 0 || (size_t) e->position > size - off + 1) {
			fprintf (stderr, "unexpected error %s at %d: %s\n", e->sqlstate, e->position, e->message);
			abort ();
		}
		ox_error_data_clear (e);
	} OX_END_TRY;
	ox_arena_free (a);
	return 0;
}
