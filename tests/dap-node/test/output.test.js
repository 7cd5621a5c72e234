'use strict';
/*
 * output.test.js — what a script prints: notices as console output, each
 * statement's result (psql's aligned table, or its command tag) as
 * stdout, errors as stderr; and the exit code of the script.
 */
const assert = require('node:assert/strict');
const { dapTest, endAfter, launch } = require('../lib/oxdap');

dapTest('RAISE NOTICE is console output, a SELECT result is stdout, exit code 0', async (t, dc) => {
	const sql = [
		"DO $$ BEGIN RAISE NOTICE 'hello %', 6 * 7; END $$;",
		"SELECT 1 AS one, 'x' AS two;",
		'CREATE TABLE t (id int);',
		'',
	].join('\n');
	const end = await endAfter(dc, () => launch(dc, { sql }));
	assert.equal(end.exitCode, 0);
	const notices = dc.output('console');
	assert.ok(notices.includes('NOTICE:  hello 42\n'), notices);
	const out = dc.output('stdout');
	assert.match(out, /^\s*one \| two\s*$/m);
	assert.match(out, /^-+\+-+$/m);
	assert.match(out, /^\s*1 \| x\s*$/m);
	assert.match(out, /^\(1 row\)$/m);
	assert.match(out, /^CREATE TABLE$/m);
	/* each where it belongs */
	assert.doesNotMatch(out, /hello 42/);
	assert.doesNotMatch(notices, /\(1 row\)/);
	assert.equal(dc.output('stderr'), '');
	await dc.finish();
});

dapTest('a failing script: the error on stderr, exit code 1', async (t, dc) => {
	const end = await endAfter(dc, () => launch(dc, { sql: 'SELECT 41 + 1 AS answer;\nSELECT 1 / 0;\n' }));
	assert.equal(end.exitCode, 1);
	assert.match(dc.output('stdout'), /^\s*42\s*$/m);
	assert.match(dc.output('stderr'), /division by zero/);
	await dc.finish();
});

dapTest('a script file that does not exist: launch fails', async (t, dc) => {
	await dc.initializeRequest();
	await assert.rejects(dc.launchRequest({ program: '/nonexistent/oxibase-dap-node/none.sql' }), /none\.sql/);
	await dc.finish();
});
