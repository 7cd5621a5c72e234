/*
 * error.h — raising and catching SQL errors inside the engine.
 *
 * Two channels, as in PostgreSQL:
 *   ox_raise (sqlstate, position, fmt, ...)  — a user error: SQLSTATE, message,
 *       and optionally detail/hint (ox_raise_full).  It does not return: it
 *       longjmps to the innermost OX_TRY on this thread.
 *   OX_INTERNAL (fmt, ...) — an impossible state; raised as XX000 so a bug is
 *       an error message rather than a crash, and easy to grep for.
 *
 * NOTE: code between OX_TRY and OX_CATCH must not keep locks or malloc'd
 * memory that only a normal return would release: errors unwind with
 * longjmp.  Hold latches only around code that cannot raise, allocate from
 * arenas, and release everything else in the OX_CATCH block of the owner.
 * NOTE: locals assigned inside the OX_TRY body and read in OX_CATCH must be
 * declared volatile (C11 7.13.2.1).
 */
#ifndef OX_ERROR_H
#define OX_ERROR_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>

typedef struct OxErrorData {
	char  sqlstate[6];  /* five characters and NUL, e.g. "42601" */
	char *message;      /* g_malloc'd; never NULL once raised */
	char *detail;       /* g_malloc'd or NULL */
	char *hint;         /* g_malloc'd or NULL */
	int   position;     /* 1-based character offset into the statement, 0 = none */
	char *context;      /* g_malloc'd or NULL: where in a routine it happened, one
	                       line per frame, innermost first (PostgreSQL's CONTEXT) */
} OxErrorData;

typedef struct OxJmpFrame {
	sigjmp_buf         buf;
	struct OxJmpFrame *prev;
} OxJmpFrame;

/* The innermost handler of this thread (NULL: no handler; raising aborts). */
extern _Thread_local OxJmpFrame *ox_jmp_top;

/* The error being raised or caught on this thread. */
OxErrorData *ox_error_current (void);
/* Move the current error out (the caller owns it) and clear it. */
void ox_error_take (OxErrorData *out);
void ox_error_data_clear (OxErrorData *e);
/* Make a taken error current again, without raising it (code that must
 * run other code, which may raise and catch its own errors, in the middle
 * of handling one). */
void ox_error_restore (OxErrorData *e);
/* Re-raise a taken error (ownership of its strings moves back). */
void ox_error_rethrow (OxErrorData *e) __attribute__ ((noreturn));
/* Re-raise whatever is current (inside OX_CATCH). */
void ox_error_rethrow_current (void) __attribute__ ((noreturn));

void ox_raise (const char *sqlstate, int position, const char *fmt, ...)
	__attribute__ ((noreturn, format (printf, 3, 4)));
void ox_raise_full (const char *sqlstate, int position, const char *detail,
                    const char *hint, const char *fmt, ...)
	__attribute__ ((noreturn, format (printf, 5, 6)));
void ox_vraise (const char *sqlstate, int position, const char *detail,
                const char *hint, const char *fmt, va_list ap) __attribute__ ((noreturn));

#define OX_INTERNAL(...) ox_raise ("XX000", 0, __VA_ARGS__)

/*
 *   OX_TRY {
 *       ... code that may ox_raise ...
 *   } OX_CATCH {
 *       ... ox_error_current () holds the error; rethrow or take it ...
 *   } OX_END_TRY;
 */
#define OX_TRY                                                  \
	do {                                                    \
		OxJmpFrame ox__frame;                           \
		ox__frame.prev = ox_jmp_top;                    \
		ox_jmp_top = &ox__frame;                        \
		if (sigsetjmp (ox__frame.buf, 0) == 0) {
#define OX_CATCH                                                \
			ox_jmp_top = ox__frame.prev;            \
		} else {                                        \
			ox_jmp_top = ox__frame.prev;
#define OX_END_TRY                                              \
		}                                               \
	} while (0)

/* Well-known SQLSTATEs, named as in PostgreSQL's errcodes.txt. */
#define OX_ERR_SYNTAX               "42601"
#define OX_ERR_UNDEFINED_TABLE      "42P01"
#define OX_ERR_UNDEFINED_COLUMN     "42703"
#define OX_ERR_UNDEFINED_FUNCTION   "42883"
#define OX_ERR_UNDEFINED_OBJECT     "42704"
#define OX_ERR_UNDEFINED_SCHEMA     "3F000"
#define OX_ERR_DUPLICATE_TABLE      "42P07"
#define OX_ERR_DUPLICATE_SCHEMA     "42P06"
#define OX_ERR_DUPLICATE_OBJECT     "42710"
#define OX_ERR_DUPLICATE_COLUMN     "42701"
#define OX_ERR_AMBIGUOUS_COLUMN     "42702"
#define OX_ERR_DATATYPE_MISMATCH    "42804"
#define OX_ERR_GROUPING             "42803"
#define OX_ERR_WRONG_OBJECT_TYPE    "42809"
#define OX_ERR_INVALID_COLUMN_REF   "42P10"
#define OX_ERR_FEATURE_NOT_SUPPORTED "0A000"
#define OX_ERR_UNIQUE_VIOLATION     "23505"
#define OX_ERR_NOT_NULL_VIOLATION   "23502"
#define OX_ERR_CHECK_VIOLATION      "23514"
#define OX_ERR_INVALID_TEXT_REP     "22P02"
#define OX_ERR_NUMERIC_OUT_OF_RANGE "22003"
#define OX_ERR_DIVISION_BY_ZERO     "22012"
#define OX_ERR_STRING_TOO_LONG      "22001"
#define OX_ERR_DATETIME_FORMAT      "22007"
#define OX_ERR_DATETIME_OVERFLOW    "22008"
#define OX_ERR_INVALID_PARAMETER    "22023"
#define OX_ERR_CARDINALITY          "21000"
#define OX_ERR_CHARACTER_NOT_IN_REPERTOIRE "22021"
#define OX_ERR_INVALID_ESCAPE       "22025"
#define OX_ERR_IN_FAILED_TXN        "25P02"
#define OX_ERR_ACTIVE_TXN           "25001"
#define OX_ERR_NO_ACTIVE_TXN        "25P01"
#define OX_ERR_SERIALIZATION        "40001"
#define OX_ERR_DEPENDENT_OBJECTS    "2BP01"
#define OX_ERR_INVALID_SAVEPOINT    "3B001"
#define OX_ERR_PROGRAM_LIMIT        "54000"
#define OX_ERR_STATEMENT_TOO_COMPLEX "54001"
#define OX_ERR_INVALID_PARAM_NUMBER "08P01"
#define OX_ERR_UNDEFINED_PARAMETER  "42P02"
#define OX_ERR_INDETERMINATE_TYPE   "42P18"
#define OX_ERR_INVALID_NAME         "42602"
#define OX_ERR_INSUFFICIENT_RESOURCES "53000"
#define OX_ERR_QUERY_CANCELED       "57014"
#define OX_ERR_INTERNAL             "XX000"
#define OX_ERR_UNTRANSLATABLE       "22P05"
#define OX_ERR_CANT_CHANGE_RUNTIME_PARAM "55P02"
#define OX_ERR_UNDEFINED_SETTING    "42704"
#define OX_ERR_NULL_VALUE_NOT_ALLOWED "22004"
#define OX_ERR_OBJECT_IN_USE        "55006"

#endif
