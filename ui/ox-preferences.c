/*
 * ox-preferences.c — editor preferences and their window (see header).
 *
 * The font reaches the editors through CSS: one GtkCssProvider on the
 * display styles the class "ox-editor-font", and is reloaded when the font
 * changes, so every open view restyles at once without knowing about us.
 *
 * NOTE: what can go wrong: a font description the user typed that Pango
 * cannot parse gives Pango's default ("Sans 12"-like) rather than an
 * error; a style scheme id that no longer exists (a removed theme) falls
 * back to following dark/light; a settings store that cannot be written
 * keeps the change for this run and logs a warning.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-preferences.h"

#include <gtksourceview/gtksource.h>

struct _OxPreferences {
	GObject          parent_instance;
	OxSettingsStore *store;     /* unowned, may be NULL */
	char            *font;      /* "" = the theme's */
	char            *scheme;    /* "" = follow dark/light */
	GtkCssProvider  *css;       /* on the default display, once one exists */
};

G_DEFINE_FINAL_TYPE (OxPreferences, ox_preferences, G_TYPE_OBJECT)

enum { PROP_0, PROP_FONT, PROP_STYLE_SCHEME, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
update_css (OxPreferences *self)
{
	GdkDisplay *display = gdk_display_get_default ();
	if (!display)
		return;
	if (!self->css) {
		self->css = gtk_css_provider_new ();
		gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (self->css),
		                                            GTK_STYLE_PROVIDER_PRIORITY_USER);
	}
	g_autoptr (GString) css = g_string_new (".ox-editor-font {");
	if (*self->font) {
		PangoFontDescription *fd = pango_font_description_from_string (self->font);
		PangoFontMask set = pango_font_description_get_set_fields (fd);
		if (set & PANGO_FONT_MASK_FAMILY)
			g_string_append_printf (css, " font-family: \"%s\";", pango_font_description_get_family (fd));
		if ((set & PANGO_FONT_MASK_SIZE) && pango_font_description_get_size (fd) > 0)
			g_string_append_printf (css, " font-size: %gpt;",
			                        pango_font_description_get_size (fd) / (double) PANGO_SCALE);
		if (set & PANGO_FONT_MASK_WEIGHT)
			g_string_append_printf (css, " font-weight: %d;", (int) pango_font_description_get_weight (fd));
		if (set & PANGO_FONT_MASK_STYLE)
			g_string_append_printf (css, " font-style: %s;",
			                        pango_font_description_get_style (fd) == PANGO_STYLE_ITALIC ? "italic" :
			                        pango_font_description_get_style (fd) == PANGO_STYLE_OBLIQUE ? "oblique" : "normal");
		pango_font_description_free (fd);
	}
	g_string_append (css, " }");
	gtk_css_provider_load_from_data (self->css, css->str, -1);
}

static void
store_value (OxPreferences *self, const char *key, const char *value)
{
	if (!self->store)
		return;
	g_autoptr (GError) error = NULL;
	if (!ox_settings_store_set (self->store, key, value, &error))
		g_warning ("saving %s: %s", key, error->message);
}

void
ox_preferences_set_font (OxPreferences *self, const char *font)
{
	g_return_if_fail (OX_IS_PREFERENCES (self));
	if (!font)
		font = "";
	if (!g_strcmp0 (self->font, font))
		return;
	g_free (self->font);
	self->font = g_strdup (font);
	store_value (self, OX_PREF_FONT_KEY, font);
	update_css (self);
	g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FONT]);
}

const char *
ox_preferences_get_font (OxPreferences *self)
{
	g_return_val_if_fail (OX_IS_PREFERENCES (self), "");
	return self->font;
}

void
ox_preferences_set_style_scheme (OxPreferences *self, const char *scheme_id)
{
	g_return_if_fail (OX_IS_PREFERENCES (self));
	if (!scheme_id)
		scheme_id = "";
	if (!g_strcmp0 (self->scheme, scheme_id))
		return;
	g_free (self->scheme);
	self->scheme = g_strdup (scheme_id);
	store_value (self, OX_PREF_SCHEME_KEY, scheme_id);
	g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STYLE_SCHEME]);
}

const char *
ox_preferences_get_style_scheme (OxPreferences *self)
{
	g_return_val_if_fail (OX_IS_PREFERENCES (self), "");
	return self->scheme;
}

const char *
ox_preferences_effective_scheme (OxPreferences *self)
{
	g_return_val_if_fail (OX_IS_PREFERENCES (self), "Adwaita");
	if (*self->scheme &&
	    gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (), self->scheme))
		return self->scheme;
	return adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "Adwaita-dark" : "Adwaita";
}

void
ox_preferences_load (OxPreferences *self, OxSettingsStore *store)
{
	g_return_if_fail (OX_IS_PREFERENCES (self));
	/* read first, then bind: loading must not write back */
	self->store = NULL;
	g_autofree char *font = store ? ox_settings_store_get (store, OX_PREF_FONT_KEY) : NULL;
	g_autofree char *scheme = store ? ox_settings_store_get (store, OX_PREF_SCHEME_KEY) : NULL;
	ox_preferences_set_font (self, font);
	ox_preferences_set_style_scheme (self, scheme);
	self->store = store;
	update_css (self);
}

void
ox_preferences_attach_view (GtkWidget *view)
{
	g_return_if_fail (GTK_IS_WIDGET (view));
	update_css (ox_preferences_get_default ());  /* the provider exists once a display does */
	gtk_widget_add_css_class (view, "ox-editor-font");
}

static void
ox_preferences_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	OxPreferences *self = OX_PREFERENCES (object);
	switch (id) {
	case PROP_FONT: g_value_set_string (value, self->font); break;
	case PROP_STYLE_SCHEME: g_value_set_string (value, self->scheme); break;
	default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
	}
}

static void
ox_preferences_finalize (GObject *object)
{
	OxPreferences *self = OX_PREFERENCES (object);
	g_free (self->font);
	g_free (self->scheme);
	g_clear_object (&self->css);
	G_OBJECT_CLASS (ox_preferences_parent_class)->finalize (object);
}

static void
ox_preferences_class_init (OxPreferencesClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->get_property = ox_preferences_get_property;
	object_class->finalize = ox_preferences_finalize;
	props[PROP_FONT] = g_param_spec_string ("font", NULL, NULL, "",
	                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	props[PROP_STYLE_SCHEME] = g_param_spec_string ("style-scheme", NULL, NULL, "",
	                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
ox_preferences_init (OxPreferences *self)
{
	self->font = g_strdup ("");
	self->scheme = g_strdup ("");
}

OxPreferences *
ox_preferences_get_default (void)
{
	/* lives as long as the process (a static singleton, like GTK's own) */
	static gsize prefs;
	if (g_once_init_enter (&prefs))
		g_once_init_leave (&prefs, (gsize) g_object_new (OX_TYPE_PREFERENCES, NULL));
	return (OxPreferences *) prefs;
}

/* ---- the window ---------------------------------------------------------------------- */

static void
font_set_cb (GtkFontButton *button, gpointer data)
{
	(void) data;
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	g_autofree char *font = gtk_font_chooser_get_font (GTK_FONT_CHOOSER (button));
	G_GNUC_END_IGNORE_DEPRECATIONS
	ox_preferences_set_font (ox_preferences_get_default (), font);
}

static void
scheme_chosen_cb (GtkSourceStyleSchemeChooser *chooser, GParamSpec *pspec, GtkSwitch *follow)
{
	(void) pspec;
	if (gtk_switch_get_active (follow))
		return;
	GtkSourceStyleScheme *scheme = gtk_source_style_scheme_chooser_get_style_scheme (chooser);
	if (scheme)
		ox_preferences_set_style_scheme (ox_preferences_get_default (), gtk_source_style_scheme_get_id (scheme));
}

static void
follow_changed_cb (GtkSwitch *follow, GParamSpec *pspec, GtkWidget *chooser)
{
	(void) pspec;
	gboolean on = gtk_switch_get_active (follow);
	gtk_widget_set_sensitive (chooser, !on);
	if (on)
		ox_preferences_set_style_scheme (ox_preferences_get_default (), "");
	else
		scheme_chosen_cb (GTK_SOURCE_STYLE_SCHEME_CHOOSER (chooser), NULL, follow);
}

GtkWindow *
ox_preferences_window_new (GtkWindow *parent)
{
	OxPreferences *prefs = ox_preferences_get_default ();
	GtkWidget *win = adw_preferences_window_new ();
	gtk_window_set_title (GTK_WINDOW (win), "Preferences");
	if (parent)
		gtk_window_set_transient_for (GTK_WINDOW (win), parent);
	gtk_window_set_modal (GTK_WINDOW (win), TRUE);
	/* one page of a few rows needs no search, and libadwaita's search
	 * entry has no accessible name */
	adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (win), FALSE);

	GtkWidget *page = adw_preferences_page_new ();
	adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), "Editor");
	adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "text-editor-symbolic");

	GtkWidget *font_group = adw_preferences_group_new ();
	adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (font_group), "Font");
	GtkWidget *font_row = adw_action_row_new ();
	adw_preferences_row_set_title (ADW_PREFERENCES_ROW (font_row), "Editor Font");
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GtkWidget *font_button = gtk_font_button_new ();
	if (*ox_preferences_get_font (prefs))
		gtk_font_chooser_set_font (GTK_FONT_CHOOSER (font_button), ox_preferences_get_font (prefs));
	else
		gtk_font_chooser_set_font (GTK_FONT_CHOOSER (font_button), "Monospace 11");
	G_GNUC_END_IGNORE_DEPRECATIONS
	gtk_widget_set_valign (font_button, GTK_ALIGN_CENTER);
	gtk_widget_set_name (font_button, "ox-font-button");
	gtk_accessible_update_property (GTK_ACCESSIBLE (font_button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Editor font", -1);
	/* and its own button, which is what assistive technology reaches */
	for (GtkWidget *c = gtk_widget_get_first_child (font_button); c; c = gtk_widget_get_next_sibling (c))
		if (GTK_IS_BUTTON (c))
			gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL, "Editor font", -1);
	g_signal_connect (font_button, "font-set", G_CALLBACK (font_set_cb), NULL);
	adw_action_row_add_suffix (ADW_ACTION_ROW (font_row), font_button);
	adw_action_row_set_activatable_widget (ADW_ACTION_ROW (font_row), font_button);
	adw_preferences_group_add (ADW_PREFERENCES_GROUP (font_group), font_row);
	adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (font_group));

	GtkWidget *style_group = adw_preferences_group_new ();
	adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (style_group), "Style Scheme");
	GtkWidget *follow_row = adw_action_row_new ();
	adw_preferences_row_set_title (ADW_PREFERENCES_ROW (follow_row), "Follow the System's Dark or Light Style");
	GtkWidget *follow = gtk_switch_new ();
	gtk_widget_set_valign (follow, GTK_ALIGN_CENTER);
	gtk_accessible_update_property (GTK_ACCESSIBLE (follow), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Follow the system's dark or light style", -1);
	gtk_switch_set_active (GTK_SWITCH (follow), !*ox_preferences_get_style_scheme (prefs));
	adw_action_row_add_suffix (ADW_ACTION_ROW (follow_row), follow);
	adw_action_row_set_activatable_widget (ADW_ACTION_ROW (follow_row), follow);
	adw_preferences_group_add (ADW_PREFERENCES_GROUP (style_group), follow_row);
	GtkWidget *chooser = gtk_source_style_scheme_chooser_widget_new ();
	gtk_accessible_update_property (GTK_ACCESSIBLE (chooser), GTK_ACCESSIBLE_PROPERTY_LABEL, "Style scheme", -1);
	GtkSourceStyleScheme *current = gtk_source_style_scheme_manager_get_scheme (
		gtk_source_style_scheme_manager_get_default (), ox_preferences_effective_scheme (prefs));
	if (current)
		gtk_source_style_scheme_chooser_set_style_scheme (GTK_SOURCE_STYLE_SCHEME_CHOOSER (chooser), current);
	gtk_widget_set_sensitive (chooser, !gtk_switch_get_active (GTK_SWITCH (follow)));
	g_signal_connect (chooser, "notify::style-scheme", G_CALLBACK (scheme_chosen_cb), follow);
	g_signal_connect (follow, "notify::active", G_CALLBACK (follow_changed_cb), chooser);
	gtk_widget_set_margin_top (chooser, 12);
	adw_preferences_group_add (ADW_PREFERENCES_GROUP (style_group), chooser);
	adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (style_group));

	adw_preferences_window_add (ADW_PREFERENCES_WINDOW (win), ADW_PREFERENCES_PAGE (page));
	return GTK_WINDOW (win);
}
