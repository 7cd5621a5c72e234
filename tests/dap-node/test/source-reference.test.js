'use strict';
/*
 * source-reference.test.js — a routine that no file of this launch
 * created: created by an earlier launch into a database directory, then
 * called by a second launch.  Its frames name a sourceReference; the
 * `source` request returns its body, and a breakpoint set on that
 * reference stops there.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const {
	THREAD, dapTest, endAfter, launch, stopAfter, tempDir,
} = require('../lib/oxdap');

/* twice(20) = 42 and twice(1) = 4, with y = x + 1 where the breakpoint
 * goes: in a local, or (assignArgument) in the argument itself. */
function createTwice(assignArgument) {
	const v = assignArgument ? 'x' : 'y';
	return [
		'CREATE FUNCTION twice(x int) RETURNS int LANGUAGE plsql AS $$',
		...(assignArgument ? [] : ['DECLARE', '  y int;']),
		'BEGIN',
		`  ${v} := x + 1;`,
		`  RETURN ${v} * 2;`,
		'END $$;',
		'',
	].join('\n');
}

async function breakpointByReference(first, spawn, assignArgument) {
	const dir = tempDir('oxibase-dap-node-');
	try {
		/* launch 1 creates the routine, and exits (releasing the directory) */
		let end = await endAfter(first, () => launch(first, { sql: createTwice(assignArgument), database: dir }));
		assert.equal(end.exitCode, 0);
		await first.finish();

		/* launch 2 only calls it */
		const dc = await spawn();
		const sql = 'SELECT twice(20) AS a;\nSELECT twice(1) AS b;\n';
		let s = await stopAfter(dc, 'entry', () => launch(dc, { sql, database: dir, stopOnEntry: true }));
		assert.equal(s.frames.length, 1);
		assert.equal(s.frames[0].name, 'SELECT twice(20) AS a;');
		assert.equal(s.frames[0].line, 1);

		s = await stopAfter(dc, 'step', () => dc.stepInRequest({ threadId: THREAD }));
		assert.equal(s.frames.length, 2);
		const top = s.frames[0];
		assert.equal(top.name, 'twice(20)');
		const source = top.source;
		assert.ok(source.sourceReference > 0, JSON.stringify(source));
		assert.equal(source.name, 'public.twice (function)');
		assert.ok(!source.path, 'no file for a routine from the database');

		/* the body, in which the frame's lines count */
		const text = (await dc.sourceRequest({ source, sourceReference: source.sourceReference })).body.content;
		const lines = text.split('\n');
		const at = (marker) => lines.findIndex((l) => l.includes(marker)) + 1;
		const ret = at('RETURN');
		assert.ok(ret > 0, text);
		/* the first step is the body's block, where it starts (DECLARE or BEGIN) */
		const block = lines.findIndex((l) => l.trim() !== '') + 1;
		assert.equal(top.line, block, `first step at line ${block} in\n${text}`);

		const r = await dc.setBreakpointsRequest({ source, breakpoints: [{ line: ret }] });
		assert.equal(r.body.breakpoints.length, 1);
		assert.equal(r.body.breakpoints[0].verified, true, JSON.stringify(r.body.breakpoints[0]));
		assert.equal(r.body.breakpoints[0].line, ret);

		/* hit in the first SELECT's call, then in the second's */
		for (const [want, stmt] of [['21', 1], ['2', 2]]) {
			s = await stopAfter(dc, 'breakpoint', () => dc.continueRequest({ threadId: THREAD }));
			assert.equal(s.frames[0].line, ret);
			assert.equal(s.frames[0].source.sourceReference, source.sourceReference);
			assert.equal(s.frames[1].line, stmt);
			const v = await dc.evaluateRequest({
				expression: assignArgument ? 'x' : 'y', frameId: s.frames[0].id, context: 'watch',
			});
			assert.equal(v.body.result, want);
		}
		end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
		assert.equal(end.exitCode, 0);
		assert.match(dc.output('stdout'), /^\s*42\s*$/m);
		assert.match(dc.output('stdout'), /^\s*4\s*$/m);
		await dc.finish();
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

dapTest('a breakpoint in a routine from the database, by sourceReference', async (t, first, spawn) => {
	await breakpointByReference(first, spawn, false);
});

/* The same by sourceReference: the served body's lines come from the
 * routine itself. */
dapTest('a breakpoint by sourceReference in a body that assigns to its argument', {}, async (t, first, spawn) => {
	await breakpointByReference(first, spawn, true);
});
