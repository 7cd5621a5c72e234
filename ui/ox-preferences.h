/*
 * ox-preferences.h — the editor's preferences (font, style scheme) and the
 * Preferences window (Ctrl+comma) that edits them.
 *
 * OxPreferences is one object per process (ox_preferences_get_default):
 * loaded from the settings store at startup, written back to it on every
 * change, and followed by every open editor tab through its notify
 * signals, so a change applies to open tabs at once.
 */
#pragma once

#include <adwaita.h>

#include "ox-settings-store.h"

G_BEGIN_DECLS

#define OX_PREF_FONT_KEY   "editor.font"          /* a Pango font description, "" = the theme's */
#define OX_PREF_SCHEME_KEY "editor.style-scheme"  /* a GtkSourceStyleScheme id, "" = follow dark/light */

#define OX_TYPE_PREFERENCES (ox_preferences_get_type ())
G_DECLARE_FINAL_TYPE (OxPreferences, ox_preferences, OX, PREFERENCES, GObject)

/* (transfer none) */
OxPreferences *ox_preferences_get_default (void);
/* Read the values from store (may be NULL: defaults) and keep writing
 * changes to it (store must outlive the use; NULL stops writing). */
void           ox_preferences_load (OxPreferences *self, OxSettingsStore *store);
/* "" or NULL: the default. */
void           ox_preferences_set_font (OxPreferences *self, const char *font);
const char    *ox_preferences_get_font (OxPreferences *self);
void           ox_preferences_set_style_scheme (OxPreferences *self, const char *scheme_id);
const char    *ox_preferences_get_style_scheme (OxPreferences *self);
/* The scheme id an editor should use now: the chosen one if it exists,
 * else Adwaita or Adwaita-dark as the system style is light or dark. */
const char    *ox_preferences_effective_scheme (OxPreferences *self);

/* Give an editor's text view the preferred font (a CSS class styled by a
 * display-wide provider that follows the font). */
void           ox_preferences_attach_view (GtkWidget *view);

/* The Preferences window, transient for parent. */
GtkWindow     *ox_preferences_window_new (GtkWindow *parent);

G_END_DECLS
