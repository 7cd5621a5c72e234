/*
 * debug.h — the hook API the debugger plugs into (public, like oxibase.h).
 *
 * The engine knows nothing about breakpoints or stepping.  A session may
 * carry hooks; the engine calls them on the session's own thread:
 *
 *   on_enter (frame)   a frame starts: a script statement, a routine (or DO
 *                      block), a trigger's function, a plan operator
 *   on_step (frame)    before each script statement, PL/SQL statement, Lua
 *                      line, and (query debugging) each row an operator
 *                      produces; ox_frame_line/column say where
 *   on_leave (frame)   the frame ends (normally or by an error)
 *   on_error (frame, error, uncaught)
 *                      an error is raised in the frame (uncaught: it is
 *                      leaving the outermost frame, the statement fails)
 *   on_output (level, text)
 *                      RAISE below EXCEPTION, ox.log, NOTICE
 *
 * A hook may block — that is how a debugger pauses a session — and while
 * it blocks it may inspect any frame of the stack (ox_frame_* below) on
 * the same thread, for example from requests another thread queued for
 * it: frames, variables and evaluation touch engine state that belongs to
 * the session's thread.  A paused session keeps its transaction.
 *
 * Cost: a session without hooks pays one predictable branch per hook site.
 *
 * Frames are owned by the engine and valid from on_enter until on_leave
 * returns; their parents are valid as long as they are.  Strings returned
 * by ox_frame_* stay valid while the frame does (or, for variables and
 * evaluation results, until the next inspection call on that frame).
 */
#ifndef OXIBASE_DEBUG_H
#define OXIBASE_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "oxibase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct OxFrame OxFrame;

typedef enum OxFrameKind {
	OX_FRAME_STATEMENT = 1,  /* a statement of a script run by ox_exec */
	OX_FRAME_ROUTINE,        /* a function, procedure or DO block */
	OX_FRAME_TRIGGER,        /* a trigger's function, fired by a statement */
	OX_FRAME_OPERATOR,       /* a plan operator (query debugging) */
} OxFrameKind;

typedef struct OxDebugHooks {
	void (*on_enter) (void *user, OxFrame *frame);
	void (*on_leave) (void *user, OxFrame *frame);
	void (*on_step) (void *user, OxFrame *frame);
	void (*on_error) (void *user, OxFrame *frame, const OxError *error, bool uncaught);
	void (*on_output) (void *user, const char *level, const char *text);
	void *user;
	/* Optional: does this frame need on_step calls now?  Asked when a
	 * frame first reaches a step, and again after each
	 * ox_session_debug_changed; the answer holds in between.  A frame
	 * that needs none runs at (nearly) full speed: a Lua routine drops its
	 * line hook.  NULL: every frame steps. */
	bool (*wants_steps) (void *user, OxFrame *frame);
	/* Optional: called on the session's thread at the engine's next
	 * interrupt check (every few thousand rows of a scan or join, loop
	 * iterations of PL/SQL, instructions of Lua) after
	 * ox_session_debug_interrupt, with the top frame, which may be in the
	 * middle of a long statement that has no step points of its own: how
	 * a pause reaches a running query. */
	void (*on_interrupt) (void *user, OxFrame *frame);
} OxDebugHooks;

/* Ask for one on_interrupt call at the engine's next interrupt check.
 * Any thread. */
void ox_session_debug_interrupt (OxSession *s);

/* Make every frame ask wants_steps again before its next step (the
 * debugger calls it when breakpoints, stepping or a pause request
 * change).  Any thread. */
void ox_session_debug_changed (OxSession *s);

/* Install hooks on a session (copied), or remove them with NULL. */
void ox_session_set_debug_hooks (OxSession *s, const OxDebugHooks *hooks);

/* Where a script's text came from, for frames of its statements and of
 * the routines it creates (a routine remembers the file and the line its
 * body starts on).  path may be NULL (inline text); first_line is the line
 * of the text's first character in that file (1 for a whole file). */
void ox_session_set_script_source (OxSession *s, const char *path, int first_line);

/* A caller that runs a script's statements itself, with ox_prepare and
 * ox_step (the server's POST /api/sql), shows them to a debugger as
 * ox_exec does: begin before the statement's first ox_step enters a
 * STATEMENT frame whose source is path (a name the client debugs the
 * text under, e.g. its file; NULL: "script"), whose text is script and
 * whose line is that of the statement starting at script + offset, and
 * takes the frame's first step there (where a breakpoint on its line
 * stops, and a step lands); end, after ox_finalize, reports err (when
 * the statement failed) and leaves the frame.  Unlike
 * ox_session_set_script_source, routines the script creates keep their
 * bodies as their source.
 * begin returns NULL (nothing to end) when the session carries no hooks
 * or already runs a frame; *cancelled is set when the statement was
 * cancelled while it was held at that first step (do not run it: end
 * the frame with 57014).  script must outlive the frame; path is copied. */
typedef struct OxScriptFrame OxScriptFrame;
OxScriptFrame *ox_debug_script_statement_begin (OxSession *s, const char *script, const char *path, size_t offset,
                                                bool *cancelled);
void           ox_debug_script_statement_end (OxScriptFrame *sf, const OxError *err);

/* Query debugging: when on, every statement the session runs reports each
 * row each of its plan operators produces, as a step in an OPERATOR frame
 * (pushed for the operator's call, so the stack shows the plan's nesting)
 * whose source is the plan's EXPLAIN text; ox_frame_source_id of such a
 * frame has OX_DEBUG_PLAN_SOURCE_BIT set.  Off by default: a statement
 * then costs nothing extra. */
void ox_session_set_debug_queries (OxSession *s, bool on);
#define OX_DEBUG_PLAN_SOURCE_BIT 0x80000000u

/* Lines where a debugger can stop, sorted: in a script (first_line as in
 * ox_session_set_script_source), the first line of each statement and
 * the lines of the statements inside the PL/SQL and Lua bodies of the
 * routines and DO blocks it creates; in one routine body, its statements'
 * lines.  Returns how many; *lines is g_malloc'd (g_free). */
int  ox_debug_script_lines (const char *sql, int first_line, int **lines);
int  ox_debug_body_lines (const char *language, const char *body, int **lines);

/* ---- frames --------------------------------------------------------------------------- */

OxFrameKind  ox_frame_kind (const OxFrame *f);
OxFrame     *ox_frame_parent (const OxFrame *f);       /* NULL for the outermost */
int          ox_frame_depth (const OxFrame *f);        /* 0 for the outermost */
/* "CALL transfer(1, 2, 50)", "transfer", "trg_audit BEFORE UPDATE ON orders
 * FOR EACH ROW", "Hash Join" */
const char  *ox_frame_name (const OxFrame *f);

/* The source the frame's lines count in.  A script statement's source is
 * the script (its path when known); a routine created by a script file
 * reports that file and lines in it; any other routine reports its body
 * under a readable name ("public.transfer (procedure)") and its catalog
 * oid as source_id, so a client can ask for the text (sourceReference). */
const char  *ox_frame_source_path (const OxFrame *f);  /* file, or NULL */
const char  *ox_frame_source_name (const OxFrame *f);
uint32_t     ox_frame_source_id (const OxFrame *f);    /* routine oid, a plan's id
                                                         (OX_DEBUG_PLAN_SOURCE_BIT), 0 for scripts */
/* The text lines count in: the script's, the routine's body, the plan's
 * EXPLAIN text (operator frames); NULL for a
 * routine whose source is a file (the client reads the file itself). */
const char  *ox_frame_source_text (const OxFrame *f);
int          ox_frame_line (const OxFrame *f);         /* current, 1-based, in the source */
/* Lines of the frame's source where a step can happen (sorted; *lines
 * g_malloc'd): a script's statements (see ox_debug_script_lines), a
 * routine's statements in the lines its frames report, a plan's every
 * operator line.  Returns how many. */
int          ox_frame_source_lines (OxFrame *f, int **lines);
int          ox_frame_column (const OxFrame *f);       /* 1-based, in characters */
/* The routine a ROUTINE or TRIGGER frame runs: schema, name, language. */
const char  *ox_frame_routine_schema (const OxFrame *f);
const char  *ox_frame_routine_name (const OxFrame *f);    /* "audit" (a trigger's function) */
const char  *ox_frame_routine_language (const OxFrame *f);
/* A routine frame whose lines count in the file the routine was created
 * from: its body, the file line of the body's line 1 minus one, and the
 * routine's oid, so a client can serve the body itself when that file is
 * gone (dap-adapter.c).  false for any other frame. */
bool         ox_frame_routine_body (const OxFrame *f, const char **body, int *line_offset, uint32_t *oid);


/* ---- scopes, variables, evaluation (only while a hook runs, on its thread) ------------ */

typedef enum OxScope {
	OX_SCOPE_ARGUMENTS = 1,  /* a routine's arguments */
	OX_SCOPE_LOCALS,         /* declared variables (PL/SQL), active locals (Lua) */
	OX_SCOPE_SPECIAL,        /* FOUND, ROW_COUNT, SQLSTATE, SQLERRM, TG_*, NEW, OLD */
	OX_SCOPE_SESSION,        /* isolation level, transaction id, search_path, ... */
	OX_SCOPE_ROW,            /* plan operator: the row it just produced */
	OX_SCOPE_OPERATOR,       /* plan operator: rows in, rows out, loops, time */
} OxScope;

#define OX_MAX_SCOPES 6

/* The scopes a frame has, in display order: fills out[OX_MAX_SCOPES] and
 * returns how many. */
int          ox_frame_scopes (OxFrame *f, OxScope *out);
/* "Arguments", "Locals", "Special", "Session", "Current row", "Operator" */
const char  *ox_scope_name (OxScope scope);

/* One variable, field or element, as text.  Every string is owned by the
 * variable (free with ox_variable_clear or ox_variables_free). */
typedef struct OxVariable {
	char *name;              /* "v_total", "new", "price" (a field), "[3]" (an element) */
	char *type;              /* "integer", "record", "orders", "table" (Lua) */
	char *value;             /* as PostgreSQL prints it ("(1,abc)" for a row), "NULL" */
	bool  is_null;
	int   named_children;    /* fields of a record or row, string keys of a Lua table */
	int   indexed_children;  /* elements [1..n] of a Lua sequence */
} OxVariable;

/* The variables of a scope (npath == 0), or the children of the variable
 * that path names: path[0] is a variable of the scope, path[1] one of its
 * children, and so on ("r", "price"; "t", "[3]").  Named children come
 * first, then indexed ones; start and count page through them (count 0:
 * to the end).  Returns how many were stored in *out (an array to free
 * with ox_variables_free), or -1 with *err filled (42704 when a name in
 * path does not exist, 0A000 when the frame has no such scope). */
int          ox_frame_variables (OxFrame *f, OxScope scope, const char *const *path, int npath, int start,
                                 int count, OxVariable **out, OxError *err);
void         ox_variable_clear (OxVariable *v);
void         ox_variables_free (OxVariable *v, int n);

/* Evaluate an expression in the frame's scope: a SQL expression for
 * PL/SQL, SQL-language and script frames (variables and arguments by
 * name, fields of the current row in an operator frame), a Lua expression
 * for Lua frames.  Runs in the session's transaction and sees its
 * uncommitted changes.  On success fills *out (its name is expr);
 * otherwise fills *err and leaves the session as it was. */
bool         ox_frame_evaluate (OxFrame *f, const char *expr, OxVariable *out, OxError *err);

/* Run SQL statements inside the paused session's own transaction (the
 * debugger console): the output is what `oxibase` prints for them
 * (aligned tables, command tags, notices), in a g_malloc'd *output.  An
 * error fails only the statement it happened in, as a subtransaction
 * (the paused routine's transaction survives it). */
bool         ox_frame_execute (OxFrame *f, const char *sql, char **output, OxError *err);

/* Set the variable (or record field, or Lua table element) that path
 * names to the value of an expression evaluated as ox_frame_evaluate
 * does, cast to the variable's type; fills *out with its new value.
 * Arguments and locals of PL/SQL and Lua frames can be set; 0A000
 * otherwise, 22P02 and friends when the value does not cast. */
bool         ox_frame_set_variable (OxFrame *f, OxScope scope, const char *const *path, int npath,
                                    const char *value, OxVariable *out, OxError *err);

#ifdef __cplusplus
}
#endif

#endif
