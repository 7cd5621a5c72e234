/*
 * ui-test-util.h — what the workstation's UI test programs share: a
 * temporary XDG home with its settings store, waits that iterate the main
 * context until a condition holds (with a deadline, so a missing widget
 * fails the test instead of hanging it), lookups in the object browser's
 * tree and in widget trees, and screenshots.
 *
 * NOTE: nothing sleeps; every wait names what it waits for, which is what
 * the failure message says when the deadline passes.
 */
#pragma once

#include "ox-application.h"
#include "ox-window.h"

G_BEGIN_DECLS

#define DEADLINE_S 30

extern char *tmpdir;               /* the test's temporary directory */
extern OxSettingsStore *store;     /* its settings store */

typedef gboolean (*CondFunc) (gpointer data);

typedef struct {
	GtkTreeListModel *tree;
	GtkTreeListRow   *parent;
	const char       *name;
	gboolean          want;
} FindData;

typedef struct {
	GtkWidget  *root;
	const char *text;
	const char *css_class;
} LabelData;

void wait_until (CondFunc cond, gpointer data, const char *what);
gboolean connected (gpointer data);
/* The visible AdwMessageDialog transient for parent (NULL: for any
 * window) whose heading starts with heading (NULL: any), or NULL.
 * (transfer none) */
AdwMessageDialog *find_message_dialog (GtkWindow *parent, const char *heading);
/* wait_until: some message dialog is up (data unused). */
gboolean message_dialog_shown (gpointer data);
gboolean page_idle (gpointer data);
GtkTreeListRow * find_row (GtkTreeListModel *tree, GtkTreeListRow *parent, const char *name);
gboolean row_present (gpointer data);
GtkTreeListRow * wait_row (GtkTreeListModel *tree, GtkTreeListRow *parent, const char *name);
GtkWidget * find_label (GtkWidget *root, const char *text, const char *css_class);
gboolean label_shown (gpointer data);
void set_text (OxEditorPage *page, const char *text, const char *cursor_at);
void run (OxEditorPage *page, const char *action);
void screenshot (OxWindow *win, const char *name);
void check_buttons_named (GtkWidget *root);
void check_label (GtkWidget *w, const char *label);
OxWindow * open_demo_window (void);
void ui_test_init (int *argc, char ***argv);
void ui_test_finish (void);

G_END_DECLS
