/*
 * lua-private.h — what the files of the Lua routine language share.
 *
 *   lua.c        the language itself: state, sandbox, limits, compile, call
 *   lua-value.c  OxValue <-> Lua value conversion
 *   lua-ox.c     the `ox` module (ox.query, ox.rows, ox.exec, ox.log, ...)
 *
 * NOTE: two longjmp-based error mechanisms meet here.  Lua raises with
 * its own longjmp (lua_error) back to the innermost lua_pcall; the engine
 * raises with ox_raise back to the innermost OX_TRY.  Neither may cross
 * the other's frames:
 *   - every engine call made from a C function that Lua called is wrapped
 *     in OX_TRY, and the error is turned into a Lua error only after
 *     OX_END_TRY (never lua_error inside an OX_TRY body: ox_jmp_top would
 *     be left pointing into a dead frame);
 *   - inside an OX_TRY body no Lua API call that may raise (anything that
 *     allocates: pushing strings, creating tables) is made;
 *   - a Lua error leaving the chunk is caught by our lua_pcall and turned
 *     into ox_raise only after that pcall has returned.
 * The split of a conversion into an engine half (ox_lua_datum_from_value,
 * ox_lua_datum_to_value: may ox_raise) and a Lua half (ox_lua_push_datum,
 * ox_lua_datum_from_lua: may lua_error) exists for this rule.
 */
#ifndef OX_LUA_PRIVATE_H
#define OX_LUA_PRIVATE_H

#include <lua.h>
#include <lauxlib.h>

#include "base/error.h"
#include "debug.h"
#include "pl/pl.h"

/* SQLSTATEs this language raises that error.h does not name. */
#define OX_LUA_ERR_OUT_OF_MEMORY   "53200"
#define OX_LUA_ERR_EXTERNAL        "38000"  /* a Lua error that names no SQLSTATE */

typedef struct OxLuaCall OxLuaCall;

/* One compiled routine version in one session: its own lua_State. */
typedef struct OxLuaRoutine {
	lua_State  *L;            /* owned; lua_close'd by free() */
	OxRoutine  *routine;      /* the version compiled (immutable; outlives us) */
	char        chunkname[48];/* "=name": Lua reports the chunk as "name:LINE:" */
	/* Memory accounting, kept by the lua_Alloc of the state. */
	size_t      mem_used;     /* bytes currently allocated by L */
	size_t      mem_limit;    /* lua.max_memory in bytes; 0 = unlimited */
	bool        mem_refused;  /* the allocator refused a block for the limit since the
	                             outermost call began (an ERRMEM is then ours) */
	/* Instruction accounting, kept by the count hook. */
	int64_t     insn_limit;   /* lua.max_instructions; 0 = unlimited */
	int64_t     insn_done;    /* instructions executed since the outermost call began
	                             (at hook granularity) */
	int         insn_step;    /* current hook period, in instructions */
	/* A sticky error: a limit or a cancel that stopped the call.  While it
	 * is set every hook tick and every pcall re-raises it, so Lua code
	 * cannot swallow it.  sqlstate[0] == '\0': none. */
	OxErrorData fatal;
	/* An engine error taken by OX_CATCH, on its way to become a Lua error
	 * table.  Kept here, not on the C stack, so a memory error while
	 * building the table cannot leak its strings. */
	OxErrorData pending;
	/* Registry references. */
	int         fn_ref;       /* the compiled chunk */
	int         env_ref;      /* the sandbox environment (_ENV of the chunk) */
	int         errmt_ref;    /* metatable of error tables (__tostring) */
	void       *null_ud;      /* ox.null: a full userdata anchored in env.ox; compared by address */
	GHashTable *plans;        /* "<param kinds>\x1f<sql>" (g_malloc'd) -> OxSpiPlan* */
	OxLuaCall  *call;         /* innermost call running on this state, or NULL */
	lua_State  *running;      /* the thread whose C function is inside the engine right now
	                             (a nested call of this routine runs on it), or NULL */
	int         depth;        /* calls active on this state */
	int         pcall_depth;  /* pcalls running with a subtransaction (ox.commit refuses) */
	bool        debugger;     /* the session has debugger hooks: line events wanted */
} OxLuaRoutine;

/* Where a call is, for the context line of an error leaving it. */
typedef enum OxLuaPhase {
	OX_LUA_PHASE_ARGS,        /* converting the arguments */
	OX_LUA_PHASE_BODY,        /* running the chunk */
	OX_LUA_PHASE_RESULT,      /* converting what it returned */
} OxLuaPhase;

/* One call of a routine (on the C stack of call()). */
struct OxLuaCall {
	OxPlCall   *pl;
	OxLuaCall  *prev;         /* the call it is nested in on the same state, or NULL */
	OxLuaPhase  phase;
	int         info_ref;     /* registry: table behind ox.new, ox.old, ox.op ... or LUA_NOREF */
	GPtrArray  *cursors;      /* OxLuaCursor* still open from this call (NULL: none yet) */
	OxArena    *scratch;      /* per-row scratch for emitted rows (NULL until needed) */
	int         err_line;     /* body line of the error, found by the message handler; 0: none */
	/* The error the debugger last heard of as raised in this call
	 * (ox_lua_debug_raised), so that the message handler does not report
	 * it again when it leaves the call. */
	const void *reported;     /* its table (lua_topointer), or NULL */
	int         reported_ref; /* registry: that table, kept alive so that no other table can
	                             take its address; LUA_NOREF until the first report */
	bool        fatal_reported; /* it was st->fatal (57014): every later raise of the sticky
	                               error is the same error */
	/* The debugger's view (lua.c, "the debugger's view of a frame"); set
	 * only when the session has hooks and the call has its own frame. */
	struct OxFrame *frame;    /* the frame whose ops point at this call, or NULL */
	lua_State  *L;            /* the thread the call runs on */
	int         base_levels;  /* stack levels L had when the call began (lua_getstack):
	                             the body's main function is the second level above them */
};

/* State of L (the allocator's user data is the routine). */
static inline OxLuaRoutine *
ox_lua_routine (lua_State *L)
{
	void *ud = NULL;
	lua_getallocf (L, &ud);
	return ud;
}

/* Run engine code from a C function that Lua called.  The body runs
 * under OX_TRY with st->running set to L (so a nested call of this
 * routine runs on the thread that is inside the engine); an engine error
 * becomes a Lua error table only after OX_END_TRY. */
#define OX_LUA_ENGINE(st, L, ...)                                        \
	do {                                                             \
		lua_State *volatile ox__saved = (st)->running;           \
		volatile bool ox__failed = false;                        \
		(st)->running = (L);                                     \
		OX_TRY {                                                 \
			__VA_ARGS__;                                     \
		} OX_CATCH {                                             \
			ox_lua_take_error (st);                          \
			ox__failed = true;                               \
		} OX_END_TRY;                                            \
		(st)->running = ox__saved;                               \
		if (ox__failed)                                          \
			ox_lua_raise_pending ((L), (st));                \
	} while (0)

/* ---- lua-value.c ------------------------------------------------------------------------ */

typedef enum OxLuaKind {
	OX_LUA_NULL,
	OX_LUA_BOOL,
	OX_LUA_INT,
	OX_LUA_FLOAT,
	OX_LUA_STRING,
} OxLuaKind;

/* A scalar on its way between the engine and Lua.  A string points into
 * an arena (engine side) or into a Lua string that stays anchored on the
 * Lua stack while the datum is used (Lua side). */
typedef struct OxLuaDatum {
	OxLuaKind   kind;
	bool        b;
	lua_Integer i;
	lua_Number  f;
	const char *s;
	size_t      len;
} OxLuaDatum;

/* Engine half: may ox_raise (call inside OX_TRY). */
void    ox_lua_datum_from_value (struct OxSession *s, const OxValue *v, OxArena *a, OxLuaDatum *out);
OxValue ox_lua_datum_to_value (struct OxSession *s, const OxLuaDatum *d, OxType t, OxArena *a);
OxValue ox_lua_datum_to_param (const OxLuaDatum *d, OxArena *a);
/* Lua half: may lua_error. */
void    ox_lua_push_datum (lua_State *L, OxLuaRoutine *st, const OxLuaDatum *d);
/* Read the value at idx; 'what' names the target in the error for a
 * table or function ("integer", "a query parameter"). */
void    ox_lua_datum_from_lua (lua_State *L, OxLuaRoutine *st, int idx, OxLuaDatum *out, const char *what);
/* Is the value at idx ox.null? */
bool    ox_lua_is_null (OxLuaRoutine *st, lua_State *L, int idx);

/* The debugger's text of Lua values.  These read tables raw, allocate
 * nothing in Lua and so never raise; they need 8 free stack slots. */
#define OX_LUA_DEBUG_MAX_CHILDREN 100000  /* children listed per kind (named, indexed) */
/* Fill v (zeroed first) from the value at idx; sqltype, when given,
 * names the type of a scalar (an argument's declared type). */
void    ox_lua_debug_value (lua_State *L, OxLuaRoutine *st, int idx, const char *name, const char *sqltype,
                            OxVariable *v);
/* Append the children of the table at idx to out (OxVariable). */
void    ox_lua_debug_children (lua_State *L, OxLuaRoutine *st, int idx, GArray *out);
/* Push the key a child's listed name stands for in the table at idx
 * ("name", ["[x]"], [3], [true]); nil and false when the name can only
 * stand for a key the table does not have.  May raise (allocates). */
bool    ox_lua_debug_push_key (lua_State *L, int idx, const char *name);

/* ---- lua-ox.c ----------------------------------------------------------------------------- */

/* Create the ox module table and leave it on the stack. */
void ox_lua_open_ox (lua_State *L, OxLuaRoutine *st);
/* Raise a Lua error table {sqlstate, message}. */
int  ox_lua_error (lua_State *L, const char *sqlstate, const char *fmt, ...)
	__attribute__ ((noreturn, format (printf, 3, 4)));
/* Move the current engine error (inside OX_CATCH) to st->pending. */
void ox_lua_take_error (OxLuaRoutine *st);
/* Raise st->pending as a Lua error table. */
int  ox_lua_raise_pending (lua_State *L, OxLuaRoutine *st) __attribute__ ((noreturn));
/* Push an error table for e (strings copied; e untouched). */
void ox_lua_push_error (lua_State *L, OxLuaRoutine *st, const OxErrorData *e);
/* Close every cursor still open from call lc (errors ignored when 'quiet'). */
void ox_lua_close_cursors (OxLuaRoutine *st, OxLuaCall *lc);
/* Install the pcall/xpcall that roll back to a subtransaction on error. */
void ox_lua_open_pcall (lua_State *L, OxLuaRoutine *st, int env);
/* Convert the value at idx to a result row and emit it (lua.c). */
void ox_lua_emit (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int idx);
/* Current body line of the innermost frame running the chunk, or 0. */
int  ox_lua_current_line (lua_State *L, OxLuaRoutine *st);
/* The debugger's "raised" report (lua.c) of an error the ox module is
 * about to raise to Lua code, whether or not a pcall will catch it: the
 * error table on top of L's stack, whose content is e.  Call it right
 * before lua_error, outside OX_TRY.  It reports only when the session has
 * hooks and the running call's frame is the top one; it first anchors the
 * table (the one step that may raise: a memory error, before anything is
 * reported).  When 'owned', e is moved out before the hook runs (zeroed)
 * and freed after: an evaluation made while the debugger stops may take
 * an error into st->pending. */
void ox_lua_debug_raised (lua_State *L, OxLuaRoutine *st, OxErrorData *e, bool owned);

#endif
