/*
 * print.c — print result tables: psql's aligned format, CSV and JSON.
 *
 * The aligned format is psql's default (\pset format aligned, border 1,
 * linestyle ascii) to the byte: a header line with each name centered
 * (the odd space of padding on the right), a rule of '-' joined by '+',
 * text left-aligned and numbers right-aligned, "(N rows)" and an empty
 * line.  A value with newlines spans several lines with a '+' after each
 * but the last, like psql; tabs expand to 8-column stops; other control
 * characters print as \xNN or \uNNNN and \r as "\r".  Widths are display
 * columns: East Asian wide characters take two, combining marks none.
 *
 * CSV follows psql --csv (RFC 4180 quoting, LF line ends, a header line,
 * no footer).  JSON prints one array per result, one object per row, with
 * numbers bare and NULL as null.
 *
 * NOTE: trailing spaces are part of psql's format (the last header cell
 * is padded, the last data cell is not); tests compare bytes, so keep them.
 * NOTE: the width of a character must agree between the sizing pass and
 * the printing pass, so both go through cell_lines().
 * NOTE: JSON has no NaN or Infinity: such float and numeric values are
 * printed as strings, and so is anything that does not look like a JSON
 * number, rather than emitting an invalid document.
 * NOTE: JSON objects of a result with duplicate column names (SELECT 1, 2
 * gives two "?column?") keep both keys; most parsers keep the last.
 */
#include "cli.h"

#include <math.h>
#include <string.h>

/* One display line of a cell, ready to print. */
typedef struct CellLine {
	char *text;   /* escaped display text; owned */
	int   width;  /* display columns */
} CellLine;

static void
cell_line_clear (gpointer p)
{
	g_free (((CellLine *) p)->text);
}

/* Display width of one character as psql's ucs_wcwidth counts it: -1 for
 * control characters, 0 for combining marks, 2 for wide ones. */
static int
char_width (gunichar u)
{
	if (u == 0)
		return 0;
	if (u < 0x20 || (u >= 0x7f && u < 0xa0))
		return -1;
	if (g_unichar_iszerowidth (u))
		return 0;
	return g_unichar_iswide (u) ? 2 : 1;
}

/* Split s into display lines (at '\n') in psql's escaped form. */
static GArray *
cell_lines (const char *s)
{
	GArray *lines = g_array_new (FALSE, FALSE, sizeof (CellLine));
	g_array_set_clear_func (lines, cell_line_clear);
	GString *cur = g_string_new (NULL);
	int width = 0;
	const char *p = s;
	const char *end = s + strlen (s);

	while (p < end) {
		unsigned char c = (unsigned char) *p;
		if (c == '\n') {
			CellLine l = { g_string_free (cur, FALSE), width };
			g_array_append_val (lines, l);
			cur = g_string_new (NULL);
			width = 0;
			p++;
		} else if (c == '\r') {
			g_string_append (cur, "\\r");
			width += 2;
			p++;
		} else if (c == '\t') {
			do {
				g_string_append_c (cur, ' ');
				width++;
			} while (width % 8 != 0);
			p++;
		} else if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				g_string_append_printf (cur, "\\x%02X", c);
				width += 4;
			} else {
				g_string_append_c (cur, (char) c);
				width++;
			}
			p++;
		} else {
			gunichar u = g_utf8_get_char_validated (p, end - p);
			if (u == (gunichar) -1 || u == (gunichar) -2) {
				/* Not UTF-8 (the engine should never hand us this):
				 * show the byte rather than mis-measure the line. */
				g_string_append_printf (cur, "\\x%02X", c);
				width += 4;
				p++;
				continue;
			}
			const char *nx = g_utf8_next_char (p);
			int w = char_width (u);
			if (w < 0) {
				g_string_append_printf (cur, "\\u%04X", u);
				width += 6;
			} else {
				g_string_append_len (cur, p, nx - p);
				width += w;
			}
			p = nx;
		}
	}
	CellLine l = { g_string_free (cur, FALSE), width };
	g_array_append_val (lines, l);
	return lines;
}

int
ox_cli_display_width (const char *s)
{
	GArray *lines = cell_lines (s);
	int w = 0;
	for (guint i = 0; i < lines->len; i++)
		w = MAX (w, g_array_index (lines, CellLine, i).width);
	g_array_unref (lines);
	return w;
}

static bool
is_numeric_type (OxColumnType t)
{
	switch (t) {
	case OX_TYPE_SMALLINT:
	case OX_TYPE_INTEGER:
	case OX_TYPE_BIGINT:
	case OX_TYPE_NUMERIC:
	case OX_TYPE_REAL:
	case OX_TYPE_DOUBLE:
		return true;
	default:
		return false;
	}
}

static void
pad (FILE *out, int n)
{
	for (int i = 0; i < n; i++)
		fputc (' ', out);
}

/* ---- aligned --------------------------------------------------------------- */

static void
print_aligned (const OxCliTable *t, FILE *out)
{
	int nc = t->ncols;
	guint nr = t->rows->len;
	int *width = g_new0 (int, nc > 0 ? nc : 1);
	bool *right = g_new0 (bool, nc > 0 ? nc : 1);
	/* All cells are formatted once up front: the widths need every value
	 * anyway, and this keeps sizing and printing in agreement. */
	GArray **hdr = g_new0 (GArray *, nc > 0 ? nc : 1);
	GArray **cells = g_new0 (GArray *, (gsize) nr * nc + 1);

	for (int j = 0; j < nc; j++) {
		right[j] = is_numeric_type (t->types[j]);
		hdr[j] = cell_lines (t->headers[j]);
		for (guint k = 0; k < hdr[j]->len; k++)
			width[j] = MAX (width[j], g_array_index (hdr[j], CellLine, k).width);
	}
	for (guint r = 0; r < nr; r++) {
		char **row = t->rows->pdata[r];
		for (int j = 0; j < nc; j++) {
			GArray *l = cells[(gsize) r * nc + j] = cell_lines (row[j] ? row[j] : "");
			for (guint k = 0; k < l->len; k++)
				width[j] = MAX (width[j], g_array_index (l, CellLine, k).width);
		}
	}

	/* The title is centered over the whole table, separators included. */
	if (t->title) {
		int total = nc > 0 ? nc * 3 - 1 : 0;
		for (int j = 0; j < nc; j++)
			total += width[j];
		int tw = ox_cli_display_width (t->title);
		if (tw < total)
			pad (out, (total - tw) / 2);
		fprintf (out, "%s\n", t->title);
	}

	/* Header: every cell centered and padded, even the last; a name that
	 * spans lines gets '+' at the end of each line but its last. */
	/* With no columns (SELECT;) psql prints no header and no row lines,
	 * just the rule and the count. */
	guint hlines = nc > 0 ? 1 : 0;
	for (int j = 0; j < nc; j++)
		hlines = MAX (hlines, hdr[j]->len);
	for (guint k = 0; k < hlines; k++) {
		for (int j = 0; j < nc; j++) {
			fputc (' ', out);
			if (k < hdr[j]->len) {
				CellLine *l = &g_array_index (hdr[j], CellLine, k);
				int space = width[j] - l->width;
				pad (out, space / 2);
				fputs (l->text, out);
				pad (out, (space + 1) / 2);
				fputc (k + 1 < hdr[j]->len ? '+' : ' ', out);
			} else {
				pad (out, width[j]);
				fputc (' ', out);
			}
			if (j < nc - 1)
				fputc ('|', out);
		}
		fputc ('\n', out);
	}

	fputc ('-', out);
	for (int j = 0; j < nc; j++) {
		for (int k = 0; k < width[j]; k++)
			fputc ('-', out);
		if (j < nc - 1)
			fputs ("-+-", out);
	}
	fputs ("-\n", out);

	for (guint r = 0; r < nr && nc > 0; r++) {
		GArray **rc = &cells[(gsize) r * nc];
		guint rlines = 1;
		for (int j = 0; j < nc; j++)
			rlines = MAX (rlines, rc[j]->len);
		for (guint k = 0; k < rlines; k++) {
			for (int j = 0; j < nc; j++) {
				bool last = j == nc - 1;
				bool has = k < rc[j]->len;
				bool more = k + 1 < rc[j]->len;
				fputc (' ', out);
				if (!has) {
					/* this column's value has run out of lines */
					if (!last)
						pad (out, width[j]);
				} else {
					CellLine *l = &g_array_index (rc[j], CellLine, k);
					if (right[j]) {
						pad (out, width[j] - l->width);
						fputs (l->text, out);
					} else {
						fputs (l->text, out);
						if (!last || more)
							pad (out, width[j] - l->width);
					}
				}
				if (more)
					fputc ('+', out);
				else if (!last)
					fputc (' ', out);
				if (!last)
					fputc ('|', out);
			}
			fputc ('\n', out);
		}
	}

	if (t->footers) {
		for (guint i = 0; i < t->footers->len; i++)
			fprintf (out, "%s\n", (const char *) t->footers->pdata[i]);
	} else
		fprintf (out, nr == 1 ? "(%u row)\n" : "(%u rows)\n", nr);
	fputc ('\n', out);

	for (int j = 0; j < nc; j++)
		g_array_unref (hdr[j]);
	for (gsize i = 0; i < (gsize) nr * nc; i++)
		g_array_unref (cells[i]);
	g_free (cells);
	g_free (hdr);
	g_free (right);
	g_free (width);
}

/* ---- CSV ------------------------------------------------------------------- */

/* psql's rule: quote a field holding the separator, a quote, CR or LF, or
 * exactly "\." (which COPY would read as the end of the data). */
static void
csv_field (const char *s, FILE *out)
{
	if (!strpbrk (s, ",\"\r\n") && strcmp (s, "\\.") != 0) {
		fputs (s, out);
		return;
	}
	fputc ('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc ('"', out);
		fputc (*p, out);
	}
	fputc ('"', out);
}

static void
print_csv (const OxCliTable *t, FILE *out)
{
	for (int j = 0; j < t->ncols; j++) {
		if (j > 0)
			fputc (',', out);
		csv_field (t->headers[j], out);
	}
	fputc ('\n', out);
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = t->rows->pdata[r];
		for (int j = 0; j < t->ncols; j++) {
			if (j > 0)
				fputc (',', out);
			csv_field (row[j] ? row[j] : "", out);
		}
		fputc ('\n', out);
	}
}

/* ---- JSON ------------------------------------------------------------------ */

static void
json_string (const char *s, FILE *out)
{
	g_autofree char *valid = NULL;
	if (!g_utf8_validate (s, -1, NULL))
		s = valid = g_utf8_make_valid (s, -1);
	fputc ('"', out);
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		switch (*p) {
		case '"': fputs ("\\\"", out); break;
		case '\\': fputs ("\\\\", out); break;
		case '\b': fputs ("\\b", out); break;
		case '\f': fputs ("\\f", out); break;
		case '\n': fputs ("\\n", out); break;
		case '\r': fputs ("\\r", out); break;
		case '\t': fputs ("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf (out, "\\u%04x", *p);
			else
				fputc (*p, out);
		}
	}
	fputc ('"', out);
}

/* True when s is a number as JSON writes them (RFC 8259, section 6). */
static bool
json_number_ok (const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (g_ascii_isdigit (*p))
		while (g_ascii_isdigit (*p))
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit (*p))
			return false;
		while (g_ascii_isdigit (*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!g_ascii_isdigit (*p))
			return false;
		while (g_ascii_isdigit (*p))
			p++;
	}
	return *p == '\0';
}

static void
json_value (const char *v, OxColumnType type, FILE *out)
{
	if (!v)
		fputs ("null", out);
	else if (type == OX_TYPE_BOOLEAN && (!strcmp (v, "t") || !strcmp (v, "f")))
		fputs (v[0] == 't' ? "true" : "false", out);
	else if (is_numeric_type (type) && json_number_ok (v))
		fputs (v, out);
	else
		json_string (v, out);
}

static void
print_json (const OxCliTable *t, FILE *out)
{
	if (t->rows->len == 0) {
		fputs ("[]\n", out);
		return;
	}
	fputs ("[\n", out);
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = t->rows->pdata[r];
		fputs ("  {", out);
		for (int j = 0; j < t->ncols; j++) {
			if (j > 0)
				fputs (", ", out);
			json_string (t->headers[j], out);
			fputs (": ", out);
			json_value (row[j], t->types[j], out);
		}
		fputs (r + 1 < t->rows->len ? "},\n" : "}\n", out);
	}
	fputs ("]\n", out);
}

void
ox_cli_print_table (OxCli *cli, const OxCliTable *t, FILE *out)
{
	switch (cli->format) {
	case OX_CLI_ALIGNED: print_aligned (t, out); break;
	case OX_CLI_CSV: print_csv (t, out); break;
	case OX_CLI_JSON: print_json (t, out); break;
	}
}

/* psql's PrintTiming: milliseconds, and past a second the duration as
 * [[d ]hh:]mm:ss.fff too. */
void
ox_cli_print_timing (double msec, FILE *out)
{
	if (msec < 1000.0) {
		fprintf (out, "Time: %.3f ms\n", msec);
		return;
	}
	double seconds = msec / 1000.0;
	double minutes = floor (seconds / 60.0);
	seconds -= 60.0 * minutes;
	if (minutes < 60.0) {
		fprintf (out, "Time: %.3f ms (%02d:%06.3f)\n", msec, (int) minutes, seconds);
		return;
	}
	double hours = floor (minutes / 60.0);
	minutes -= 60.0 * hours;
	if (hours < 24.0) {
		fprintf (out, "Time: %.3f ms (%02d:%02d:%06.3f)\n", msec, (int) hours, (int) minutes, seconds);
		return;
	}
	double days = floor (hours / 24.0);
	hours -= 24.0 * days;
	fprintf (out, "Time: %.3f ms (%.0f d %02d:%02d:%06.3f)\n", msec, days, (int) hours,
	         (int) minutes, seconds);
}
