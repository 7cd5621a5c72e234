/*
 * debug.c — the engine's side of debug.h: the frame stack of a session
 * and the calls of its hooks.
 *
 * Frames live on the C stack of the code that runs them (a script
 * statement in ox_exec, a routine call in routine.c, a trigger firing):
 * ox_debug_push links one in and calls on_enter, ox_debug_pop calls
 * on_leave and unlinks it.  Languages report their position with
 * ox_debug_step (line and column in the routine's body), which the frame
 * turns into a line of its source (the script file a routine came from,
 * or the body) before calling on_step.
 *
 * NOTE: every function here is a no-op when the session has no hooks;
 * hook sites test ox_debug_active first so that they cost one branch.
 * NOTE: an error unwinding through a frame must still pop it: the owners
 * pop in their OX_CATCH blocks (a frame left linked would dangle).
 */
#include "debug-internal.h"
#include "session.h"

#include <string.h>

void
ox_session_set_debug_hooks (OxSession *s, const OxDebugHooks *hooks)
{
	if (hooks) {
		s->debug_hooks = *hooks;
		s->debug_active = true;
	} else {
		memset (&s->debug_hooks, 0, sizeof s->debug_hooks);
		s->debug_active = false;
	}
}

void
ox_session_set_debug_queries (OxSession *s, bool on)
{
	s->debug_queries = on;
}

void
ox_session_set_script_source (OxSession *s, const char *path, int first_line)
{
	g_free (s->script_path);
	s->script_path = g_strdup (path);
	s->script_first_line = first_line > 0 ? first_line : 1;
}

void
ox_debug_push (OxSession *s, OxFrame *f)
{
	f->s = s;
	f->parent = s->top_frame;
	f->depth = f->parent ? f->parent->depth + 1 : 0;
	s->top_frame = f;
	if (s->debug_hooks.on_enter)
		s->debug_hooks.on_enter (s->debug_hooks.user, f);
}

void
ox_debug_pop (OxSession *s, OxFrame *f)
{
	if (s->top_frame != f)
		return;  /* already popped (an error path ran twice) */
	if (s->debug_hooks.on_leave)
		s->debug_hooks.on_leave (s->debug_hooks.user, f);
	s->top_frame = f->parent;
}

void
ox_session_debug_changed (OxSession *s)
{
	__atomic_add_fetch (&s->debug_epoch, 1, __ATOMIC_RELEASE);
}

void
ox_session_debug_interrupt (OxSession *s)
{
	__atomic_store_n (&s->debug_interrupt, 1, __ATOMIC_RELEASE);
}

void
ox_debug_poll (OxSession *s)
{
	if (!__atomic_exchange_n (&s->debug_interrupt, 0, __ATOMIC_ACQ_REL))
		return;
	if (s->debug_active && s->top_frame && s->debug_hooks.on_interrupt)
		s->debug_hooks.on_interrupt (s->debug_hooks.user, s->top_frame);
}

bool
ox_debug_step_wanted (OxSession *s)
{
	OxFrame *f = s->top_frame;
	if (!f)
		return false;
	int e = __atomic_load_n (&s->debug_epoch, __ATOMIC_ACQUIRE);
	if (!f->steps_known || f->epoch != e) {
		f->epoch = e;
		f->steps_known = true;
		f->steps = !s->debug_hooks.wants_steps || s->debug_hooks.wants_steps (s->debug_hooks.user, f);
	}
	return f->steps;
}

void
ox_debug_set_line (OxSession *s, int line, int column)
{
	OxFrame *f = s->top_frame;
	if (!f)
		return;
	f->line = line + f->line_offset;
	f->column = line == 1 ? column + f->column_offset : column;
}

void
ox_debug_step (OxSession *s, int line, int column)
{
	OxFrame *f = s->top_frame;
	if (!f)
		return;
	/* the position is kept even when no step is wanted: an error or a
	 * pause reports it */
	ox_debug_set_line (s, line, column);
	if (!ox_debug_step_wanted (s))
		return;
	if (s->debug_hooks.on_step)
		s->debug_hooks.on_step (s->debug_hooks.user, f);
}

void
ox_debug_error (OxSession *s, const OxErrorData *e, bool uncaught)
{
	OxFrame *f = s->top_frame;
	if (!f || !s->debug_hooks.on_error)
		return;
	/* The hook may evaluate expressions, which raise and catch errors of
	 * their own: keep the error being handled out of their way. */
	OxErrorData saved;
	bool current = e == ox_error_current ();
	if (current) {
		ox_error_take (&saved);
		e = &saved;
	}
	OxError err = { 0 };
	g_strlcpy (err.sqlstate, e->sqlstate, sizeof err.sqlstate);
	err.message = e->message;
	err.detail = e->detail;
	err.hint = e->hint;
	err.context = e->context;
	s->debug_hooks.on_error (s->debug_hooks.user, f, &err, uncaught);
	if (current)
		ox_error_restore (&saved);
}

void
ox_debug_output (OxSession *s, const char *level, const char *text)
{
	if (s->debug_hooks.on_output)
		s->debug_hooks.on_output (s->debug_hooks.user, level, text);
}

/* 1-based line of byte offset off in text */
static int
line_of (const char *text, size_t off)
{
	int l = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			l++;
	return l;
}

void
ox_debug_frame_routine (OxFrame *f, OxRoutine *r, const char *trigger_name)
{
	memset (f, 0, sizeof *f);
	f->kind = trigger_name ? OX_FRAME_TRIGGER : OX_FRAME_ROUTINE;
	f->routine = r;
	f->name = trigger_name ? g_strdup (trigger_name) : g_strdup (r->signature ? r->signature : r->obj.name);
	f->source_text = r->src_file ? NULL : r->body;
	f->schema = r->obj.schema ? r->obj.schema->obj.name : NULL;
	f->language = r->language;
	if (r->src_file) {
		/* lines of the file the routine was created from */
		f->source_path = r->src_file;
		f->source_name = g_path_get_basename (r->src_file);
		f->owns_source_name = true;
		f->line_offset = r->body_line - 1;
		f->column_offset = r->body_col - 1;
	} else {
		f->source_name = g_strdup_printf ("%s%s%s (%s)", f->schema ? f->schema : "", f->schema ? "." : "",
		                                  r->obj.name,
		                                  trigger_name ? "trigger function"
		                                  : r->rkind == OX_ROUTINE_PROCEDURE ? "procedure" : "function");
		f->owns_source_name = true;
		f->source_id = r->obj.oid;
	}
	f->line = f->line_offset + 1;
	f->column = 1;
}

void
ox_debug_frame_statement (OxFrame *f, OxSession *s, const char *script, size_t offset, const char *stmt_text)
{
	memset (f, 0, sizeof *f);
	f->kind = OX_FRAME_STATEMENT;
	/* the statement's first line, as its name */
	const char *nl = strchr (stmt_text, '\n');
	size_t n = nl ? (size_t) (nl - stmt_text) : strlen (stmt_text);
	f->name = g_strndup (stmt_text, n > 80 ? 80 : n);
	f->source_text = script;
	f->source_path = s->script_path;
	f->source_name = s->script_path ? g_path_get_basename (s->script_path) : g_strdup ("script");
	f->owns_source_name = true;
	f->line = line_of (script, offset) + (s->script_first_line > 0 ? s->script_first_line - 1 : 0);
	f->column = 1;
}

/* ---- script statements run by a caller (debug.h) ------------------------------------------ */

struct OxScriptFrame {
	OxFrame    frame;   /* linked into the session while it runs */
	OxSession *s;
	char      *path;    /* owned; frame.source_path points here */
};

OxScriptFrame *
ox_debug_script_statement_begin (OxSession *s, const char *script, const char *path, size_t offset,
                                 bool *cancelled)
{
	*cancelled = false;
	if (!ox_debug_active (s) || s->top_frame)
		return NULL;
	if (s->script_first_line < 1)
		s->script_first_line = 1;  /* the frame's lines count from the text's first */
	OxScriptFrame *sf = g_new0 (OxScriptFrame, 1);
	sf->s = s;
	const char *start = ox_debug_skip_blanks (script + offset, script + strlen (script));
	/* the frame takes the session's script_path; this request's name
	 * replaces it on the frame only, so routines created meanwhile keep
	 * their bodies as their source */
	ox_debug_frame_statement (&sf->frame, s, script, (size_t) (start - script), start);
	if (path) {
		sf->path = g_strdup (path);
		sf->frame.source_path = sf->path;
		if (sf->frame.owns_source_name)
			g_free ((char *) sf->frame.source_name);
		sf->frame.source_name = g_path_get_basename (path);
		sf->frame.owns_source_name = true;
	}
	ox_debug_push (s, &sf->frame);
	ox_debug_step (s, sf->frame.line, 1);
	*cancelled = s->cancel != 0;
	return sf;
}

void
ox_debug_script_statement_end (OxScriptFrame *sf, const OxError *err)
{
	if (!sf)
		return;
	if (err && err->sqlstate[0]) {
		OxErrorData ed = { 0 };
		g_strlcpy (ed.sqlstate, err->sqlstate, sizeof ed.sqlstate);
		ed.message = err->message;
		ed.detail = err->detail;
		ed.hint = err->hint;
		ed.context = err->context;
		ox_debug_error (sf->s, &ed, true);
	}
	ox_debug_pop (sf->s, &sf->frame);
	ox_debug_frame_clear (&sf->frame);
	g_free (sf->path);
	g_free (sf);
}

void
ox_debug_frame_clear (OxFrame *f)
{
	g_free (f->name);
	if (f->owns_source_name)
		g_free ((char *) f->source_name);
	f->name = NULL;
	f->source_name = NULL;
}

/* ---- accessors -------------------------------------------------------------------------------- */

OxFrameKind
ox_frame_kind (const OxFrame *f)
{
	return f->kind;
}

OxFrame *
ox_frame_parent (const OxFrame *f)
{
	return f->parent;
}

int
ox_frame_depth (const OxFrame *f)
{
	return f->depth;
}

const char *
ox_frame_name (const OxFrame *f)
{
	return f->name;
}

const char *
ox_frame_source_path (const OxFrame *f)
{
	return f->source_path;
}

const char *
ox_frame_source_name (const OxFrame *f)
{
	return f->source_name;
}

uint32_t
ox_frame_source_id (const OxFrame *f)
{
	return f->source_id;
}

const char *
ox_frame_source_text (const OxFrame *f)
{
	return f->source_text;
}

int
ox_frame_line (const OxFrame *f)
{
	return f->line;
}

int
ox_frame_column (const OxFrame *f)
{
	return f->column;
}

const char *
ox_frame_routine_schema (const OxFrame *f)
{
	return f->schema;
}

const char *
ox_frame_routine_name (const OxFrame *f)
{
	return f->routine ? f->routine->obj.name : NULL;
}

const char *
ox_frame_routine_language (const OxFrame *f)
{
	return f->language;
}

bool
ox_frame_routine_body (const OxFrame *f, const char **body, int *line_offset, uint32_t *oid)
{
	if ((f->kind != OX_FRAME_ROUTINE && f->kind != OX_FRAME_TRIGGER) || !f->routine || !f->source_path)
		return false;
	*body = f->routine->body;
	*line_offset = f->line_offset;
	*oid = f->routine->obj.oid;
	return true;
}
