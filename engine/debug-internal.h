/*
 * debug-internal.h — the engine's side of the debugger hooks (debug.c),
 * for the places that run frames: ox_exec (script statements), routine.c
 * (routines and DO blocks), trigger.c (trigger functions), and the
 * languages (ox_debug_step from their per-statement and per-line points).
 */
#ifndef OX_DEBUG_INTERNAL_H
#define OX_DEBUG_INTERNAL_H

#include "debug.h"
#include "base/error.h"
#include "catalog/catalog.h"

struct OxSession;

struct OxFrame {
	OxFrameKind       kind;
	OxFrame          *parent;
	int               depth;
	char             *name;           /* owned */
	const char       *source_path;
	const char       *source_name;
	bool              owns_source_name;
	uint32_t          source_id;
	const char       *source_text;
	int               line, column;   /* current, in the source */
	int               line_offset;    /* body line 1 is source line 1 + this */
	int               column_offset;  /* body line 1's columns are shifted by this */
	const char       *schema, *language;
	OxRoutine        *routine;        /* ROUTINE / TRIGGER */
	struct OxSession *s;
};

/* Does the session carry hooks?  Hook sites test this first. */
#define ox_debug_active(s) G_UNLIKELY ((s)->debug_active)

void ox_debug_frame_routine (OxFrame *f, OxRoutine *r, const char *trigger_name);
void ox_debug_frame_statement (OxFrame *f, struct OxSession *s, const char *script, size_t offset,
                               const char *stmt_text);
void ox_debug_frame_clear (OxFrame *f);

void ox_debug_push (struct OxSession *s, OxFrame *f);
void ox_debug_pop (struct OxSession *s, OxFrame *f);
/* The running routine reached line/column of its body (1-based). */
void ox_debug_step (struct OxSession *s, int line, int column);
void ox_debug_error (struct OxSession *s, const OxErrorData *e, bool uncaught);
void ox_debug_output (struct OxSession *s, const char *level, const char *text);

#endif
