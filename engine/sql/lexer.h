/*
 * lexer.h — tokens and keywords of Oxibase's SQL dialect (PostgreSQL's).
 *
 * The lexer turns statement text into tokens on demand, one call per token;
 * the parser keeps the few tokens of lookahead it needs.  Token values that
 * need decoding (quoted identifiers, string constants) are decoded into the
 * parse arena as they are scanned; everything else is a slice of the input
 * (loc, len) that the parser copies only when it builds a node.
 *
 * NOTE: the input is a byte range, not a C string: it need not be
 * NUL-terminated, and an embedded NUL is an error (22021), as is any byte
 * sequence that is not UTF-8.  Bytes are validated where the lexer steps
 * over them, so an invalid byte after the end of the statement being parsed
 * is reported by the call that parses that later statement.
 * NOTE: every lexical error is raised with ox_raise (longjmp); positions are
 * 1-based BYTE offsets into the text handed to ox_lexer_init (PostgreSQL
 * counts characters; the caller converts when it reports to a client).
 */
#ifndef OX_LEXER_H
#define OX_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Identifiers are truncated to OX_NAMEDATALEN - 1 bytes, as PostgreSQL does
 * with NAMEDATALEN (without its NOTICE). */
#define OX_NAMEDATALEN 64

typedef enum OxTokKind {
	OX_TOK_EOF = 0,
	OX_TOK_IDENT,          /* unquoted identifier or keyword (kw != OX_KW_NONE) */
	OX_TOK_QIDENT,         /* "quoted identifier": str holds the decoded, truncated name */
	OX_TOK_STRING,         /* '...', E'...', $tag$...$tag$: str/str_len hold the value */
	OX_TOK_BITSTRING,      /* B'...' or X'...': recognised so that it can be refused */
	OX_TOK_INTEGER,        /* digits only */
	OX_TOK_DECIMAL,        /* 1.5, .5, 5., 1e10 */
	OX_TOK_PARAM,          /* $n: ival holds n (may be 0 or negative on overflow) */
	OX_TOK_CHAR,           /* one of , ( ) [ ] . ; : + - * / % ^ < > = or a stray byte: ch */
	OX_TOK_OP,             /* any other operator: text at loc/len */
	OX_TOK_TYPECAST,       /* :: */
	OX_TOK_DOT_DOT,        /* .. */
	OX_TOK_COLON_EQUALS,   /* := */
	OX_TOK_EQUALS_GREATER, /* => */
	OX_TOK_LESS_EQUALS,    /* <= */
	OX_TOK_GREATER_EQUALS, /* >= */
	OX_TOK_NOT_EQUALS,     /* <> or != */
} OxTokKind;

typedef struct OxToken {
	OxTokKind   kind;
	int         kw;       /* OxKeyword for IDENT tokens, OX_KW_NONE otherwise */
	int         loc;      /* byte offset of the token's first byte */
	int         len;      /* bytes of source text the token spans */
	int         ch;       /* OX_TOK_CHAR: the character (0..255) */
	int         ival;     /* OX_TOK_PARAM: the parameter number */
	const char *str;      /* QIDENT/STRING/BITSTRING: decoded value, NUL-terminated, arena */
	int         str_len;  /* bytes in str, excluding the NUL */
} OxToken;

/* Keyword categories, as in PostgreSQL's kwlist: where a keyword may serve
 * as a name decides much of the grammar (see parser.c). */
typedef enum OxKwCategory {
	OX_KWC_UNRESERVED,  /* usable as any name */
	OX_KWC_COLNAME,     /* column/table names, not function or type names */
	OX_KWC_TYPEFUNC,    /* function or type names, not column names */
	OX_KWC_RESERVED,    /* only after AS or as an attribute name (t.select) */
} OxKwCategory;

/* The keyword table: X (ENUM, "text", category, bare_label).  It MUST stay
 * sorted by text in strcmp order: lookup is a binary search over it (the
 * parser tests assert the order).  bare_label = 0 marks the keywords that
 * PostgreSQL only accepts as a column label after AS (SELECT 1 AS day). */
#define OX_KEYWORD_LIST(X) \
	X (ABORT, "abort", OX_KWC_UNRESERVED, 1) \
	X (ACTION, "action", OX_KWC_UNRESERVED, 1) \
	X (ALL, "all", OX_KWC_RESERVED, 1) \
	X (ANALYSE, "analyse", OX_KWC_RESERVED, 1) \
	X (ANALYZE, "analyze", OX_KWC_RESERVED, 1) \
	X (AND, "and", OX_KWC_RESERVED, 1) \
	X (ANY, "any", OX_KWC_RESERVED, 1) \
	X (ARRAY, "array", OX_KWC_RESERVED, 0) \
	X (AS, "as", OX_KWC_RESERVED, 0) \
	X (ASC, "asc", OX_KWC_RESERVED, 1) \
	X (ASYMMETRIC, "asymmetric", OX_KWC_RESERVED, 1) \
	X (AT, "at", OX_KWC_UNRESERVED, 1) \
	X (AUTHORIZATION, "authorization", OX_KWC_TYPEFUNC, 1) \
	X (BEGIN, "begin", OX_KWC_UNRESERVED, 1) \
	X (BETWEEN, "between", OX_KWC_COLNAME, 1) \
	X (BIGINT, "bigint", OX_KWC_COLNAME, 1) \
	X (BINARY, "binary", OX_KWC_TYPEFUNC, 1) \
	X (BIT, "bit", OX_KWC_COLNAME, 1) \
	X (BOOLEAN, "boolean", OX_KWC_COLNAME, 1) \
	X (BOTH, "both", OX_KWC_RESERVED, 1) \
	X (BY, "by", OX_KWC_UNRESERVED, 1) \
	X (CASCADE, "cascade", OX_KWC_UNRESERVED, 1) \
	X (CASCADED, "cascaded", OX_KWC_UNRESERVED, 1) \
	X (CASE, "case", OX_KWC_RESERVED, 1) \
	X (CAST, "cast", OX_KWC_RESERVED, 1) \
	X (CHAIN, "chain", OX_KWC_UNRESERVED, 1) \
	X (CHAR, "char", OX_KWC_COLNAME, 0) \
	X (CHARACTER, "character", OX_KWC_COLNAME, 0) \
	X (CHARACTERISTICS, "characteristics", OX_KWC_UNRESERVED, 1) \
	X (CHECK, "check", OX_KWC_RESERVED, 1) \
	X (CHECKPOINT, "checkpoint", OX_KWC_UNRESERVED, 1) \
	X (COALESCE, "coalesce", OX_KWC_COLNAME, 1) \
	X (COLLATE, "collate", OX_KWC_RESERVED, 1) \
	X (COLLATION, "collation", OX_KWC_TYPEFUNC, 1) \
	X (COLUMN, "column", OX_KWC_RESERVED, 1) \
	X (COMMIT, "commit", OX_KWC_UNRESERVED, 1) \
	X (COMMITTED, "committed", OX_KWC_UNRESERVED, 1) \
	X (CONCURRENTLY, "concurrently", OX_KWC_TYPEFUNC, 1) \
	X (CONFLICT, "conflict", OX_KWC_UNRESERVED, 1) \
	X (CONSTRAINT, "constraint", OX_KWC_RESERVED, 1) \
	X (CONTINUE, "continue", OX_KWC_UNRESERVED, 1) \
	X (CREATE, "create", OX_KWC_RESERVED, 0) \
	X (CROSS, "cross", OX_KWC_TYPEFUNC, 1) \
	X (CURRENT, "current", OX_KWC_UNRESERVED, 1) \
	X (CURRENT_CATALOG, "current_catalog", OX_KWC_RESERVED, 1) \
	X (CURRENT_DATE, "current_date", OX_KWC_RESERVED, 1) \
	X (CURRENT_ROLE, "current_role", OX_KWC_RESERVED, 1) \
	X (CURRENT_SCHEMA, "current_schema", OX_KWC_TYPEFUNC, 1) \
	X (CURRENT_TIME, "current_time", OX_KWC_RESERVED, 1) \
	X (CURRENT_TIMESTAMP, "current_timestamp", OX_KWC_RESERVED, 1) \
	X (CURRENT_USER, "current_user", OX_KWC_RESERVED, 1) \
	X (DATA, "data", OX_KWC_UNRESERVED, 1) \
	X (DAY, "day", OX_KWC_UNRESERVED, 0) \
	X (DEC, "dec", OX_KWC_COLNAME, 1) \
	X (DECIMAL, "decimal", OX_KWC_COLNAME, 1) \
	X (DEFAULT, "default", OX_KWC_RESERVED, 1) \
	X (DEFERRABLE, "deferrable", OX_KWC_RESERVED, 1) \
	X (DEFERRED, "deferred", OX_KWC_UNRESERVED, 1) \
	X (DELETE, "delete", OX_KWC_UNRESERVED, 1) \
	X (DESC, "desc", OX_KWC_RESERVED, 1) \
	X (DISTINCT, "distinct", OX_KWC_RESERVED, 1) \
	X (DO, "do", OX_KWC_RESERVED, 1) \
	X (DOUBLE, "double", OX_KWC_UNRESERVED, 1) \
	X (DROP, "drop", OX_KWC_UNRESERVED, 1) \
	X (ELSE, "else", OX_KWC_RESERVED, 1) \
	X (END, "end", OX_KWC_RESERVED, 1) \
	X (ESCAPE, "escape", OX_KWC_UNRESERVED, 1) \
	X (EXCEPT, "except", OX_KWC_RESERVED, 0) \
	X (EXISTS, "exists", OX_KWC_COLNAME, 1) \
	X (EXPLAIN, "explain", OX_KWC_UNRESERVED, 1) \
	X (EXTRACT, "extract", OX_KWC_COLNAME, 1) \
	X (FALSE, "false", OX_KWC_RESERVED, 1) \
	X (FETCH, "fetch", OX_KWC_RESERVED, 0) \
	X (FILTER, "filter", OX_KWC_UNRESERVED, 0) \
	X (FIRST, "first", OX_KWC_UNRESERVED, 1) \
	X (FLOAT, "float", OX_KWC_COLNAME, 1) \
	X (FOR, "for", OX_KWC_RESERVED, 0) \
	X (FOREIGN, "foreign", OX_KWC_RESERVED, 1) \
	X (FREEZE, "freeze", OX_KWC_TYPEFUNC, 1) \
	X (FROM, "from", OX_KWC_RESERVED, 0) \
	X (FULL, "full", OX_KWC_TYPEFUNC, 1) \
	X (GENERATED, "generated", OX_KWC_UNRESERVED, 1) \
	X (GLOBAL, "global", OX_KWC_UNRESERVED, 1) \
	X (GRANT, "grant", OX_KWC_RESERVED, 0) \
	X (GREATEST, "greatest", OX_KWC_COLNAME, 1) \
	X (GROUP, "group", OX_KWC_RESERVED, 0) \
	X (GROUPING, "grouping", OX_KWC_COLNAME, 1) \
	X (HAVING, "having", OX_KWC_RESERVED, 0) \
	X (HOUR, "hour", OX_KWC_UNRESERVED, 0) \
	X (IDENTITY, "identity", OX_KWC_UNRESERVED, 1) \
	X (IF, "if", OX_KWC_UNRESERVED, 1) \
	X (ILIKE, "ilike", OX_KWC_TYPEFUNC, 1) \
	X (IMMEDIATE, "immediate", OX_KWC_UNRESERVED, 1) \
	X (IN, "in", OX_KWC_RESERVED, 1) \
	X (INCLUDE, "include", OX_KWC_UNRESERVED, 1) \
	X (INDEX, "index", OX_KWC_UNRESERVED, 1) \
	X (INHERIT, "inherit", OX_KWC_UNRESERVED, 1) \
	X (INITIALLY, "initially", OX_KWC_RESERVED, 1) \
	X (INNER, "inner", OX_KWC_TYPEFUNC, 1) \
	X (INOUT, "inout", OX_KWC_COLNAME, 1) \
	X (INSERT, "insert", OX_KWC_UNRESERVED, 1) \
	X (INT, "int", OX_KWC_COLNAME, 1) \
	X (INTEGER, "integer", OX_KWC_COLNAME, 1) \
	X (INTERSECT, "intersect", OX_KWC_RESERVED, 0) \
	X (INTERVAL, "interval", OX_KWC_COLNAME, 1) \
	X (INTO, "into", OX_KWC_RESERVED, 0) \
	X (IS, "is", OX_KWC_TYPEFUNC, 1) \
	X (ISNULL, "isnull", OX_KWC_TYPEFUNC, 0) \
	X (ISOLATION, "isolation", OX_KWC_UNRESERVED, 1) \
	X (JOIN, "join", OX_KWC_TYPEFUNC, 1) \
	X (KEY, "key", OX_KWC_UNRESERVED, 1) \
	X (LAST, "last", OX_KWC_UNRESERVED, 1) \
	X (LATERAL, "lateral", OX_KWC_RESERVED, 1) \
	X (LEADING, "leading", OX_KWC_RESERVED, 1) \
	X (LEAST, "least", OX_KWC_COLNAME, 1) \
	X (LEFT, "left", OX_KWC_TYPEFUNC, 1) \
	X (LEVEL, "level", OX_KWC_UNRESERVED, 1) \
	X (LIKE, "like", OX_KWC_TYPEFUNC, 1) \
	X (LIMIT, "limit", OX_KWC_RESERVED, 0) \
	X (LOCAL, "local", OX_KWC_UNRESERVED, 1) \
	X (LOCALTIME, "localtime", OX_KWC_RESERVED, 1) \
	X (LOCALTIMESTAMP, "localtimestamp", OX_KWC_RESERVED, 1) \
	X (MATCH, "match", OX_KWC_UNRESERVED, 1) \
	X (MINUTE, "minute", OX_KWC_UNRESERVED, 0) \
	X (MONTH, "month", OX_KWC_UNRESERVED, 0) \
	X (NAMES, "names", OX_KWC_UNRESERVED, 1) \
	X (NATIONAL, "national", OX_KWC_COLNAME, 1) \
	X (NATURAL, "natural", OX_KWC_TYPEFUNC, 1) \
	X (NCHAR, "nchar", OX_KWC_COLNAME, 1) \
	X (NEXT, "next", OX_KWC_UNRESERVED, 1) \
	X (NO, "no", OX_KWC_UNRESERVED, 1) \
	X (NONE_P, "none", OX_KWC_COLNAME, 1) \
	X (NOT, "not", OX_KWC_RESERVED, 1) \
	X (NOTNULL, "notnull", OX_KWC_TYPEFUNC, 0) \
	X (NULL, "null", OX_KWC_RESERVED, 1) \
	X (NULLIF, "nullif", OX_KWC_COLNAME, 1) \
	X (NULLS, "nulls", OX_KWC_UNRESERVED, 1) \
	X (NUMERIC, "numeric", OX_KWC_COLNAME, 1) \
	X (OF, "of", OX_KWC_UNRESERVED, 1) \
	X (OFFSET, "offset", OX_KWC_RESERVED, 0) \
	X (ON, "on", OX_KWC_RESERVED, 0) \
	X (ONLY, "only", OX_KWC_RESERVED, 1) \
	X (OPTION, "option", OX_KWC_UNRESERVED, 1) \
	X (OR, "or", OX_KWC_RESERVED, 1) \
	X (ORDER, "order", OX_KWC_RESERVED, 0) \
	X (OUT, "out", OX_KWC_COLNAME, 1) \
	X (OUTER, "outer", OX_KWC_TYPEFUNC, 1) \
	X (OVER, "over", OX_KWC_UNRESERVED, 0) \
	X (OVERLAPS, "overlaps", OX_KWC_TYPEFUNC, 0) \
	X (OVERLAY, "overlay", OX_KWC_COLNAME, 1) \
	X (OVERRIDING, "overriding", OX_KWC_UNRESERVED, 1) \
	X (PARTIAL, "partial", OX_KWC_UNRESERVED, 1) \
	X (PLACING, "placing", OX_KWC_RESERVED, 1) \
	X (POSITION, "position", OX_KWC_COLNAME, 1) \
	X (PRECISION, "precision", OX_KWC_COLNAME, 0) \
	X (PRIMARY, "primary", OX_KWC_RESERVED, 1) \
	X (READ, "read", OX_KWC_UNRESERVED, 1) \
	X (REAL, "real", OX_KWC_COLNAME, 1) \
	X (RECURSIVE, "recursive", OX_KWC_UNRESERVED, 1) \
	X (REFERENCES, "references", OX_KWC_RESERVED, 1) \
	X (RELEASE, "release", OX_KWC_UNRESERVED, 1) \
	X (REPEATABLE, "repeatable", OX_KWC_UNRESERVED, 1) \
	X (REPLACE, "replace", OX_KWC_UNRESERVED, 1) \
	X (RESET, "reset", OX_KWC_UNRESERVED, 1) \
	X (RESTART, "restart", OX_KWC_UNRESERVED, 1) \
	X (RESTRICT, "restrict", OX_KWC_UNRESERVED, 1) \
	X (RETURNING, "returning", OX_KWC_RESERVED, 0) \
	X (RIGHT, "right", OX_KWC_TYPEFUNC, 1) \
	X (ROLLBACK, "rollback", OX_KWC_UNRESERVED, 1) \
	X (ROW, "row", OX_KWC_COLNAME, 1) \
	X (ROWS, "rows", OX_KWC_UNRESERVED, 1) \
	X (SAVEPOINT, "savepoint", OX_KWC_UNRESERVED, 1) \
	X (SCHEMA, "schema", OX_KWC_UNRESERVED, 1) \
	X (SECOND, "second", OX_KWC_UNRESERVED, 0) \
	X (SELECT, "select", OX_KWC_RESERVED, 1) \
	X (SERIALIZABLE, "serializable", OX_KWC_UNRESERVED, 1) \
	X (SESSION, "session", OX_KWC_UNRESERVED, 1) \
	X (SESSION_USER, "session_user", OX_KWC_RESERVED, 1) \
	X (SET, "set", OX_KWC_UNRESERVED, 1) \
	X (SETOF, "setof", OX_KWC_COLNAME, 1) \
	X (SHOW, "show", OX_KWC_UNRESERVED, 1) \
	X (SIMILAR, "similar", OX_KWC_TYPEFUNC, 1) \
	X (SIMPLE, "simple", OX_KWC_UNRESERVED, 1) \
	X (SMALLINT, "smallint", OX_KWC_COLNAME, 1) \
	X (SOME, "some", OX_KWC_RESERVED, 1) \
	X (START, "start", OX_KWC_UNRESERVED, 1) \
	X (SUBSTRING, "substring", OX_KWC_COLNAME, 1) \
	X (SYMMETRIC, "symmetric", OX_KWC_RESERVED, 1) \
	X (TABLE, "table", OX_KWC_RESERVED, 1) \
	X (TABLESAMPLE, "tablesample", OX_KWC_TYPEFUNC, 1) \
	X (TEMP, "temp", OX_KWC_UNRESERVED, 1) \
	X (TEMPORARY, "temporary", OX_KWC_UNRESERVED, 1) \
	X (THEN, "then", OX_KWC_RESERVED, 1) \
	X (TIES, "ties", OX_KWC_UNRESERVED, 1) \
	X (TIME, "time", OX_KWC_COLNAME, 1) \
	X (TIMESTAMP, "timestamp", OX_KWC_COLNAME, 1) \
	X (TO, "to", OX_KWC_RESERVED, 0) \
	X (TRAILING, "trailing", OX_KWC_RESERVED, 1) \
	X (TRANSACTION, "transaction", OX_KWC_UNRESERVED, 1) \
	X (TREAT, "treat", OX_KWC_COLNAME, 1) \
	X (TRIM, "trim", OX_KWC_COLNAME, 1) \
	X (TRUE, "true", OX_KWC_RESERVED, 1) \
	X (TRUNCATE, "truncate", OX_KWC_UNRESERVED, 1) \
	X (UNCOMMITTED, "uncommitted", OX_KWC_UNRESERVED, 1) \
	X (UNION, "union", OX_KWC_RESERVED, 0) \
	X (UNIQUE, "unique", OX_KWC_RESERVED, 1) \
	X (UNKNOWN, "unknown", OX_KWC_UNRESERVED, 1) \
	X (UNLOGGED, "unlogged", OX_KWC_UNRESERVED, 1) \
	X (UPDATE, "update", OX_KWC_UNRESERVED, 1) \
	X (USER, "user", OX_KWC_RESERVED, 1) \
	X (USING, "using", OX_KWC_RESERVED, 1) \
	X (VALUES, "values", OX_KWC_COLNAME, 1) \
	X (VARCHAR, "varchar", OX_KWC_COLNAME, 1) \
	X (VARIADIC, "variadic", OX_KWC_RESERVED, 1) \
	X (VARYING, "varying", OX_KWC_UNRESERVED, 0) \
	X (VERBOSE, "verbose", OX_KWC_TYPEFUNC, 1) \
	X (VIEW, "view", OX_KWC_UNRESERVED, 1) \
	X (WHEN, "when", OX_KWC_RESERVED, 1) \
	X (WHERE, "where", OX_KWC_RESERVED, 0) \
	X (WINDOW, "window", OX_KWC_RESERVED, 0) \
	X (WITH, "with", OX_KWC_RESERVED, 0) \
	X (WITHIN, "within", OX_KWC_UNRESERVED, 0) \
	X (WITHOUT, "without", OX_KWC_UNRESERVED, 0) \
	X (WORK, "work", OX_KWC_UNRESERVED, 1) \
	X (WRITE, "write", OX_KWC_UNRESERVED, 1) \
	X (YEAR, "year", OX_KWC_UNRESERVED, 0) \
	X (ZONE, "zone", OX_KWC_UNRESERVED, 1)

typedef enum OxKeyword {
	OX_KW_NONE = 0,
#define OX_KW_ENUM(e, s, c, b) OX_KW_##e,
	OX_KEYWORD_LIST (OX_KW_ENUM)
#undef OX_KW_ENUM
	OX_KW__COUNT
} OxKeyword;

typedef struct OxLexer {
	const char *sql;    /* the text being scanned; not NUL-terminated */
	size_t      len;    /* bytes in sql */
	size_t      pos;    /* next byte to scan */
	OxArena    *arena;  /* where decoded strings and names go */
} OxLexer;

void ox_lexer_init (OxLexer *lx, OxArena *a, const char *sql, size_t len);
/* Scan the next token into *t (OX_TOK_EOF at the end, with loc == len).
 * Raises 42601 (unterminated quote or comment, zero-length identifier,
 * trailing junk after a number or parameter, bad Unicode escape), 22025
 * (malformed \u escape) or 22021 (invalid UTF-8, NUL byte). */
void ox_lex (OxLexer *lx, OxToken *t);

/* Keyword by case-insensitive text; OX_KW_NONE if s[0..n) is none. */
OxKeyword    ox_keyword_lookup (const char *s, size_t n);
const char  *ox_keyword_text (OxKeyword kw);
OxKwCategory ox_keyword_category (OxKeyword kw);
bool         ox_keyword_bare_label (OxKeyword kw);
/* Is the table sorted (for the tests)? */
bool         ox_keyword_table_sorted (void);

/* An unquoted identifier as PostgreSQL stores it: ASCII letters folded to
 * lower case, truncated to OX_NAMEDATALEN - 1 bytes on a character
 * boundary.  NUL-terminated, in arena a. */
char *ox_ident_fold (OxArena *a, const char *s, size_t n);

#endif
