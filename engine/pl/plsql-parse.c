/*
 * plsql-parse.c — the PL/SQL parser: a routine body to the tree of plsql.h.
 *
 * Hand-written recursive descent over the tokens of the SQL lexer (which
 * already knows strings, dollar quotes, comments and operators).  The
 * body is tokenized once into an array, so lookahead is free.
 *
 * PL/SQL statements are recognised by their first word (IF, LOOP,
 * RAISE ...); everything else is either an assignment (a variable followed
 * by := or =) or an SQL statement that starts with an SQL keyword.  SQL
 * text — expressions and statements — is not parsed here: as PL/pgSQL's
 * read_sql_construct does, we take the tokens up to a terminator (";",
 * THEN, LOOP, "..", ...) at parenthesis depth 0 and keep the source text,
 * which SPI parses and binds at first execution, asking us about names
 * through the name space captured at the site.
 *
 * NOTE: the terminator scan does not know SQL: "IF CASE WHEN a THEN ..."
 * stops at the first THEN, exactly as in PostgreSQL.
 * NOTE: errors longjmp out (ox_raise); everything lives in the function's
 * arena or in the few GPtrArrays that plsql_parse frees on the way out,
 * so an error leaks nothing.  Positions are 1-based byte offsets into the
 * body, as pl.h asks; the caller (plsql-exec.c) adds the "line L, column C
 * of the body" context line.
 * NOTE: types are kept as text here; plsql_resolve_types (plsql-exec.c)
 * resolves them through SPI when the routine is compiled in a session, so
 * this file needs no session and its tests need no engine.
 */
#include "pl/plsql.h"

#include <string.h>

#include "base/error.h"
#include "sql/lexer.h"

/* Deepest nesting of statement lists a body may have. */
#define PLSQL_MAX_NESTING 1000

/* ---- condition names (PostgreSQL's plerrcodes) ------------------------------------ */

static const struct {
	const char *name;
	const char *state;
} conditions[] = {
	{ "successful_completion", "00000" }, { "warning", "01000" }, { "no_data", "02000" },
	{ "sql_statement_not_yet_complete", "03000" }, { "connection_exception", "08000" },
	{ "protocol_violation", "08P01" },
	{ "triggered_action_exception", "09000" }, { "feature_not_supported", "0A000" },
	{ "invalid_transaction_initiation", "0B000" }, { "locator_exception", "0F000" },
	{ "invalid_grantor", "0L000" }, { "invalid_role_specification", "0P000" },
	{ "diagnostics_exception", "0Z000" },
	{ "stacked_diagnostics_accessed_without_active_handler", "0Z002" },
	{ "case_not_found", "20000" }, { "cardinality_violation", "21000" },
	{ "data_exception", "22000" }, { "array_subscript_error", "2202E" },
	{ "character_not_in_repertoire", "22021" }, { "datetime_field_overflow", "22008" },
	{ "division_by_zero", "22012" }, { "error_in_assignment", "22005" },
	{ "escape_character_conflict", "2200B" }, { "indicator_overflow", "22022" },
	{ "interval_field_overflow", "22015" }, { "invalid_argument_for_logarithm", "2201E" },
	{ "invalid_argument_for_ntile_function", "22014" },
	{ "invalid_argument_for_nth_value_function", "22016" },
	{ "invalid_argument_for_power_function", "2201F" },
	{ "invalid_argument_for_width_bucket_function", "2201G" },
	{ "invalid_character_value_for_cast", "22018" }, { "invalid_datetime_format", "22007" },
	{ "invalid_escape_character", "22019" }, { "invalid_escape_octet", "2200D" },
	{ "invalid_escape_sequence", "22025" }, { "nonstandard_use_of_escape_character", "22P06" },
	{ "invalid_indicator_parameter_value", "22010" }, { "invalid_parameter_value", "22023" },
	{ "invalid_preceding_or_following_size", "22013" },
	{ "invalid_regular_expression", "2201B" }, { "invalid_row_count_in_limit_clause", "2201W" },
	{ "invalid_row_count_in_result_offset_clause", "2201X" },
	{ "invalid_time_zone_displacement_value", "22009" },
	{ "invalid_use_of_escape_character", "2200C" }, { "most_specific_type_mismatch", "2200G" },
	{ "null_value_not_allowed", "22004" }, { "null_value_no_indicator_parameter", "22002" },
	{ "numeric_value_out_of_range", "22003" }, { "sequence_generator_limit_exceeded", "2200H" },
	{ "string_data_length_mismatch", "22026" }, { "string_data_right_truncation", "22001" },
	{ "substring_error", "22011" }, { "trim_error", "22027" },
	{ "unterminated_c_string", "22024" }, { "zero_length_character_string", "2200F" },
	{ "floating_point_exception", "22P01" }, { "invalid_text_representation", "22P02" },
	{ "invalid_binary_representation", "22P03" }, { "bad_copy_file_format", "22P04" },
	{ "untranslatable_character", "22P05" }, { "invalid_json_text", "22032" },
	{ "integrity_constraint_violation", "23000" }, { "restrict_violation", "23001" },
	{ "not_null_violation", "23502" }, { "foreign_key_violation", "23503" },
	{ "unique_violation", "23505" }, { "check_violation", "23514" },
	{ "exclusion_violation", "23P01" }, { "invalid_cursor_state", "24000" },
	{ "invalid_transaction_state", "25000" }, { "active_sql_transaction", "25001" },
	{ "read_only_sql_transaction", "25006" }, { "no_active_sql_transaction", "25P01" },
	{ "in_failed_sql_transaction", "25P02" }, { "invalid_sql_statement_name", "26000" },
	{ "triggered_data_change_violation", "27000" },
	{ "invalid_authorization_specification", "28000" }, { "invalid_password", "28P01" },
	{ "dependent_privilege_descriptors_still_exist", "2B000" },
	{ "dependent_objects_still_exist", "2BP01" }, { "invalid_transaction_termination", "2D000" },
	{ "sql_routine_exception", "2F000" }, { "function_executed_no_return_statement", "2F005" },
	{ "modifying_sql_data_not_permitted", "2F002" },
	{ "prohibited_sql_statement_attempted", "2F003" },
	{ "reading_sql_data_not_permitted", "2F004" }, { "invalid_cursor_name", "34000" },
	{ "external_routine_exception", "38000" },
	{ "external_routine_invocation_exception", "39000" }, { "savepoint_exception", "3B000" },
	{ "invalid_savepoint_specification", "3B001" }, { "invalid_catalog_name", "3D000" },
	{ "invalid_schema_name", "3F000" }, { "transaction_rollback", "40000" },
	{ "transaction_integrity_constraint_violation", "40002" },
	{ "serialization_failure", "40001" }, { "statement_completion_unknown", "40003" },
	{ "deadlock_detected", "40P01" }, { "syntax_error_or_access_rule_violation", "42000" },
	{ "syntax_error", "42601" }, { "insufficient_privilege", "42501" },
	{ "cannot_coerce", "42846" }, { "grouping_error", "42803" }, { "windowing_error", "42P20" },
	{ "invalid_recursion", "42P19" }, { "invalid_foreign_key", "42830" },
	{ "invalid_name", "42602" }, { "name_too_long", "42622" }, { "reserved_name", "42939" },
	{ "datatype_mismatch", "42804" }, { "indeterminate_datatype", "42P18" },
	{ "collation_mismatch", "42P21" }, { "indeterminate_collation", "42P22" },
	{ "wrong_object_type", "42809" }, { "generated_always", "428C9" },
	{ "undefined_column", "42703" }, { "undefined_function", "42883" },
	{ "undefined_table", "42P01" }, { "undefined_parameter", "42P02" },
	{ "undefined_object", "42704" }, { "duplicate_column", "42701" },
	{ "duplicate_cursor", "42P03" }, { "duplicate_database", "42P04" },
	{ "duplicate_function", "42723" }, { "duplicate_prepared_statement", "42P05" },
	{ "duplicate_schema", "42P06" }, { "duplicate_table", "42P07" },
	{ "duplicate_alias", "42712" }, { "duplicate_object", "42710" },
	{ "ambiguous_column", "42702" }, { "ambiguous_function", "42725" },
	{ "ambiguous_parameter", "42P08" }, { "ambiguous_alias", "42P09" },
	{ "invalid_column_reference", "42P10" }, { "invalid_column_definition", "42611" },
	{ "invalid_cursor_definition", "42P11" }, { "invalid_database_definition", "42P12" },
	{ "invalid_function_definition", "42P13" },
	{ "invalid_prepared_statement_definition", "42P14" },
	{ "invalid_schema_definition", "42P15" }, { "invalid_table_definition", "42P16" },
	{ "invalid_object_definition", "42P17" }, { "with_check_option_violation", "44000" },
	{ "insufficient_resources", "53000" }, { "disk_full", "53100" },
	{ "out_of_memory", "53200" }, { "too_many_connections", "53300" },
	{ "configuration_limit_exceeded", "53400" }, { "program_limit_exceeded", "54000" },
	{ "statement_too_complex", "54001" }, { "too_many_columns", "54011" },
	{ "too_many_arguments", "54023" }, { "object_not_in_prerequisite_state", "55000" },
	{ "object_in_use", "55006" }, { "cant_change_runtime_param", "55P02" },
	{ "lock_not_available", "55P03" }, { "operator_intervention", "57000" },
	{ "query_canceled", "57014" }, { "admin_shutdown", "57P01" },
	{ "crash_shutdown", "57P02" }, { "cannot_connect_now", "57P03" },
	{ "database_dropped", "57P04" }, { "system_error", "58000" }, { "io_error", "58030" },
	{ "undefined_file", "58P01" }, { "duplicate_file", "58P02" },
	{ "config_file_error", "F0000" }, { "lock_file_exists", "F0001" },
	{ "plpgsql_error", "P0000" }, { "raise_exception", "P0001" },
	{ "no_data_found", "P0002" }, { "too_many_rows", "P0003" },
	{ "assert_failure", "P0004" }, { "internal_error", "XX000" },
	{ "data_corrupted", "XX001" }, { "index_corrupted", "XX002" },
};

const char *
plsql_condition_sqlstate (const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS (conditions); i++)
		if (strcmp (conditions[i].name, name) == 0)
			return conditions[i].state;
	return NULL;
}

/* ---- positions -------------------------------------------------------------------- */

void
plsql_line_col (const char *body, int loc, int *line, int *col)
{
	int l = 1, c = 1;
	for (int i = 0; i < loc && body[i]; i++) {
		unsigned char ch = (unsigned char) body[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xc0) != 0x80)  /* count characters, not continuation bytes */
			c++;
	}
	*line = l;
	*col = c;
}

const char *
plsql_stmt_kind_name (const PlsqlStmt *s)
{
	switch (s->kind) {
	case PLSQL_STMT_BLOCK: return "statement block";
	case PLSQL_STMT_ASSIGN: return "assignment";
	case PLSQL_STMT_IF: return "IF";
	case PLSQL_STMT_CASE: return "CASE";
	case PLSQL_STMT_LOOP: return "LOOP";
	case PLSQL_STMT_WHILE: return "WHILE";
	case PLSQL_STMT_FORI: return "FOR with integer loop variable";
	case PLSQL_STMT_FORS: return "FOR over SELECT rows";
	case PLSQL_STMT_DYNFORS: return "FOR over EXECUTE statement";
	case PLSQL_STMT_EXIT: return ((const PlsqlExit *) s)->is_exit ? "EXIT" : "CONTINUE";
	case PLSQL_STMT_RETURN: return "RETURN";
	case PLSQL_STMT_RETURN_NEXT: return "RETURN NEXT";
	case PLSQL_STMT_RETURN_QUERY: return "RETURN QUERY";
	case PLSQL_STMT_RAISE: return "RAISE";
	case PLSQL_STMT_ASSERT: return "ASSERT";
	case PLSQL_STMT_EXECSQL: return "SQL statement";
	case PLSQL_STMT_PERFORM: return "PERFORM";
	case PLSQL_STMT_DYNEXECUTE: return "EXECUTE";
	case PLSQL_STMT_GETDIAG: return "GET DIAGNOSTICS";
	case PLSQL_STMT_NULL: return "NULL";
	case PLSQL_STMT_COMMIT: return "COMMIT";
	case PLSQL_STMT_ROLLBACK: return "ROLLBACK";
	case PLSQL_STMT__COUNT: break;
	}
	return "?";
}

/* ---- parser state ------------------------------------------------------------------ */

typedef struct LabelScope {
	const char *name;     /* may be NULL */
	bool        is_loop;
} LabelScope;

typedef struct Parser {
	PlsqlFunction *fn;
	OxArena       *a;
	const char    *body;
	int            len;
	GArray        *toks;     /* OxToken, ending with EOF */
	int            pos;
	PlsqlNsItem   *ns;
	GPtrArray     *datums;
	GPtrArray     *stmts;
	GPtrArray     *exprs;    /* every PlsqlExpr made */
	GArray        *labels;   /* LabelScope: enclosing blocks and loops */
	GArray        *temps;    /* Tmp: scratch containers (see tmp_track) */
	int            depth;    /* nesting depth of the statement being parsed */
	int            in_handler;
	int            case_count;
} Parser;

/* ---- scratch containers ----------------------------------------------------------------
 *
 * Errors longjmp out of any depth, so a GArray being filled by a caller
 * up the stack would leak.  Every scratch container is made here and
 * recorded in p->temps; tmp_free releases one early, and plsql_parse
 * releases whatever is left, on success and on error alike. */

typedef enum TmpKind { TMP_ARRAY, TMP_PTR_ARRAY, TMP_STRING } TmpKind;

typedef struct Tmp {
	TmpKind kind;
	void   *obj;  /* NULL once freed */
} Tmp;

static void
tmp_release (Tmp *t)
{
	if (!t->obj)
		return;
	switch (t->kind) {
	case TMP_ARRAY: g_array_free (t->obj, TRUE); break;
	case TMP_PTR_ARRAY: g_ptr_array_free (t->obj, TRUE); break;
	case TMP_STRING: g_string_free (t->obj, TRUE); break;
	}
	t->obj = NULL;
}

static void *
tmp_track (Parser *p, TmpKind kind, void *obj)
{
	Tmp t = { kind, obj };
	g_array_append_val (p->temps, t);
	return obj;
}

static GArray *
tmp_array_new (Parser *p, gboolean zero_terminated, gboolean clear, guint size)
{
	return tmp_track (p, TMP_ARRAY, g_array_new (zero_terminated, clear, size));
}

static GPtrArray *
tmp_ptr_array_new (Parser *p)
{
	return tmp_track (p, TMP_PTR_ARRAY, g_ptr_array_new ());
}

static GString *
tmp_string_new (Parser *p)
{
	return tmp_track (p, TMP_STRING, g_string_new (NULL));
}

static void
tmp_free (Parser *p, void *obj)
{
	for (guint i = p->temps->len; i-- > 0;) {
		Tmp *t = &g_array_index (p->temps, Tmp, i);
		if (t->obj == obj) {
			tmp_release (t);
			if (i == p->temps->len - 1)
				g_array_set_size (p->temps, i);
			return;
		}
	}
}

static void
tmp_free_all (Parser *p)
{
	for (guint i = 0; i < p->temps->len; i++)
		tmp_release (&g_array_index (p->temps, Tmp, i));
	g_array_free (p->temps, TRUE);
}

static inline const OxToken *
tok_at (Parser *p, int i)
{
	if (i >= (int) p->toks->len)
		i = (int) p->toks->len - 1;
	return &g_array_index (p->toks, OxToken, i);
}

#define CUR(p)      tok_at ((p), (p)->pos)
#define PEEK(p, k)  tok_at ((p), (p)->pos + (k))

static inline void
advance (Parser *p)
{
	if (CUR (p)->kind != OX_TOK_EOF)
		p->pos++;
}

static void __attribute__ ((noreturn))
syntax_error_at (Parser *p, const OxToken *t)
{
	if (t->kind == OX_TOK_EOF)
		ox_raise (OX_ERR_SYNTAX, t->loc + 1, "syntax error at end of input");
	ox_raise (OX_ERR_SYNTAX, t->loc + 1, "syntax error at or near \"%.*s\"", t->len,
	          p->body + t->loc);
}

static void __attribute__ ((noreturn))
syntax_error (Parser *p)
{
	syntax_error_at (p, CUR (p));
}

/* An unquoted word, compared case-insensitively (PL/SQL's own keywords are
 * not in the SQL lexer's table, and quoted identifiers are never keywords). */
static bool
word (Parser *p, const OxToken *t, const char *w)
{
	if (t->kind != OX_TOK_IDENT)
		return false;
	size_t n = strlen (w);
	return (size_t) t->len == n && g_ascii_strncasecmp (p->body + t->loc, w, n) == 0;
}

static bool
accept_word (Parser *p, const char *w)
{
	if (!word (p, CUR (p), w))
		return false;
	advance (p);
	return true;
}

static void
expect_word (Parser *p, const char *w)
{
	if (!accept_word (p, w))
		syntax_error (p);
}

static bool
is_ch (const OxToken *t, int ch)
{
	return t->kind == OX_TOK_CHAR && t->ch == ch;
}

static void
expect_ch (Parser *p, int ch)
{
	if (!is_ch (CUR (p), ch))
		syntax_error (p);
	advance (p);
}

static bool
is_ident (const OxToken *t)
{
	return t->kind == OX_TOK_IDENT || t->kind == OX_TOK_QIDENT;
}

/* The name a token spells: folded when unquoted. */
static const char *
tok_name (Parser *p, const OxToken *t)
{
	if (t->kind == OX_TOK_QIDENT)
		return ox_arena_strdup (p->a, t->str);
	return ox_ident_fold (p->a, p->body + t->loc, (size_t) t->len);
}

static bool
is_op (Parser *p, const OxToken *t, const char *op)
{
	size_t n = strlen (op);
	return t->kind == OX_TOK_OP && (size_t) t->len == n && memcmp (p->body + t->loc, op, n) == 0;
}

/* A copy of n elements of 'size' bytes in the arena (never NULL: empty
 * GArrays and GPtrArrays may have no buffer at all). */
static void *
dup_array (Parser *p, const void *data, size_t size, guint n)
{
	void *r = ox_arena_alloc0 (p->a, size * (n ? n : 1));
	if (n)
		memcpy (r, data, size * n);
	return r;
}

/* ---- name space and datums ----------------------------------------------------------- */

static int
add_datum (Parser *p, PlsqlDatum *d)
{
	g_ptr_array_add (p->datums, d);
	return (int) p->datums->len - 1;
}

static PlsqlDatum *
new_datum (Parser *p, PlsqlDatumKind kind, const char *name, int loc)
{
	PlsqlDatum *d = OX_NEW (p->a, PlsqlDatum);
	d->kind = kind;
	d->refname = name;
	d->loc = loc;
	d->type = (OxType) { OX_T_UNKNOWN, -1 };
	d->argno = -1;
	return d;
}

static PlsqlDatum *
datum (Parser *p, int dno)
{
	return g_ptr_array_index (p->datums, dno);
}

static void
ns_push_label (Parser *p, const char *label)
{
	PlsqlNsItem *it = OX_NEW (p->a, PlsqlNsItem);
	it->kind = PLSQL_NS_LABEL;
	it->name = label;
	it->dno = -1;
	it->prev = p->ns;
	p->ns = it;
}

static void
ns_add_var (Parser *p, const char *name, int dno)
{
	PlsqlNsItem *it = OX_NEW (p->a, PlsqlNsItem);
	it->kind = PLSQL_NS_VAR;
	it->name = name;
	it->dno = dno;
	it->prev = p->ns;
	p->ns = it;
}

/* A variable declared in the innermost scope only (duplicate check). */
static bool
ns_in_current_scope (Parser *p, const char *name)
{
	for (PlsqlNsItem *it = p->ns; it && it->kind == PLSQL_NS_VAR; it = it->prev)
		if (strcmp (it->name, name) == 0)
			return true;
	return false;
}

/* ---- token helpers for SQL text ------------------------------------------------------ */

typedef enum Term {
	T_SEMI   = 1 << 0,
	T_THEN   = 1 << 1,
	T_LOOP   = 1 << 2,
	T_DOTDOT = 1 << 3,
	T_COMMA  = 1 << 4,
	T_INTO   = 1 << 5,
	T_USING  = 1 << 6,
	T_BY     = 1 << 7,
	T_WHEN   = 1 << 8,
} Term;

static bool
is_term (Parser *p, const OxToken *t, unsigned terms)
{
	if ((terms & T_SEMI) && is_ch (t, ';'))
		return true;
	if ((terms & T_COMMA) && is_ch (t, ','))
		return true;
	if ((terms & T_DOTDOT) && t->kind == OX_TOK_DOT_DOT)
		return true;
	if ((terms & T_THEN) && word (p, t, "then"))
		return true;
	if ((terms & T_LOOP) && word (p, t, "loop"))
		return true;
	if ((terms & T_INTO) && word (p, t, "into"))
		return true;
	if ((terms & T_USING) && word (p, t, "using"))
		return true;
	if ((terms & T_BY) && word (p, t, "by"))
		return true;
	if ((terms & T_WHEN) && word (p, t, "when"))
		return true;
	return false;
}

static PlsqlTarget read_into_target (Parser *p, int *strict);

/*
 * Read SQL text from the current token up to a terminator in 'terms' at
 * parenthesis depth 0 (the terminator is not consumed).  With an INTO
 * clause allowed ('into' not NULL), the first INTO at depth 0 that does
 * not follow INSERT or MERGE is parsed as a target list and blanked out of
 * the text, so that the text keeps its offsets.  TG_ARGV[i] in trigger
 * functions becomes a CASE over hidden variables.
 */
static PlsqlExpr *
read_sql (Parser *p, unsigned terms, bool is_query, PlsqlExecSql *into)
{
	const OxToken *first = CUR (p);
	int depth = 0;
	int maxdollar = 0;
	GString *text = tmp_string_new (p);
	int start = first->loc, copied = first->loc;
	const OxToken *prev = NULL;

	for (;;) {
		const OxToken *t = CUR (p);
		if (t->kind == OX_TOK_EOF) {
			tmp_free (p, text);
			syntax_error (p);
		}
		if (depth == 0 && is_term (p, t, terms))
			break;
		if (is_ch (t, '(') || is_ch (t, '['))
			depth++;
		else if (is_ch (t, ')') || is_ch (t, ']')) {
			if (depth > 0)
				depth--;
		} else if (t->kind == OX_TOK_PARAM && t->ival > maxdollar)
			maxdollar = t->ival;

		if (into && depth == 0 && word (p, t, "into") &&
		    !(prev && (word (p, prev, "insert") || word (p, prev, "merge")))) {
			if (into->into) {
				tmp_free (p, text);
				ox_raise (OX_ERR_SYNTAX, t->loc + 1, "INTO specified more than once");
			}
			g_string_append_len (text, p->body + copied, t->loc - copied);
			int from = t->loc;
			advance (p);
			int strict = 0;
			into->into = true;
			into->target = read_into_target (p, &strict);
			into->strict = strict != 0;
			int to = PEEK (p, -1)->loc + PEEK (p, -1)->len;
			for (int i = from; i < to; i++)
				g_string_append_c (text, p->body[i] == '\n' ? '\n' : ' ');
			copied = to;
			prev = NULL;
			continue;
		}
		if (p->fn->is_trigger && t->kind == OX_TOK_IDENT && word (p, t, "tg_argv") &&
		    is_ch (PEEK (p, 1), '[')) {
			/* TG_ARGV[e] -> (CASE (e) WHEN 0 THEN "__tg_argv_0" ... END) */
			g_string_append_len (text, p->body + copied, t->loc - copied);
			advance (p);
			advance (p);
			int estart = CUR (p)->loc, d = 0;
			while (!(d == 0 && is_ch (CUR (p), ']'))) {
				if (CUR (p)->kind == OX_TOK_EOF) {
					tmp_free (p, text);
					syntax_error (p);
				}
				if (is_ch (CUR (p), '[') || is_ch (CUR (p), '('))
					d++;
				else if (is_ch (CUR (p), ']') || is_ch (CUR (p), ')'))
					d--;
				advance (p);
			}
			int eend = CUR (p)->loc;
			advance (p);
			g_string_append (text, "(CASE (");
			g_string_append_len (text, p->body + estart, eend - estart);
			g_string_append (text, ")");
			for (int i = 0; i < PLSQL_TG_ARGV_MAX; i++)
				g_string_append_printf (text, " WHEN %d THEN \"__tg_argv_%d\"", i, i);
			g_string_append (text, " END)");
			copied = PEEK (p, -1)->loc + PEEK (p, -1)->len;
			prev = NULL;
			continue;
		}
		prev = t;
		advance (p);
	}
	const OxToken *last = PEEK (p, -1);
	if (CUR (p) == first) {
		tmp_free (p, text);
		syntax_error (p);
	}
	int end = last->loc + last->len;
	if (end > copied)
		g_string_append_len (text, p->body + copied, end - copied);

	PlsqlExpr *e = OX_NEW (p->a, PlsqlExpr);
	e->text = ox_arena_strndup (p->a, text->str, text->len);
	tmp_free (p, text);
	e->loc = start;
	e->srclen = end - start;
	e->ns = p->ns;
	e->is_query = is_query;
	e->maxdollar = maxdollar;
	g_ptr_array_add (p->exprs, e);
	return e;
}

static PlsqlExpr *
read_expr (Parser *p, unsigned terms)
{
	return read_sql (p, terms, false, NULL);
}

/* ---- variable references -------------------------------------------------------------- */

/*
 * Resolve a dotted name against the name space starting at 'ns':
 *   a       variable a
 *   a.b     label a, variable b; or record a, field b
 *   a.b.c   label a, record b, field c
 * A variable named like the first name wins over a label of that name.
 */
int
plsql_ns_lookup (PlsqlNsItem *ns, const char *const *names, int n, const char **field, int *used)
{
	*field = NULL;
	*used = 0;
	/* Unqualified: the innermost variable of that name. */
	for (PlsqlNsItem *it = ns; it; it = it->prev) {
		if (it->kind == PLSQL_NS_VAR && strcmp (it->name, names[0]) == 0) {
			*used = 1;
			if (n >= 2) {
				*field = names[1];
				*used = 2;
			}
			return it->dno;
		}
	}
	/* Label-qualified: vars between two labels belong to the block whose
	 * label is met next when walking outwards. */
	if (n >= 2) {
		int match = -1;
		for (PlsqlNsItem *it = ns; it; it = it->prev) {
			if (it->kind == PLSQL_NS_VAR) {
				if (match < 0 && strcmp (it->name, names[1]) == 0)
					match = it->dno;
			} else {
				if (match >= 0 && it->name && strcmp (it->name, names[0]) == 0) {
					*used = 2;
					if (n >= 3) {
						*field = names[2];
						*used = 3;
					}
					return match;
				}
				match = -1;
			}
		}
	}
	return -1;
}

/* A reference to a variable in PL/SQL syntax (assignment and INTO
 * targets): name [. name [. name]].  Returns the dno or -1 (nothing
 * consumed then). */
static int
read_var_ref (Parser *p, const char **field)
{
	const char *names[3];
	int n = 0, save = p->pos;
	if (!is_ident (CUR (p)))
		return -1;
	names[n++] = tok_name (p, CUR (p));
	advance (p);
	while (n < 3 && is_ch (CUR (p), '.') && is_ident (PEEK (p, 1))) {
		advance (p);
		names[n++] = tok_name (p, CUR (p));
		advance (p);
	}
	int used;
	int dno = plsql_ns_lookup (p->ns, names, n, field, &used);
	if (dno < 0) {
		p->pos = save;
		return -1;
	}
	/* Give back the names the reference did not use. */
	p->pos = save + (used * 2 - 1);
	if (*field && datum (p, dno)->kind != PLSQL_DTYPE_REC)
		ox_raise (OX_ERR_SYNTAX, tok_at (p, save)->loc + 1, "\"%s\" is not a record variable",
		          datum (p, dno)->refname);
	return dno;
}

static void
check_assignable (Parser *p, int dno, int loc)
{
	PlsqlDatum *d = datum (p, dno);
	if (d->isconst)
		ox_raise ("22005", loc + 1, "variable \"%s\" is declared CONSTANT", d->refname);
}

static PlsqlTarget
read_into_target (Parser *p, int *strict)
{
	PlsqlTarget t = { 0 };
	if (accept_word (p, "strict"))
		*strict = 1;
	GArray *dnos = tmp_array_new (p, FALSE, FALSE, sizeof (int));
	GPtrArray *fields = tmp_ptr_array_new (p);
	for (;;) {
		const OxToken *at = CUR (p);
		const char *field = NULL;
		int dno = read_var_ref (p, &field);
		if (dno < 0) {
			tmp_free (p, dnos);
			tmp_free (p, fields);
			if (is_ident (at))
				ox_raise (OX_ERR_SYNTAX, at->loc + 1, "\"%.*s\" is not a known variable",
				          at->len, p->body + at->loc);
			syntax_error (p);
		}
		check_assignable (p, dno, at->loc);
		g_array_append_val (dnos, dno);
		g_ptr_array_add (fields, (gpointer) field);
		if (!is_ch (CUR (p), ',') || !is_ident (PEEK (p, 1)))
			break;
		advance (p);
	}
	t.n = (int) dnos->len;
	t.dnos = dup_array (p, dnos->data, sizeof (int), dnos->len);
	t.fields = dup_array (p, fields->pdata, sizeof (char *), fields->len);
	t.is_rec = t.n == 1 && !t.fields[0] && datum (p, t.dnos[0])->kind == PLSQL_DTYPE_REC;
	tmp_free (p, dnos);
	tmp_free (p, fields);
	if (t.n > 1)
		for (int i = 0; i < t.n; i++)
			if (!t.fields[i] && datum (p, t.dnos[i])->kind == PLSQL_DTYPE_REC)
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1,
				          "record variable cannot be part of multiple-item INTO list");
	return t;
}

/* ---- statements -------------------------------------------------------------------- */

static PlsqlStmt *
new_stmt (Parser *p, size_t size, PlsqlStmtKind kind, const OxToken *first)
{
	PlsqlStmt *s = ox_arena_alloc0 (p->a, size);
	s->kind = kind;
	s->loc = first->loc;
	plsql_line_col (p->body, first->loc, &s->line, &s->col);
	s->depth = p->depth;
	if (p->depth > p->fn->max_depth)
		p->fn->max_depth = p->depth;
	s->id = (int) p->stmts->len;
	g_ptr_array_add (p->stmts, s);
	return s;
}

#define NEW_STMT(p, T, kind, first) ((T *) new_stmt ((p), sizeof (T), (kind), (first)))

static PlsqlStmtList parse_stmts (Parser *p, bool (*is_end) (Parser *p));
static PlsqlStmt *parse_stmt (Parser *p);
static PlsqlBlock *parse_block (Parser *p, const char *label, const OxToken *first);

static void
expect_semi (Parser *p)
{
	expect_ch (p, ';');
}

static void
push_label (Parser *p, const char *name, bool is_loop)
{
	LabelScope ls = { name, is_loop };
	g_array_append_val (p->labels, ls);
}

static void
pop_label (Parser *p)
{
	g_array_set_size (p->labels, p->labels->len - 1);
}

/* END [LOOP|IF|CASE] [label]: the optional label must match. */
static void
parse_end_label (Parser *p, const char *label)
{
	if (is_ident (CUR (p)) && !is_ch (CUR (p), ';')) {
		const OxToken *t = CUR (p);
		const char *name = tok_name (p, t);
		if (!label)
			ox_raise (OX_ERR_SYNTAX, t->loc + 1,
			          "end label \"%s\" specified for unlabeled block", name);
		if (strcmp (name, label) != 0)
			ox_raise (OX_ERR_SYNTAX, t->loc + 1,
			          "end label \"%s\" differs from block's label \"%s\"", name, label);
		advance (p);
	}
}

static bool end_at_end (Parser *p) { return word (p, CUR (p), "end"); }

static bool
end_at_exception (Parser *p)
{
	return word (p, CUR (p), "end") || word (p, CUR (p), "exception");
}

static bool
end_at_if (Parser *p)
{
	return word (p, CUR (p), "end") || word (p, CUR (p), "elsif") ||
	       word (p, CUR (p), "elseif") || word (p, CUR (p), "else");
}

static bool
end_at_when (Parser *p)
{
	return word (p, CUR (p), "end") || word (p, CUR (p), "when") || word (p, CUR (p), "else");
}

static PlsqlStmtList
parse_stmts (Parser *p, bool (*is_end) (Parser *p))
{
	/* Nesting is recursion here and in the interpreter: refuse bodies
	 * deeper than any real code before the stack runs out (PostgreSQL
	 * stops them too), as the SQL parser does for parentheses. */
	if (p->depth >= PLSQL_MAX_NESTING)
		ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, CUR (p)->loc + 1,
		               "The body nests blocks, loops and IF statements more than 1000 levels deep.", NULL,
		               "stack depth limit exceeded");
	GPtrArray *list = tmp_ptr_array_new (p);
	p->depth++;
	while (!is_end (p)) {
		if (CUR (p)->kind == OX_TOK_EOF) {
			tmp_free (p, list);
			syntax_error (p);
		}
		PlsqlStmt *s = parse_stmt (p);
		g_ptr_array_add (list, s);
	}
	p->depth--;
	PlsqlStmtList l;
	l.n = (int) list->len;
	l.items = dup_array (p, list->pdata, sizeof (void *), list->len);
	tmp_free (p, list);
	return l;
}

/* --- DECLARE section --- */

/* Is a declared type's text a (schema-qualified) name that is none of the
 * engine's type names?  Then it names a table whose row type is meant
 * ("r orders;"), which only the catalog can confirm: resolve_datum_type
 * reports 42704 when there is no such table. */
static bool
names_a_table (const char *text)
{
	static const char *const builtin[] = {
		"integer", "int", "int4", "int8", "bigint", "smallint", "int2", "numeric", "decimal", "real",
		"float4", "float8", "float", "boolean", "bool", "text", "varchar", "char", "character", "bpchar",
		"bytea", "date", "timestamp", "timestamptz", "time", "timetz", "interval", "uuid", "json",
		"jsonb", "name", "oid", "void", "trigger",
	};
	size_t n = strlen (text);
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(g_ascii_isalnum (text[i]) || text[i] == '_' || text[i] == '.' || text[i] == '"' ||
		      (unsigned char) text[i] >= 0x80))
			return false;  /* modifiers, arrays, two-word names: a type */
	const char *last = strrchr (text, '.');
	last = last ? last + 1 : text;
	for (size_t i = 0; i < G_N_ELEMENTS (builtin); i++)
		if (!g_ascii_strcasecmp (last, builtin[i]))
			return false;
	return true;
}

/* Collect the tokens of a type up to := = DEFAULT NOT COLLATE or ';'. */
static void
parse_decl_type (Parser *p, PlsqlDatum *d)
{
	const OxToken *first = CUR (p);
	int depth = 0;
	for (;;) {
		const OxToken *t = CUR (p);
		if (t->kind == OX_TOK_EOF)
			syntax_error (p);
		if (depth == 0 &&
		    (is_ch (t, ';') || t->kind == OX_TOK_COLON_EQUALS || is_ch (t, '=') ||
		     word (p, t, "default") || word (p, t, "not") || word (p, t, "collate")))
			break;
		if (is_ch (t, '('))
			depth++;
		else if (is_ch (t, ')'))
			depth--;
		advance (p);
	}
	if (CUR (p) == first)
		syntax_error (p);
	const OxToken *last = PEEK (p, -1);
	d->type_loc = first->loc;
	/* name%TYPE / name%ROWTYPE */
	if (p->pos >= 2 && is_ch (PEEK (p, -2), '%') &&
	    (word (p, last, "type") || word (p, last, "rowtype"))) {
		d->typeref = word (p, last, "type") ? 1 : 2;
		const OxToken *pct = PEEK (p, -2);
		d->typetext = ox_arena_strndup (p->a, p->body + first->loc, (size_t) (pct->loc - first->loc));
	} else
		d->typetext = ox_arena_strndup (p->a, p->body + first->loc,
		                                (size_t) (last->loc + last->len - first->loc));
	if (d->typeref == 0 && g_ascii_strcasecmp (g_strstrip ((char *) d->typetext), "record") == 0)
		d->kind = PLSQL_DTYPE_REC;
	else if (d->typeref == 0 && names_a_table (d->typetext))
		d->typeref = 3;  /* "r tablename": the table's row type, as %ROWTYPE */
	if (d->typeref >= 2)
		d->kind = PLSQL_DTYPE_REC;
}

static void
parse_decl (Parser *p, GArray *initdnos)
{
	const OxToken *nt = CUR (p);
	if (!is_ident (nt))
		syntax_error (p);
	const char *name = tok_name (p, nt);
	advance (p);

	if (accept_word (p, "alias")) {
		expect_word (p, "for");
		const OxToken *at = CUR (p);
		int dno = -1;
		if (at->kind == OX_TOK_PARAM) {
			if (at->ival < 1 || at->ival > p->fn->routine->nargs)
				ox_raise (OX_ERR_UNDEFINED_PARAMETER, at->loc + 1, "there is no parameter $%d", at->ival);
			dno = p->fn->arg_dnos[at->ival - 1];
			advance (p);
		} else {
			const char *field = NULL;
			dno = read_var_ref (p, &field);
			if (dno < 0 || field)
				ox_raise (OX_ERR_UNDEFINED_OBJECT, at->loc + 1, "variable \"%.*s\" does not exist",
				          at->len, p->body + at->loc);
		}
		expect_semi (p);
		ns_add_var (p, name, dno);
		return;
	}
	if (word (p, CUR (p), "cursor") || (word (p, CUR (p), "no") && word (p, PEEK (p, 1), "scroll")) ||
	    word (p, CUR (p), "scroll"))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, CUR (p)->loc + 1,
		          "cursor variables are not supported in PL/SQL yet");
	if (ns_in_current_scope (p, name))
		ox_raise (OX_ERR_SYNTAX, nt->loc + 1, "duplicate declaration at or near \"%.*s\"",
		          nt->len, p->body + nt->loc);

	PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_VAR, name, nt->loc);
	d->ns = p->ns;
	if (accept_word (p, "constant"))
		d->isconst = true;
	parse_decl_type (p, d);
	if (accept_word (p, "collate")) {
		if (!is_ident (CUR (p)))
			syntax_error (p);
		advance (p);
	}
	int notnull_loc = -1;
	if (word (p, CUR (p), "not")) {
		notnull_loc = CUR (p)->loc;
		advance (p);
		expect_word (p, "null");
		d->notnull = true;
	}
	if (CUR (p)->kind == OX_TOK_COLON_EQUALS || is_ch (CUR (p), '=') || word (p, CUR (p), "default")) {
		advance (p);
		/* The default sees the enclosing names, not this variable. */
		d->defexpr = read_expr (p, T_SEMI);
	} else if (d->notnull)
		ox_raise ("22004", notnull_loc + 1,
		          "variable \"%s\" must have a default value, since it's declared NOT NULL", name);
	else if (d->isconst)
		ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "syntax error at or near \"%.*s\"",
		          CUR (p)->len, p->body + CUR (p)->loc);
	if (d->kind == PLSQL_DTYPE_REC && d->notnull && d->typeref != 2)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, nt->loc + 1,
		          "NOT NULL is not supported for record variables");
	expect_semi (p);
	int dno = add_datum (p, d);
	ns_add_var (p, name, dno);
	g_array_append_val (initdnos, dno);
}

/* --- blocks --- */

static void
add_handler_vars (Parser *p, PlsqlBlock *b)
{
	PlsqlDatum *st = new_datum (p, PLSQL_DTYPE_VAR, "sqlstate", -1);
	st->type = (OxType) { OX_T_TEXT, -1 };
	b->sqlstate_dno = add_datum (p, st);
	PlsqlDatum *em = new_datum (p, PLSQL_DTYPE_VAR, "sqlerrm", -1);
	em->type = (OxType) { OX_T_TEXT, -1 };
	b->sqlerrm_dno = add_datum (p, em);
}

static PlsqlCondition *
parse_condition (Parser *p)
{
	PlsqlCondition *c = OX_NEW (p->a, PlsqlCondition);
	const OxToken *t = CUR (p);
	if (word (p, t, "sqlstate")) {
		advance (p);
		const OxToken *s = CUR (p);
		if (s->kind != OX_TOK_STRING)
			syntax_error (p);
		if (s->str_len != 5 || strspn (s->str, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 5)
			ox_raise (OX_ERR_SYNTAX, s->loc + 1, "invalid SQLSTATE code");
		memcpy (c->sqlstate, s->str, 6);
		if (strcmp (c->sqlstate, "00000") == 0)
			ox_raise (OX_ERR_SYNTAX, s->loc + 1, "invalid SQLSTATE code");
		advance (p);
		return c;
	}
	if (!is_ident (t))
		syntax_error (p);
	const char *name = tok_name (p, t);
	advance (p);
	if (strcmp (name, "others") == 0) {
		c->others = true;
		return c;
	}
	const char *st = plsql_condition_sqlstate (name);
	if (!st)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, t->loc + 1, "unrecognized exception condition \"%s\"", name);
	memcpy (c->sqlstate, st, 6);
	return c;
}

static PlsqlBlock *
parse_block (Parser *p, const char *label, const OxToken *first)
{
	PlsqlBlock *b = NEW_STMT (p, PlsqlBlock, PLSQL_STMT_BLOCK, first);
	b->label = label;
	b->sqlstate_dno = b->sqlerrm_dno = -1;
	PlsqlNsItem *saved_ns = p->ns;
	ns_push_label (p, label);
	push_label (p, label, false);

	GArray *init = tmp_array_new (p, FALSE, FALSE, sizeof (int));
	if (accept_word (p, "declare")) {
		for (;;) {
			if (word (p, CUR (p), "begin"))
				break;
			if (accept_word (p, "declare"))
				continue;
			if (is_op (p, CUR (p), "<<"))
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "block label must be placed before DECLARE, not after");
			if (CUR (p)->kind == OX_TOK_EOF) {
				tmp_free (p, init);
				syntax_error (p);
			}
			parse_decl (p, init);
		}
	}
	b->ninit = (int) init->len;
	b->initdnos = dup_array (p, init->data, sizeof (int), init->len);
	tmp_free (p, init);

	expect_word (p, "begin");
	b->body = parse_stmts (p, end_at_exception);

	if (word (p, CUR (p), "exception")) {
		advance (p);
		add_handler_vars (p, b);
		GArray *hs = tmp_array_new (p, FALSE, TRUE, sizeof (PlsqlHandler));
		while (word (p, CUR (p), "when")) {
			PlsqlHandler h = { 0 };
			h.loc = CUR (p)->loc;
			advance (p);
			PlsqlCondition **tail = &h.conds;
			for (;;) {
				*tail = parse_condition (p);
				tail = &(*tail)->next;
				if (!accept_word (p, "or"))
					break;
			}
			if (!word (p, CUR (p), "then")) {
				tmp_free (p, hs);
				syntax_error (p);
			}
			advance (p);
			PlsqlNsItem *ns = p->ns;
			ns_push_label (p, NULL);
			ns_add_var (p, "sqlstate", b->sqlstate_dno);
			ns_add_var (p, "sqlerrm", b->sqlerrm_dno);
			p->in_handler++;
			h.body = parse_stmts (p, end_at_when);
			p->in_handler--;
			p->ns = ns;
			if (word (p, CUR (p), "else")) {
				tmp_free (p, hs);
				syntax_error (p);
			}
			g_array_append_val (hs, h);
		}
		if (hs->len == 0) {
			tmp_free (p, hs);
			syntax_error (p);
		}
		b->nhandlers = (int) hs->len;
		b->handlers = dup_array (p, hs->data, sizeof (PlsqlHandler), hs->len);
		tmp_free (p, hs);
	}
	expect_word (p, "end");
	parse_end_label (p, label);
	pop_label (p);
	p->ns = saved_ns;
	return b;
}

/* --- IF / CASE --- */

static PlsqlStmt *
parse_if (Parser *p, const OxToken *first)
{
	PlsqlIf *s = NEW_STMT (p, PlsqlIf, PLSQL_STMT_IF, first);
	s->cond = read_expr (p, T_THEN);
	advance (p);
	s->then_body = parse_stmts (p, end_at_if);
	GArray *elsifs = tmp_array_new (p, FALSE, TRUE, sizeof (PlsqlElsif));
	while (word (p, CUR (p), "elsif") || word (p, CUR (p), "elseif")) {
		advance (p);
		PlsqlElsif e;
		e.cond = read_expr (p, T_THEN);
		advance (p);
		e.body = parse_stmts (p, end_at_if);
		g_array_append_val (elsifs, e);
	}
	s->nelsif = (int) elsifs->len;
	s->elsifs = dup_array (p, elsifs->data, sizeof (PlsqlElsif), elsifs->len);
	tmp_free (p, elsifs);
	if (accept_word (p, "else"))
		s->else_body = parse_stmts (p, end_at_end);
	expect_word (p, "end");
	expect_word (p, "if");
	expect_semi (p);
	return &s->stmt;
}

static PlsqlStmt *
parse_case (Parser *p, const OxToken *first)
{
	PlsqlCase *s = NEW_STMT (p, PlsqlCase, PLSQL_STMT_CASE, first);
	s->t_dno = -1;
	const char *selname = NULL;
	if (!word (p, CUR (p), "when")) {
		s->t_expr = read_expr (p, T_WHEN);
		/* The selector is kept in a hidden variable that each WHEN list
		 * tests with IN, as PL/pgSQL does. */
		selname = ox_arena_printf (p->a, "__plsql_case_%d", ++p->case_count);
		PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_VAR, selname, first->loc);
		d->type_dynamic = true;
		s->t_dno = add_datum (p, d);
	}
	GArray *whens = tmp_array_new (p, FALSE, TRUE, sizeof (PlsqlCaseWhen));
	while (word (p, CUR (p), "when")) {
		advance (p);
		PlsqlCaseWhen w;
		w.loc = CUR (p)->loc;
		PlsqlNsItem *ns = p->ns;
		if (selname)
			ns_add_var (p, selname, s->t_dno);
		w.expr = read_expr (p, T_THEN);
		p->ns = ns;
		if (selname)
			w.expr->text = ox_arena_printf (p->a, "\"%s\" IN (%s)", selname, w.expr->text);
		advance (p);
		w.body = parse_stmts (p, end_at_when);
		g_array_append_val (whens, w);
	}
	if (whens->len == 0) {
		tmp_free (p, whens);
		syntax_error (p);
	}
	s->nwhens = (int) whens->len;
	s->whens = dup_array (p, whens->data, sizeof (PlsqlCaseWhen), whens->len);
	tmp_free (p, whens);
	if (accept_word (p, "else")) {
		s->have_else = true;
		s->else_body = parse_stmts (p, end_at_end);
	}
	expect_word (p, "end");
	expect_word (p, "case");
	expect_semi (p);
	return &s->stmt;
}

/* --- loops --- */

static void
parse_loop_body (Parser *p, const char *label, PlsqlStmtList *body)
{
	push_label (p, label, true);
	*body = parse_stmts (p, end_at_end);
	pop_label (p);
	expect_word (p, "end");
	expect_word (p, "loop");
	parse_end_label (p, label);
	expect_semi (p);
}

static PlsqlStmt *
parse_loop (Parser *p, const char *label, const OxToken *first)
{
	PlsqlLoop *s = NEW_STMT (p, PlsqlLoop, PLSQL_STMT_LOOP, first);
	s->label = label;
	parse_loop_body (p, label, &s->body);
	return &s->stmt;
}

static PlsqlStmt *
parse_while (Parser *p, const char *label, const OxToken *first)
{
	PlsqlLoop *s = NEW_STMT (p, PlsqlLoop, PLSQL_STMT_WHILE, first);
	s->label = label;
	s->cond = read_expr (p, T_LOOP);
	advance (p);
	parse_loop_body (p, label, &s->body);
	return &s->stmt;
}

static PlsqlExpr **
read_using (Parser *p, unsigned terms, int *n)
{
	GPtrArray *l = tmp_ptr_array_new (p);
	for (;;) {
		g_ptr_array_add (l, read_expr (p, terms | T_COMMA));
		if (!is_ch (CUR (p), ','))
			break;
		advance (p);
	}
	*n = (int) l->len;
	PlsqlExpr **r = dup_array (p, l->pdata, sizeof (void *), l->len);
	tmp_free (p, l);
	return r;
}

static PlsqlStmt *
parse_for (Parser *p, const char *label, const OxToken *first)
{
	/* The target: one name, or a list of variables (query loops). */
	int tstart = p->pos;
	const OxToken *tt = CUR (p);
	if (!is_ident (tt))
		syntax_error (p);
	while (!word (p, CUR (p), "in")) {
		if (CUR (p)->kind == OX_TOK_EOF || is_ch (CUR (p), ';'))
			syntax_error (p);
		advance (p);
	}
	int tend = p->pos;
	advance (p);  /* IN */

	if (word (p, CUR (p), "execute")) {
		advance (p);
		PlsqlForS *s = NEW_STMT (p, PlsqlForS, PLSQL_STMT_DYNFORS, first);
		s->label = label;
		int save = p->pos;
		p->pos = tstart;
		int strict = 0;
		s->target = read_into_target (p, &strict);
		if (p->pos != tend)
			syntax_error (p);
		p->pos = save;
		s->query = read_expr (p, T_LOOP | T_USING);
		if (accept_word (p, "using"))
			s->usings = read_using (p, T_LOOP, &s->nusing);
		expect_word (p, "loop");
		parse_loop_body (p, label, &s->body);
		return &s->stmt;
	}

	/* Integer loop if ".." appears at depth 0 before LOOP. */
	bool reverse = false;
	int save = p->pos;
	if (word (p, CUR (p), "reverse") && !is_ch (PEEK (p, 1), ',')) {
		reverse = true;
		advance (p);
	}
	bool range = false;
	{
		int depth = 0;
		for (int i = p->pos;; i++) {
			const OxToken *t = tok_at (p, i);
			if (t->kind == OX_TOK_EOF)
				break;
			if (is_ch (t, '(') || is_ch (t, '['))
				depth++;
			else if (is_ch (t, ')') || is_ch (t, ']'))
				depth--;
			else if (depth == 0 && t->kind == OX_TOK_DOT_DOT) {
				range = true;
				break;
			} else if (depth == 0 && (word (p, t, "loop") || is_ch (t, ';')))
				break;
		}
	}
	if (range) {
		if (tend != tstart + 1)
			syntax_error_at (p, tok_at (p, tstart + 1));
		PlsqlForI *s = NEW_STMT (p, PlsqlForI, PLSQL_STMT_FORI, first);
		s->label = label;
		s->reverse = reverse;
		s->lower = read_expr (p, T_DOTDOT);
		advance (p);
		s->upper = read_expr (p, T_LOOP | T_BY);
		if (accept_word (p, "by"))
			s->step = read_expr (p, T_LOOP);
		advance (p);
		/* The loop variable is a new integer in its own scope. */
		PlsqlNsItem *ns = p->ns;
		ns_push_label (p, label);
		PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_VAR, tok_name (p, tt), tt->loc);
		d->type = (OxType) { OX_T_INT4, -1 };
		s->dno = add_datum (p, d);
		ns_add_var (p, d->refname, s->dno);
		parse_loop_body (p, label, &s->body);
		p->ns = ns;
		return &s->stmt;
	}
	p->pos = save;
	PlsqlForS *s = NEW_STMT (p, PlsqlForS, PLSQL_STMT_FORS, first);
	s->label = label;
	int after = p->pos;
	p->pos = tstart;
	const char *field = NULL;
	int probe = read_var_ref (p, &field);
	p->pos = tstart;
	if (probe < 0)
		ox_raise (OX_ERR_SYNTAX, tt->loc + 1,
		          "loop variable of loop over rows must be a record variable or list of scalar variables");
	int strict = 0;
	s->target = read_into_target (p, &strict);
	if (p->pos != tend)
		syntax_error (p);
	p->pos = after;
	s->query = read_sql (p, T_LOOP, true, NULL);
	advance (p);
	parse_loop_body (p, label, &s->body);
	return &s->stmt;
}

static PlsqlStmt *
parse_exit (Parser *p, bool is_exit, const OxToken *first)
{
	PlsqlExit *s = NEW_STMT (p, PlsqlExit, PLSQL_STMT_EXIT, first);
	s->is_exit = is_exit;
	if (is_ident (CUR (p)) && !word (p, CUR (p), "when")) {
		const OxToken *lt = CUR (p);
		s->label = tok_name (p, lt);
		advance (p);
		int i;
		for (i = (int) p->labels->len - 1; i >= 0; i--) {
			LabelScope *ls = &g_array_index (p->labels, LabelScope, i);
			if (ls->name && strcmp (ls->name, s->label) == 0) {
				if (!is_exit && !ls->is_loop)
					ox_raise (OX_ERR_SYNTAX, first->loc + 1,
					          "block label \"%s\" cannot be used in CONTINUE", s->label);
				break;
			}
		}
		if (i < 0)
			ox_raise (OX_ERR_SYNTAX, lt->loc + 1,
			          "there is no label \"%s\" attached to any block or loop enclosing this statement",
			          s->label);
	} else {
		bool in_loop = false;
		for (guint i = 0; i < p->labels->len; i++)
			if (g_array_index (p->labels, LabelScope, i).is_loop)
				in_loop = true;
		if (!in_loop)
			ox_raise (OX_ERR_SYNTAX, first->loc + 1,
			          is_exit ? "EXIT cannot be used outside a loop, unless it has a label"
			                  : "CONTINUE cannot be used outside a loop");
	}
	if (accept_word (p, "when"))
		s->cond = read_expr (p, T_SEMI);
	expect_semi (p);
	return &s->stmt;
}

/* --- RETURN --- */

static PlsqlStmt *
parse_return (Parser *p, const OxToken *first)
{
	PlsqlFunction *fn = p->fn;
	OxRoutine *r = fn->routine;
	if (word (p, CUR (p), "next")) {
		advance (p);
		PlsqlReturn *s = NEW_STMT (p, PlsqlReturn, PLSQL_STMT_RETURN_NEXT, first);
		s->rec_dno = -1;
		if (!r->retset)
			ox_raise ("42804", first->loc + 1, "cannot use RETURN NEXT in a non-SETOF function");
		if (fn->has_out) {
			/* RETURNS SETOF table: the engine describes the row by TABLE
			 * arguments; RETURN NEXT rec hands over a whole row. */
			if (is_ident (CUR (p)) && is_ch (PEEK (p, 1), ';')) {
				const char *field = NULL;
				int save = p->pos;
				int dno = read_var_ref (p, &field);
				if (dno >= 0 && !field && datum (p, dno)->kind == PLSQL_DTYPE_REC)
					s->rec_dno = dno;
				else
					p->pos = save;
			}
			if (s->rec_dno < 0 && !is_ch (CUR (p), ';'))
				ox_raise ("42804", CUR (p)->loc + 1,
				          "RETURN NEXT cannot have a parameter in function with OUT parameters");
		} else {
			if (is_ch (CUR (p), ';'))
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "RETURN NEXT must have a parameter");
			s->expr = read_expr (p, T_SEMI);
		}
		expect_semi (p);
		return &s->stmt;
	}
	if (word (p, CUR (p), "query")) {
		advance (p);
		PlsqlReturnQuery *s = NEW_STMT (p, PlsqlReturnQuery, PLSQL_STMT_RETURN_QUERY, first);
		if (!r->retset)
			ox_raise ("42804", first->loc + 1, "cannot use RETURN QUERY in a non-SETOF function");
		if (accept_word (p, "execute")) {
			s->dynquery = read_expr (p, T_SEMI | T_USING);
			if (accept_word (p, "using"))
				s->usings = read_using (p, T_SEMI, &s->nusing);
		} else
			s->query = read_sql (p, T_SEMI, true, NULL);
		expect_semi (p);
		return &s->stmt;
	}
	PlsqlReturn *s = NEW_STMT (p, PlsqlReturn, PLSQL_STMT_RETURN, first);
	s->rec_dno = -1;
	/* RETURNS tablename (not SETOF) returns a row: RETURN rec */
	bool novalue = fn->is_procedure || r->retset || (fn->has_out && !r->rowtype_result) ||
	               r->retkind == OX_RET_VOID || fn->is_event_trigger;
	if (novalue) {
		if (!is_ch (CUR (p), ';')) {
			const char *why = fn->is_procedure ? "RETURN cannot have a parameter in a procedure"
			                : r->retset        ? "RETURN cannot have a parameter in function returning set"
			                : fn->has_out      ? "RETURN cannot have a parameter in function with OUT parameters"
			                                   : "RETURN cannot have a parameter in function returning void";
			ox_raise (r->retset ? OX_ERR_SYNTAX : "42804", CUR (p)->loc + 1, "%s", why);
		}
	} else {
		if (is_ch (CUR (p), ';'))
			ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "missing expression at or near \";\"");
		/* RETURN rec: a record variable is returned as a row (triggers). */
		if (is_ident (CUR (p)) && is_ch (PEEK (p, 1), ';')) {
			const char *field = NULL;
			int save = p->pos;
			int dno = read_var_ref (p, &field);
			if (dno >= 0 && !field && datum (p, dno)->kind == PLSQL_DTYPE_REC)
				s->rec_dno = dno;
			p->pos = save;
		}
		s->expr = read_expr (p, T_SEMI);
	}
	expect_semi (p);
	return &s->stmt;
}

/* --- RAISE --- */

static int
count_placeholders (const char *fmt)
{
	int n = 0;
	for (const char *c = fmt; *c; c++) {
		if (*c == '%') {
			if (c[1] == '%')
				c++;
			else
				n++;
		}
	}
	return n;
}

static PlsqlStmt *
parse_raise (Parser *p, const OxToken *first)
{
	PlsqlRaise *s = NEW_STMT (p, PlsqlRaise, PLSQL_STMT_RAISE, first);
	s->elevel = PLSQL_EXCEPTION;
	if (is_ch (CUR (p), ';')) {
		if (!p->in_handler)
			ox_raise ("0Z002", first->loc + 1,
			          "RAISE without parameters cannot be used outside an exception handler");
		s->rethrow = true;
		advance (p);
		return &s->stmt;
	}
	static const struct { const char *w; PlsqlElevel l; } levels[] = {
		{ "exception", PLSQL_EXCEPTION }, { "warning", PLSQL_WARNING }, { "notice", PLSQL_NOTICE },
		{ "info", PLSQL_INFO },           { "log", PLSQL_LOG },         { "debug", PLSQL_DEBUG },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (levels); i++)
		if (word (p, CUR (p), levels[i].w)) {
			s->elevel = levels[i].l;
			advance (p);
			break;
		}
	const OxToken *t = CUR (p);
	if (t->kind == OX_TOK_STRING) {
		s->message = ox_arena_strndup (p->a, t->str, (size_t) t->str_len);
		advance (p);
		GPtrArray *params = tmp_ptr_array_new (p);
		while (is_ch (CUR (p), ',')) {
			advance (p);
			g_ptr_array_add (params, read_expr (p, T_SEMI | T_COMMA | T_USING));
		}
		s->nparams = (int) params->len;
		s->params = dup_array (p, params->pdata, sizeof (void *), params->len);
		tmp_free (p, params);
		int want = count_placeholders (s->message);
		if (want > s->nparams)
			ox_raise (OX_ERR_SYNTAX, first->loc + 1, "too few parameters specified for RAISE");
		if (want < s->nparams)
			ox_raise (OX_ERR_SYNTAX, first->loc + 1, "too many parameters specified for RAISE");
	} else if (word (p, t, "sqlstate")) {
		advance (p);
		const OxToken *c = CUR (p);
		if (c->kind != OX_TOK_STRING)
			syntax_error (p);
		if (c->str_len != 5 || strspn (c->str, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 5)
			ox_raise (OX_ERR_SYNTAX, c->loc + 1, "invalid SQLSTATE code");
		memcpy (s->sqlstate, c->str, 6);
		advance (p);
	} else if (is_ident (t) && !word (p, t, "using")) {
		const char *name = tok_name (p, t);
		const char *st = plsql_condition_sqlstate (name);
		if (!st)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, t->loc + 1, "unrecognized exception condition \"%s\"", name);
		memcpy (s->sqlstate, st, 6);
		s->condname = name;
		advance (p);
	} else if (!word (p, t, "using"))
		syntax_error (p);

	if (accept_word (p, "using")) {
		static const struct { const char *w; PlsqlRaiseOpt o; } opts[] = {
			{ "errcode", PLSQL_RAISE_ERRCODE },     { "message", PLSQL_RAISE_MESSAGE },
			{ "detail", PLSQL_RAISE_DETAIL },       { "hint", PLSQL_RAISE_HINT },
			{ "column", PLSQL_RAISE_COLUMN },       { "constraint", PLSQL_RAISE_CONSTRAINT },
			{ "datatype", PLSQL_RAISE_DATATYPE },   { "table", PLSQL_RAISE_TABLE },
			{ "schema", PLSQL_RAISE_SCHEMA },
		};
		GArray *ol = tmp_array_new (p, FALSE, TRUE, sizeof (PlsqlRaiseOption));
		for (;;) {
			const OxToken *ot = CUR (p);
			PlsqlRaiseOption o = { 0 };
			size_t i;
			for (i = 0; i < G_N_ELEMENTS (opts); i++)
				if (word (p, ot, opts[i].w))
					break;
			if (i == G_N_ELEMENTS (opts)) {
				tmp_free (p, ol);
				if (ot->kind == OX_TOK_IDENT)
					ox_raise (OX_ERR_SYNTAX, ot->loc + 1, "unrecognized RAISE statement option");
				syntax_error (p);
			}
			o.kind = opts[i].o;
			advance (p);
			if (!is_ch (CUR (p), '=') && CUR (p)->kind != OX_TOK_COLON_EQUALS) {
				tmp_free (p, ol);
				syntax_error (p);
			}
			advance (p);
			o.expr = read_expr (p, T_SEMI | T_COMMA);
			g_array_append_val (ol, o);
			if (!is_ch (CUR (p), ','))
				break;
			advance (p);
		}
		s->noptions = (int) ol->len;
		s->options = dup_array (p, ol->data, sizeof (PlsqlRaiseOption), ol->len);
		tmp_free (p, ol);
	}
	expect_semi (p);
	return &s->stmt;
}

/* --- GET DIAGNOSTICS --- */

static PlsqlStmt *
parse_getdiag (Parser *p, const OxToken *first)
{
	PlsqlGetDiag *s = NEW_STMT (p, PlsqlGetDiag, PLSQL_STMT_GETDIAG, first);
	if (accept_word (p, "stacked"))
		s->stacked = true;
	else
		accept_word (p, "current");
	expect_word (p, "diagnostics");
	static const struct { const char *w; PlsqlDiagItem k; int stacked; } items[] = {
		{ "row_count", PLSQL_DIAG_ROW_COUNT, 0 },
		{ "pg_context", PLSQL_DIAG_CONTEXT, 0 },
		{ "returned_sqlstate", PLSQL_DIAG_RETURNED_SQLSTATE, 1 },
		{ "message_text", PLSQL_DIAG_MESSAGE_TEXT, 1 },
		{ "pg_exception_detail", PLSQL_DIAG_EXCEPTION_DETAIL, 1 },
		{ "pg_exception_hint", PLSQL_DIAG_EXCEPTION_HINT, 1 },
		{ "pg_exception_context", PLSQL_DIAG_EXCEPTION_CONTEXT, 1 },
		{ "column_name", PLSQL_DIAG_COLUMN_NAME, 1 },
		{ "constraint_name", PLSQL_DIAG_CONSTRAINT_NAME, 1 },
		{ "pg_datatype_name", PLSQL_DIAG_DATATYPE_NAME, 1 },
		{ "table_name", PLSQL_DIAG_TABLE_NAME, 1 },
		{ "schema_name", PLSQL_DIAG_SCHEMA_NAME, 1 },
	};
	GArray *l = tmp_array_new (p, FALSE, TRUE, sizeof (PlsqlDiag));
	for (;;) {
		const OxToken *vt = CUR (p);
		const char *field = NULL;
		int dno = read_var_ref (p, &field);
		if (dno < 0 || field) {
			tmp_free (p, l);
			if (is_ident (vt))
				ox_raise (OX_ERR_SYNTAX, vt->loc + 1, "\"%.*s\" is not a known variable", vt->len,
				          p->body + vt->loc);
			syntax_error (p);
		}
		check_assignable (p, dno, vt->loc);
		if (!is_ch (CUR (p), '=') && CUR (p)->kind != OX_TOK_COLON_EQUALS) {
			tmp_free (p, l);
			syntax_error (p);
		}
		advance (p);
		const OxToken *it = CUR (p);
		size_t i;
		for (i = 0; i < G_N_ELEMENTS (items); i++)
			if (word (p, it, items[i].w))
				break;
		if (i == G_N_ELEMENTS (items)) {
			tmp_free (p, l);
			syntax_error (p);
		}
		if (items[i].stacked != (int) s->stacked)
			ox_raise (OX_ERR_SYNTAX, it->loc + 1, "diagnostics item %.*s is not allowed in GET %s DIAGNOSTICS",
			          it->len, p->body + it->loc, s->stacked ? "STACKED" : "CURRENT");
		advance (p);
		PlsqlDiag d = { dno, items[i].k };
		g_array_append_val (l, d);
		if (!is_ch (CUR (p), ','))
			break;
		advance (p);
	}
	s->nitems = (int) l->len;
	s->items = dup_array (p, l->data, sizeof (PlsqlDiag), l->len);
	tmp_free (p, l);
	expect_semi (p);
	return &s->stmt;
}

/* --- SQL statements, EXECUTE, PERFORM, assignment --- */

static const char *const sql_starters[] = {
	"select", "insert", "update", "delete", "with", "create", "drop", "alter", "truncate",
	"values", "table", "call", "set", "reset", "show", "explain", "lock", "grant", "revoke",
	"comment", "analyze", "analyse", "vacuum", "notify", "listen", "unlisten", "copy",
	"import", "merge", "refresh", "cluster", "reindex", "discard", "prepare", "deallocate",
	"security", "checkpoint", "do",
};

static bool
is_sql_starter (Parser *p, const OxToken *t)
{
	for (size_t i = 0; i < G_N_ELEMENTS (sql_starters); i++)
		if (word (p, t, sql_starters[i]))
			return true;
	return false;
}

static PlsqlStmt *
parse_execsql (Parser *p, const OxToken *first)
{
	PlsqlExecSql *s = NEW_STMT (p, PlsqlExecSql, PLSQL_STMT_EXECSQL, first);
	s->sql = read_sql (p, T_SEMI, true, s);
	expect_semi (p);
	return &s->stmt;
}

static PlsqlStmt *
parse_perform (Parser *p, const OxToken *first)
{
	PlsqlExecSql *s = NEW_STMT (p, PlsqlExecSql, PLSQL_STMT_PERFORM, first);
	if (is_ch (CUR (p), ';'))
		syntax_error (p);
	/* "PERFORM x" runs "SELECT x": both words are 7 bytes, so taking the
	 * text from PERFORM itself and overwriting it keeps the body's offsets. */
	p->pos--;
	PlsqlExpr *e = read_sql (p, T_SEMI, true, NULL);
	memcpy (e->text, "SELECT ", 7);
	s->sql = e;
	expect_semi (p);
	return &s->stmt;
}

static PlsqlStmt *
parse_dynexecute (Parser *p, const OxToken *first)
{
	PlsqlDynExecute *s = NEW_STMT (p, PlsqlDynExecute, PLSQL_STMT_DYNEXECUTE, first);
	s->query = read_expr (p, T_SEMI | T_INTO | T_USING);
	for (;;) {
		if (word (p, CUR (p), "into")) {
			if (s->into)
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "INTO specified more than once");
			advance (p);
			int strict = 0;
			s->into = true;
			s->target = read_into_target (p, &strict);
			s->strict = strict != 0;
		} else if (word (p, CUR (p), "using")) {
			if (s->usings)
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "USING specified more than once");
			advance (p);
			s->usings = read_using (p, T_SEMI | T_INTO, &s->nusing);
		} else
			break;
	}
	expect_semi (p);
	return &s->stmt;
}

static PlsqlStmt *
parse_assign (Parser *p, int dno, const char *field, const OxToken *first)
{
	PlsqlAssign *s = NEW_STMT (p, PlsqlAssign, PLSQL_STMT_ASSIGN, first);
	s->dno = dno;
	s->field = field;
	check_assignable (p, dno, first->loc);
	advance (p);  /* := or = */
	s->expr = read_expr (p, T_SEMI);
	expect_semi (p);
	return &s->stmt;
}

static PlsqlStmt *
parse_stmt (Parser *p)
{
	const char *label = NULL;
	const OxToken *first = CUR (p);
	if (is_op (p, first, "<<")) {
		advance (p);
		if (!is_ident (CUR (p)))
			syntax_error (p);
		label = tok_name (p, CUR (p));
		advance (p);
		if (!is_op (p, CUR (p), ">>"))
			syntax_error (p);
		advance (p);
		first = CUR (p);
		if (!(word (p, first, "declare") || word (p, first, "begin") || word (p, first, "loop") ||
		      word (p, first, "while") || word (p, first, "for") || word (p, first, "foreach")))
			syntax_error (p);
	}
	const OxToken *t = first;

	if (word (p, t, "declare") || word (p, t, "begin")) {
		PlsqlBlock *b = parse_block (p, label, first);
		expect_semi (p);
		return &b->stmt;
	}
	/* Assignment: a known variable followed by := or = (perhaps r.f, lbl.v). */
	if (is_ident (t)) {
		int save = p->pos;
		const char *field = NULL;
		int dno = read_var_ref (p, &field);
		if (dno >= 0 && (CUR (p)->kind == OX_TOK_COLON_EQUALS || is_ch (CUR (p), '=')))
			return parse_assign (p, dno, field, first);
		p->pos = save;
		if (dno < 0 && (PEEK (p, 1)->kind == OX_TOK_COLON_EQUALS ||
		                (is_ch (PEEK (p, 1), '.') && PEEK (p, 3)->kind == OX_TOK_COLON_EQUALS)))
			ox_raise (OX_ERR_SYNTAX, t->loc + 1, "\"%.*s\" is not a known variable", t->len,
			          p->body + t->loc);
	}
	advance (p);
	if (word (p, t, "if"))
		return parse_if (p, first);
	if (word (p, t, "case"))
		return parse_case (p, first);
	if (word (p, t, "loop"))
		return parse_loop (p, label, first);
	if (word (p, t, "while"))
		return parse_while (p, label, first);
	if (word (p, t, "for"))
		return parse_for (p, label, first);
	if (word (p, t, "foreach"))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, t->loc + 1, "FOREACH is not supported: there are no arrays yet");
	if (word (p, t, "exit"))
		return parse_exit (p, true, first);
	if (word (p, t, "continue"))
		return parse_exit (p, false, first);
	if (word (p, t, "return"))
		return parse_return (p, first);
	if (word (p, t, "raise"))
		return parse_raise (p, first);
	if (word (p, t, "assert")) {
		PlsqlAssert *s = NEW_STMT (p, PlsqlAssert, PLSQL_STMT_ASSERT, first);
		s->cond = read_expr (p, T_SEMI | T_COMMA);
		if (is_ch (CUR (p), ',')) {
			advance (p);
			s->message = read_expr (p, T_SEMI);
		}
		expect_semi (p);
		return &s->stmt;
	}
	if (word (p, t, "perform"))
		return parse_perform (p, first);
	if (word (p, t, "execute"))
		return parse_dynexecute (p, first);
	if (word (p, t, "get"))
		return parse_getdiag (p, first);
	if (word (p, t, "null")) {
		PlsqlStmt *s = new_stmt (p, sizeof (PlsqlStmt), PLSQL_STMT_NULL, first);
		expect_semi (p);
		return s;
	}
	if (word (p, t, "commit") || word (p, t, "rollback")) {
		PlsqlStmt *s = new_stmt (p, sizeof (PlsqlStmt),
		                         word (p, t, "commit") ? PLSQL_STMT_COMMIT : PLSQL_STMT_ROLLBACK, first);
		if (accept_word (p, "and")) {
			accept_word (p, "no");
			expect_word (p, "chain");
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, t->loc + 1, "AND CHAIN is not supported");
		}
		expect_semi (p);
		return s;
	}
	if (word (p, t, "open") || word (p, t, "fetch") || word (p, t, "move") || word (p, t, "close"))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, t->loc + 1, "cursor statements are not supported in PL/SQL yet");
	if (is_sql_starter (p, t)) {
		p->pos--;
		return parse_execsql (p, first);
	}
	syntax_error_at (p, t);
}

/* ---- entry point ---------------------------------------------------------------------- */

static int
add_implicit (Parser *p, const char *name, OxTypeId type)
{
	PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_VAR, name, -1);
	d->type = (OxType) { type, -1 };
	int dno = add_datum (p, d);
	ns_add_var (p, name, dno);
	return dno;
}

static int
add_implicit_rec (Parser *p, const char *name)
{
	PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_REC, name, -1);
	int dno = add_datum (p, d);
	ns_add_var (p, name, dno);
	return dno;
}

static void
parse_function (Parser *p)
{
	PlsqlFunction *fn = p->fn;
	OxRoutine *r = fn->routine;

	/* Lex everything up front: the parser then looks ahead freely. */
	OxLexer lx;
	ox_lexer_init (&lx, p->a, p->body, (size_t) p->len);
	for (;;) {
		OxToken t;
		ox_lex (&lx, &t);
		g_array_append_val (p->toks, t);
		if (t.kind == OX_TOK_EOF)
			break;
	}

	/* The outermost scope: the routine's name labels its arguments. */
	ns_push_label (p, r->obj.name);
	fn->arg_dnos = OX_NEW_N (p->a, int, r->nargs > 0 ? r->nargs : 1);
	if (fn->has_out)
		fn->out_dnos = OX_NEW_N (p->a, int, r->nresult > 0 ? r->nresult : 1);
	int nout = 0;
	for (int i = 0; i < r->nargs; i++) {
		const OxRoutineArg *arg = &r->args[i];
		char *dollar = ox_arena_printf (p->a, "$%d", i + 1);
		PlsqlDatum *d = new_datum (p, PLSQL_DTYPE_VAR, arg->name ? arg->name : dollar, -1);
		d->type = arg->type;
		d->argno = i;
		int dno = add_datum (p, d);
		fn->arg_dnos[i] = dno;
		/* RETURNS SETOF tablename: the row's columns are not variables
		 * (they would make the body's queries ambiguous) */
		bool hidden = r->rowtype_result && arg->mode == OX_ARG_TABLE;
		if (!hidden)
			ns_add_var (p, dollar, dno);
		if (arg->name && !hidden)
			ns_add_var (p, arg->name, dno);
		if (fn->has_out && arg->mode != OX_ARG_IN && nout < r->nresult)
			fn->out_dnos[nout++] = dno;
	}
	fn->found_dno = add_implicit (p, "found", OX_T_BOOL);
	fn->new_dno = fn->old_dno = -1;
	fn->tg_name_dno = fn->tg_when_dno = fn->tg_level_dno = fn->tg_op_dno = -1;
	fn->tg_table_name_dno = fn->tg_table_schema_dno = fn->tg_relname_dno = -1;
	fn->tg_nargs_dno = fn->tg_argv_dno = fn->tg_event_dno = fn->tg_tag_dno = -1;
	if (fn->is_trigger) {
		fn->new_dno = add_implicit_rec (p, "new");
		fn->old_dno = add_implicit_rec (p, "old");
		fn->tg_name_dno = add_implicit (p, "tg_name", OX_T_TEXT);
		fn->tg_when_dno = add_implicit (p, "tg_when", OX_T_TEXT);
		fn->tg_level_dno = add_implicit (p, "tg_level", OX_T_TEXT);
		fn->tg_op_dno = add_implicit (p, "tg_op", OX_T_TEXT);
		fn->tg_table_name_dno = add_implicit (p, "tg_table_name", OX_T_TEXT);
		fn->tg_relname_dno = add_implicit (p, "tg_relname", OX_T_TEXT);
		fn->tg_table_schema_dno = add_implicit (p, "tg_table_schema", OX_T_TEXT);
		fn->tg_nargs_dno = add_implicit (p, "tg_nargs", OX_T_INT4);
		for (int i = 0; i < PLSQL_TG_ARGV_MAX; i++) {
			int dno = add_implicit (p, ox_arena_printf (p->a, "__tg_argv_%d", i), OX_T_TEXT);
			if (i == 0)
				fn->tg_argv_dno = dno;
		}
	}
	if (fn->is_event_trigger) {
		fn->tg_event_dno = add_implicit (p, "tg_event", OX_T_TEXT);
		fn->tg_tag_dno = add_implicit (p, "tg_tag", OX_T_TEXT);
	}

	/* [<<label>>] [DECLARE ...] BEGIN ... END [label] [;] */
	const char *label = NULL;
	const OxToken *first = CUR (p);
	if (is_op (p, first, "<<")) {
		advance (p);
		if (!is_ident (CUR (p)))
			syntax_error (p);
		label = tok_name (p, CUR (p));
		advance (p);
		if (!is_op (p, CUR (p), ">>"))
			syntax_error (p);
		advance (p);
		first = CUR (p);
	}
	if (!word (p, first, "declare") && !word (p, first, "begin"))
		syntax_error (p);
	fn->action = parse_block (p, label, first);
	if (is_ch (CUR (p), ';'))
		advance (p);
	if (CUR (p)->kind != OX_TOK_EOF)
		syntax_error (p);
}

PlsqlFunction *
plsql_parse (OxRoutine *r)
{
	OxArena *a = ox_arena_new ();
	PlsqlFunction *fn = OX_NEW (a, PlsqlFunction);
	fn->arena = a;
	fn->routine = r;
	fn->body = r->body ? r->body : "";
	fn->is_trigger = r->retkind == OX_RET_TRIGGER;
	fn->is_event_trigger = r->retkind == OX_RET_EVENT_TRIGGER;
	fn->is_procedure = r->rkind == OX_ROUTINE_PROCEDURE;
	for (int i = 0; i < r->nargs; i++)
		if (r->args[i].mode != OX_ARG_IN)
			fn->has_out = true;

	Parser p = { 0 };
	p.fn = fn;
	p.a = a;
	p.body = fn->body;
	p.len = (int) strlen (fn->body);
	p.toks = g_array_new (FALSE, TRUE, sizeof (OxToken));
	p.datums = g_ptr_array_new ();
	p.stmts = g_ptr_array_new ();
	p.exprs = g_ptr_array_new ();
	p.labels = g_array_new (FALSE, TRUE, sizeof (LabelScope));
	p.temps = g_array_new (FALSE, FALSE, sizeof (Tmp));
	/* Read in OX_CATCH: must survive the longjmp. */
	Parser *volatile pp = &p;

	OX_TRY {
		parse_function (pp);
	} OX_CATCH {
		g_array_free (pp->toks, TRUE);
		g_ptr_array_free (pp->datums, TRUE);
		g_ptr_array_free (pp->stmts, TRUE);
		g_ptr_array_free (pp->exprs, TRUE);
		g_array_free (pp->labels, TRUE);
		tmp_free_all (pp);
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;

	fn->ndatums = (int) p.datums->len;
	fn->datums = dup_array (&p, p.datums->pdata, sizeof (void *), p.datums->len);
	fn->nstmts = (int) p.stmts->len;
	fn->stmts = dup_array (&p, p.stmts->pdata, sizeof (void *), p.stmts->len);
	g_array_free (p.toks, TRUE);
	g_ptr_array_free (p.datums, TRUE);
	fn->nexprs = (int) p.exprs->len;
	fn->exprs = dup_array (&p, p.exprs->pdata, sizeof (void *), p.exprs->len);
	g_ptr_array_free (p.stmts, TRUE);
	g_ptr_array_free (p.exprs, TRUE);
	g_array_free (p.labels, TRUE);
	tmp_free_all (&p);
	return fn;
}

/* The tree only: plsql-exec.c releases the run-time caches (SPI objects,
 * parameter lists) before calling this. */
void
plsql_function_free (PlsqlFunction *fn)
{
	if (fn)
		ox_arena_free (fn->arena);
}
