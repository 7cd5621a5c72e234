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
struct OxPlCall;

/* What a language (or the executor, for operator frames) tells the
 * debugger about one of its frames.  Every function runs on the session's
 * thread while a hook blocks, may raise (debug.c catches and turns the
 * error into an OxError), and may be NULL.
 *
 *   variables  append the variables of scope (npath == 0) or the children
 *              of the variable path names, as OxVariable values, to out
 *              (paging is debug.c's); return false when the frame has no
 *              such scope from this language (debug.c then supplies the
 *              generic ones: Session, and for triggers TG_*, NEW and OLD);
 *              raise 42704 for a name in path that does not exist
 *   evaluate   evaluate expr in the frame's scope into *out
 *   assign     set what path names to the value of expr; fill *out
 */
typedef struct OxFrameOps {
	bool (*variables) (OxFrame *f, OxScope scope, const char *const *path, int npath, GArray *out);
	void (*evaluate) (OxFrame *f, const char *expr, OxVariable *out);
	void (*assign) (OxFrame *f, OxScope scope, const char *const *path, int npath, const char *expr,
	                OxVariable *out);
	/* The scopes this frame has beyond the generic ones (a bit per OxScope). */
	unsigned (*scopes) (OxFrame *f);
} OxFrameOps;

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
	struct OxPlCall  *call;           /* ROUTINE / TRIGGER: arguments, trigger data */
	struct OxSession *s;
	const OxFrameOps *ops;            /* set by the language (or executor) running it */
	int               epoch;          /* session debug_epoch when steps was decided */
	bool              steps_known;    /* steps holds an answer for epoch */
	bool              steps;          /* wants_steps' answer */
	bool              error_reported; /* the language called ox_debug_error itself, while
	                                     its variables still existed */
	void             *ops_data;
};

/* Does the session carry hooks?  Hook sites test this first. */
#define ox_debug_active(s) G_UNLIKELY ((s)->debug_active)

void ox_debug_frame_routine (OxFrame *f, OxRoutine *r, const char *trigger_name);
void ox_debug_frame_statement (OxFrame *f, struct OxSession *s, const char *script, size_t offset,
                               const char *stmt_text);
void ox_debug_frame_clear (OxFrame *f);
/* The first character at or after p that is neither blank nor comment. */
const char *ox_debug_skip_blanks (const char *p, const char *end);

/* Fill v (strings g_malloc'd) from a value in the session's text form. */
void ox_debug_var_set (OxVariable *v, struct OxSession *s, const char *name, const OxValue *val);
/* Fill v with name, type and text (copied; text NULL means SQL NULL). */
void ox_debug_var_text (OxVariable *v, const char *name, const char *type, const char *text);
/* Append one field of a row value as PostgreSQL prints records: quoted
 * when empty or holding , ( ) " space or backslash; NULL as nothing. */
void ox_debug_append_field (GString *g, const char *text);
/* The type's name as PostgreSQL prints it ("integer", "numeric(10,2)"). */
char *ox_debug_type_name (OxType t);

void ox_debug_push (struct OxSession *s, OxFrame *f);
void ox_debug_pop (struct OxSession *s, OxFrame *f);
/* The interrupt check's side: call on_interrupt if one was asked for. */
void ox_debug_poll (struct OxSession *s);
#define ox_debug_interrupt_pending(s) \
	G_UNLIKELY (__atomic_load_n (&(s)->debug_interrupt, __ATOMIC_RELAXED))

/* Does the top frame want on_step calls (wants_steps, cached per epoch)?
 * Step sites that do work before ox_debug_step test it first. */
bool ox_debug_step_wanted (struct OxSession *s);
/* Record the running routine's position (1-based, in its body) without a
 * step: where an error was raised. */
void ox_debug_set_line (struct OxSession *s, int line, int column);
/* The running routine reached line/column of its body (1-based). */
void ox_debug_step (struct OxSession *s, int line, int column);
void ox_debug_error (struct OxSession *s, const OxErrorData *e, bool uncaught);
void ox_debug_output (struct OxSession *s, const char *level, const char *text);

#endif
