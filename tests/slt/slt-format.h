/*
 * slt-format.h — the engine-free half of the sqllogictest runner: record
 * parsing, value formatting, sorting, hashing, result comparison and the
 * xfail list.
 *
 * Everything here is a pure function of its arguments so that
 * tests/slt/test-slt-format.c can pin the runner's behaviour down without
 * an engine; slt-runner.c only adds the calls into oxibase.h.
 *
 * NOTE: the formatting rules copy the reference sqllogictest (SQLite's
 * sqllogictest.c with its SQLite driver) byte for byte, because the public
 * corpus stores MD5 hashes of formatted values: a single differing byte in
 * one value changes the hash of a whole result and turns a right answer
 * into a failure that nobody can read.  Change them only with a corpus run.
 */
#ifndef SLT_FORMAT_H
#define SLT_FORMAT_H

#include <glib.h>
#include <stdbool.h>

/* The name we answer to in skipif/onlyif lines. */
#define SLT_ENGINE_NAME "postgresql"

typedef enum SltRecordKind {
	SLT_RECORD_STATEMENT,       /* statement ok | statement error [SQLSTATE] */
	SLT_RECORD_QUERY,           /* query TYPES [SORT] [LABEL] | query error [SQLSTATE] */
	SLT_RECORD_HASH_THRESHOLD,  /* hash-threshold N */
	SLT_RECORD_HALT,            /* halt: ignore the rest of the file */
	SLT_RECORD_INVALID,         /* unparseable; message says why */
} SltRecordKind;

typedef enum SltSort {
	SLT_SORT_NONE,   /* nosort: keep the engine's order */
	SLT_SORT_ROW,    /* rowsort: sort rows, columns compared left to right */
	SLT_SORT_VALUE,  /* valuesort: sort every value on its own */
} SltSort;

typedef struct SltRecord {
	SltRecordKind kind;
	int        line;          /* 1-based line of the keyword (statement/query/...);
	                             the number xfail entries and reports use */
	GPtrArray *skipif;        /* engine names (char *) from skipif lines */
	GPtrArray *onlyif;        /* engine names (char *) from onlyif lines */
	bool       expect_error;  /* statement error / query error */
	char       sqlstate[6];   /* required SQLSTATE of the error; "" = any error */
	char      *types;         /* query: one of T, I, R per column; NULL otherwise */
	SltSort    sort;          /* query: how results are ordered before comparing */
	char      *label;         /* query: label whose results must agree, or NULL */
	char      *sql;           /* statement text, lines joined with '\n' */
	bool       has_results;   /* query: a "----" line was present */
	GPtrArray *expected;      /* query: lines after "----" (char *), possibly empty */
	int        threshold;     /* hash-threshold: its argument */
	char      *message;       /* invalid: why the record was rejected */
} SltRecord;

/* Split a script into records.  Never fails: a record it cannot read
 * becomes SLT_RECORD_INVALID (so the runner reports it and goes on).
 * CR LF line ends, trailing blanks and '#' comment lines are tolerated as
 * in the reference.  Returns an array that frees its records. */
GPtrArray *slt_parse (const char *text, gsize len);
void       slt_record_free (SltRecord *r);
/* True when skipif/onlyif conditions exclude the record for engine. */
bool       slt_record_skipped (const SltRecord *r, const char *engine);

/* Format one value for result type letter type ('T', 'I' or 'R').  text is
 * the engine's text form, NULL for SQL NULL.  is_bool says the column is
 * boolean, whose PostgreSQL text form "t"/"f" reads as 1/0 for I and R
 * (SQLite, which wrote the corpus, has no booleans: its true is 1).
 * Returns a new string. */
char      *slt_format_value (char type, const char *text, bool is_bool);
/* The numeric conversions slt_format_value uses, exposed for tests. */
long long  slt_text_to_int (const char *text);
double     slt_text_to_real (const char *text);
/* printf ("%.3f") as SQLite's own printf renders it: at most 16
 * significant digits, halves rounded away from zero, no "-0.000" for -0. */
char      *slt_format_real (double v);

/* Order values (a flat array of char *, row-major, ncols per row) in place. */
void       slt_sort_values (GPtrArray *values, int ncols, SltSort sort);
/* "N values hashing to MD5" over the values, each followed by '\n'. */
char      *slt_hash_values (GPtrArray *values);
/* Parse "N values hashing to MD5" (or "1 value ..."); false if line is not one. */
bool       slt_parse_hash_line (const char *line, int *count, char md5[33]);

/* Compare sorted, formatted values with a record's expected lines.  The
 * expected block may be a hash line, one value per line, or (when there is
 * more than one column) one row per line with values separated by single
 * spaces.  Returns true when they agree; otherwise *why (if not NULL)
 * receives a new one-line explanation. */
bool       slt_compare_results (GPtrArray *expected, GPtrArray *values, int ncols,
                                char **why);

/* One line of an xfail list: "relative/path.test:LINE  # reason". */
typedef struct SltXfail {
	char *path;    /* as written, e.g. "evidence/in1.test" */
	int   line;    /* record line */
	char *reason;  /* text after '#', or "" */
	int   hits;    /* times a record matched this entry (set by the runner) */
} SltXfail;

/* Parse an xfail list.  Returns NULL and sets *error on a malformed line
 * (a typo there would otherwise silently stop excusing a failure). */
GPtrArray *slt_xfail_parse (const char *text, GError **error);
/* True when entry_path names file_path: equal, or a suffix of it that
 * starts at a '/' ("select1.test" names "../x/sqllogictest/select1.test"). */
bool       slt_path_matches (const char *file_path, const char *entry_path);
/* The entry for file_path:line, or NULL. */
SltXfail  *slt_xfail_find (GPtrArray *xfails, const char *file_path, int line);

/* Append s to out as a JSON string literal, quotes included. */
void       slt_json_append_string (GString *out, const char *s);

#endif
