/*
 * ox-debug-session.h — the workstation's side of one debugging session and
 * the breakpoints that outlive it.
 *
 * OxDebugSession speaks DAP through the DapClient the connection opens
 * (in-process adapter for an embedded database, a server's adapter for a
 * remote one: the same code path).  Debug writes the text to debug into
 * a temporary .sql file and launches it as the adapter's "program", so
 * breakpoints are set by path and line before it runs and every frame in
 * that text — including routines it creates — comes back with that path;
 * frames in routines created elsewhere come back with a sourceReference
 * the UI opens as a read-only tab.
 *
 * The breakpoints (OxDebugBp, in a GListModel) belong to the window: the
 * gutter adds and removes them, the Breakpoints panel lists them, and the
 * session sends those of the debugged buffer on launch and after changes.
 *
 * States: IDLE (no session), STARTING, RUNNING, STOPPED, and back to IDLE
 * when the adapter reports "terminated" or the stream closes.  Requests
 * never block the main thread; replies that arrive after the session
 * ended are dropped.
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "ox-connection.h"

G_BEGIN_DECLS

/* ---- a breakpoint ------------------------------------------------------------ */

#define OX_TYPE_DEBUG_BP (ox_debug_bp_get_type ())
G_DECLARE_FINAL_TYPE (OxDebugBp, ox_debug_bp, OX, DEBUG_BP, GObject)

/* On line (1-based) of buffer: a left mark there follows edits. */
OxDebugBp     *ox_debug_bp_new (GtkTextBuffer *buffer, int line);
GtkTextBuffer *ox_debug_bp_get_buffer (OxDebugBp *self);   /* NULL once the tab closed */
int            ox_debug_bp_get_line (OxDebugBp *self);
gboolean       ox_debug_bp_get_enabled (OxDebugBp *self);
void           ox_debug_bp_set_enabled (OxDebugBp *self, gboolean enabled);
const char    *ox_debug_bp_get_condition (OxDebugBp *self);
const char    *ox_debug_bp_get_hit_condition (OxDebugBp *self);
const char    *ox_debug_bp_get_log_message (OxDebugBp *self);
/* Empty strings count as none. */
void           ox_debug_bp_set_options (OxDebugBp *self, const char *condition, const char *hit_condition,
                                        const char *log_message);
/* What the adapter said: verified, and its message when not. */
gboolean       ox_debug_bp_get_verified (OxDebugBp *self);
const char    *ox_debug_bp_get_message (OxDebugBp *self);
/* "changed" is emitted after any of the above changes. */

/* ---- the session ---------------------------------------------------------------- */

typedef enum {
	OX_DEBUG_IDLE,
	OX_DEBUG_STARTING,
	OX_DEBUG_RUNNING,
	OX_DEBUG_STOPPED,
} OxDebugState;

#define OX_TYPE_DEBUG_SESSION (ox_debug_session_get_type ())
G_DECLARE_FINAL_TYPE (OxDebugSession, ox_debug_session, OX, DEBUG_SESSION, GObject)

OxDebugSession *ox_debug_session_new (void);
/* The window's breakpoints, of OxDebugBp. (transfer none) */
GListModel     *ox_debug_session_get_breakpoints (OxDebugSession *self);
OxDebugBp      *ox_debug_session_find_breakpoint (OxDebugSession *self, GtkTextBuffer *buffer, int line);
void            ox_debug_session_add_breakpoint (OxDebugSession *self, OxDebugBp *bp);
void            ox_debug_session_remove_breakpoint (OxDebugSession *self, OxDebugBp *bp);
/* Send the breakpoints of buffer again (after an edit of their options). */
void            ox_debug_session_breakpoints_changed (OxDebugSession *self, GtkTextBuffer *buffer);

/* Debug text (whose first line is line first_line of buffer) on
 * connection.  Fails (toast-worthy message in "failed") when a session
 * runs already. */
void            ox_debug_session_start (OxDebugSession *self, OxConnection *connection, GtkTextBuffer *buffer,
                                        const char *text, int first_line);
OxDebugState    ox_debug_session_get_state (OxDebugSession *self);
/* The buffer being debugged (NULL when idle). (transfer none) */
GtkTextBuffer  *ox_debug_session_get_buffer (OxDebugSession *self);

void            ox_debug_session_continue (OxDebugSession *self);
void            ox_debug_session_step_over (OxDebugSession *self);
void            ox_debug_session_step_into (OxDebugSession *self);
void            ox_debug_session_step_out (OxDebugSession *self);
void            ox_debug_session_pause (OxDebugSession *self);
void            ox_debug_session_stop (OxDebugSession *self);

/* The stack of the current stop (stackFrames objects), NULL when not
 * stopped. (transfer none) */
JsonArray      *ox_debug_session_get_frames (OxDebugSession *self);
/* The frame the panels show (its id), 0 when not stopped. */
gint64          ox_debug_session_get_frame_id (OxDebugSession *self);
void            ox_debug_session_select_frame (OxDebugSession *self, gint64 frame_id);
/* The selected frame changed in place (a setVariable): "frame-selected"
 * again, so every panel reads it again. */
void            ox_debug_session_reselect_frame (OxDebugSession *self);
/* True when frame's source is the debugged text. */
gboolean        ox_debug_session_frame_in_buffer (OxDebugSession *self, JsonObject *frame);

/* Launch with "stepIntoQueries" (Step In at a query walks its plan's
 * operators, row by row); read at the next start. */
void            ox_debug_session_set_step_into_queries (OxDebugSession *self, gboolean on);
gboolean        ox_debug_session_get_step_into_queries (OxDebugSession *self);
/* buffer (a read-only routine tab) shows the source the adapter serves
 * as sourceReference ref: its breakpoints are sent by that reference, for
 * the rest of the session. */
void            ox_debug_session_set_buffer_source (OxDebugSession *self, GtkTextBuffer *buffer, gint64 ref,
                                                    const char *name);

/* Any request on the session's client (panels use it); fails with
 * DAP_CLIENT_ERROR_CLOSED when there is no session. */
void            ox_debug_session_request (OxDebugSession *self, const char *command, JsonNode *arguments,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
JsonNode       *ox_debug_session_request_finish (OxDebugSession *self, GAsyncResult *result, GError **error);

/* Signals:
 *   "state-changed" ()
 *   "frame-selected" ()              stopped, or another frame chosen: panels refresh
 *   "output" (category, text)        the script's output and the adapter's messages
 *   "failed" (message)               launch or a request failed
 */

G_END_DECLS
