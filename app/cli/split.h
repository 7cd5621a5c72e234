/*
 * split.h — cut the CLI's input into SQL statements and backslash commands.
 *
 * See split.c for the lexical rules.
 */
#ifndef OX_CLI_SPLIT_H
#define OX_CLI_SPLIT_H

#include <glib.h>
#include <stdbool.h>

/* Where the scanner stands between two characters; the prompt shows it. */
typedef enum OxScanState {
	OX_SCAN_NORMAL = 0,     /* outside any quote or comment */
	OX_SCAN_SQUOTE,         /* inside '...' (or E'...', see estring) */
	OX_SCAN_DQUOTE,         /* inside "..." */
	OX_SCAN_DOLLAR,         /* inside $tag$...$tag$ */
	OX_SCAN_COMMENT,        /* inside a (nestable) block comment */
} OxScanState;

typedef struct OxScanner {
	GString    *buf;            /* the statement collected so far; owned */
	OxScanState state;
	bool        estring;        /* the open '...' takes backslash escapes */
	int         comment_depth;  /* nesting of block comments, >= 1 in COMMENT */
	int         paren_depth;    /* open '(' outside quotes; never < 0 */
	char       *dollar_tag;     /* "$tag$" of the open dollar quote, or NULL; owned */
} OxScanner;

/* What ox_scanner_scan stopped at. */
typedef enum OxScanResult {
	OX_SCAN_END,        /* the text ran out; the statement (if any) goes on */
	OX_SCAN_STATEMENT,  /* a ';' ended a statement: take it with ox_scanner_take */
	OX_SCAN_BACKSLASH,  /* a backslash command starts at *pos (at the '\') */
} OxScanResult;

void  ox_scanner_init (OxScanner *sc);
void  ox_scanner_clear (OxScanner *sc);
/* Forget the collected statement and any open quote or comment. */
void  ox_scanner_reset (OxScanner *sc);

/* Begin a new input line: separates it from the text already collected. */
void  ox_scanner_newline (OxScanner *sc);
/* Scan line[*pos..len), collecting statement text.  Returns at the first
 * statement end (with *pos just past the ';'), at a backslash command
 * (with *pos at the backslash) or at the end of the text (*pos == len). */
OxScanResult ox_scanner_scan (OxScanner *sc, const char *line, size_t len, size_t *pos);
/* The statement collected so far (transfer full); the scanner starts over. */
char *ox_scanner_take (OxScanner *sc);
/* True when nothing but whitespace and line comments has been seen. */
bool  ox_scanner_empty (const OxScanner *sc);
/* psql's %R prompt character: '=' ready, '-' continuing, '\'', '"', '$',
 * '*' (in a comment) or '(' (inside parentheses). */
char  ox_scanner_prompt_char (const OxScanner *sc);

/* A backslash command parsed from line[pos..]: the name without the
 * backslash ("dt", "?", "d+") and the rest of the line up to a "\\"
 * separator or the line's end, trimmed.  *next is where scanning resumes. */
void  ox_split_backslash (const char *line, size_t len, size_t pos, char **name,
                          char **args, size_t *next);
/* Split backslash-command arguments into words.  'single quotes' group
 * (with '' for a quote) and are removed; "double quotes" group and are
 * kept, since \d "MixedCase" means the exact name.  Transfer full. */
char **ox_split_words (const char *args);

#endif
