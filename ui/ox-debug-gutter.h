/*
 * ox-debug-gutter.h — breakpoints and the current line in an editor's
 * gutter (GtkSourceView line marks).
 *
 * A click in the line-marks gutter toggles a breakpoint on that line
 * (ox_debug_gutter_toggle is that code path, for tests and the keyboard);
 * a right click opens a popover for its condition, hit count and log
 * message.  The marks are redrawn from the session's breakpoint list, so
 * the Breakpoints panel and the gutter never disagree.
 */
#pragma once

#include <gtksourceview/gtksource.h>

#include "ox-debug-session.h"

G_BEGIN_DECLS

void ox_debug_gutter_attach (GtkSourceView *view, OxDebugSession *session);
/* Add a breakpoint on line (1-based) or remove the one there. */
void ox_debug_gutter_toggle (GtkSourceView *view, int line);
/* The breakpoint options popover for line (adds a breakpoint if none):
 * entries Condition, Hit count, Log message and an Apply button, in that
 * order. (transfer none: it goes away when closed) */
GtkPopover *ox_debug_gutter_edit (GtkSourceView *view, int line);
/* Highlight line as where the debugger stopped (0: none), and scroll to it. */
void ox_debug_gutter_set_current_line (GtkSourceView *view, int line);
int  ox_debug_gutter_get_current_line (GtkSourceView *view);

#define OX_MARK_BREAKPOINT          "ox-breakpoint"
#define OX_MARK_BREAKPOINT_DISABLED "ox-breakpoint-disabled"
#define OX_MARK_CURRENT_LINE        "ox-current-line"
/* the current line where a breakpoint is (one mark: see ox-debug-gutter.c) */
#define OX_MARK_CURRENT_BREAKPOINT  "ox-current-breakpoint"

G_END_DECLS
