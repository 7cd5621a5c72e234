/*
 * ast.c — the small runtime of the parse tree: arena lists and tag names.
 *
 * NOTE: lists grow by doubling inside the arena; the old item arrays are
 * left behind until the arena dies.  Parse trees are small and short-lived,
 * so the waste (at most the final size again) is cheaper than a free list.
 */
#include "ast.h"

#include <string.h>

OxList *
ox_list_new (OxArena *a)
{
	return OX_NEW (a, OxList);
}

void
ox_list_push (OxArena *a, OxList *l, void *item)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 4;
		void **items = ox_arena_alloc (a, sizeof (void *) * (size_t) cap);
		if (l->n)
			memcpy (items, l->items, sizeof (void *) * (size_t) l->n);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = item;
}

const char *
ox_node_tag_name (OxNodeTag tag)
{
	switch (tag) {
	case OX_N_CONST: return "Const";
	case OX_N_COLUMNREF: return "ColumnRef";
	case OX_N_PARAMREF: return "ParamRef";
	case OX_N_AEXPR: return "A_Expr";
	case OX_N_BOOLEXPR: return "BoolExpr";
	case OX_N_FUNCCALL: return "FuncCall";
	case OX_N_TYPECAST: return "TypeCast";
	case OX_N_CASE: return "CaseExpr";
	case OX_N_SUBLINK: return "SubLink";
	case OX_N_NULLTEST: return "NullTest";
	case OX_N_BOOLTEST: return "BooleanTest";
	case OX_N_BETWEEN: return "Between";
	case OX_N_INLIST: return "InList";
	case OX_N_LIKE: return "Like";
	case OX_N_STAR: return "A_Star";
	case OX_N_DEFAULT: return "SetToDefault";
	case OX_N_RESTARGET: return "ResTarget";
	case OX_N_SORTBY: return "SortBy";
	case OX_N_RANGEVAR: return "RangeVar";
	case OX_N_RANGESUBSELECT: return "RangeSubselect";
	case OX_N_JOINEXPR: return "JoinExpr";
	case OX_N_TYPENAME: return "TypeName";
	case OX_N_COLUMNDEF: return "ColumnDef";
	case OX_N_CONSTRAINT: return "Constraint";
	case OX_N_INDEXELEM: return "IndexElem";
	case OX_N_SETCLAUSE: return "SetClause";
	case OX_N_SELECT: return "SELECT";
	case OX_N_INSERT: return "INSERT";
	case OX_N_UPDATE: return "UPDATE";
	case OX_N_DELETE: return "DELETE";
	case OX_N_CREATE_TABLE: return "CREATE TABLE";
	case OX_N_CREATE_SCHEMA: return "CREATE SCHEMA";
	case OX_N_CREATE_INDEX: return "CREATE INDEX";
	case OX_N_CREATE_VIEW: return "CREATE VIEW";
	case OX_N_DROP: return "DROP";
	case OX_N_TRANSACTION: return "TRANSACTION";
	case OX_N_TRUNCATE: return "TRUNCATE";
	case OX_N_SET: return "SET";
	case OX_N_SHOW: return "SHOW";
	case OX_N_EXPLAIN: return "EXPLAIN";
	case OX_N_CHECKPOINT: return "CHECKPOINT";
	case OX_N_FUNCPARAM: return "function parameter";
	case OX_N_CREATE_FUNCTION: return "CREATE FUNCTION";
	case OX_N_CALL: return "CALL";
	case OX_N_DO: return "DO";
	case OX_N_RANGEFUNCTION: return "function in FROM";
	case OX_N_CREATE_TRIGGER: return "CREATE TRIGGER";
	case OX_N_ALTER_TRIGGER: return "ALTER TABLE";
	case OX_N_CREATE_SCHEDULE: return "CREATE SCHEDULE";
	case OX_N_CREATE_SEQUENCE: return "CREATE SEQUENCE";
	case OX_N_ALTER_SEQUENCE: return "ALTER SEQUENCE";
	case OX_N_ALTER_SCHEDULE: return "ALTER SCHEDULE";
	case OX_N_CREATE_EVENT_TRIGGER: return "CREATE EVENT TRIGGER";
	case OX_N_ALTER_EVENT_TRIGGER: return "ALTER EVENT TRIGGER";
	case OX_N_COPY: return "COPY";
	case OX_N_VACUUM: return "VACUUM";
	case OX_N_ALTER_TABLE_ADD: return "ALTER TABLE";
	case OX_N_CREATE_ROLE: return "CREATE ROLE";
	case OX_N_ALTER_ROLE: return "ALTER ROLE";
	case OX_N_CREATE_DATABASE: return "CREATE DATABASE";
	case OX_N_ALTER_TABLE: return "ALTER TABLE";
	case OX_N_ALTER_RENAME: return "ALTER";
	}
	return "?";
}
