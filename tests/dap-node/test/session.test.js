'use strict';
/*
 * session.test.js — a script file under the debugger (fixtures/shop.sql):
 * a line breakpoint in a procedure, the stack (paged), scopes, variables
 * (a record expanded), evaluate, setVariable and its effect on the
 * script's output; step in into a function, over, out; step in into a
 * trigger; continue to the end.  Also stop on entry, and stepping from a
 * script statement into the procedure it calls.
 */
const assert = require('node:assert/strict');
const {
	THREAD, dapTest, endAfter, fixture, launch, lineOf, scopes, stopAfter, variables,
} = require('../lib/oxdap');

const SHOP = fixture('shop.sql');
const L = {
	firstStatement: lineOf(SHOP, 'CREATE TABLE items'),
	secondStatement: lineOf(SHOP, 'CREATE TABLE orders'),
	lineTotal: lineOf(SHOP, 'CREATE FUNCTION line_total'),
	lineTotalBegin: lineOf(SHOP, 'BEGIN', lineOf(SHOP, 'CREATE FUNCTION line_total')),
	lineTotalReturn: lineOf(SHOP, 'RETURN p * q;'),
	auditBegin: lineOf(SHOP, 'BEGIN', lineOf(SHOP, 'CREATE FUNCTION audit')),
	auditRaise: lineOf(SHOP, "RAISE NOTICE 'order %"),
	place: lineOf(SHOP, 'CREATE PROCEDURE place'),
	placeEnd: lineOf(SHOP, 'END $$;', lineOf(SHOP, 'CREATE PROCEDURE place')),
	amount: lineOf(SHOP, 'amount := line_total('),
	insert: lineOf(SHOP, 'INSERT INTO orders VALUES'),
	placed: lineOf(SHOP, "RAISE NOTICE 'placed"),
	call: lineOf(SHOP, 'CALL place('),
	select: lineOf(SHOP, 'SELECT id, item, qty, total FROM orders;'),
};

const PLACE = /^place\(100, 1, \d+\)$/;  /* frames show argument values; n may be set */
const LINE_TOTAL = /^line_total\(\d+\.\d\d, \d+\)$/;
const TRIGGER = 'orders_audit BEFORE INSERT ON orders FOR EACH ROW';

const stepIn = (dc) => stopAfter(dc, 'step', () => dc.stepInRequest({ threadId: THREAD }));
const stepOver = (dc) => stopAfter(dc, 'step', () => dc.nextRequest({ threadId: THREAD }));
const stepOut = (dc) => stopAfter(dc, 'step', () => dc.stepOutRequest({ threadId: THREAD }));

/* [name, value, type] of each variable, for deepEqual */
const triples = (vars) => vars.list.map((v) => [v.name, v.value, v.type]);

dapTest('breakpoint in a procedure: stack, scopes, variables, evaluate, setVariable, steps', async (t, dc) => {
	let bp;
	let s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: SHOP }, async () => {
		const r = await dc.setBreakpointsRequest({ source: { path: SHOP }, breakpoints: [{ line: L.amount }] });
		assert.equal(r.body.breakpoints.length, 1);
		bp = r.body.breakpoints[0];
		assert.equal(bp.line, L.amount);
	}));
	if (s.event.body.hitBreakpointIds && bp.id !== undefined)
		assert.deepEqual(s.event.body.hitBreakpointIds, [bp.id]);

	/* the stack: the procedure over the script's CALL */
	assert.equal(s.frames.length, 2);
	const [top, caller] = s.frames;
	assert.match(top.name, PLACE);
	assert.equal(top.line, L.amount);
	assert.equal(top.source.path, SHOP);
	assert.equal(caller.name, 'CALL place(100, 1, 4);');
	assert.equal(caller.line, L.call);
	assert.equal(caller.source.path, SHOP);

	/* paged (supportsDelayedStackTraceLoading) */
	const page1 = await dc.stackTraceRequest({ threadId: THREAD, startFrame: 0, levels: 1 });
	assert.deepEqual(page1.body.stackFrames.map((f) => f.id), [top.id]);
	if (page1.body.totalFrames !== undefined)
		assert.equal(page1.body.totalFrames, 2);
	const page2 = await dc.stackTraceRequest({ threadId: THREAD, startFrame: 1, levels: 1 });
	assert.deepEqual(page2.body.stackFrames.map((f) => [f.id, f.name, f.line]), [[caller.id, caller.name, caller.line]]);
	const past = await dc.stackTraceRequest({ threadId: THREAD, startFrame: 2, levels: 5 });
	assert.deepEqual(past.body.stackFrames, []);

	/* scopes: a routine's four, a script statement's one */
	const sc = await scopes(dc, top.id);
	assert.deepEqual(sc.list, ['Arguments', 'Locals', 'Special', 'Session']);
	assert.deepEqual((await scopes(dc, caller.id)).list, ['Session']);
	const session = await variables(dc, sc.byName.Session.variablesReference);
	assert.ok(session.list.length > 0, 'the Session scope has variables');

	const argsRef = sc.byName.Arguments.variablesReference;
	assert.deepEqual(triples(await variables(dc, argsRef)),
		[['o', '100', 'integer'], ['k', '1', 'integer'], ['n', '4', 'integer']]);

	/* a record expands into its fields */
	const locals = await variables(dc, sc.byName.Locals.variablesReference);
	assert.deepEqual(locals.list.map((v) => v.name), ['it', 'amount']);
	assert.equal(locals.byName.amount.value, 'NULL');
	assert.equal(locals.byName.amount.variablesReference, 0);
	const it = locals.byName.it;
	assert.equal(it.value, '(1,pen,2.50)');
	assert.ok(it.variablesReference > 0, 'a record expands');
	const fields = await variables(dc, it.variablesReference);
	assert.deepEqual(fields.list.map((v) => [v.name, v.value]), [['id', '1'], ['name', 'pen'], ['price', '2.50']]);
	assert.equal(fields.byName.id.type, 'integer');
	assert.equal(fields.byName.name.type, 'text');

	/* evaluate: watch and hover in the frame; repl runs SQL in the
	 * paused transaction; an error is a failed response */
	let ev = await dc.evaluateRequest({ expression: 'it.price * n', frameId: top.id, context: 'watch' });
	assert.equal(ev.body.result, '10.00');
	ev = await dc.evaluateRequest({ expression: 'it.name', frameId: top.id, context: 'hover' });
	assert.equal(ev.body.result, 'pen');
	ev = await dc.evaluateRequest({ expression: 'o + k', frameId: top.id, context: 'watch' });
	assert.equal(ev.body.result, '101');
	ev = await dc.evaluateRequest({
		expression: 'SELECT count(*) AS orders_so_far FROM orders', frameId: top.id, context: 'repl',
	});
	assert.match(ev.body.result, /orders_so_far/);
	assert.match(ev.body.result, /^\s*0\s*$/m);
	assert.match(ev.body.result, /\(1 row\)/);
	await assert.rejects(dc.evaluateRequest({ expression: 'no_such_variable + 1', frameId: top.id, context: 'watch' }));

	/* setVariable: n becomes 3; the order below shows it */
	const set = await dc.setVariableRequest({ variablesReference: argsRef, name: 'n', value: '3' });
	assert.equal(set.body.value, '3');
	assert.equal((await variables(dc, argsRef)).byName.n.value, '3');
	await assert.rejects(dc.setVariableRequest({ variablesReference: argsRef, name: 'n', value: "'many'" }));
	assert.equal((await variables(dc, argsRef)).byName.n.value, '3');

	/* step in: into line_total, at its first step */
	s = await stepIn(dc);
	assert.equal(s.frames.length, 3);
	assert.match(s.frames[0].name, LINE_TOTAL);
	assert.equal(s.frames[0].line, L.lineTotalBegin);
	assert.equal(s.frames[0].source.path, SHOP);
	assert.match(s.frames[1].name, PLACE);
	assert.equal(s.frames[1].line, L.amount);
	const ltArgs = await variables(dc, (await scopes(dc, s.frames[0].id)).byName.Arguments.variablesReference);
	assert.deepEqual(ltArgs.list.map((v) => [v.name, v.value]), [['p', '2.50'], ['q', '3']]);

	/* over, then out: back in place, after the assignment */
	s = await stepOver(dc);
	assert.equal(s.frames[0].line, L.lineTotalReturn);
	s = await stepOut(dc);
	assert.equal(s.frames.length, 2);
	assert.match(s.frames[0].name, PLACE);
	assert.equal(s.frames[0].line, L.insert);
	const after = await variables(dc, (await scopes(dc, s.frames[0].id)).byName.Locals.variablesReference);
	assert.equal(after.byName.amount.value, '7.50');

	/* step in at the INSERT: into the trigger's function */
	s = await stepIn(dc);
	assert.equal(s.frames.length, 3);
	assert.equal(s.frames[0].name, TRIGGER);
	assert.equal(s.frames[0].line, L.auditBegin);
	assert.equal(s.frames[0].source.path, SHOP);
	const special = await variables(dc, (await scopes(dc, s.frames[0].id)).byName.Special.variablesReference);
	const neu = special.list.find((v) => v.name.toLowerCase() === 'new');
	assert.ok(neu, `NEW among ${special.list.map((v) => v.name)}`);
	assert.equal(neu.value, '(100,1,3,7.50)');
	assert.ok(neu.variablesReference > 0);
	s = await stepOver(dc);
	assert.equal(s.frames[0].line, L.auditRaise);
	s = await stepOut(dc);
	assert.match(s.frames[0].name, PLACE);
	assert.equal(s.frames[0].line, L.placed);

	/* over the procedure's last statement: the script's next one */
	s = await stepOver(dc);
	assert.equal(s.frames.length, 1);
	assert.equal(s.frames[0].line, L.select);
	assert.equal(s.frames[0].name, 'SELECT id, item, qty, total FROM orders;');

	const end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
	assert.equal(end.exitCode, 0);
	assert.match(dc.output('stdout'), /^\s*100 \|\s*1 \|\s*3 \|\s*7\.50\s*$/m);
	const notices = dc.output('console');
	assert.ok(notices.includes('NOTICE:  order 100 for item 1\n'), notices);
	assert.ok(notices.includes('NOTICE:  placed 3 x pen = 7.50\n'), notices);
	assert.equal(dc.output('stderr'), '');
	await dc.finish();
});

dapTest('stop on entry, then step over script statements', async (t, dc) => {
	let s = await stopAfter(dc, 'entry', () => launch(dc, { program: SHOP, stopOnEntry: true }));
	assert.equal(s.frames.length, 1);
	assert.equal(s.frames[0].line, L.firstStatement);
	assert.equal(s.frames[0].name, 'CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2));');
	assert.equal(s.frames[0].source.path, SHOP);
	s = await stepOver(dc);
	assert.equal(s.frames[0].line, L.secondStatement);
	const end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
	assert.equal(end.exitCode, 0);
	await dc.finish();
});

dapTest('step in from the script statement into the procedure it calls', async (t, dc) => {
	let s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: SHOP }, () =>
		dc.setBreakpointsRequest({ source: { path: SHOP }, breakpoints: [{ line: L.call }] })));
	assert.equal(s.frames.length, 1);
	assert.equal(s.frames[0].line, L.call);
	s = await stepIn(dc);
	assert.equal(s.frames.length, 2);
	assert.match(s.frames[0].name, PLACE);
	assert.equal(s.frames[0].source.path, SHOP);
	assert.ok(s.frames[0].line > L.place && s.frames[0].line < L.amount,
		`first step of place at ${s.frames[0].line}, between ${L.place} and ${L.amount}`);
	/* out: the CALL is done; the next stop is the script's next statement */
	s = await stepOut(dc);
	assert.equal(s.frames.length, 1);
	assert.equal(s.frames[0].line, L.select);
	const end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
	assert.equal(end.exitCode, 0);
	assert.match(dc.output('stdout'), /^\s*100 \|\s*1 \|\s*4 \|\s*10\.00\s*$/m);
	await dc.finish();
});
