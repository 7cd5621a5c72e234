'use strict';
/*
 * query.test.js — stepIntoQueries: step in at a SELECT with a join goes
 * into its plan operators, one stop per row an operator produces; the
 * operator's source is the plan's EXPLAIN text, its scopes the current
 * row, the operator's counters and the session.
 */
const assert = require('node:assert/strict');
const {
	THREAD, dapTest, endAfter, fixture, launch, lineOf, scopes, stopAfter, variables,
} = require('../lib/oxdap');

const QUERY = fixture('query.sql');

dapTest('step in at a join reaches operator frames with the current row', async (t, dc) => {
	const select = lineOf(QUERY, 'SELECT a.v, b.id AS bid');
	let s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: QUERY, stepIntoQueries: true }, () =>
		dc.setBreakpointsRequest({ source: { path: QUERY }, breakpoints: [{ line: select }] })));
	assert.equal(s.frames.length, 1);
	assert.equal(s.frames[0].line, select);

	s = await stopAfter(dc, 'step', () => dc.stepInRequest({ threadId: THREAD }));
	const op = s.frames[0];
	assert.match(op.name, /Seq Scan on [ab]|Hash Join|Project/);
	assert.ok(op.source && op.source.sourceReference > 0, `an operator's source: ${JSON.stringify(op.source)}`);
	assert.ok(s.frames.length >= 2, 'operators over the statement');
	assert.equal(s.frames[s.frames.length - 1].line, select);

	/* the plan: EXPLAIN's text, one operator a line; the frame's line is its operator's */
	const src = await dc.sourceRequest({ source: op.source, sourceReference: op.source.sourceReference });
	const plan = src.body.content;
	assert.match(plan, /Hash Join/);
	assert.match(plan, /Seq Scan on a/);
	assert.ok(plan.split('\n')[op.line - 1].includes(op.name), `line ${op.line} of\n${plan}\nis ${op.name}`);

	const sc = await scopes(dc, op.id);
	assert.deepEqual(sc.list, ['Current row', 'Operator', 'Session']);
	const row = await variables(dc, sc.byName['Current row'].variablesReference);
	assert.ok(row.list.length > 0, 'the current row has columns');
	assert.ok(row.list.every((v) => typeof v.value === 'string' && v.value !== ''), JSON.stringify(row.list));
	const counters = await variables(dc, sc.byName.Operator.variablesReference);
	assert.ok(counters.list.length > 0, 'the operator scope has counters');

	/* step in, row by row, until the join produces its row */
	for (let i = 0; i < 12 && !s.frames[0].name.startsWith('Hash Join'); i++)
		s = await stopAfter(dc, 'step', () => dc.stepInRequest({ threadId: THREAD }));
	const join = s.frames[0];
	assert.match(join.name, /^Hash Join/);
	assert.ok(plan.split('\n')[join.line - 1].includes('Hash Join'));
	const joined = await variables(dc, (await scopes(dc, join.id))['byName']['Current row'].variablesReference);
	assert.equal(joined.byName['a.v'].value, 'two');
	assert.equal(joined.byName['b.id'].value, '10');
	const ev = await dc.evaluateRequest({ expression: 'b.id * 10', frameId: join.id, context: 'watch' });
	assert.equal(ev.body.result, '100');

	const end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
	assert.equal(end.exitCode, 0);
	assert.match(dc.output('stdout'), /^\s*two \|\s*10\s*$/m);
	await dc.finish();
});
