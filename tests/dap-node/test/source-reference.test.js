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

const CREATE = [
	'CREATE FUNCTION twice(x int) RETURNS int LANGUAGE plsql AS $$',
	'BEGIN',
	'  x := x + 1;',
	'  RETURN x * 2;',
	'END $$;',
	'',
].join('\n');

dapTest('a breakpoint in a routine from the database, by sourceReference', async (t, first, spawn) => {
	const dir = tempDir('oxibase-dap-node-');
	try {
		/* launch 1 creates the routine, and exits (releasing the directory) */
		let end = await endAfter(first, () => launch(first, { sql: CREATE, database: dir }));
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
		assert.equal(top.name, 'twice(integer)');
		const source = top.source;
		assert.ok(source.sourceReference > 0, JSON.stringify(source));
		assert.equal(source.name, 'public.twice (function)');
		assert.ok(!source.path, 'no file for a routine from the database');

		/* the body, in which the frame's lines count */
		const text = (await dc.sourceRequest({ source, sourceReference: source.sourceReference })).body.content;
		const lines = text.split('\n');
		const at = (marker) => lines.findIndex((l) => l.includes(marker)) + 1;
		assert.ok(at('RETURN x * 2;') > 0, text);
		assert.equal(top.line, at('BEGIN'), `first step at BEGIN in\n${text}`);

		const r = await dc.setBreakpointsRequest({ source, breakpoints: [{ line: at('RETURN x * 2;') }] });
		assert.equal(r.body.breakpoints.length, 1);
		assert.equal(r.body.breakpoints[0].verified, true);
		assert.equal(r.body.breakpoints[0].line, at('RETURN x * 2;'));

		/* hit in the first SELECT's call, then in the second's */
		for (const [want, stmt] of [['21', 1], ['2', 2]]) {
			s = await stopAfter(dc, 'breakpoint', () => dc.continueRequest({ threadId: THREAD }));
			assert.equal(s.frames[0].line, at('RETURN x * 2;'));
			assert.equal(s.frames[0].source.sourceReference, source.sourceReference);
			assert.equal(s.frames[1].line, stmt);
			const x = await dc.evaluateRequest({ expression: 'x', frameId: s.frames[0].id, context: 'watch' });
			assert.equal(x.body.result, want);
		}
		end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
		assert.equal(end.exitCode, 0);
		assert.match(dc.output('stdout'), /^\s*42\s*$/m);
		assert.match(dc.output('stdout'), /^\s*4\s*$/m);
		await dc.finish();
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
