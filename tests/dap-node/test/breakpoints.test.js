'use strict';
/*
 * breakpoints.test.js — the kinds of breakpoints beyond a plain line:
 * function breakpoints by routine (and trigger) name, exception filters
 * "uncaught" and "raised" with exceptionInfo, conditions, hit conditions,
 * logpoints, and breakpointLocations.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const {
	THREAD, dapTest, endAfter, fixture, launch, lineOf, stopAfter,
} = require('../lib/oxdap');

const SHOP = fixture('shop.sql');
const ERRORS = fixture('errors.sql');
const LOOP = fixture('loop.sql');

const cont = (dc) => dc.continueRequest({ threadId: THREAD });

dapTest('function breakpoints stop on entry to the routine and the trigger named', async (t, dc) => {
	let bps;
	let s = await stopAfter(dc, 'function breakpoint', () => launch(dc, { program: SHOP }, async () => {
		const r = await dc.setFunctionBreakpointsRequest({
			breakpoints: [{ name: 'line_total' }, { name: 'orders_audit' }],
		});
		bps = r.body.breakpoints;
	}));
	assert.equal(bps.length, 2);
	/* the script creates both later: not verified until they are hit */
	assert.ok(bps.every((b) => !b.verified && /exists yet/.test(b.message)), JSON.stringify(bps));
	assert.deepEqual(s.event.body.hitBreakpointIds, [bps[0].id]);
	const changed = dc.events.filter((e) => e.event === 'breakpoint' && e.body.breakpoint.id === bps[0].id);
	assert.ok(changed.some((e) => e.body.breakpoint.verified), 'a breakpoint event verifies the one hit');
	assert.equal(s.frames.length, 3);  /* line_total, place, CALL */
	assert.match(s.frames[0].name, /^line_total\(\d+\.\d\d, \d+\)$/);
	assert.equal(s.frames[0].line, lineOf(SHOP, 'CREATE FUNCTION line_total'));
	assert.equal(s.frames[0].source.path, SHOP);

	s = await stopAfter(dc, 'function breakpoint', () => cont(dc));
	assert.equal(s.frames[0].name, 'orders_audit BEFORE INSERT ON orders FOR EACH ROW');
	assert.deepEqual(s.event.body.hitBreakpointIds, [bps[1].id]);

	const end = await endAfter(dc, () => cont(dc));
	assert.equal(end.exitCode, 0);
	await dc.finish();
});

dapTest('exception filter "uncaught": stops where the error fails the script, exceptionInfo has the SQLSTATE', async (t, dc) => {
	const s = await stopAfter(dc, 'exception', () => launch(dc, { program: ERRORS }, () =>
		dc.setExceptionBreakpointsRequest({ filters: ['uncaught'] })));
	/* the error caught inside safe() did not stop */
	assert.equal(s.frames[s.frames.length - 1].line, lineOf(ERRORS, 'SELECT ratio(6, 0);'));
	const info = await dc.exceptionInfoRequest({ threadId: THREAD });
	assert.equal(info.body.exceptionId, '22012');
	assert.match(info.body.description, /division by zero/);
	assert.equal(info.body.breakMode, 'unhandled');

	const end = await endAfter(dc, () => cont(dc));
	assert.equal(end.exitCode, 1);
	assert.ok(dc.output('console').includes('NOTICE:  caught 22012\n'), dc.output('console'));
	assert.match(dc.output('stderr'), /division by zero/);
	await dc.finish();
});

dapTest('exception filter "raised": stops in the routine that raised, caught or not', async (t, dc) => {
	let s = await stopAfter(dc, 'exception', () => launch(dc, { program: ERRORS }, () =>
		dc.setExceptionBreakpointsRequest({ filters: ['raised'] })));
	/* in ratio, called by safe(), whose handler will catch it */
	assert.equal(s.frames[0].name, 'ratio(1, 0)');
	assert.equal(s.frames[0].line, lineOf(ERRORS, 'RETURN a / b;'));
	assert.match(s.frames[1].name, /^safe\(\)$/);
	let info = await dc.exceptionInfoRequest({ threadId: THREAD });
	assert.equal(info.body.exceptionId, '22012');
	assert.equal(info.body.breakMode, 'always');  /* stopped where raised */

	/* then in ratio again, called by the script's SELECT */
	s = await stopAfter(dc, 'exception', () => cont(dc));
	assert.equal(s.frames[0].name, 'ratio(6, 0)');
	assert.equal(s.frames[s.frames.length - 1].line, lineOf(ERRORS, 'SELECT ratio(6, 0);'));
	info = await dc.exceptionInfoRequest({ threadId: THREAD });
	assert.equal(info.body.exceptionId, '22012');

	const end = await endAfter(dc, () => cont(dc));
	assert.equal(end.exitCode, 1);
	await dc.finish();
});

dapTest('a conditional breakpoint stops only where its condition holds', async (t, dc) => {
	const line = lineOf(LOOP, 'total := total + i;');
	const s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: LOOP }, () =>
		dc.setBreakpointsRequest({ source: { path: LOOP }, breakpoints: [{ line, condition: 'i = 3' }] })));
	assert.equal(s.frames[0].line, line);
	const top = s.frames[0].id;
	assert.equal((await dc.evaluateRequest({ expression: 'i', frameId: top, context: 'watch' })).body.result, '3');
	assert.equal((await dc.evaluateRequest({ expression: 'total', frameId: top, context: 'watch' })).body.result, '3');
	const end = await endAfter(dc, () => cont(dc));  /* i = 4, 5 pass */
	assert.equal(end.exitCode, 0);
	assert.ok(dc.output('console').includes('NOTICE:  total 15\n'));
	await dc.finish();
});

dapTest('a hit condition counts the hits, a logpoint prints and never stops', async (t, dc) => {
	const add = lineOf(LOOP, 'total := total + i;');
	const loop = lineOf(LOOP, 'FOR i IN 1..m LOOP');
	const s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: LOOP }, () =>
		dc.setBreakpointsRequest({
			source: { path: LOOP },
			breakpoints: [
				{ line: loop, logMessage: 'looping to {m}' },
				{ line: add, hitCondition: '== 4' },
			],
		})));
	assert.equal(s.frames[0].line, add);
	const i = await dc.evaluateRequest({ expression: 'i', frameId: s.frames[0].id, context: 'watch' });
	assert.equal(i.body.result, '4');
	const end = await endAfter(dc, () => cont(dc));
	assert.equal(end.exitCode, 0);
	const all = ['console', 'stdout', 'stderr', 'important'].map((c) => dc.output(c)).join('');
	assert.match(all, /looping to 5/);
	await dc.finish();
});

dapTest('breakpointLocations lists the lines a script file can stop on', async (t, dc) => {
	await stopAfter(dc, 'entry', () => launch(dc, { program: SHOP, stopOnEntry: true }));
	const lines = fs.readFileSync(SHOP, 'utf8').split('\n').length;
	const r = await dc.customRequest('breakpointLocations', { source: { path: SHOP }, line: 1, endLine: lines });
	const got = new Set(r.body.breakpoints.map((b) => b.line));
	for (const marker of ['CREATE TABLE items', 'amount := line_total(', 'RETURN p * q;', 'CALL place('])
		assert.ok(got.has(lineOf(SHOP, marker)), `${marker} (line ${lineOf(SHOP, marker)}) in ${[...got]}`);
	assert.ok(!got.has(1), 'a comment line is not a location');
	assert.ok(!got.has(lineOf(SHOP, 'INSERT INTO items') + 1), 'a blank line is not a location');
	/* one line: that line or nothing */
	const one = await dc.customRequest('breakpointLocations', { source: { path: SHOP }, line: lineOf(SHOP, 'CALL place(') });
	assert.deepEqual(one.body.breakpoints.map((b) => b.line), [lineOf(SHOP, 'CALL place(')]);
	await dc.finish();
});

/* PL/SQL resolves assignment targets while parsing: the executable lines
 * of a body that assigns to NEW.field or to an argument need the routine's
 * arguments and trigger-ness (a regression test for the parse that had
 * neither, and moved these breakpoints into the script). */
dapTest('breakpoints on assignments to NEW and to an argument stay on their lines', {}, async (t, dc) => {
	const ASSIGN = fixture('assign.sql');
	const onNew = lineOf(ASSIGN, "NEW.changed := 'yes';");
	const onArg = lineOf(ASSIGN, 'x := x + 1;');
	let bps;
	let s = await stopAfter(dc, 'breakpoint', () => launch(dc, { program: ASSIGN }, async () => {
		const r = await dc.setBreakpointsRequest({
			source: { path: ASSIGN }, breakpoints: [{ line: onNew }, { line: onArg }],
		});
		bps = r.body.breakpoints;
	}));
	assert.deepEqual(bps.map((b) => [b.line, b.verified]), [[onNew, true], [onArg, true]]);
	assert.equal(s.frames[0].name, 'p_stamp BEFORE INSERT ON p FOR EACH ROW');
	assert.equal(s.frames[0].line, onNew);
	s = await stopAfter(dc, 'breakpoint', () => cont(dc));
	assert.equal(s.frames[0].name, 'bump(20)');
	assert.equal(s.frames[0].line, onArg);
	const end = await endAfter(dc, () => cont(dc));
	assert.equal(end.exitCode, 0);
	assert.match(dc.output('stdout'), /^\s*42\s*$/m);
	await dc.finish();
});
