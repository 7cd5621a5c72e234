/*
 * main.c — oxibase-workstation, the GTK 4 desktop workstation.
 *
 *   oxibase-workstation [--demo] [DATABASE-DIRECTORY…]
 *
 * Everything lives in ui/ (OxApplication); this file hands it the demo
 * database's script, the same app/cli/demo.sql the CLI's --demo runs,
 * embedded at build time.
 */
#include "ox-application.h"

#include <locale.h>

extern const char ox_cli_demo_sql[];

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	g_autoptr (OxApplication) app = ox_application_new (ox_cli_demo_sql);
	return g_application_run (G_APPLICATION (app), argc, argv);
}
