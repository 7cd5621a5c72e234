/*
 * ox-application.h — OxApplication, the workstation's AdwApplication
 * (org.oxibase.Workstation): command line (--demo, PATH), the settings
 * store, the language definition, one window per database.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OX_APPLICATION_ID "org.oxibase.Workstation"

#define OX_TYPE_APPLICATION (ox_application_get_type ())
G_DECLARE_FINAL_TYPE (OxApplication, ox_application, OX, APPLICATION, AdwApplication)

/* demo_sql: the demo database's script (app/cli/demo.sql), kept by pointer. */
OxApplication *ox_application_new (const char *demo_sql);

/* Resources and the language manager's search path; call once before
 * creating widgets when no OxApplication runs (tests). */
void ox_ui_init (void);

G_END_DECLS
